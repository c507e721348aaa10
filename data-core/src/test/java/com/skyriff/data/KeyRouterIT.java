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
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeSet;
import org.apache.shardingsphere.driver.jdbc.core.connection.ShardingSphereConnection;
import org.apache.shardingsphere.infra.binder.context.statement.SQLStatementContext;
import org.apache.shardingsphere.infra.binder.engine.SQLBindEngine;
import org.apache.shardingsphere.infra.connection.kernel.KernelProcessor;
import org.apache.shardingsphere.infra.executor.sql.context.ExecutionContext;
import org.apache.shardingsphere.infra.executor.sql.context.ExecutionUnit;
import org.apache.shardingsphere.infra.hint.HintValueContext;
import org.apache.shardingsphere.infra.metadata.ShardingSphereMetaData;
import org.apache.shardingsphere.infra.parser.SQLParserEngine;
import org.apache.shardingsphere.infra.route.context.RouteMapper;
import org.apache.shardingsphere.infra.route.context.RouteUnit;
import org.apache.shardingsphere.infra.session.query.QueryContext;
import org.apache.shardingsphere.parser.rule.SQLParserRule;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The key-routed fast path routes exactly as ShardingSphere does and returns the same rows: for many keys, its target
 * (node and physical table) is compared with the route ShardingSphere's own kernel computes for the same statement,
 * and reads through both paths are compared row by row.
 */
class KeyRouterIT {
    static final YearMonth NOW = YearMonth.now(ZoneOffset.UTC);
    static final OffsetDateTime FROM = NOW.minusMonths(2).atDay(1).atStartOfDay().atOffset(ZoneOffset.UTC);
    static final OffsetDateTime TO = NOW.plusMonths(1).atDay(1).atStartOfDay().atOffset(ZoneOffset.UTC);
    static final String USER_SQL = "SELECT user_id, name FROM users WHERE user_id = ?";
    static final String EVENT_INSERT = "INSERT INTO watch_event (event_id, user_id, video_id, created_at) VALUES (?, ?, ?, ?)";
    static final String RANGE_SQL = "SELECT event_id, user_id, video_id, created_at FROM watch_event WHERE user_id = ?"
            + " AND created_at >= ? AND created_at < ? ORDER BY created_at, event_id";

    static TestDatabase db;
    static SkyriffData data;
    static KeyRouter router;

    @BeforeAll
    static void start() throws SQLException {
        db = LocalTopology.shared().createDatabase("key_router_it");
        for (PgShard s : db.shards()) {
            exec(s.primary(), "CREATE TABLE users (user_id bigint PRIMARY KEY, name text NOT NULL)");
            exec(s.primary(), "CREATE TABLE watch_event (event_id bigint NOT NULL, user_id bigint NOT NULL,"
                    + " video_id bigint NOT NULL, created_at timestamptz NOT NULL, PRIMARY KEY (event_id, created_at))");
        }
        Rules.Builder b = Rules.builder().name("key_router_it").bucketCount(1024).createMissingMonths(true);
        for (int i = 0; i < db.shards().size(); i++) {
            PgShard s = db.shards().get(i);
            b.shard(new ShardSpec(s.name(), node(s.primary()), s.replicas().stream().map(KeyRouterIT::node).toList(),
                    null, List.of(BucketRange.of(i * 512, i * 512 + 511))));
        }
        Rules rules = b.table(TableSpec.user("users", "user_id"))
                .table(TableSpec.userMonth("watch_event", "user_id", "created_at", NOW.minusMonths(2), 1))
                .table(TableSpec.broadcast("regions"))
                .build();
        for (PgShard s : db.shards()) {
            exec(s.primary(), "CREATE TABLE regions (code text PRIMARY KEY)");
        }
        data = SkyriffData.builder().rules(rules).build();
        router = KeyRouter.of(data);
    }

    @AfterAll
    static void stop() {
        if (data != null) {
            data.close();
        }
    }

    @Test
    void readWriteAndRange_thousandsOfKeys_routeLikeShardingSphere() throws Exception {
        onFreshThread(KeyRouterIT::compareRoutes);
    }

