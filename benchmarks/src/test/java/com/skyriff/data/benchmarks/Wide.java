package com.skyriff.data.benchmarks;

import com.skyriff.data.SkyriffData;
import com.skyriff.data.rules.Rules;
import com.skyriff.data.rules.RulesReader;
import com.skyriff.data.testkit.LocalTopology;
import com.skyriff.data.testkit.PgNode;
import com.skyriff.data.testkit.PgShard;
import com.skyriff.data.testkit.TestDatabase;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.YearMonth;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * Wide layouts for the routing and startup benchmarks: {@code shards} logical shards x {@code months} monthly tables,
 * all on the few physical servers of the local topology (logical shard {@code i} lives in database {@code wide} of
 * physical shard {@code i % 2}; many logical shards share one physical database, which routing does not care about).
 * The rules are YAML text, as a DBA writes them, so that startup includes parsing them. Thread-safe.
 */
public final class Wide {
    static final String DATABASE = "wide";
    private static TestDatabase db;
    private static final Map<Shape, SkyriffData> LAYERS = new EnumMap<>(Shape.class);
    private static final Set<Shape> PREPARED = EnumSet.noneOf(Shape.class);

    private Wide() {
    }

    /** The shapes the issue names. */
    public enum Shape {
        S2_M12(2, 12), S16_M36(16, 36), S64_M36(64, 36);

        final int shards;
        final int months;

        Shape(int shards, int months) {
            this.shards = shards;
            this.months = months;
        }

        @Override
        public String toString() {
            return shards + "x" + months;
        }
    }

    /** Database {@code wide} with the template tables on every physical shard, created once per JVM. */
    static synchronized TestDatabase database() {
        if (db == null) {
            LocalTopology topology = LocalTopology.shared();
            db = topology.createDatabase(DATABASE);
            for (PgShard s : db.shards()) {
                PgNode p = s.primary();
                try (Connection c = DriverManager.getConnection(p.jdbcUrl(), p.user(), p.password());
                     Statement st = c.createStatement()) {
                    st.execute("CREATE TABLE users (user_id bigint PRIMARY KEY, handle text NOT NULL,"
                            + " display_name text NOT NULL, region_code text NOT NULL, created_at timestamptz NOT NULL"
                            + " DEFAULT now())");
                    st.execute("CREATE TABLE watch_events (event_id bigint NOT NULL, user_id bigint NOT NULL,"
                            + " video_id bigint NOT NULL, watched_s integer NOT NULL, created_at timestamptz NOT NULL,"
                            + " PRIMARY KEY (event_id, created_at))");
                    st.execute("CREATE INDEX watch_events_user_time_idx ON watch_events (user_id, created_at DESC)");
                } catch (SQLException e) {
                    throw new IllegalStateException(s.name() + ": wide schema failed: " + e.getMessage(), e);
                }
            }
            for (PgShard s : db.shards()) {
                s.awaitReplicaCatchUp(Duration.ofSeconds(60));
            }
        }
        return db;
    }

    /**
     * The rules file of a shape: {@code users} by user, {@code watch_events} by user and month with a window of
     * {@code months} months ending two months ahead; pools of at most 2 connections, none kept idle.
     */
    static String yaml(Shape shape) {
        TestDatabase d = database();
        YearMonth first = YearMonth.now(Clock.systemUTC()).plusMonths(2).minusMonths(shape.months - 1L);
        StringBuilder y = new StringBuilder();
        y.append("name: wide").append(shape.shards).append('\n');
        y.append("bucket-count: 1024\ncreate-missing-months: true\n");
        y.append("pool: { maximum-size: 2, minimum-idle: 0 }\n");
        y.append("shards:\n");
        int per = 1024 / shape.shards;
        for (int i = 0; i < shape.shards; i++) {
            PgShard s = d.shards().get(i % d.shards().size());
            int to = i == shape.shards - 1 ? 1023 : (i + 1) * per - 1;
            y.append("  - name: s").append(i).append('\n');
            y.append("    buckets: ").append(i * per).append('-').append(to).append('\n');
            y.append("    primary: { url: \"").append(s.primary().jdbcUrl()).append("\", username: \"")
                    .append(s.primary().user()).append("\", password: \"${PG_PASSWORD}\" }\n");
            y.append("    replicas: [ \"").append(s.replicas().get(0).jdbcUrl()).append("\" ]\n");
        }
        y.append("tables:\n");
        y.append("  users: { strategy: user, key: user_id }\n");
        y.append("  watch_events: { strategy: user+month, key: user_id, time: created_at, first-month: \"")
                .append(first).append("\", months-ahead: 2 }\n");
        return y.toString();
    }

    /** Parses the shape's rules text (the password comes from the environment map, as in production). */
    static Rules rules(String yaml, Shape shape) {
        String password = database().shards().get(0).primary().password();
        return RulesReader.parse(yaml, "wide-" + shape + ".yaml", Map.of("PG_PASSWORD", password)::get,
                Clock.systemUTC());
    }

    /** Builds a new layer of a shape (creating any missing month tables the first time); the caller closes it. */
    static SkyriffData build(Shape shape) {
        SkyriffData data = SkyriffData.builder().rules(rules(yaml(shape), shape)).build();
        synchronized (Wide.class) {
            PREPARED.add(shape);
        }
        return data;
    }

    /** The layer of a shape, built once per JVM and closed when it exits (routing benchmarks share it). */
    static synchronized SkyriffData layer(Shape shape) {
        SkyriffData data = LAYERS.get(shape);
        if (data == null) {
            data = build(shape);
            LAYERS.put(shape, data);
            if (LAYERS.size() == 1) {
                Runtime.getRuntime().addShutdownHook(new Thread(Wide::closeAll, "bench-wide-close"));
            }
        }
        return data;
    }

    /** Makes sure the shape's month tables exist (a first start creates them), without keeping a layer open. */
    static void prepare(Shape shape) {
        synchronized (Wide.class) {
            if (PREPARED.contains(shape)) {
                return;
            }
        }
        build(shape).close();
    }

    private static synchronized void closeAll() {
        LAYERS.values().forEach(SkyriffData::close);
        LAYERS.clear();
    }
}
