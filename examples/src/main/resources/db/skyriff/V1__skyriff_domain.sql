-- SkyRiff reference service schema, written once against logical table names.
-- The migrations tool applies it to every shard and expands monthly tables to every month table.
CREATE TABLE users (
    user_id      bigint      PRIMARY KEY,
    handle       text        NOT NULL,
    display_name text        NOT NULL,
    region_code  text        NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE videos (
    video_id     bigint      PRIMARY KEY,
    user_id      bigint      NOT NULL,
    title        text        NOT NULL,
    duration_s   integer     NOT NULL CHECK (duration_s > 0),
    views        bigint      NOT NULL DEFAULT 0,
    created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX videos_user_views_idx ON videos (user_id, views DESC);

CREATE TABLE follows (
    follower_id  bigint      NOT NULL,
    followee_id  bigint      NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (follower_id, followee_id)
);

CREATE TABLE watch_events (
    event_id     bigint      NOT NULL,
    user_id      bigint      NOT NULL,
    video_id     bigint      NOT NULL,
    watched_s    integer     NOT NULL CHECK (watched_s >= 0),
    created_at   timestamptz NOT NULL,
    PRIMARY KEY (event_id, created_at)
);
CREATE INDEX watch_events_user_time_idx ON watch_events (user_id, created_at DESC);

CREATE TABLE wallets (
    user_id      bigint         PRIMARY KEY,
    balance      numeric(19, 4) NOT NULL DEFAULT 0 CHECK (balance >= 0),
    updated_at   timestamptz    NOT NULL DEFAULT now()
);

CREATE TABLE wallet_ledger (
    entry_id      bigint         NOT NULL,
    user_id       bigint         NOT NULL,
    amount        numeric(19, 4) NOT NULL,
    balance_after numeric(19, 4) NOT NULL CHECK (balance_after >= 0),
    kind          text           NOT NULL CHECK (kind IN ('credit', 'debit')),
    created_at    timestamptz    NOT NULL,
    PRIMARY KEY (entry_id, created_at)
);
CREATE INDEX wallet_ledger_user_time_idx ON wallet_ledger (user_id, created_at DESC);

CREATE TABLE regions (
    code         text        PRIMARY KEY,
    name         text        NOT NULL
);
