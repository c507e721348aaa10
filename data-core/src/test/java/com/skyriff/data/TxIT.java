package com.skyriff.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@link SkyriffData#inTransaction}: commit, rollback and after-commit actions, on one real shard. */
class TxIT {
    static TestDatabase db;
    static SkyriffData data;

    @BeforeAll
    static void start() throws SQLException {
        db = LocalTopology.shared().createDatabase("tx_it");
        PgShard shard = db.shards().get(0);
        PgNode p = shard.primary();
        try (Connection c = DriverManager.getConnection(p.jdbcUrl(), p.user(), p.password());
             Statement s = c.createStatement()) {
            s.execute("CREATE TABLE note (id bigint PRIMARY KEY, body text NOT NULL)");
        }
        shard.awaitReplicaCatchUp(Duration.ofSeconds(30));
        Rules rules = Rules.builder().name("tx_it")
                .shard(ShardSpec.of(shard.name(), NodeSpec.of(p.jdbcUrl(), p.user(), p.password())))
                .table(TableSpec.single("note")).build();
        data = SkyriffData.builder().rules(rules).build();
    }

    @AfterAll
    static void stop() {
        if (data != null) {
            data.close();
        }
    }

    static void insert(Connection c, long id, String body) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO note (id, body) VALUES (?, ?)")) {
            ps.setLong(1, id);
            ps.setString(2, body);
            ps.executeUpdate();
        }
    }

    static long count(long id) throws SQLException {
        PgNode p = db.shards().get(0).primary();
        try (Connection c = DriverManager.getConnection(p.jdbcUrl(), p.user(), p.password());
             PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM note WHERE id = ?")) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    @Test
    void inTransaction_commits_thenRunsAfterCommitActionsInOrderSeeingTheRow() throws SQLException {
        List<String> seen = new ArrayList<>();
        String result = data.inTransaction(tx -> {
            insert(tx.connection(), 1, "a");
            tx.afterCommit(() -> seen.add("first, rows=" + uncheckedCount(1)));
            tx.afterCommit(() -> seen.add("second"));
            assertThat(seen).as("nothing runs before the commit").isEmpty();
            assertThat(Tx.isActive()).isTrue();
            return "done";
        });
        assertThat(result).isEqualTo("done");
        assertThat(seen).containsExactly("first, rows=1", "second");
        assertThat(Tx.current()).isEmpty();
    }

    @Test
    void useTransaction_blockThrows_rollsBackAndDropsTheActions() throws SQLException {
        List<String> seen = new ArrayList<>();
        assertThatThrownBy(() -> data.useTransaction(tx -> {
            insert(tx.connection(), 2, "b");
            tx.afterCommit(() -> seen.add("ran"));
            throw new SQLException("boom");
        })).isInstanceOf(SQLException.class).hasMessage("boom");
        assertThat(seen).isEmpty();
        assertThat(count(2)).isZero();
        assertThat(Tx.isActive()).isFalse();
    }

    @Test
    void inTransaction_nested_joinsTheOuterTransaction() throws SQLException {
        List<String> seen = new ArrayList<>();
        assertThatThrownBy(() -> data.useTransaction(outer -> {
            data.useTransaction(inner -> {
                assertThat(inner).isSameAs(outer);
                insert(inner.connection(), 3, "c");
                inner.afterCommit(() -> seen.add("inner"));
            });
            assertThat(seen).as("the inner block does not commit").isEmpty();
            throw new IllegalStateException("outer fails");
        })).isInstanceOf(IllegalStateException.class);
        assertThat(count(3)).as("the inner insert rolled back with the outer").isZero();
        assertThat(seen).isEmpty();
    }

    @Test
    void afterCommit_actionThrows_otherActionsStillRunAndCommitStands() throws SQLException {
        List<String> seen = new ArrayList<>();
        data.useTransaction(tx -> {
            insert(tx.connection(), 4, "d");
            tx.afterCommit(() -> {
                throw new IllegalStateException("cache down");
            });
            tx.afterCommit(() -> seen.add("second"));
        });
        assertThat(seen).containsExactly("second");
        assertThat(count(4)).isEqualTo(1);
    }

    @Test
    void afterCommit_afterTheBlock_isRejected() throws SQLException {
        Tx[] escaped = new Tx[1];
        data.useTransaction(tx -> escaped[0] = tx);
        assertThatThrownBy(() -> escaped[0].afterCommit(() -> { }))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("Tx.afterCommit: the transaction has already finished");
    }

    static long uncheckedCount(long id) {
        try {
            return count(id);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void attach_outsideManagerTransaction_joinedByInTransactionAndAfterCommitHandedToTheSink() throws SQLException {
        List<Runnable> sink = new ArrayList<>();
        List<String> ran = new ArrayList<>();
        try (Connection c = data.dataSource().getConnection()) {
            c.setAutoCommit(false);
            Tx tx = Tx.attach(c, sink::add);
            try {
                assertThat(Tx.current()).containsSame(tx);
                data.useTransaction(inner -> {
                    assertThat(inner).as("inTransaction joins the attached transaction").isSameAs(tx);
                    insert(inner.connection(), 301, "attached");
                    inner.afterCommit(() -> ran.add("after"));
                });
                assertThat(ran).as("the sink owns the action until its manager commits").isEmpty();
                assertThat(sink).hasSize(1);
                assertThatThrownBy(() -> Tx.attach(c, sink::add)).isInstanceOf(IllegalStateException.class)
                        .hasMessageStartingWith("Tx.attach: the thread already runs in a transaction of the layer");

                Tx suspended = Tx.suspend().orElseThrow();
                assertThat(Tx.isActive()).as("suspended").isFalse();
                Tx.resume(suspended);
                assertThat(Tx.current()).containsSame(tx);
                c.commit();
            } finally {
                tx.finish();
            }
            assertThat(Tx.isActive()).as("finished").isFalse();
            sink.forEach(Runnable::run);
            assertThat(ran).containsExactly("after");
            assertThat(count(301)).isEqualTo(1);
            assertThatThrownBy(() -> tx.afterCommit(() -> { })).isInstanceOf(IllegalStateException.class)
                    .hasMessageStartingWith("Tx.afterCommit: the transaction has already finished");
        }
    }
}
