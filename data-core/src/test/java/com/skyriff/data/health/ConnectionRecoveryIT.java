package com.skyriff.data.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.skyriff.data.SkyriffData;
import com.skyriff.data.guard.RefusedStatementException;
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
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A logical connection whose physical connection the pool closed under it (HikariCP evicts a connection after a fatal
 * SQLState such as {@code 0A000}, which a server function raises here on purpose, as the driver raises it for
 * {@code COPY} through {@code Statement.execute}) recovers outside a transaction and fails clearly inside one; and
 * {@code COPY} is refused before it runs. Real primaries, streaming replicas and HikariCP pools.
 */
class ConnectionRecoveryIT {
    static TestDatabase db;
    static SkyriffData data;

    @BeforeAll
    static void start() throws SQLException {
        db = LocalTopology.shared().createDatabase("recovery_it");
        for (PgShard shard : db.shards()) {
            try (Connection c = connect(shard.primary()); Statement s = c.createStatement()) {
                s.execute("CREATE TABLE cards (user_id bigint PRIMARY KEY, number text NOT NULL)");
                s.execute("CREATE FUNCTION fail_0a000(bigint) RETURNS bigint LANGUAGE plpgsql AS $$ BEGIN"
                        + " RAISE EXCEPTION 'not supported here' USING ERRCODE = '0A000'; END $$");
            }
            shard.awaitReplicaCatchUp(Duration.ofSeconds(30));
        }
        Rules.Builder b = Rules.builder().name("recovery_it").bucketCount(64);
        int i = 0;
        for (PgShard s : db.shards()) {
            b.shard(new ShardSpec(s.name(), node(s.primary()), s.replicas().stream().map(ConnectionRecoveryIT::node)
                    .toList(), null, List.of(BucketRange.of(i * 32, i * 32 + 31))));
            i++;
        }
        data = SkyriffData.builder().rules(b.table(TableSpec.user("cards", "user_id")).build()).build();
        for (long user = 1; user <= 4; user++) {
            try (Connection c = data.dataSource().getConnection()) {
                insert(c, user, "n" + user);
            }
        }
        for (PgShard shard : db.shards()) {
            shard.awaitReplicaCatchUp(Duration.ofSeconds(30));
        }
    }

    @AfterAll
    static void stop() {
        if (data != null) {
            data.close();
        }
    }

    static NodeSpec node(PgNode n) {
        return NodeSpec.of(n.jdbcUrl(), n.user(), n.password());
    }

    static Connection connect(PgNode n) throws SQLException {
        return DriverManager.getConnection(n.jdbcUrl(), n.user(), n.password());
    }

    static void insert(Connection c, long user, String number) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO cards (user_id, number) VALUES (?, ?)")) {
            ps.setLong(1, user);
            ps.setString(2, number);
            assertThat(ps.executeUpdate()).isEqualTo(1);
        }
    }

    static String number(Connection c, long user) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT number FROM cards WHERE user_id = ?")) {
            ps.setLong(1, user);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    static void poison(Connection c, long user) {
        assertThatThrownBy(() -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT fail_0a000(user_id) FROM cards WHERE user_id = ?")) {
                ps.setLong(1, user);
                ps.executeQuery().close();
            }
        }).isInstanceOf(SQLException.class).hasMessageContaining("not supported here");
    }

    @Test
    void copy_anyCaseAfterComments_isRefusedBeforeItRuns_andTheConnectionKeepsWorking() throws SQLException {
        try (Connection c = data.dataSource().getConnection()) {
            assertThat(number(c, 1)).isEqualTo("n1");
            for (String sql : List.of("COPY cards TO STDOUT", "/* export */ copy cards (user_id) TO STDOUT",
                    "-- load\n  Copy cards FROM STDIN")) {
                try (Statement s = c.createStatement()) {
                    assertThatThrownBy(() -> s.execute(sql)).as(sql).isInstanceOf(RefusedStatementException.class)
                            .hasMessageStartingWith("COPY through the layer is refused")
                            .hasMessageContaining("SkyriffData.pools()").hasMessageContaining("batched INSERTs");
                }
                assertThatThrownBy(() -> c.prepareStatement(sql)).as(sql).isInstanceOf(RefusedStatementException.class);
            }
            assertThat(number(c, 1)).as("reads on the same logical connection").isEqualTo("n1");
            insert(c, 100, "after-copy");
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
                    "SELECT count(*) FROM cards WHERE user_id = 1")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getLong(1)).isEqualTo(1);
            }
        }
    }

    @Test
    void evictedConnections_outsideATransaction_theNextStatementsRecover() throws SQLException {
        try (Connection c = data.dataSource().getConnection()) {
            for (long user = 1; user <= 4; user++) {
                assertThat(number(c, user)).isEqualTo("n" + user);
            }
            for (int round = 0; round < 3; round++) {
                for (long user = 1; user <= 4; user++) {
                    poison(c, user);   // a replica's connection, evicted by its pool
                    assertThat(number(c, user)).as("read after eviction, round " + round).isEqualTo("n" + user);
                }
            }
            insert(c, 200, "w");
            try (Connection tx = data.dataSource().getConnection()) {
                tx.setAutoCommit(false);
                poison(tx, 200);   // the primary's connection, in a transaction
                tx.rollback();
                tx.setAutoCommit(true);
                insert(tx, 201, "after-rollback");
            }
            assertThat(number(c, 2)).isEqualTo("n2");
        }
        assertThat(data.nodeStatus()).as("nobody marked down by a pool eviction").allMatch(NodeStatus::up);
    }

    @Test
    void evictedPrimaryConnection_insideATransaction_failsClearlyUntilRolledBack() throws SQLException {
        try (Connection c = data.dataSource().getConnection()) {
            c.setAutoCommit(false);
            insert(c, 300, "lost");
            poison(c, 300);
            assertThatThrownBy(() -> insert(c, 300, "again")).isInstanceOf(SQLException.class)
                    .hasMessageContaining("_primary was closed under this logical connection")
                    .hasMessageContaining("this transaction's work on shard").hasMessageContaining("is lost: roll back,"
                            + " then retry")
                    .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("08003"));
            c.rollback();
            insert(c, 300, "retried");
            c.commit();
            c.setAutoCommit(true);
            assertThat(number(c, 300)).isIn("retried", null);   // a replica may not have replayed it yet
        }
        try (Connection c = data.dataSource().getConnection(); Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            try (ResultSet rs = s.executeQuery("SELECT number FROM cards WHERE user_id = 300")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).as("only the retried transaction's row").isEqualTo("retried");
            }
            c.commit();
        }
        assertThat(data.nodeStatus()).as("nobody marked down by a pool eviction").allMatch(NodeStatus::up);
    }
}