    /** Compares on a thread that has written nothing (read-your-writes would send its reads to the primaries). */
    private static void compareRoutes() throws SQLException {
        SplittableRandom rnd = new SplittableRandom(11);
        long span = TO.toEpochSecond() - FROM.toEpochSecond();
        try (Connection c = data.dataSource().getConnection()) {
            Kernel kernel = new Kernel(c.unwrap(ShardingSphereConnection.class));
            for (int i = 0; i < 2_000; i++) {
                long user = rnd.nextLong(1, Long.MAX_VALUE);
                OffsetDateTime at = FROM.plusSeconds(rnd.nextLong(span));

                KeyRouter.Target read = router.read("users", user);
                assertThat(List.of(read.node(), read.table())).as("read user %d", user)
                        .isEqualTo(kernel.single(USER_SQL, List.of(user)));

                KeyRouter.Target write = router.write("watch_event", user, at);
                assertThat(List.of(write.node(), write.table())).as("insert user %d at %s", user, at)
                        .isEqualTo(kernel.single(EVENT_INSERT, List.of(1L, user, 2L, at)));

                KeyRouter.RangeTarget range = router.readRange("watch_event", user, FROM, TO);
                Route routed = kernel.route(RANGE_SQL, List.of(user, FROM, TO));
                assertThat(routed.nodes()).as("range user %d", user).containsExactly(range.node());
                assertThat(routed.tables()).as("range user %d", user).containsExactlyElementsOf(range.tables());
            }
        }
    }

    @Test
    void read_sameKeys_returnsTheRowsTheLayerReturns() throws SQLException {
        List<Long> users = new ArrayList<>();
        try (Connection c = data.dataSource().getConnection();
             PreparedStatement user = c.prepareStatement("INSERT INTO users (user_id, name) VALUES (?, ?)");
             PreparedStatement event = c.prepareStatement(EVENT_INSERT)) {
            for (long u = 500; u < 540; u++) {
                users.add(u);
                user.setLong(1, u);
                user.setString(2, "user-" + u);
                user.executeUpdate();
                for (int k = 0; k < 6; k++) {
                    event.setLong(1, u * 100 + k);
                    event.setLong(2, u);
                    event.setLong(3, k);
                    event.setObject(4, FROM.plusDays(17L * k).plusSeconds(u));
                    event.executeUpdate();
                }
            }
        }
        db.shards().forEach(s -> s.awaitReplicaCatchUp(Duration.ofSeconds(30)));
        for (long u : users) {
            assertThat(keyedRows(u)).as("user %d", u).isEqualTo(layerRows(u)).hasSize(7);
        }
    }

    @Test
    void read_insidePrimaryScope_routesToThePrimary() throws Exception {
        onFreshThread(KeyRouterIT::primaryScope);
    }

    @SuppressWarnings("try")
    private static void primaryScope() {
        String shard = data.rules().orElseThrow().buckets().shardOf(42L);
        try (PrimaryScope scope = data.primaryScope()) {
            assertThat(router.read("users", 42L).node()).isEqualTo(shard + "_primary");
        }
        assertThat(router.read("users", 42L).node()).isEqualTo(shard + "_replica_0");
    }

