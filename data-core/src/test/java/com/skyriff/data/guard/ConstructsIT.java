package com.skyriff.data.guard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.skyriff.data.SkyriffData;
import com.skyriff.data.rules.BucketRange;
import com.skyriff.data.rules.NodeSpec;
import com.skyriff.data.rules.Rules;
import com.skyriff.data.rules.ShardSpec;
import com.skyriff.data.rules.TableSpec;
import com.skyriff.data.testkit.LocalTopology;
import com.skyriff.data.testkit.PgNode;
import com.skyriff.data.testkit.PgShard;
import com.skyriff.data.testkit.TestDatabase;
import java.math.BigDecimal;
import java.sql.Array;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The PostgreSQL constructs of real services, run through the sharded layer and on one unsharded database with the same
 * rows: each either returns the same result, or is refused by the guard naming the construct, or fails loudly in
 * ShardingSphere. Nothing may return a different result. The tables allow full scans so that the construct checks, not
 * the shard-key guard, decide. docs/reliability.md lists the same cases.
 */
class ConstructsIT {
    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-25T10:00:00Z"), ZoneOffset.UTC);
    static final String SCHEMA = """
            CREATE TABLE users (user_id bigint PRIMARY KEY, name text NOT NULL, score int);
            CREATE TABLE videos (video_id bigint PRIMARY KEY, user_id bigint NOT NULL, title text NOT NULL);
            CREATE TABLE watch_event (event_id bigint NOT NULL, user_id bigint NOT NULL, video_id bigint NOT NULL,
                created_at timestamptz NOT NULL, PRIMARY KEY (event_id, created_at));
            """;
    static final Timestamp SEP = at("2026-09-01T00:00:00Z");
    static final Timestamp DEC = at("2026-12-01T00:00:00Z");

    static SkyriffData data;
    static Connection sharded;
    static Connection single;

    /** Same result on both. */
    static final String SAME = "same";
    /**
     * ShardingSphere itself fails with an error (loud, so not silently wrong); for these it is an unchecked
     * ShardingSphere exception thrown by {@code prepareStatement}, before the layer sees the statement.
     */
    static final String ERROR = "error";

    @BeforeAll
    static void start() throws SQLException {
        TestDatabase db = LocalTopology.shared().createDatabase("constructs_it");
        TestDatabase ref = LocalTopology.shared().createDatabase("constructs_ref");
        PgNode refNode = ref.shards().get(0).primary();
        execute(refNode, SCHEMA);
        Rules.Builder b = Rules.builder().name("constructs_it").bucketCount(64).createMissingMonths(true).clock(CLOCK);
        int i = 0;
        for (PgShard s : db.shards()) {
            execute(s.primary(), SCHEMA);
            b.shard(new ShardSpec(s.name(), node(s.primary()), List.of(), null, List.of(BucketRange.of(i * 32, i * 32 + 31))));
            i++;
        }
        Rules rules = b.table(TableSpec.user("users", "user_id").withFullScanAllowed())
                .table(TableSpec.user("videos", "user_id").withFullScanAllowed())
                .table(TableSpec.userMonth("watch_event", "user_id", "created_at", YearMonth.of(2026, 9), 2)
                        .withFullScanAllowed())
                .build();
        data = SkyriffData.builder().rules(rules).clock(CLOCK).build();
        sharded = data.dataSource().getConnection();
        single = DriverManager.getConnection(refNode.jdbcUrl() + "?stringtype=unspecified", refNode.user(),
                refNode.password());
        for (Connection c : List.of(sharded, single)) {
            load(c);
        }
    }

    @AfterAll
    static void stop() throws SQLException {
        if (sharded != null) {
            sharded.close();
        }
        if (single != null) {
            single.close();
        }
        if (data != null) {
            data.close();
        }
    }

