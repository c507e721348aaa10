package com.skyriff.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.skyriff.data.rules.BucketRange;
import com.skyriff.data.rules.NodeSpec;
import com.skyriff.data.rules.Rules;
import com.skyriff.data.rules.ShardSpec;
import com.skyriff.data.rules.TableSpec;
import com.skyriff.data.testkit.LocalTopology;
import com.skyriff.data.testkit.PgNode;
import com.skyriff.data.testkit.PgShard;
import com.skyriff.data.testkit.TestDatabase;
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
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Routing, read/write splitting, transactions and ids, proven by asking the server that answered. */
class SkyriffDataIT {
    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-25T10:00:00Z"), ZoneOffset.UTC);
    static final String SCHEMA = """
            CREATE TABLE users (user_id bigint PRIMARY KEY, name text NOT NULL, profile jsonb);
            CREATE TABLE videos (video_id bigint PRIMARY KEY, user_id bigint NOT NULL, title text NOT NULL);
            CREATE TABLE watch_event (event_id bigint NOT NULL, user_id bigint NOT NULL, video_id bigint NOT NULL,
                created_at timestamptz NOT NULL, PRIMARY KEY (event_id, created_at));
            CREATE INDEX watch_event_user_idx ON watch_event (user_id, created_at);
            CREATE TABLE regions (code text PRIMARY KEY, name text NOT NULL);
            CREATE TABLE app_config (k text PRIMARY KEY, v text NOT NULL);
            """;

    static TestDatabase db;
    static Rules rules;
    static SkyriffData data;

    @BeforeAll
    static void start() throws SQLException {
        db = LocalTopology.shared().createDatabase("routing_it");
        for (PgShard shard : db.shards()) {
            execute(shard.primary(), SCHEMA);
            shard.awaitReplicaCatchUp(Duration.ofSeconds(30));
        }
        rules = rulesFor(db, true);
        data = SkyriffData.builder().rules(rules).clock(CLOCK).build();
    }

    @AfterAll
    static void stop() {
        if (data != null) {
            data.close();
        }
    }

    static Rules rulesFor(TestDatabase db, boolean createMonths) {
        Rules.Builder b = Rules.builder().name("routing_it").bucketCount(64).createMissingMonths(createMonths).clock(CLOCK);
        int i = 0;
        for (PgShard s : db.shards()) {
            List<NodeSpec> replicas = s.replicas().stream().map(SkyriffDataIT::node).toList();
            b.shard(new ShardSpec(s.name(), node(s.primary()), replicas, null,
                    List.of(BucketRange.of(i * 32, i * 32 + 31))));
            i++;
        }
        return b.table(TableSpec.user("users", "user_id"))
                .table(TableSpec.user("videos", "user_id").withId("video_id"))
                .table(TableSpec.userMonth("watch_event", "user_id", "created_at", YearMonth.of(2026, 9), 2)
                        .withId("event_id"))
                .table(TableSpec.broadcast("regions"))
                .table(TableSpec.single("app_config"))
                .build();
    }

    static NodeSpec node(PgNode n) {
        return NodeSpec.of(n.jdbcUrl(), n.user(), n.password());
    }

    static void execute(PgNode node, String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(node.jdbcUrl(), node.user(), node.password());
             Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    static long count(PgNode node, String sql, Object... args) throws SQLException {
        try (Connection c = DriverManager.getConnection(node.jdbcUrl(), node.user(), node.password());
             PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    static PgShard shardOf(long userId) {
        String name = rules.buckets().shardOf(userId);
        return db.shards().stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow();
    }

    static PgShard otherShard(long userId) {
        String name = rules.buckets().shardOf(userId);
        return db.shards().stream().filter(s -> !s.name().equals(name)).findFirst().orElseThrow();
    }

    /** [pg_is_in_recovery(), inet_server_port()] of the server that answered a read of this user's row. */
    static Object[] whoAnswers(Connection c, long userId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT pg_is_in_recovery(), inet_server_port(), name FROM users WHERE user_id = ?")) {
            ps.setLong(1, userId);
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).as("row for user %s visible", userId).isTrue();
                return new Object[] {rs.getBoolean(1), rs.getInt(2), rs.getString(3)};
            }
        }
    }

