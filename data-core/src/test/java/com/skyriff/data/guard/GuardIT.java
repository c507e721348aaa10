package com.skyriff.data.guard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.skyriff.data.SkyriffData;
import com.skyriff.data.guard.RefusedStatementException.Reason;
import com.skyriff.data.rules.BucketRange;
import com.skyriff.data.rules.CrossShardWrites;
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
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.List;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Guard rails on the real topology: full scans, month ranges, unsupported writes, cross-shard transactions. */
class GuardIT {
    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-25T10:00:00Z"), ZoneOffset.UTC);
    static final String SCHEMA = """
            CREATE TABLE users (user_id bigint PRIMARY KEY, name text NOT NULL);
            CREATE TABLE reports (user_id bigint PRIMARY KEY, total bigint NOT NULL);
            CREATE TABLE watch_event (event_id bigint NOT NULL, user_id bigint NOT NULL, video_id bigint NOT NULL,
                created_at timestamptz NOT NULL, PRIMARY KEY (event_id, created_at));
            CREATE TABLE regions (code text PRIMARY KEY, name text NOT NULL);
            CREATE TABLE members (member_id bigint PRIMARY KEY, name text NOT NULL);
            """;

    static TestDatabase db;
    static Rules rules;
    static SkyriffData data;

    @BeforeAll
    static void start() throws SQLException {
        db = LocalTopology.shared().createDatabase("guard_it");
        for (PgShard shard : db.shards()) {
            execute(shard.primary(), SCHEMA);
        }
        rules = rules(CrossShardWrites.REFUSE);
        data = SkyriffData.builder().rules(rules).clock(CLOCK).build();
    }

    @AfterAll
    static void stop() {
        if (data != null) {
            data.close();
        }
    }

    static Rules rules(CrossShardWrites cross) {
        Rules.Builder b = Rules.builder().name("guard_it").bucketCount(64).createMissingMonths(true).clock(CLOCK)
                .crossShardWrites(cross);
        int i = 0;
        for (PgShard s : db.shards()) {
            b.shard(new ShardSpec(s.name(), node(s.primary()), s.replicas().stream().map(GuardIT::node).toList(), null,
                    List.of(BucketRange.of(i * 32, i * 32 + 31))));
            i++;
        }
        return b.table(TableSpec.user("users", "user_id"))
                .table(TableSpec.user("reports", "user_id").withFullScanAllowed())
                .table(TableSpec.userMonth("watch_event", "user_id", "created_at", YearMonth.of(2026, 9), 2)
                        .withId("event_id").withMaxMonthsPerQuery(2))
                .table(TableSpec.broadcast("regions"))
                .table(TableSpec.user("members", "member_id").withId("member_id"))
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

    static long countOnPrimaries(String sql) throws SQLException {
        long n = 0;
        for (PgShard s : db.shards()) {
            try (Connection c = DriverManager.getConnection(s.primary().jdbcUrl(), s.primary().user(), s.primary().password());
                 Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
                rs.next();
                n += rs.getLong(1);
            }
        }
        return n;
    }

    /** Two fresh user ids at or above {@code from}: the first on shard0, the second on shard1. */
    static long[] usersOnTwoShards(long from) {
        return new long[] {userOn("shard0", from), userOn("shard1", from)};
    }

    static long userOn(String shard, long from) {
        long id = from;
        while (!rules.buckets().shardOf(id).equals(shard)) {
            id++;
        }
        return id;
    }

    static void update(String sql, Object... args) throws SQLException {
        try (Connection c = data.dataSource().getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, args);
            ps.executeUpdate();
        }
    }