    static void load(Connection c) throws SQLException {
        try (PreparedStatement u = c.prepareStatement("INSERT INTO users (user_id, name, score) VALUES (?, ?, ?)");
             PreparedStatement v = c.prepareStatement("INSERT INTO videos (video_id, user_id, title) VALUES (?, ?, ?)");
             PreparedStatement w = c.prepareStatement(
                     "INSERT INTO watch_event (event_id, user_id, video_id, created_at) VALUES (?, ?, ?, ?)")) {
            long event = 1;
            for (long user = 1; user <= 40; user++) {
                u.setLong(1, user);
                u.setString(2, "n" + user % 7);
                u.setInt(3, (int) (user * 37 % 11));
                u.executeUpdate();
                for (int k = 0; k < 3; k++) {
                    v.setLong(1, user * 100 + k);
                    v.setLong(2, user);
                    v.setString(3, "t" + (k + user % 3));
                    v.executeUpdate();
                    for (int m = 0; m < 3; m++) {
                        w.setLong(1, event++);
                        w.setLong(2, user);
                        w.setLong(3, (user + k) % 9);
                        w.setTimestamp(4, Timestamp.from(Instant.parse("2026-09-10T00:00:00Z")
                                .plus(Duration.ofDays(31L * m + k))));
                        w.executeUpdate();
                    }
                }
            }
        }
    }