    @Test
    void read_insideTransaction_throwsNamingTheTransactionsConnection() {
        assertThatThrownBy(() -> data.useTransaction(tx -> router.read("users", 42L)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("KeyRouter.read: called inside a transaction; run the statement on the transaction's"
                        + " connection (tx.connection()), which is pinned to the primary");
    }

    @Test
    void read_tableNotShardedByUser_throwsListingTheTablesItKnows() {
        assertThatThrownBy(() -> router.read("regions", 1L)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("KeyRouter.read: table is not sharded by user; was 'regions', expected one of"
                        + " [users, watch_event]");
    }

    @Test
    void read_monthTableWithoutTime_throwsNamingTheTimeColumn() {
        assertThatThrownBy(() -> router.read("watch_event", 1L)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("KeyRouter.read: tables.watch_event is split by month on created_at; was no time value,"
                        + " expected KeyRouter.read(table, userId, created_at)");
    }

    @Test
    void write_timeOnAUserTable_throws() {
        assertThatThrownBy(() -> router.write("users", 1L, FROM)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("KeyRouter.write: tables.users is not split by month; was a time value, expected"
                        + " KeyRouter.write(table, userId)");
    }

    @Test
    void write_timeOutsideTheWindow_throwsTheMonthAlgorithmsMessage() {
        OffsetDateTime past = FROM.minusMonths(1);
        assertThatThrownBy(() -> router.write("watch_event", 1L, past)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("falls in month " + YearMonth.from(past) + ", outside the table's month window");
    }

    interface Work {
        void run() throws Exception;
    }

    private static void onFreshThread(Work work) throws Exception {
        java.util.concurrent.ExecutorService thread = java.util.concurrent.Executors.newSingleThreadExecutor();
        try {
            thread.submit(() -> {
                work.run();
                return null;
            }).get();
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw (Exception) e.getCause();
        } finally {
            thread.shutdownNow();
        }
    }

    @Test
    void write_afterTheMonthWindowsRollOver_followsTheNewShardingSphereRules() throws SQLException {
        TestDatabase rolling = LocalTopology.shared().createDatabase("key_router_rollover_it");
        PgShard s = rolling.shards().get(0);
        exec(s.primary(), "CREATE TABLE watch_event (event_id bigint NOT NULL, user_id bigint NOT NULL,"
                + " video_id bigint NOT NULL, created_at timestamptz NOT NULL, PRIMARY KEY (event_id, created_at))");
        MonthRolloverIT.MovableClock clock = new MonthRolloverIT.MovableClock(java.time.Instant.parse("2026-11-15T12:00:00Z"));
        Rules rules = Rules.builder().name("key_router_rollover_it").createMissingMonths(true)
                .shard(ShardSpec.of("shard0", node(s.primary())))
                .table(TableSpec.userMonth("watch_event", "user_id", "created_at", YearMonth.of(2026, 11), 0))
                .clock(clock)
                .build();
        OffsetDateTime december = OffsetDateTime.parse("2026-12-01T00:00:04Z");
        try (SkyriffData rollingData = SkyriffData.builder().rules(rules).clock(clock).build()) {
            KeyRouter keyed = KeyRouter.of(rollingData);
            assertThatThrownBy(() -> keyed.write("watch_event", 7L, december))
                    .hasMessageContaining("falls in month 2026-12, outside the table's month window 2026-11..2026-11");
            clock.now = java.time.Instant.parse("2026-12-01T00:00:05Z");
            assertThat(rollingData.refreshMonthWindows()).isTrue();

            KeyRouter.Target t = keyed.write("watch_event", 7L, december);

            assertThat(List.of(t.node(), t.table())).containsExactly("shard0", "watch_event_202612");
        }
    }

    @Test
    void readAfterAWrite_readYourWritesWindow_readsThePrimaryOnTheWritingThreadOnly() throws Exception {
        TestDatabase ryw = LocalTopology.shared().createDatabase("key_router_ryw_it");
        PgShard s = ryw.shards().get(0);
        exec(s.primary(), "CREATE TABLE users (user_id bigint PRIMARY KEY, name text NOT NULL)");
        Rules rules = Rules.builder().name("key_router_ryw_it")
                .shard(ShardSpec.of("shard0", node(s.primary()), node(s.replicas().get(0))))
                .table(TableSpec.user("users", "user_id"))
                .health(com.skyriff.data.rules.HealthSpec.DEFAULTS
                        .withReadYourWrites(com.skyriff.data.rules.HealthSpec.ReadYourWrites.WINDOW)
                        .withWindowMs(600_000))
                .build();
        try (SkyriffData rywData = SkyriffData.builder().rules(rules).build()) {
            KeyRouter keyed = KeyRouter.of(rywData);
            onFreshThread(() -> {
                assertThat(keyed.read("users", 1L).node()).as("before any write").isEqualTo("shard0_replica_0");
                KeyRouter.Target w = keyed.write("users", 1L);
                try (Connection c = w.dataSource().getConnection();
                     PreparedStatement ps = c.prepareStatement("INSERT INTO users (user_id, name) VALUES (1, 'a')")) {
                    ps.executeUpdate();
                }
                assertThat(keyed.read("users", 1L).node()).as("after its own fast-path write").isEqualTo("shard0_primary");
            });
            onFreshThread(() -> {
                assertThat(keyed.read("users", 2L).node()).as("another thread").isEqualTo("shard0_replica_0");
                try (Connection c = rywData.dataSource().getConnection();
                     PreparedStatement ps = c.prepareStatement("INSERT INTO users (user_id, name) VALUES (2, 'b')")) {
                    ps.executeUpdate();
                }
                assertThat(keyed.read("users", 2L).node()).as("after a write through ShardingSphere")
                        .isEqualTo("shard0_primary");
            });
        }
    }

    private static List<String> keyedRows(long user) throws SQLException {
        List<String> out = new ArrayList<>();
        KeyRouter.Target t = router.read("users", user);
        try (Connection c = t.dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT user_id, name FROM " + t.table() + " WHERE user_id = ?")) {
            ps.setLong(1, user);
            rows(ps, out);
        }
        KeyRouter.RangeTarget r = router.readRange("watch_event", user, FROM, TO);
        StringBuilder union = new StringBuilder();
        for (String table : r.tables()) {
            union.append(union.length() == 0 ? "" : " UNION ALL ").append("SELECT event_id, user_id, video_id,"
                    + " created_at FROM ").append(table).append(" WHERE user_id = ? AND created_at >= ? AND created_at < ?");
        }
        try (Connection c = r.dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement(union + " ORDER BY created_at, event_id")) {
            for (int i = 0; i < r.tables().size(); i++) {
                ps.setLong(3 * i + 1, user);
                ps.setObject(3 * i + 2, FROM);
                ps.setObject(3 * i + 3, TO);
            }
            rows(ps, out);
        }
        return out;
    }

    private static List<String> layerRows(long user) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Connection c = data.dataSource().getConnection()) {
            try (PreparedStatement ps = c.prepareStatement(USER_SQL)) {
                ps.setLong(1, user);
                rows(ps, out);
            }
            try (PreparedStatement ps = c.prepareStatement(RANGE_SQL)) {
                ps.setLong(1, user);
                ps.setObject(2, FROM);
                ps.setObject(3, TO);
                rows(ps, out);
            }
        }
        return out;
    }

    /** Rows as text, timestamps as instants (ShardingSphere's getString renders timestamptz its own way). */
    private static void rows(PreparedStatement ps, List<String> out) throws SQLException {
        try (ResultSet rs = ps.executeQuery()) {
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                StringBuilder row = new StringBuilder();
                for (int i = 1; i <= n; i++) {
                    Object v = rs.getObject(i);
                    row.append(i == 1 ? "" : "|").append(v instanceof java.sql.Timestamp ts ? ts.toInstant() : v);
                }
                out.add(row.toString());
            }
        }
    }

    /** Where ShardingSphere routes a statement: the nodes and physical tables of its route units. */
    record Route(List<String> nodes, List<String> tables) {
    }

    /** ShardingSphere's own parse, bind, route and rewrite of a statement on the layer's data source; no execution. */
    static final class Kernel {
        private final ShardingSphereMetaData metaData;
        private final String database;
        private final SQLParserEngine parser;
        private final ShardingSphereConnection connection;

        Kernel(ShardingSphereConnection connection) {
            this.connection = connection;
            this.database = connection.getCurrentDatabaseName();
            this.metaData = connection.getContextManager().getMetaDataContexts().getMetaData();
            this.parser = metaData.getGlobalRuleMetaData().getSingleRule(SQLParserRule.class)
                    .getSQLParserEngine(metaData.getDatabase(database).getProtocolType());
        }

        Route route(String sql, List<Object> params) {
            HintValueContext hint = new HintValueContext();
            SQLStatementContext bound = new SQLBindEngine(metaData, database, hint).bind(parser.parse(sql, true), params);
            QueryContext query = new QueryContext(bound, sql, params, hint,
                    connection.getDatabaseConnectionManager().getConnectionContext(), metaData);
            ExecutionContext ctx = new KernelProcessor().generateExecutionContext(query,
                    metaData.getGlobalRuleMetaData(), metaData.getProps());
            TreeSet<String> nodes = new TreeSet<>();
            for (ExecutionUnit unit : ctx.getExecutionUnits()) {
                nodes.add(unit.getDataSourceName());
            }
            List<String> tables = new ArrayList<>();
            for (RouteUnit unit : ctx.getRouteContext().getRouteUnits()) {
                for (RouteMapper m : unit.getTableMappers()) {
                    tables.add(m.getActualName());
                }
            }
            tables.sort(null);
            return new Route(List.copyOf(nodes), tables);
        }

        /** The one node and one physical table a statement routes to. */
        List<String> single(String sql, List<Object> params) {
            Route r = route(sql, params);
            assertThat(r.nodes()).as(sql).hasSize(1);
            assertThat(r.tables()).as(sql).hasSize(1);
            return List.of(r.nodes().get(0), r.tables().get(0));
        }
    }

    static NodeSpec node(PgNode n) {
        return NodeSpec.of(n.jdbcUrl(), n.user(), n.password());
    }

    static void exec(PgNode node, String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(node.jdbcUrl(), node.user(), node.password());
             Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }
}