    static long queryLong(String sql, Object... args) throws SQLException {
        try (Connection c = data.dataSource().getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, args);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    static void bind(PreparedStatement ps, Object... args) throws SQLException {
        for (int i = 0; i < args.length; i++) {
            ps.setObject(i + 1, args[i]);
        }
    }

    static void assertRefused(ThrowingCallable call, Reason reason, String message) {
        assertThatThrownBy(call).isInstanceOf(RefusedStatementException.class)
                .hasMessage(message)
                .satisfies(e -> assertThat(((RefusedStatementException) e).reason()).isEqualTo(reason))
                .satisfies(e -> assertThat(((RefusedStatementException) e).getSQLState()).isEqualTo("42000"));
    }

    static Timestamp at(String instant) {
        return Timestamp.from(Instant.parse(instant));
    }

    @Test
    void select_withoutShardKey_isRefusedNamingTableAndKey() {
        assertRefused(() -> queryLong("SELECT count(*) FROM users WHERE name = ?", "ada"), Reason.FULL_SCAN,
                "users: SELECT without a user_id condition would run on every shard (2 shards); add user_id = ? or"
                        + " user_id IN (...), or set tables.users.allow-full-scan: true for admin jobs");
    }

    @Test
    void select_shardKeyOrAnotherColumn_isRefusedBecauseItScansEveryShard() {
        assertRefused(() -> queryLong("SELECT count(*) FROM users WHERE user_id = ? OR name = ?", 1L, "ada"),
                Reason.FULL_SCAN, "users: SELECT without a user_id condition would run on every shard (2 shards); add"
                        + " user_id = ? or user_id IN (...), or set tables.users.allow-full-scan: true for admin jobs");
    }

    @Test
    void select_withShardKeyEqualsOrIn_runs() throws SQLException {
        update("INSERT INTO users (user_id, name) VALUES (?, ?)", 101L, "grace");
        assertThat(queryLong("SELECT count(*) FROM users WHERE user_id = ?", 101L)).isEqualTo(1);
        assertThat(queryLong("SELECT count(*) FROM users WHERE user_id IN (?, ?, ?)", 101L, 102L, 103L)).isEqualTo(1);
    }

    @Test
    void updateAndDelete_withoutShardKey_areRefused() {
        assertRefused(() -> update("UPDATE users SET name = ? WHERE name = ?", "x", "y"), Reason.FULL_SCAN,
                "users: UPDATE without a user_id condition would run on every shard (2 shards); add user_id = ? or"
                        + " user_id IN (...), or set tables.users.allow-full-scan: true for admin jobs");
        assertRefused(() -> update("DELETE FROM users"), Reason.FULL_SCAN,
                "users: DELETE without a user_id condition would run on every shard (2 shards); add user_id = ? or"
                        + " user_id IN (...), or set tables.users.allow-full-scan: true for admin jobs");
    }

    @Test
    void select_tableThatAllowsFullScans_runsOnEveryShard() throws SQLException {
        long[] users = usersOnTwoShards(1);
        update("INSERT INTO reports (user_id, total) VALUES (?, 10)", users[0]);
        update("INSERT INTO reports (user_id, total) VALUES (?, 32)", users[1]);
        assertThat(queryLong("/* SHARDINGSPHERE_HINT: WRITE_ROUTE_ONLY=true */ SELECT sum(total) FROM reports"))
                .isEqualTo(42);
    }

    @Test
    void select_withoutShardKeyButGuardDisabledByHint_runs() throws SQLException {
        assertThat(queryLong("/* SHARDINGSPHERE_HINT: DISABLE_AUDIT_NAMES=skyriff_guard */ SELECT count(*) FROM users"
                + " WHERE name = 'nobody'")).isZero();
    }

    @Test
    void select_monthTableWithoutTimeRange_isRefusedNamingTheTimeColumn() {
        assertRefused(() -> queryLong("SELECT count(*) FROM watch_event WHERE user_id = ?", 7L), Reason.FULL_SCAN,
                "watch_event: SELECT without a created_at range would read every month table (5 months"
                        + " 2026-09..2027-01); add created_at >= ? AND created_at < ?, or set"
                        + " tables.watch_event.allow-full-scan: true for admin jobs");
    }

    @Test
    void select_timeRangeWiderThanMaxMonths_isRefused_andTwoMonthsRun() throws SQLException {
        assertRefused(() -> queryLong("SELECT count(*) FROM watch_event WHERE user_id = ? AND created_at >= ?"
                        + " AND created_at < ?", 7L, at("2026-09-15T00:00:00Z"), at("2026-11-02T00:00:00Z")),
                Reason.MONTH_RANGE, "watch_event: SELECT spans 3 months of created_at (2026-09..2026-11), more than"
                        + " tables.watch_event.max-months-per-query 2; narrow the created_at range or split the query");
        assertRefused(() -> queryLong("SELECT count(*) FROM watch_event WHERE user_id = ? AND created_at >= ?", 7L,
                        at("2026-10-01T00:00:00Z")), Reason.MONTH_RANGE,
                "watch_event: SELECT spans 4 months of created_at (2026-10..2027-01), more than"
                        + " tables.watch_event.max-months-per-query 2; narrow the created_at range or split the query");
        assertThat(queryLong("SELECT count(*) FROM watch_event WHERE user_id = ? AND created_at >= ? AND created_at < ?",
                7L, at("2026-10-01T00:00:00Z"), at("2026-12-01T00:00:00Z"))).isZero();
    }

    @Test
    void insert_withoutShardKeyValue_isRefused() {
        assertRefused(() -> update("INSERT INTO users (name) VALUES (?)", "nokey"), Reason.FULL_SCAN,
                "users: INSERT without a user_id value in every row cannot be routed to one shard; set user_id in"
                        + " every row");
    }

    @Test
    void insertSelect_intoShardedTable_isRefused() {
        assertRefused(() -> update("INSERT INTO users (user_id, name) SELECT user_id + 1000, name FROM users"
                        + " WHERE user_id = ?", 101L), Reason.UNSUPPORTED_CONSTRUCT,
                "users: INSERT ... SELECT into a sharded table is refused: ShardingSphere 5.5.2 runs it on every shard"
                        + " (duplicate or misplaced rows) or rejects it; select the rows, then insert them with"
                        + " INSERT ... VALUES (a JDBC batch)");
    }

    @Test
    void returning_throughShardingSphere_isRefusedThroughExecuteAndExecuteQuery() {
        // on the single-shard path RETURNING works (OneShardIT); statements ShardingSphere runs (here forced by a
        // hint, as for statements spanning shards or months) are refused
        String hint = "/* SHARDINGSPHERE_HINT: WRITE_ROUTE_ONLY=true */ ";
        String message = "users: INSERT ... RETURNING on a sharded table is refused: through ShardingSphere 5.5.2"
                + " execute() returns no result set (MyBatis gets null); use generated keys"
                + " (Statement.RETURN_GENERATED_KEYS, MyBatis useGeneratedKeys with the table's id column) or read the"
                + " row back by its key";
        assertRefused(() -> {
            try (Connection c = data.dataSource().getConnection();
                 PreparedStatement ps = c.prepareStatement(hint + "INSERT INTO users (user_id, name) VALUES (?, ?)"
                         + " RETURNING user_id")) {
                bind(ps, 201L, "ret");
                ps.execute();
            }
        }, Reason.UNSUPPORTED_CONSTRUCT, message);
        assertRefused(() -> queryLong(hint + "UPDATE users SET name = 'x' WHERE user_id = ? RETURNING user_id", 201L),
                Reason.UNSUPPORTED_CONSTRUCT, message.replace("INSERT ... RETURNING", "UPDATE ... RETURNING"));
    }

    @Test
    void transaction_writingTwoShards_isRefusedAtTheSecondShard_andNothingIsHalfCommitted() throws SQLException {
        long[] users = usersOnTwoShards(3000);
        try (Connection c = data.dataSource().getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO users (user_id, name) VALUES (?, 'tx')")) {
                ps.setLong(1, users[0]);
                ps.executeUpdate();
                ps.setLong(1, userOn("shard0", users[0] + 1));   // another user on the same shard
                ps.executeUpdate();
            }
            String expected = "cross-shard-transactions: refuse - INSERT users would make this transaction write to"
                    + " shards [shard0, shard1]; ShardingSphere's LOCAL"
                    + " transactions commit each shard separately, so a failure can half-commit; write one shard per"
                    + " transaction, or set cross-shard-transactions: allow";
            assertRefused(() -> {
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO users (user_id, name) VALUES (?, 'tx')")) {
                    ps.setLong(1, users[1]);
                    ps.executeUpdate();
                }
            }, Reason.CROSS_SHARD_WRITE, expected);
            c.rollback();
            // the next transaction starts clean
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO users (user_id, name) VALUES (?, 'tx2')")) {
                ps.setLong(1, users[1]);
                ps.executeUpdate();
            }
            c.commit();
        }
        assertThat(countOnPrimaries("SELECT count(*) FROM users WHERE name = 'tx'")).isZero();
        assertThat(countOnPrimaries("SELECT count(*) FROM users WHERE name = 'tx2'")).isEqualTo(1);
    }

    @Test
    void statement_writingTwoShardsInAutocommit_isRefused_butBroadcastWritesRun() throws SQLException {
        long[] users = usersOnTwoShards(4000);
        assertThatThrownBy(() -> update("INSERT INTO users (user_id, name) VALUES (?, 'multi'), (?, 'multi')",
                users[0], users[1]))
                .isInstanceOf(RefusedStatementException.class)
                .hasMessageStartingWith("cross-shard-transactions: refuse - INSERT users writes to 2 shards [shard0,"
                        + " shard1] in one statement; ShardingSphere commits each shard separately");
        assertThatThrownBy(() -> update("UPDATE users SET name = 'multi' WHERE user_id IN (?, ?)", users[0], users[1]))
                .isInstanceOf(RefusedStatementException.class)
                .hasMessageContaining("UPDATE users writes to 2 shards");
        assertThat(countOnPrimaries("SELECT count(*) FROM users WHERE name = 'multi'")).isZero();
        update("INSERT INTO regions (code, name) VALUES (?, ?)", "eu", "Europe");
        assertThat(countOnPrimaries("SELECT count(*) FROM regions WHERE code = 'eu'")).isEqualTo(2);
    }

    @Test
    void insert_generatedShardKey_generatesOneKeyAndLandsOnItsShard() throws SQLException {
        long id;
        try (Connection c = data.dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement("INSERT INTO members (name) VALUES (?)",
                     Statement.RETURN_GENERATED_KEYS)) {
            ps.setString(1, "generated");
            ps.executeUpdate();
            try (ResultSet keys = ps.getGeneratedKeys()) {
                assertThat(keys.next()).isTrue();
                id = keys.getLong(1);
                assertThat(keys.next()).as("exactly one generated key").isFalse();
            }
        }
        String shard = rules.buckets().shardOf(id);
        PgShard owner = db.shards().stream().filter(s -> s.name().equals(shard)).findFirst().orElseThrow();
        try (Connection c = DriverManager.getConnection(owner.primary().jdbcUrl(), owner.primary().user(),
                owner.primary().password()); PreparedStatement ps = c.prepareStatement(
                        "SELECT count(*) FROM members WHERE member_id = ?")) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                assertThat(rs.getLong(1)).isEqualTo(1);
            }
        }
    }

    /** How a transaction is ended. */
    enum End { COMMIT, AUTO_COMMIT_ON, IN_TRANSACTION }

    /**
     * Two generated keys that fall on two shards are known only at commit (the guard cannot see them before routing):
     * the commit rolls back every shard and throws the refusal itself, not ShardingSphere's empty-message
     * SQLException that chains one exception per shard connection. Retries until the keys fall on two shards.
     */
    @ParameterizedTest(name = "{0}")
    @EnumSource(End.class)
    void transaction_generatedKeysOnTwoShards_preparedInsertRefusedWhenItWouldLeaveTheShard_andNothingIsCommitted(End end)
            throws SQLException {
        String name = "pair-prepared-" + end;
        SQLException thrown = twoMembersOnTwoShards(end, name, true);
        // the single-shard path generates the id before it runs the INSERT, so it knows the shard up front
        assertRefused(() -> {
            throw thrown;
        }, Reason.CROSS_SHARD_WRITE, "cross-shard-transactions: refuse - INSERT members would make this transaction"
                + " write to shards [shard0, shard1]; ShardingSphere's LOCAL transactions commit each shard separately,"
                + " so a failure can half-commit; write one shard per transaction, or set cross-shard-transactions: allow");
        assertThat(countOnPrimaries("SELECT count(*) FROM members WHERE name = '" + name + "'"))
                .as("nothing half-committed").isZero();
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(End.class)
    void transaction_generatedKeysOnTwoShards_plainStatementEndingItThrowsTheRefusalNamingShardsAndRule_andNothingIsCommitted(
            End end) throws SQLException {
        String name = "pair-plain-" + end;
        SQLException thrown = twoMembersOnTwoShards(end, name, false);
        // a plain Statement's INSERT goes to ShardingSphere, which fills the id; the shards are known afterwards
        assertRefused(() -> {
            throw thrown;
        }, Reason.CROSS_SHARD_WRITE, "cross-shard-transactions: refuse - this transaction wrote to shards [shard0, shard1]"
                + " (rows whose shard key was generated on insert), so it was rolled back on every shard; insert rows of"
                + " different users in separate transactions, or set cross-shard-transactions: allow");
        assertThat(countOnPrimaries("SELECT count(*) FROM members WHERE name = '" + name + "'"))
                .as("nothing half-committed").isZero();
    }

    /** Inserts two members (generated keys) in one transaction until their keys fall on two shards: the refusal. */
    private SQLException twoMembersOnTwoShards(End end, String name, boolean prepared) throws SQLException {
        SQLException refused = null;
        for (int attempt = 0; attempt < 30 && refused == null; attempt++) {
            try {
                if (end == End.IN_TRANSACTION) {
                    data.useTransaction(tx -> insertTwoMembers(tx.connection(), name, prepared));
                } else {
                    try (Connection c = data.dataSource().getConnection()) {
                        c.setAutoCommit(false);
                        insertTwoMembers(c, name, prepared);
                        if (end == End.COMMIT) {
                            c.commit();
                        } else {
                            c.setAutoCommit(true);
                        }
                    }
                }
                // both keys fell on one shard: a legal transaction; clean up and try again
                update("/* SHARDINGSPHERE_HINT: DISABLE_AUDIT_NAMES=skyriff_guard */ DELETE FROM members WHERE name = ?",
                        name);
            } catch (SQLException e) {
                refused = e;
            }
        }
        assertThat((Throwable) refused).as("a transaction whose two generated keys fell on two shards").isNotNull();
        return refused;
    }

    static void insertTwoMembers(Connection c, String name, boolean prepared) throws SQLException {
        if (!prepared) {
            try (Statement s = c.createStatement()) {
                for (int row = 0; row < 2; row++) {
                    s.executeUpdate("INSERT INTO members (name) VALUES ('" + name + "')");
                }
            }
            return;
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO members (name) VALUES (?)")) {
            for (int row = 0; row < 2; row++) {
                ps.setString(1, name);
                ps.executeUpdate();
            }
        }
    }

    @Test
    void transaction_writingTwoShardsWithCrossShardAllowed_commitsBoth() throws SQLException {
        long[] users = usersOnTwoShards(5000);
        try (SkyriffData allow = SkyriffData.builder().rules(rules(CrossShardWrites.ALLOW)).clock(CLOCK).build();
             Connection c = allow.dataSource().getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO users (user_id, name) VALUES (?, 'both')")) {
                ps.setLong(1, users[0]);
                ps.executeUpdate();
                ps.setLong(1, users[1]);
                ps.executeUpdate();
            }
            c.commit();
        }
        assertThat(countOnPrimaries("SELECT count(*) FROM users WHERE name = 'both'")).isEqualTo(2);
    }
}