    static Stream<Arguments> reads() {
        return Stream.of(
                // merged correctly by ShardingSphere
                read(SAME, "SELECT count(*) FROM watch_event"),
                read(SAME, "SELECT count(DISTINCT video_id) FROM watch_event"),
                read(SAME, "SELECT count(DISTINCT video_id) FROM watch_event WHERE user_id = ? AND created_at >= ?"
                        + " AND created_at < ?", 5L, SEP, DEC),
                read(SAME, "SELECT DISTINCT video_id FROM watch_event ORDER BY video_id"),
                read(SAME, "SELECT DISTINCT name FROM users"),
                read(SAME, "SELECT video_id, count(*) FROM watch_event GROUP BY video_id ORDER BY video_id"),
                read(SAME, "SELECT name, count(*) FROM users GROUP BY name"),
                read(SAME, "SELECT sum(score), min(name), max(name) FROM users"),
                read(SAME, "SELECT name, count(DISTINCT score) FROM users GROUP BY name ORDER BY name"),
                read(SAME, "SELECT video_id, count(*) c FROM watch_event GROUP BY video_id ORDER BY c DESC, video_id LIMIT 3"),
                read(SAME, "SELECT date_trunc('month', created_at) m, count(*) FROM watch_event"
                        + " GROUP BY date_trunc('month', created_at) ORDER BY m"),
                read(SAME, "SELECT count(*) FILTER (WHERE video_id > 5) FROM watch_event"),
                read(SAME, "SELECT user_id FROM users ORDER BY user_id LIMIT 10 OFFSET 5"),
                read(SAME, "SELECT user_id FROM users ORDER BY user_id OFFSET 5 LIMIT 10"),
                read(SAME, "SELECT user_id FROM users ORDER BY user_id LIMIT ? OFFSET ?", 4, 3),
                read(SAME, "SELECT user_id FROM users ORDER BY user_id FETCH FIRST 3 ROWS ONLY"),
                read(SAME, "SELECT user_id FROM users ORDER BY user_id OFFSET 35"),
                read(SAME, "SELECT user_id, name FROM users ORDER BY name DESC, user_id LIMIT 5"),
                read(SAME, "SELECT name FROM users ORDER BY user_id DESC LIMIT 3"),
                read(SAME, "SELECT user_id FROM users ORDER BY score * -1, user_id LIMIT 5"),
                read(SAME, "SELECT user_id FROM users ORDER BY score DESC NULLS LAST, user_id LIMIT 5"),
                read(SAME, "SELECT count(*) FROM users WHERE user_id = ANY(?)", (Object) new Long[] {1L, 2L, 3L, 50L}),
                read(SAME, "SELECT count(*) FROM users WHERE user_id IN (SELECT user_id FROM videos WHERE title = 't1')"),
                read(SAME, "SELECT user_id FROM users WHERE score = 1 UNION SELECT user_id FROM videos WHERE title = 't0'"
                        + " ORDER BY 1"),
                read(SAME, "SELECT u.name, count(v.video_id) FROM users u JOIN videos v ON u.user_id = v.user_id"
                        + " GROUP BY u.name ORDER BY u.name"),
                read(SAME, "SELECT u.name, v.title FROM users u JOIN videos v ON u.user_id = v.user_id WHERE u.user_id = ?"
                        + " ORDER BY v.title", 5L),
                read(SAME, "WITH x AS (SELECT video_id FROM videos WHERE user_id = ?) SELECT count(*) FROM x", 5L),
                read(SAME, "SELECT avg(score) FROM users WHERE user_id = ?", 5L),
                read(SAME, "SELECT count(*) FROM watch_event WHERE created_at BETWEEN ? AND ?",
                        at("2026-10-01T00:00:00Z"), at("2026-11-30T00:00:00Z")),
                read(SAME, "SELECT sum(score) FROM users WHERE score > 100"),
                // wrong across shards in ShardingSphere 5.5.2: refused, naming the construct
                read("OFFSET n ROWS FETCH FIRST m ROWS ONLY",
                        "SELECT user_id FROM users ORDER BY user_id OFFSET 5 ROWS FETCH FIRST 10 ROWS ONLY"),
                read("a window function", "SELECT user_id, rank() OVER (ORDER BY score DESC, user_id) r FROM users ORDER BY r"),
                read("a window function", "SELECT video_id, row_number() OVER (ORDER BY created_at) FROM watch_event"
                        + " WHERE user_id = ? AND created_at >= ? AND created_at < ? ORDER BY created_at", 5L, SEP, DEC),
                read("string_agg(...)", "SELECT string_agg(name, ',' ORDER BY name) FROM users"),
                read("array_agg(...)", "SELECT array_agg(user_id ORDER BY user_id) FROM users"),
                read("json_agg(...)", "SELECT json_agg(user_id ORDER BY user_id)::text FROM users WHERE score > 8"),
                read("bool_or(...)", "SELECT bool_or(score > 9) FROM users"),
                read("stddev(...)", "SELECT round(stddev(score)::numeric, 6) FROM users"),
                read("percentile_cont(...)", "SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY score) FROM users"),
                read("an aggregate inside an expression", "SELECT count(*) * 2 FROM users"),
                read("an aggregate inside an expression", "SELECT sum(score) / count(*) FROM users"),
                read("an aggregate inside an expression", "SELECT COALESCE(max(score), 0) FROM users"),
                read("avg(...)", "SELECT name, avg(score) FROM users GROUP BY name ORDER BY name"),
                read("HAVING", "SELECT name, count(*) FROM users GROUP BY name HAVING count(*) > 5 ORDER BY name"),
                read("a subquery in FROM", "SELECT count(*) FROM (SELECT DISTINCT video_id FROM watch_event) t"),
                read("a subquery in the select list", "SELECT EXISTS(SELECT 1 FROM users WHERE name = 'n3')"),
                read("SELECT DISTINCT ON", "SELECT DISTINCT ON (name) name, user_id FROM users ORDER BY name, user_id"),
                read("WITH (a common table expression)",
                        "WITH x AS (SELECT user_id FROM users WHERE score > 5) SELECT count(*) FROM x"),
                // rejected by ShardingSphere itself
                read(ERROR, "SELECT u.user_id, x.c FROM users u, LATERAL (SELECT count(*) c FROM videos v"
                        + " WHERE v.user_id = u.user_id) x WHERE u.user_id = ?", 7L),
                read(ERROR, "SELECT user_id FROM users ORDER BY user_id LIMIT 1 FOR UPDATE SKIP LOCKED"));
    }

    static Arguments read(String expected, String sql, Object... params) {
        return Arguments.of(expected, sql, params);
    }

    @ParameterizedTest(name = "{1} -> {0}")
    @MethodSource("reads")
    void read_sameAsOneUnshardedDatabase_orRefused(String expected, String sql, Object[] params) throws SQLException {
        if (expected.equals(SAME)) {
            assertThat(run(sharded, sql, params)).as(sql).isEqualTo(run(single, sql, params));
        } else if (expected.equals(ERROR)) {
            run(single, sql, params);
            assertThatThrownBy(() -> run(sharded, sql, params)).isInstanceOf(Exception.class);
        } else {
            run(single, sql, params);
            assertThatThrownBy(() -> run(sharded, sql, params))
                    .isInstanceOf(RefusedStatementException.class)
                    .hasMessageContaining(": " + expected)
                    .hasMessageMatching("(users|videos|watch_event): .* spans \\d+ shard tables.*");
        }
    }

