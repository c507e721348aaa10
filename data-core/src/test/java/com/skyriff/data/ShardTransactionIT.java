package com.skyriff.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.skyriff.data.guard.RefusedStatementException;
import com.skyriff.data.rules.BucketRange;
import com.skyriff.data.rules.Rules;
import com.skyriff.data.rules.ShardSpec;
import com.skyriff.data.rules.TableSpec;
import com.skyriff.data.testkit.LocalTopology;
import com.skyriff.data.testkit.PgNode;
import com.skyriff.data.testkit.PgShard;
import com.skyriff.data.testkit.TestDatabase;
import java.sql.Array;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Transactions on the single-shard path: a transaction whose statements stay on one shard runs on that shard primary's
 * own connection (begun at its first statement, no ShardingSphere connection behind the layer's), a write on another
 * shard is refused under {@code cross-shard-transactions: refuse} naming both shards, a statement only ShardingSphere
 * runs (a read across shards) joins the same transaction, and rollback, savepoints, after-commit actions, read-only
 * and isolation settings behave as on one PostgreSQL. Every outcome is checked on the primaries with plain JDBC.
 * Topology: 2 shards, each a primary and a streaming replica.
 */
class ShardTransactionIT {
    /** A row's server and transaction, as the statement that read it saw them. */
    static final String WHERE_AM_I = "SELECT inet_server_port(), pg_is_in_recovery(), txid_current_if_assigned(), count(*)"
            + " FROM accounts WHERE user_id = ?";
    static TestDatabase db;
    static Rules rules;
    static SkyriffData data;
    /** A user of each shard, and another user of shard A. */
    static long a;
    static long a2;
    static long b;

    @BeforeAll
    static void start() throws SQLException {
        db = LocalTopology.shared().createDatabase("shard_transaction_it");
        Rules.Builder r = Rules.builder().name("shard_transaction_it").bucketCount(16);
        int i = 0;
        for (PgShard s : db.shards()) {
            OneShardIT.exec(s.primary(), "CREATE TABLE accounts (user_id bigint PRIMARY KEY, balance int NOT NULL)");
            r.shard(new ShardSpec(s.name(), OneShardIT.node(s.primary()),
                    s.replicas().stream().map(OneShardIT::node).toList(), null,
                    List.of(BucketRange.of(i * 8, i * 8 + 7))));
            i++;
        }
        r.table(TableSpec.user("accounts", "user_id"));
        rules = r.build();
        data = SkyriffData.builder().rules(rules).build();
        String shardA = rules.buckets().shardOf(1L);
        a = 1;
        a2 = 2;
        while (!rules.buckets().shardOf(a2).equals(shardA)) {
            a2++;
        }
        b = 2;
        while (rules.buckets().shardOf(b).equals(shardA)) {
            b++;
        }
    }

    @AfterAll
    static void stop() {
        if (data != null) {
            data.close();
        }
    }

    @BeforeEach
    void reset() throws SQLException {
        for (PgShard s : db.shards()) {
            OneShardIT.exec(s.primary(), "DELETE FROM accounts");
        }
    }

    @Test
    void oneShard_runsOnItsPrimaryInOneTransaction_withoutShardingSphereConnection() throws SQLException {
        List<Long> seenAfterCommit = new ArrayList<>();
        long[] txid = new long[2];
        data.useTransaction(tx -> {
            insert(tx.connection(), a, 10);
            List<Object> first = whereAmI(tx.connection(), a);
            insert(tx.connection(), a2, 20);
            List<Object> second = whereAmI(tx.connection(), a2);
            assertThat(first.get(0)).as("answered by shard A's primary").isEqualTo(primaryOf(a).port());
            assertThat(first.get(1)).as("not a replica").isEqualTo(false);
            assertThat(first.get(3)).as("sees its own insert").isEqualTo(1L);
            assertThat(second.get(2)).as("one transaction: the same txid").isEqualTo(first.get(2));
            txid[0] = (Long) first.get(2);
            assertThat(((LayerConnection) tx.connection()).holdsShardingSphereConnection())
                    .as("no ShardingSphere connection behind the layer's").isFalse();
            assertThat(countOnPrimary(a)).as("not visible before the commit").isZero();
            tx.afterCommit(() -> seenAfterCommit.add(countOnPrimaryUnchecked(a) + countOnPrimaryUnchecked(a2)));
        });
        assertThat(seenAfterCommit).as("the after-commit action ran once, after the commit").containsExactly(2L);
        assertThat(txid[0]).isPositive();
        assertThat(balanceOnPrimary(a)).isEqualTo(10);
        assertThat(balanceOnPrimary(a2)).isEqualTo(20);
    }

    @Test
    void oneShard_blockThrows_rollsBackEverything_andDropsAfterCommit() throws SQLException {
        List<String> ran = new ArrayList<>();
        assertThatThrownBy(() -> data.useTransaction(tx -> {
            insert(tx.connection(), a, 10);
            update(tx.connection(), a, 11);
            insert(tx.connection(), a2, 20);
            tx.afterCommit(() -> ran.add("after commit"));
            throw new IllegalStateException("roll back");
        })).hasMessage("roll back");
        assertThat(ran).as("no after-commit action on rollback").isEmpty();
        assertThat(countOnPrimary(a) + countOnPrimary(a2)).as("nothing left on the primary").isZero();
    }

    @Test
    void writeOnAnotherShard_refusedNamingBothShards_andNothingCommitted() throws SQLException {
        String shardA = rules.buckets().shardOf(a);
        String shardB = rules.buckets().shardOf(b);
        assertThatThrownBy(() -> data.useTransaction(tx -> {
            insert(tx.connection(), a, 10);
            insert(tx.connection(), b, 30);
        })).isInstanceOf(RefusedStatementException.class)
                .hasMessageStartingWith("cross-shard-transactions: refuse - INSERT accounts would make this"
                        + " transaction write to shards ")
                .hasMessageContaining(shardA).hasMessageContaining(shardB);
        assertThat(countOnPrimary(a)).as("shard A's insert rolled back").isZero();
        assertThat(countOnPrimary(b)).as("shard B's insert never ran").isZero();
    }

    @Test
    void readOfAnotherShard_joinsTheSameLogicalTransaction_onThatShardsPrimary() throws SQLException {
        OneShardIT.exec(primaryOf(b), "INSERT INTO accounts VALUES (" + b + ", 30)");
        data.useTransaction(tx -> {
            insert(tx.connection(), a, 10);
            List<Object> other = whereAmI(tx.connection(), b);
            assertThat(other.get(0)).as("shard B's primary, not its replica").isEqualTo(primaryOf(b).port());
            assertThat(other.get(3)).isEqualTo(1L);
        });
        assertThat(balanceOnPrimary(a)).isEqualTo(10);
    }

    @Test
    void statementOnlyShardingSphereRuns_seesTheTransactionsWrites_andRollsBackWithIt() throws SQLException {
        OneShardIT.exec(primaryOf(b), "INSERT INTO accounts VALUES (" + b + ", 30)");
        String across = "SELECT count(*), sum(balance) FROM accounts WHERE user_id IN (?, ?)";
        assertThat(data.route(across, a, b).path()).as("keys of two shards: ShardingSphere")
                .isEqualTo(StatementRoute.Path.SHARDINGSPHERE);
        assertThatThrownBy(() -> data.useTransaction(tx -> {
            Connection c = tx.connection();
            insert(c, a, 10);
            long before = (Long) whereAmI(c, a).get(2);
            try (PreparedStatement ps = c.prepareStatement(across)) {
                ps.setLong(1, a);
                ps.setLong(2, b);
                try (ResultSet rs = ps.executeQuery()) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getLong(1)).as("ShardingSphere sees the uncommitted insert on shard A").isEqualTo(2);
                    assertThat(rs.getLong(2)).isEqualTo(40);
                }
            }
            assertThat(((LayerConnection) c).holdsShardingSphereConnection()).isTrue();
            update(c, a, 12);
            List<Object> after = whereAmI(c, a);
            assertThat(after.get(2)).as("still the transaction the first statement began").isEqualTo(before);
            throw new IllegalStateException("roll back");
        })).hasMessage("roll back");
        assertThat(countOnPrimary(a)).as("the insert rolled back with ShardingSphere's part").isZero();
        assertThat(balanceOnPrimary(b)).isEqualTo(30);
    }

    @Test
    void statementOnlyShardingSphereRuns_commitsWithTheShardsPart() throws SQLException {
        OneShardIT.exec(primaryOf(b), "INSERT INTO accounts VALUES (" + b + ", 30)");
        data.useTransaction(tx -> {
            insert(tx.connection(), a, 10);
            try (PreparedStatement ps = tx.connection().prepareStatement(
                    "SELECT count(*) FROM accounts WHERE user_id IN (?, ?)")) {
                ps.setLong(1, a);
                ps.setLong(2, b);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    assertThat(rs.getLong(1)).isEqualTo(2);
                }
            }
            update(tx.connection(), a, 13);
        });
        assertThat(balanceOnPrimary(a)).isEqualTo(13);
    }

    @Test
    void savepoint_rollbackToIt_undoesOnlyTheLaterWork() throws SQLException {
        data.useTransaction(tx -> {
            Connection c = tx.connection();
            insert(c, a, 10);
            Savepoint sp = c.setSavepoint();
            update(c, a, 99);
            insert(c, a2, 20);
            c.rollback(sp);
            assertThat((Long) whereAmI(c, a2).get(3)).as("a2's insert undone").isZero();
        });
        assertThat(balanceOnPrimary(a)).as("the work before the savepoint committed").isEqualTo(10);
        assertThat(countOnPrimary(a2)).isZero();
    }

    @Test
    void isolationAndReadOnly_setOnTheLayerConnection_applyToTheShardsTransaction() throws SQLException {
        OneShardIT.exec(primaryOf(a), "INSERT INTO accounts VALUES (" + a + ", 10)");
        try (Connection c = data.dataSource().getConnection()) {
            c.setTransactionIsolation(Connection.TRANSACTION_SERIALIZABLE);
            c.setAutoCommit(false);
            assertThat(c.getTransactionIsolation()).isEqualTo(Connection.TRANSACTION_SERIALIZABLE);
            try (PreparedStatement ps = c.prepareStatement("SELECT current_setting('transaction_isolation')"
                    + " FROM accounts WHERE user_id = ?")) {
                ps.setLong(1, a);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    assertThat(rs.getString(1)).isEqualTo("serializable");
                }
            }
            c.commit();
            c.setAutoCommit(true);
            c.setReadOnly(true);
            assertThat(c.isReadOnly()).isTrue();
            c.setAutoCommit(false);
            assertThatThrownBy(() -> update(c, a, 11)).isInstanceOf(SQLException.class)
                    .hasMessageContaining("read-only transaction");
            c.rollback();
        }
        assertThat(balanceOnPrimary(a)).isEqualTo(10);
    }

    @Test
    void autocommitStatements_oneShard_openNoShardingSphereConnection() throws SQLException {
        try (Connection c = data.dataSource().getConnection()) {
            insert(c, a, 10);
            assertThat(whereAmI(c, b).get(1)).as("a read of the other shard goes to its replica").isEqualTo(true);
            assertThat(c.getMetaData().supportsMultipleResultSets()).isTrue();
            assertThat(c.getMetaData().getDatabaseProductName()).isEqualTo("PostgreSQL");
            assertThat(c.getMetaData().getConnection()).isSameAs(c);
            assertThat(((LayerConnection) c).holdsShardingSphereConnection()).isFalse();
        }
        assertThat(balanceOnPrimary(a)).isEqualTo(10);
    }

    @Test
    void createArrayOf_bindsOnTheSingleShardPath_evenWhenFreedBeforeExecution_sameRowsAsPlainPostgresql()
            throws SQLException {
        OneShardIT.exec(primaryOf(a), "INSERT INTO accounts VALUES (" + a + ", 10), (" + a2 + ", 20)");
        String sql = "SELECT user_id, balance FROM accounts WHERE user_id = ANY(?) ORDER BY user_id";
        List<String> expected;
        PgNode p = primaryOf(a);
        try (Connection plain = DriverManager.getConnection(p.jdbcUrl(), p.user(), p.password());
             PreparedStatement ps = plain.prepareStatement(sql)) {
            ps.setArray(1, plain.createArrayOf("bigint", new Object[] {a, a2}));
            expected = rows(ps);
        }
        assertThat(expected).hasSize(2);
        data.useTransaction(tx -> {
            try (PreparedStatement ps = tx.connection().prepareStatement(sql)) {
                Array ids = tx.connection().createArrayOf("bigint", new Object[] {a, a2});
                ps.setArray(1, ids);
                ids.free();   // as MyBatis's ArrayTypeHandler does, before the statement runs
                assertThat(rows(ps)).isEqualTo(expected);
            }
        });
    }

    // ---- helpers ----

    static void insert(Connection c, long user, int balance) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO accounts (user_id, balance) VALUES (?, ?)")) {
            ps.setLong(1, user);
            ps.setInt(2, balance);
            assertThat(ps.executeUpdate()).isEqualTo(1);
        }
    }

    static void update(Connection c, long user, int balance) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE accounts SET balance = ? WHERE user_id = ?")) {
            ps.setInt(1, balance);
            ps.setLong(2, user);
            ps.executeUpdate();
        }
    }

    /** Port, in recovery, txid and the user's row count, as the statement on the user's shard saw them. */
    static List<Object> whereAmI(Connection c, long user) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(WHERE_AM_I)) {
            ps.setLong(1, user);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return List.of(rs.getInt(1), rs.getBoolean(2), rs.getLong(3), rs.getLong(4));
            }
        }
    }

    static List<String> rows(PreparedStatement ps) throws SQLException {
        List<String> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(rs.getLong(1) + ":" + rs.getInt(2));
            }
        }
        return out;
    }

    static PgNode primaryOf(long user) {
        String shard = rules.buckets().shardOf(user);
        return db.shards().stream().filter(s -> s.name().equals(shard)).findFirst().orElseThrow().primary();
    }

    static long countOnPrimary(long user) throws SQLException {
        return onPrimary(user, "SELECT count(*) FROM accounts WHERE user_id = ?");
    }

    static long countOnPrimaryUnchecked(long user) {
        try {
            return countOnPrimary(user);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    static long balanceOnPrimary(long user) throws SQLException {
        return onPrimary(user, "SELECT coalesce(max(balance), -1) FROM accounts WHERE user_id = ?");
    }

    private static long onPrimary(long user, String sql) throws SQLException {
        PgNode p = primaryOf(user);
        try (Connection c = DriverManager.getConnection(p.jdbcUrl(), p.user(), p.password());
             PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setLong(1, user);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
