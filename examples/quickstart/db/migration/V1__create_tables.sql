CREATE TABLE users (
    user_id bigint PRIMARY KEY,
    name    text   NOT NULL
);

CREATE TABLE watch_event (
    event_id   bigint      NOT NULL,
    user_id    bigint      NOT NULL,
    video_id   bigint      NOT NULL,
    created_at timestamptz NOT NULL,
    PRIMARY KEY (event_id, created_at)
);
CREATE INDEX watch_event_user_idx ON watch_event (user_id, created_at);