    static Stream<Arguments> writes() {
        return Stream.of(
                Arguments.of("INSERT ... SELECT", "INSERT INTO videos (video_id, user_id, title) SELECT 9000 + user_id,"
                        + " user_id, 'copy' FROM users WHERE user_id = 3"),
                Arguments.of("INSERT ... SELECT", "INSERT INTO videos (video_id, user_id, title) SELECT video_id + 100000,"
                        + " user_id, 'copy3' FROM videos WHERE title = 't1'"),
                Arguments.of("INSERT ... RETURNING", "INSERT INTO users (user_id, name, score) VALUES (301, 'r', 1)"
                        + " RETURNING user_id"),
                Arguments.of("DELETE ... RETURNING", "DELETE FROM users WHERE user_id = 302 RETURNING user_id"),
                Arguments.of("writes to 2 shards", "UPDATE users SET score = score + 1 WHERE name = 'n2'"),
                Arguments.of("writes to 2 shards", "INSERT INTO users (user_id, name, score) VALUES (101, 'a', 1),"
                        + " (102, 'b', 2), (103, 'c', 3), (104, 'd', 4)"),
                Arguments.of(ERROR, "UPDATE users u SET score = 77 FROM videos v WHERE v.user_id = u.user_id"
                        + " AND v.title = 't2' AND u.user_id = 8"),
                Arguments.of(ERROR, "DELETE FROM videos v USING users u WHERE u.user_id = v.user_id AND u.user_id = 9"
                        + " AND v.title = 't0'"),
                Arguments.of(SAME, "INSERT INTO users (user_id, name, score) VALUES (5, 'up', 1) ON CONFLICT (user_id)"
                        + " DO UPDATE SET name = EXCLUDED.name"),
                Arguments.of(SAME, "INSERT INTO users (user_id, name, score) VALUES (6, 'nothing', 1)"
                        + " ON CONFLICT DO NOTHING"));
    }

    @ParameterizedTest(name = "{1} -> {0}")
    @MethodSource("writes")
    void write_sameAsOneUnshardedDatabase_orRefused(String expected, String sql) throws SQLException {
        String check = "SELECT user_id, name, score FROM users ORDER BY user_id";
        if (expected.equals(SAME)) {
            assertThat(update(sharded, sql)).isEqualTo(update(single, sql));
            assertThat(run(sharded, check)).isEqualTo(run(single, check));
            return;
        }
        String before = run(sharded, check);
        if (expected.equals(ERROR)) {
            assertThatThrownBy(() -> update(sharded, sql)).isInstanceOf(Exception.class);
        } else {
            assertThatThrownBy(() -> update(sharded, sql)).isInstanceOf(RefusedStatementException.class)
                    .hasMessageContaining(expected);
        }
        assertThat(run(sharded, check)).as("nothing written").isEqualTo(before);
    }

    static int update(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
            return s.getUpdateCount();
        }
    }

    static String run(Connection c, String sql, Object... params) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                List<String> rows = new ArrayList<>();
                int n = rs.getMetaData().getColumnCount();
                while (rs.next()) {
                    StringBuilder row = new StringBuilder("(");
                    for (int k = 1; k <= n; k++) {
                        Object o = rs.getObject(k);
                        if (o instanceof BigDecimal d) {
                            o = d.stripTrailingZeros().toPlainString();
                        } else if (o instanceof Array a) {
                            o = Arrays.toString((Object[]) a.getArray());
                        }
                        row.append(k > 1 ? "," : "").append(o);
                    }
                    rows.add(row.append(')').toString());
                }
                String upper = sql.toUpperCase(Locale.ROOT);
                if (!upper.contains(" ORDER BY ") || upper.contains("(ORDER BY")) {
                    Collections.sort(rows);
                }
                return rows.toString();
            }
        }
    }

    static void execute(PgNode node, String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(node.jdbcUrl(), node.user(), node.password());
             Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    static NodeSpec node(PgNode n) {
        return NodeSpec.of(n.jdbcUrl(), n.user(), n.password());
    }

    static Timestamp at(String instant) {
        return Timestamp.from(Instant.parse(instant));
    }
}