    static void insertUser(Connection c, long userId, String name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO users (user_id, name, profile) VALUES (?, ?, ?::jsonb)")) {
            ps.setLong(1, userId);
            ps.setString(2, name);
            ps.setString(3, "{\"lang\":\"en\"}");
            ps.executeUpdate();
        }
    }

    @Test
    void insert_user_landsOnlyOnItsBucketShardPrimary() throws SQLException {
        long userId = 1001;
        try (Connection c = data.dataSource().getConnection()) {
            insertUser(c, userId, "ada");
        }
        assertThat(count(shardOf(userId).primary(), "SELECT count(*) FROM users WHERE user_id = ?", userId)).isEqualTo(1);
        assertThat(count(otherShard(userId).primary(), "SELECT count(*) FROM users WHERE user_id = ?", userId)).isZero();
        assertThat(count(shardOf(userId).primary(), "SELECT count(*) FROM users WHERE user_id = ? AND profile->>'lang' = 'en'",
                userId)).as("?::jsonb survived the rewrite").isEqualTo(1);
    }

    @Test
    void read_byUserId_isAnsweredByThatShardsReplica() throws SQLException {
        long userId = 1002;
        try (Connection c = data.dataSource().getConnection()) {
            insertUser(c, userId, "grace");
        }
        PgShard shard = shardOf(userId);
        shard.awaitReplicaCatchUp(Duration.ofSeconds(10));
        try (Connection c = data.dataSource().getConnection()) {
            Object[] who = whoAnswers(c, userId);
            assertThat(who[0]).as("in recovery = a replica").isEqualTo(true);
            assertThat(who[1]).isEqualTo(shard.replicas().get(0).port());
        }
    }

    @Test
    void read_insideTransaction_isAnsweredByPrimaryAndSeesOwnWrite() throws SQLException {
        long userId = 1003;
        try (Connection c = data.dataSource().getConnection()) {
            c.setAutoCommit(false);
            insertUser(c, userId, "linus");
            Object[] who = whoAnswers(c, userId);
            assertThat(who[0]).isEqualTo(false);
            assertThat(who[1]).isEqualTo(shardOf(userId).primary().port());
            assertThat(who[2]).isEqualTo("linus");
            c.commit();
        }
    }

    @Test
    void read_insidePrimaryScope_isAnsweredByPrimary_andReplicaAfterIt() throws SQLException {
        long userId = 1004;
        try (Connection c = data.dataSource().getConnection()) {
            insertUser(c, userId, "barbara");
            try (PrimaryScope scope = data.primaryScope(); PrimaryScope nested = data.primaryScope()) {
                Object[] who = whoAnswers(c, userId);
                assertThat(who[0]).isEqualTo(false);
                assertThat(who[2]).as("read-your-writes").isEqualTo("barbara");
            }
            assertThat(PrimaryScope.isActive()).isFalse();
            shardOf(userId).awaitReplicaCatchUp(Duration.ofSeconds(10));
            assertThat(whoAnswers(c, userId)[0]).as("after the scope: replica again").isEqualTo(true);
        }
    }

    @Test
    void insert_watchEvent_landsInItsMonthTableOnItsShard() throws SQLException {
        long userId = 2001;
        try (Connection c = data.dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement(
                     "INSERT INTO watch_event (user_id, video_id, created_at) VALUES (?, ?, ?)")) {
            ps.setLong(1, userId);
            ps.setLong(2, 77);
            ps.setTimestamp(3, Timestamp.from(Instant.parse("2026-10-31T23:30:00Z")));
            ps.executeUpdate();
        }
        PgNode primary = shardOf(userId).primary();
        assertThat(count(primary, "SELECT count(*) FROM watch_event_202610 WHERE user_id = ?", userId)).isEqualTo(1);
        assertThat(count(primary, "SELECT count(*) FROM watch_event_202611 WHERE user_id = ?", userId)).isZero();
        assertThat(count(otherShard(userId).primary(), "SELECT count(*) FROM watch_event_202610 WHERE user_id = ?", userId))
                .isZero();
    }

    /**
     * Proof by trap rows: every month table outside the expected two holds a row for this user whose timestamp lies
     * inside the queried range (planted directly on the primary, bypassing the router). If the layer scanned any of
     * those tables, the server would return its trap row.
     */
    @Test
    void rangeRead_overTwoMonths_touchesExactlyThoseTwoTables() throws SQLException {
        long userId = 2002;
        PgShard shard = shardOf(userId);
        for (String trap : List.of("watch_event_202609", "watch_event_202612", "watch_event_202701")) {
            execute(shard.primary(), "INSERT INTO " + trap + " (event_id, user_id, video_id, created_at) "
                    + "VALUES (" + trap.hashCode() + ", " + userId + ", 0, '2026-10-15T00:00:00Z')");
        }
        try (Connection c = data.dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement(
                     "INSERT INTO watch_event (user_id, video_id, created_at) VALUES (?, ?, ?)")) {
            for (String at : List.of("2026-10-20T12:00:00Z", "2026-11-03T08:00:00Z")) {
                ps.setLong(1, userId);
                ps.setLong(2, 1);
                ps.setTimestamp(3, Timestamp.from(Instant.parse(at)));
                ps.executeUpdate();
            }
        }
        shard.awaitReplicaCatchUp(Duration.ofSeconds(10));
        List<String> tables = new ArrayList<>();
        try (Connection c = data.dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT tableoid::regclass::text, pg_is_in_recovery() "
                     + "FROM watch_event WHERE user_id = ? AND created_at >= ? AND created_at < ?")) {
            ps.setLong(1, userId);
            ps.setTimestamp(2, Timestamp.from(Instant.parse("2026-10-05T00:00:00Z")));
            ps.setTimestamp(3, Timestamp.from(Instant.parse("2026-12-01T00:00:00Z")));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    tables.add(rs.getString(1));
                    assertThat(rs.getBoolean(2)).as("answered by a replica").isTrue();
                }
            }
        }
        assertThat(tables).containsExactlyInAnyOrder("watch_event_202610", "watch_event_202611");
    }

    @Test
    void insert_broadcastRow_reachesEveryShard_andIsReadFromAReplica() throws SQLException {
        try (Connection c = data.dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement("INSERT INTO regions (code, name) VALUES (?, ?)")) {
            ps.setString(1, "eu");
            ps.setString(2, "Europe");
            ps.executeUpdate();
        }
        for (PgShard s : db.shards()) {
            assertThat(count(s.primary(), "SELECT count(*) FROM regions WHERE code = 'eu'")).as(s.name()).isEqualTo(1);
            s.awaitReplicaCatchUp(Duration.ofSeconds(10));
        }
        try (Connection c = data.dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT pg_is_in_recovery(), name FROM regions WHERE code = ?")) {
            ps.setString(1, "eu");
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getBoolean(1)).as("broadcast read answered by a replica").isTrue();
                assertThat(rs.getString(2)).isEqualTo("Europe");
            }
        }
    }

    @Test
    void insert_singleTable_landsOnDefaultShardOnly() throws SQLException {
        try (Connection c = data.dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement("INSERT INTO app_config (k, v) VALUES (?, ?)")) {
            ps.setString(1, "theme");
            ps.setString(2, "dark");
            ps.executeUpdate();
        }
        assertThat(count(db.shards().get(0).primary(), "SELECT count(*) FROM app_config WHERE k = 'theme'")).isEqualTo(1);
        assertThat(count(db.shards().get(1).primary(), "SELECT count(*) FROM app_config WHERE k = 'theme'")).isZero();
    }

    @Test
    void insert_concurrentWithoutIds_generatesUniqueRoughlyOrderedIdsAcrossShards() throws Exception {
        int threads = 4;
        int perThread = 150;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Future<?>> futures = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int thread = t;
            futures.add(pool.submit(() -> {
                try (Connection c = data.dataSource().getConnection();
                     PreparedStatement ps = c.prepareStatement("INSERT INTO videos (user_id, title) VALUES (?, ?)")) {
                    for (int i = 0; i < perThread; i++) {
                        ps.setLong(1, 50_000L + thread * 1000L + i);
                        ps.setString(2, "v" + thread + "-" + i);
                        ps.executeUpdate();
                    }
                }
                return null;
            }));
        }
        for (Future<?> f : futures) {
            f.get();
        }
        pool.shutdown();
        Set<Long> ids = new HashSet<>();
        long rowsPerShardMin = Long.MAX_VALUE;
        for (PgShard s : db.shards()) {
            long n = 0;
            try (Connection c = DriverManager.getConnection(s.primary().jdbcUrl(), s.primary().user(), s.primary().password());
                 Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT video_id FROM videos WHERE title LIKE 'v%-%' ORDER BY title")) {
                while (rs.next()) {
                    ids.add(rs.getLong(1));
                    n++;
                }
            }
            rowsPerShardMin = Math.min(rowsPerShardMin, n);
        }
        assertThat(ids).hasSize(threads * perThread);
        assertThat(rowsPerShardMin).as("both shards received rows").isPositive();
        // Snowflake: the top bits are milliseconds since ShardingSphere's epoch, so ids made now sort after older ones
        long earlier = ids.stream().mapToLong(Long::longValue).min().orElseThrow();
        try (Connection c = data.dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement("INSERT INTO videos (user_id, title) VALUES (?, 'later')",
                     Statement.RETURN_GENERATED_KEYS)) {
            ps.setLong(1, 1);
            ps.executeUpdate();
            try (ResultSet keys = ps.getGeneratedKeys()) {
                assertThat(keys.next()).isTrue();
                assertThat(keys.getLong(1)).isGreaterThan(earlier);
            }
        }
    }

    @Test
    void build_missingMonthTablesWithoutCreate_failsListingThem() throws SQLException {
        TestDatabase empty = LocalTopology.shared().createDatabase("routing_missing_months");
        for (PgShard shard : empty.shards()) {
            execute(shard.primary(), SCHEMA);
        }
        Rules noCreate = rulesFor(empty, false);
        assertThatThrownBy(() -> SkyriffData.builder().rules(noCreate).clock(CLOCK).build())
                .isInstanceOf(SkyriffDataException.class)
                .hasMessageStartingWith("routing_it - 10 month tables of the rules' windows do not exist: "
                        + "[shard0.watch_event_202609, shard0.watch_event_202610")
                .hasMessageEndingWith("; create them (skyriff months --ahead) or set create-missing-months: true");
    }

    @Test
    void close_afterUse_closesEveryNodePool() {
        SkyriffData other = SkyriffData.builder().rules(rules).clock(CLOCK).build();
        assertThat(other.pools()).hasSize(4);
        other.close();
        assertThat(other.pools().values()).allSatisfy(p -> assertThat(p.isClosed()).isTrue());
    }
}
