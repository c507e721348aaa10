package com.skyriff.data.migrations;

import com.skyriff.data.rules.BucketRange;
import com.skyriff.data.rules.NodeSpec;
import com.skyriff.data.rules.Rules;
import com.skyriff.data.rules.ShardSpec;
import com.skyriff.data.rules.TableSpec;
import com.skyriff.data.testkit.PgNode;
import com.skyriff.data.testkit.PgShard;
import com.skyriff.data.testkit.TestDatabase;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/** Rules over a test database of the local topology, the migrations the tests apply, and JDBC helpers. */
final class ClusterFixture {
    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-25T10:00:00Z"), ZoneOffset.UTC);
    /** Window 2026-10 .. 2026-12 as of {@link #CLOCK}. */
    static final YearMonth FIRST_MONTH = YearMonth.of(2026, 10);

    static final String V1 = """
            CREATE TABLE users (user_id bigint PRIMARY KEY, name text NOT NULL);
            CREATE TABLE watch_event (event_id bigint NOT NULL, user_id bigint NOT NULL REFERENCES users (user_id),
                video_id bigint NOT NULL, created_at timestamptz NOT NULL DEFAULT now(),
                CONSTRAINT watch_event_video_positive CHECK (video_id > 0),
                PRIMARY KEY (event_id, created_at));
            CREATE INDEX watch_event_user_idx ON watch_event (user_id, created_at);
            CREATE TABLE regions (code text PRIMARY KEY, name text NOT NULL);
            CREATE TABLE app_config (k text PRIMARY KEY, v text NOT NULL);
            """;
    static final String V2 = """
            ALTER TABLE watch_event ADD COLUMN kind smallint NOT NULL DEFAULT 0;
            CREATE INDEX watch_event_kind_idx ON watch_event (kind) WHERE kind > 0;
            ALTER TABLE users ADD COLUMN email text;
            """;

    private ClusterFixture() {
    }

    static Rules rules(TestDatabase db) {
        return rules(db, CLOCK, false);
    }

    /** The same tables over {@code db}, with the month windows as of {@code clock}. */
    static Rules rules(TestDatabase db, Clock clock, boolean createMissingMonths) {
        Rules.Builder b = Rules.builder().name(db.name()).bucketCount(64).clock(clock)
                .createMissingMonths(createMissingMonths);
        int i = 0;
        int per = 64 / db.shards().size();
        for (PgShard s : db.shards()) {
            List<NodeSpec> replicas = s.replicas().stream().map(ClusterFixture::node).toList();
            b.shard(new ShardSpec(s.name(), node(s.primary()), replicas, null,
                    List.of(BucketRange.of(i * per, i * per + per - 1))));
            i++;
        }
        return b.table(TableSpec.user("users", "user_id"))
                .table(TableSpec.userMonth("watch_event", "user_id", "created_at", FIRST_MONTH, 1).withId("event_id"))
                .table(TableSpec.broadcast("regions"))
                .table(TableSpec.single("app_config"))
                .build();
    }

    static NodeSpec node(PgNode n) {
        return NodeSpec.of(n.jdbcUrl(), n.user(), n.password());
    }

    static Path write(Path dir, String name, String sql) {
        try {
            Files.createDirectories(dir);
            return Files.writeString(dir.resolve(name), sql);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Connection connect(PgNode n) throws SQLException {
        return DriverManager.getConnection(n.jdbcUrl(), n.user(), n.password());
    }

    static void execute(PgNode n, String sql) throws SQLException {
        try (Connection c = connect(n); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    static List<String> strings(PgNode n, String sql) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Connection c = connect(n); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }

    static List<String> tables(PgNode n) throws SQLException {
        return strings(n, "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'flyway_schema_history' ORDER BY 1");
    }

    static void awaitReplicas(TestDatabase db) {
        for (PgShard s : db.shards()) {
            s.awaitReplicaCatchUp(Duration.ofSeconds(30));
        }
    }

    /** Every node of the database: primaries and replicas. */
    static List<PgNode> allNodes(TestDatabase db) {
        List<PgNode> out = new ArrayList<>();
        for (PgShard s : db.shards()) {
            out.add(s.primary());
            out.addAll(s.replicas());
        }
        return out;
    }
}
