package com.skyriff.examples.demo;

import com.skyriff.data.PrimaryScope;
import com.skyriff.data.SkyriffData;
import com.skyriff.data.rules.BucketRange;
import com.skyriff.data.rules.NodeSpec;
import com.skyriff.data.rules.Rules;
import com.skyriff.data.rules.ShardSpec;
import com.skyriff.data.rules.TableSpec;
import com.skyriff.data.testkit.LocalTopology;
import com.skyriff.data.testkit.PgNode;
import com.skyriff.data.testkit.PgShard;
import java.io.PrintStream;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The main job on the embedded default: starts 2 shards (each a primary with 2 streaming replicas) and Redis on free
 * loopback ports, creates the schema, runs statements through the layer and prints which server and physical table
 * answered each, then stops everything (also on Ctrl-C). Run with {@code ./bin/skyriff demo}.
 */
public final class DemoMain {
    static final String SCHEMA = """
            CREATE TABLE IF NOT EXISTS users (user_id bigint PRIMARY KEY, name text NOT NULL);
            CREATE TABLE IF NOT EXISTS watch_event (event_id bigint NOT NULL, user_id bigint NOT NULL,
                video_id bigint NOT NULL, created_at timestamptz NOT NULL, PRIMARY KEY (event_id, created_at));
            CREATE TABLE IF NOT EXISTS regions (code text PRIMARY KEY, name text NOT NULL);
            """;

    private DemoMain() {
    }

    public static void main(String[] args) throws Exception {
        PrintStream out = System.out;
        long t0 = System.nanoTime();
        out.println("[demo] starting the embedded topology: 2 shards x (1 primary + 2 replicas) + Redis");
        try (LocalTopology topology = LocalTopology.builder().shards(2).replicasPerShard(2).redis(true).build()) {
            Runtime.getRuntime().addShutdownHook(new Thread(topology::close, "demo-stop"));
            for (PgShard s : topology.shards()) {
                out.printf("[demo] %s primary %s:%d, replicas %s%n", s.name(), s.primary().host(), s.primary().port(),
                        s.replicas().stream().map(r -> r.host() + ":" + r.port()).toList());
            }
            out.printf("[demo] redis %s%n", topology.redis().uri());
            for (PgShard s : topology.shards()) {
                exec(s.primary(), SCHEMA);
                s.awaitReplicaCatchUp(Duration.ofSeconds(30));
            }
            out.println("[demo] schema created on every shard primary");
            Rules rules = rules(topology.shards());
            try (SkyriffData data = SkyriffData.builder().rules(rules).build()) {
                out.println("[demo] data source up: " + rules.nodes().size() + " node pools");
                run(data, topology, out);
            }
        }
        out.printf("[demo] everything stopped (%.1f s)%n", (System.nanoTime() - t0) / 1e9);
    }

    static Rules rules(List<PgShard> shards) {
        Rules.Builder b = Rules.builder().name("skyriff").bucketCount(1024).createMissingMonths(true);
        int i = 0;
        for (PgShard s : shards) {
            b.shard(new ShardSpec(s.name(), node(s.primary()), s.replicas().stream().map(DemoMain::node).toList(), null,
                    List.of(BucketRange.of(i * 512, i * 512 + 511))));
            i++;
        }
        YearMonth now = YearMonth.now(ZoneOffset.UTC);
        return b.table(TableSpec.user("users", "user_id"))
                .table(TableSpec.userMonth("watch_event", "user_id", "created_at", now.minusMonths(2), 1).withId("event_id"))
                .table(TableSpec.broadcast("regions"))
                .build();
    }

    private static void run(SkyriffData data, LocalTopology topology, PrintStream out) throws SQLException {
        Map<Integer, String> nodeNames = new HashMap<>();
        for (PgShard s : topology.shards()) {
            nodeNames.put(s.primary().port(), s.name() + " primary");
            for (int r = 0; r < s.replicas().size(); r++) {
                nodeNames.put(s.replicas().get(r).port(), s.name() + " replica " + r);
            }
        }
        try (Connection c = data.dataSource().getConnection()) {
            for (long user = 1; user <= 4; user++) {
                update(c, "INSERT INTO users (user_id, name) VALUES (?, ?)", user, "user-" + user);
                out.printf("[demo] INSERT users(user_id=%d)            -> %s primary (bucket %d)%n", user,
                        data.rules().orElseThrow().buckets().shardOf(user), data.rules().orElseThrow().buckets().bucketOf(user));
            }
            Instant now = Instant.now();
            update(c, "INSERT INTO watch_event (user_id, video_id, created_at) VALUES (?, ?, ?)", 1L, 10L,
                    Timestamp.from(now));
            update(c, "INSERT INTO watch_event (user_id, video_id, created_at) VALUES (?, ?, ?)", 1L, 11L,
                    Timestamp.from(now.minus(Duration.ofDays(40))));
            update(c, "INSERT INTO regions (code, name) VALUES (?, ?)", "eu", "Europe");
            for (PgShard s : topology.shards()) {
                s.awaitReplicaCatchUp(Duration.ofSeconds(10));
            }
            for (long user = 1; user <= 4; user++) {
                out.printf("[demo] SELECT users WHERE user_id=%d       -> answered by %s%n", user,
                        who(c, nodeNames, "SELECT inet_server_port() FROM users WHERE user_id = ?", user));
            }
            out.printf("[demo] SELECT regions WHERE code='eu'       -> answered by %s%n",
                    who(c, nodeNames, "SELECT inet_server_port() FROM regions WHERE code = ?", "eu"));
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT tableoid::regclass::text, inet_server_port() FROM watch_event WHERE user_id = ? ORDER BY created_at")) {
                ps.setLong(1, 1L);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.printf("[demo] SELECT watch_event WHERE user_id=1   -> row from %s on %s%n", rs.getString(1),
                                nodeNames.get(rs.getInt(2)));
                    }
                }
            }
            c.setAutoCommit(false);
            out.printf("[demo] SELECT users inside a transaction     -> answered by %s%n",
                    who(c, nodeNames, "SELECT inet_server_port() FROM users WHERE user_id = ?", 1L));
            c.commit();
            c.setAutoCommit(true);
            try (PrimaryScope scope = data.primaryScope()) {
                out.printf("[demo] SELECT users inside primaryScope()    -> answered by %s%n",
                        who(c, nodeNames, "SELECT inet_server_port() FROM users WHERE user_id = ?", 1L));
            }
        }
    }

    private static String who(Connection c, Map<Integer, String> names, String sql, Object arg) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setObject(1, arg);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? names.getOrDefault(rs.getInt(1), "port " + rs.getInt(1)) : "(no row)";
            }
        }
    }

    private static void update(Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            ps.executeUpdate();
        }
    }

    private static void exec(PgNode node, String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(node.jdbcUrl(), node.user(), node.password());
             Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    static NodeSpec node(PgNode n) {
        return NodeSpec.of(n.jdbcUrl(), n.user(), n.password());
    }
}
