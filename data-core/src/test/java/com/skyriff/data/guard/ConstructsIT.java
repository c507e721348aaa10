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
import org.apache.shardingsphere.driver.jdbc.core.connection.ShardingSphereConnection;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The PostgreSQL constructs of real services, run through the sharded layer and on one unsharded database with the same
 * rows: each either returns the same result, or is refused naming the construct and what to write instead (by the
 * guard, or, for the constructs ShardingSphere 5.5.2 rejects in its own parser or binder, by the layer's connection).
 * Nothing may return a different result, and no ShardingSphere exception reaches the caller. The tables allow full
 * scans so that the construct checks, not the shard-key guard, decide. docs/reliability.md lists the same cases.
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
                read("GROUP BY or DISTINCT of text", "SELECT DISTINCT name FROM users"),
                read(SAME, "SELECT video_id, count(*) FROM watch_event GROUP BY video_id ORDER BY video_id"),
                read("GROUP BY or DISTINCT of text", "SELECT name, count(*) FROM users GROUP BY name"),
                read("min() or max() of text", "SELECT sum(score), min(name), max(name) FROM users"),
                read("count(DISTINCT x) of a non-bigint x", "SELECT name, count(DISTINCT score) FROM users GROUP BY name ORDER BY name"),
                read(SAME, "SELECT video_id, count(*) c FROM watch_event GROUP BY video_id ORDER BY c DESC, video_id LIMIT 3"),
                read(SAME, "SELECT date_trunc('month', created_at) m, count(*) FROM watch_event"
                        + " GROUP BY date_trunc('month', created_at) ORDER BY m"),
                read(SAME, "SELECT count(*) FILTER (WHERE video_id > 5) FROM watch_event"),
                read(SAME, "SELECT user_id FROM users ORDER BY user_id LIMIT 10 OFFSET 5"),
                read(SAME, "SELECT user_id FROM users ORDER BY user_id OFFSET 5 LIMIT 10"),
                read(SAME, "SELECT user_id FROM users ORDER BY user_id LIMIT ? OFFSET ?", 4, 3),
                read(SAME, "SELECT user_id FROM users ORDER BY user_id FETCH FIRST 3 ROWS ONLY"),
                read(SAME, "SELECT user_id FROM users ORDER BY user_id OFFSET 35"),
                read("ORDER BY text", "SELECT user_id, name FROM users ORDER BY name DESC, user_id LIMIT 5"),
                read(SAME, "SELECT name FROM users ORDER BY user_id DESC LIMIT 3"),
                read(SAME, "SELECT user_id FROM users ORDER BY score * -1, user_id LIMIT 5"),
                read(SAME, "SELECT user_id FROM users ORDER BY score DESC NULLS LAST, user_id LIMIT 5"),
                read(SAME, "SELECT count(*) FROM users WHERE user_id = ANY(?)", (Object) new Long[] {1L, 2L, 3L, 50L}),
                read("a subquery", "SELECT count(*) FROM users WHERE user_id IN (SELECT user_id FROM videos WHERE title = 't1')"),
                read("UNION", "SELECT user_id FROM users WHERE score = 1 UNION SELECT user_id FROM videos WHERE title = 't0'"
                        + " ORDER BY 1"),
                read("ORDER BY text", "SELECT u.name, count(v.video_id) FROM users u JOIN videos v ON u.user_id = v.user_id"
                        + " GROUP BY u.name ORDER BY u.name"),
                read(SAME, "SELECT u.name, v.title FROM users u JOIN videos v ON u.user_id = v.user_id WHERE u.user_id = ?"
                        + " ORDER BY v.title", 5L),
                read(SAME, "WITH x AS (SELECT video_id FROM videos WHERE user_id = ?) SELECT count(*) FROM x", 5L),
                read(SAME, "SELECT avg(score) FROM users WHERE user_id = ?", 5L),
                read(SAME, "SELECT count(*) FROM watch_event WHERE created_at BETWEEN ? AND ?",
                        at("2026-10-01T00:00:00Z"), at("2026-11-30T00:00:00Z")),
                read(SAME, "SELECT sum(score) FROM users WHERE score > 100"),
                // the alternatives the refusals of SKIP LOCKED and LATERAL name
                read(SAME, "SELECT user_id, name FROM users WHERE user_id = ? FOR UPDATE NOWAIT", 7L),
                read(SAME, "SELECT user_id FROM users WHERE user_id = ? FOR UPDATE", 7L),
                read(SAME, "SELECT u.user_id, count(v.video_id) FROM users u JOIN videos v ON v.user_id = u.user_id"
                        + " WHERE u.user_id = ? GROUP BY u.user_id", 7L),
                // LATERAL in name only (the subquery does not refer to the outer query): ShardingSphere binds it
                read(SAME, "SELECT u.user_id, x.c FROM users u, LATERAL (SELECT 1 AS c) x WHERE u.user_id = ?", 7L),
                // wrong across shards in ShardingSphere 5.5.2: refused, naming the construct
                read("OFFSET n ROWS FETCH FIRST m ROWS ONLY",
                        "SELECT user_id FROM users ORDER BY user_id OFFSET 5 ROWS FETCH FIRST 10 ROWS ONLY"),
                read("a window function", "SELECT user_id, rank() OVER (ORDER BY score DESC, user_id) r FROM users ORDER BY r"),
                // one user over several months: one statement on the user's shard computes it (the single-shard path)
                read(SAME, "SELECT video_id, row_number() OVER (ORDER BY created_at) FROM watch_event"
                        + " WHERE user_id = ? AND created_at >= ? AND created_at < ? ORDER BY created_at", 5L, SEP, DEC),
                read("string_agg()", "SELECT string_agg(name, ',' ORDER BY name) FROM users"),
                read("array_agg()", "SELECT array_agg(user_id ORDER BY user_id) FROM users"),
                read("json_agg()", "SELECT json_agg(user_id ORDER BY user_id)::text FROM users WHERE score > 8"),
                read("bool_or()", "SELECT bool_or(score > 9) FROM users"),
                read("stddev()", "SELECT round(stddev(score)::numeric, 6) FROM users"),
                read("percentile_cont()", "SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY score) FROM users"),
                read("an aggregate inside an expression", "SELECT count(*) * 2 FROM users"),
                read("an aggregate inside an expression", "SELECT sum(score) / count(*) FROM users"),
                read("an aggregate inside an expression", "SELECT COALESCE(max(score), 0) FROM users"),
                read("avg()", "SELECT name, avg(score) FROM users GROUP BY name ORDER BY name"),
                read("HAVING", "SELECT name, count(*) FROM users GROUP BY name HAVING count(*) > 5 ORDER BY name"),
                read("a subquery in FROM", "SELECT count(*) FROM (SELECT DISTINCT video_id FROM watch_event) t"),
                read("a subquery", "SELECT EXISTS(SELECT 1 FROM users WHERE name = 'n3')"),
                read("DISTINCT ON", "SELECT DISTINCT ON (name) name, user_id FROM users ORDER BY name, user_id"),
                read("WITH (a common table expression)",
                        "WITH x AS (SELECT user_id FROM users WHERE score > 5) SELECT count(*) FROM x"));
    }

    static Arguments read(String expected, String sql, Object... params) {
        return Arguments.of(expected, sql, params);
    }

    @ParameterizedTest(name = "{1} -> {0}")
    @MethodSource("reads")
    void read_sameAsOneUnshardedDatabase_orRefused(String expected, String sql, Object[] params) throws SQLException {
        if (expected.equals(SAME)) {
            assertThat(run(sharded, sql, params)).as(sql).isEqualTo(run(single, sql, params));
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
                // RETURNING runs on the single-shard path (OneShardIT); through ShardingSphere (here forced by a
                // hint, as for statements spanning shards or months) it stays refused
                Arguments.of("INSERT ... RETURNING", "/* SHARDINGSPHERE_HINT: WRITE_ROUTE_ONLY=true */ INSERT INTO users"
                        + " (user_id, name, score) VALUES (301, 'r', 1) RETURNING user_id"),
                Arguments.of("DELETE ... RETURNING", "/* SHARDINGSPHERE_HINT: WRITE_ROUTE_ONLY=true */ DELETE FROM users"
                        + " WHERE user_id = 302 RETURNING user_id"),
                Arguments.of("writes to 2 shards", "UPDATE users SET score = score + 1 WHERE name = 'n2'"),
                Arguments.of("writes to 2 shards", "INSERT INTO users (user_id, name, score) VALUES (101, 'a', 1),"
                        + " (102, 'b', 2), (103, 'c', 3), (104, 'd', 4)"),
                Arguments.of("users: UPDATE ... FROM", "UPDATE users u SET score = 77 FROM videos v"
                        + " WHERE v.user_id = u.user_id AND v.title = 't2' AND u.user_id = 8"),
                Arguments.of("videos: DELETE ... USING", "DELETE FROM videos v USING users u WHERE u.user_id = v.user_id"
                        + " AND u.user_id = 9 AND v.title = 't0'"),
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
        assertThatThrownBy(() -> update(sharded, sql)).isInstanceOf(RefusedStatementException.class)
                .hasMessageContaining(expected);
        assertThat(run(sharded, check)).as("nothing written").isEqualTo(before);
    }

    /**
     * The constructs ShardingSphere 5.5.2 cannot run on a sharded table even for one user: it fails in its parser
     * (SKIP LOCKED), its binder (LATERAL, DELETE ... USING, UPDATE ... FROM joining a sharded table) or its
     * multiple-table check (UPDATE ... FROM), with its own unchecked exception or an SQLException of its own. Each is
     * tried with the user id (one shard) and without (every shard).
     */
    static Stream<Arguments> rejectedByShardingSphere() {
        String lateral = "join the tables on user_id instead (GROUP BY for aggregates), or run the inner query per row"
                + " in the application";
        String skipLocked = "use FOR UPDATE NOWAIT (a locked row fails the statement with SQLState 55P03 instead of"
                + " being skipped) or FOR UPDATE, with user_id = ?";
        String updateFrom = "select the values first (with user_id = ?), then UPDATE by key (WHERE user_id = ?) with"
                + " those values";
        String deleteUsing = "select the keys of the rows to delete first (with user_id = ?), then DELETE ... WHERE"
                + " user_id = ? AND <id> IN (...)";
        return Stream.of(
                Arguments.of("users", "LATERAL", lateral, "SELECT u.user_id, x.c FROM users u, LATERAL (SELECT"
                        + " count(*) c FROM videos v WHERE v.user_id = u.user_id) x WHERE u.user_id = 7"),
                Arguments.of("users", "LATERAL", lateral, "SELECT u.user_id, x.c FROM users u JOIN LATERAL (SELECT"
                        + " count(*) c FROM videos v WHERE v.user_id = u.user_id) x ON true"),
                Arguments.of("users", "LATERAL", lateral, "SELECT u.user_id, g FROM users u CROSS JOIN LATERAL"
                        + " generate_series(1, u.score) g WHERE u.user_id = 7"),
                Arguments.of("watch_event", "LATERAL", lateral, "SELECT w.event_id, x.title FROM watch_event w,"
                        + " LATERAL (SELECT v.title FROM videos v WHERE v.video_id = w.video_id) x WHERE w.user_id = 7"
                        + " AND w.created_at >= '2026-10-01' AND w.created_at < '2026-11-01'"),
                Arguments.of("users", "SELECT ... FOR UPDATE SKIP LOCKED", skipLocked,
                        "SELECT user_id, name FROM users WHERE user_id = 7 FOR UPDATE SKIP LOCKED"),
                Arguments.of("users", "SELECT ... FOR UPDATE SKIP LOCKED", skipLocked,
                        "SELECT user_id FROM users ORDER BY user_id LIMIT 1 FOR UPDATE SKIP LOCKED"),
                Arguments.of("users", "SELECT ... FOR NO KEY UPDATE SKIP LOCKED", skipLocked,
                        "SELECT user_id FROM users WHERE user_id = 7 FOR NO KEY UPDATE OF users SKIP LOCKED"),
                Arguments.of("users", "UPDATE ... FROM", updateFrom, "UPDATE users u SET score = 77 FROM videos v"
                        + " WHERE v.user_id = u.user_id AND v.title = 't2' AND u.user_id = 8"),
                Arguments.of("users", "UPDATE ... FROM", updateFrom, "UPDATE users SET score = 77 FROM videos"
                        + " WHERE videos.user_id = users.user_id AND videos.title = 't2'"),
                Arguments.of("videos", "DELETE ... USING", deleteUsing, "DELETE FROM videos v USING users u"
                        + " WHERE u.user_id = v.user_id AND u.user_id = 9 AND v.title = 't0'"),
                Arguments.of("videos", "DELETE ... USING", deleteUsing, "DELETE FROM videos USING users"
                        + " WHERE users.user_id = videos.user_id AND users.score > 5"));
    }

    @ParameterizedTest(name = "{3} -> {1}")
    @MethodSource("rejectedByShardingSphere")
    void constructShardingSphereRejects_isRefusedNamingItAndTheAlternative_throughPrepareAndExecute(
            String table, String construct, String alternative, String sql) throws SQLException {
        // valid PostgreSQL: it runs on one database (rolled back, so the reference rows stay as they are)
        single.setAutoCommit(false);
        try (Statement s = single.createStatement()) {
            s.execute(sql);
        } finally {
            single.rollback();
            single.setAutoCommit(true);
        }
        String check = "SELECT user_id, name, score FROM users ORDER BY user_id";
        String checkVideos = "SELECT video_id, user_id, title FROM videos ORDER BY video_id";
        String before = run(sharded, check) + run(sharded, checkVideos);
        List<ThrowingCallable> paths = List.of(
                () -> {
                    try (PreparedStatement ps = sharded.prepareStatement(sql)) {
                        ps.execute();
                    }
                },
                () -> {
                    try (Statement s = sharded.createStatement()) {
                        s.execute(sql);
                    }
                },
                () -> {
                    try (Statement s = sharded.createStatement()) {
                        if (sql.startsWith("SELECT")) {
                            s.executeQuery(sql).close();
                        } else {
                            s.executeUpdate(sql);
                        }
                    }
                });
        for (ThrowingCallable path : paths) {
            assertThatThrownBy(path).as(sql)
                    .isInstanceOfSatisfying(RefusedStatementException.class, e -> {
                        assertThat(e.reason()).isEqualTo(RefusedStatementException.Reason.UNSUPPORTED_CONSTRUCT);
                        assertThat(e.table()).isEqualTo(table);
                        assertThat(e.getSQLState()).isEqualTo("42000");
                    })
                    .hasMessageStartingWith(table + ": " + construct + " on a sharded table is refused: ShardingSphere"
                            + " 5.5.2")
                    .hasMessageContaining(", even for one user; " + alternative);
        }
        assertThat(run(sharded, check) + run(sharded, checkVideos)).as("nothing written").isEqualTo(before);
    }

    @Test
    void layerConnection_unwrapsToShardingSphereConnection() throws SQLException {
        assertThat(sharded.isWrapperFor(ShardingSphereConnection.class)).isTrue();
        assertThat(sharded.unwrap(ShardingSphereConnection.class)).isInstanceOf(ShardingSphereConnection.class);
        try (Statement s = sharded.createStatement()) {
            assertThat(s.getConnection()).as("a statement's connection is the one that made it").isSameAs(sharded);
        }
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
