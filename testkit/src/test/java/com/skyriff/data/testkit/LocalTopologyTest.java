package com.skyriff.data.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(TopologyExtension.class)
class LocalTopologyTest {
    private static final Duration PATIENCE = Duration.ofSeconds(30);

    @Test
    void shared_firstUse_startsTwoShardsWithOneStreamingReplicaEach(LocalTopology topology) throws SQLException {
        assertThat(topology.shards()).extracting(PgShard::name).containsExactly("shard0", "shard1");
        for (PgShard shard : topology.shards()) {
            assertThat(shard.replicas()).hasSize(1);
            assertThat(shard.primary().port()).isNotIn(5432, 6379);
            assertThat(shard.replicas().get(0).port()).isNotIn(5432, 6379, shard.primary().port());
            assertThat(Sql.query(shard.primary(), "SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'"))
                    .isEqualTo(1L);
        }
    }

    @Test
    void shared_calledTwice_returnsTheSameTopology(LocalTopology topology) {
        assertThat(LocalTopology.shared()).isSameAs(topology);
    }

    @Test
    void pgIsInRecovery_primaryFalse_replicaTrue(LocalTopology topology) throws SQLException {
        for (PgShard shard : topology.shards()) {
            assertThat(Sql.query(shard.primary(), "SELECT pg_is_in_recovery()")).isEqualTo(false);
            assertThat(Sql.query(shard.replicas().get(0), "SELECT pg_is_in_recovery()")).isEqualTo(true);
        }
    }

    @Test
    void nodes_defaultDatabase_isSkyriffWithSuperuserSkyriff(LocalTopology topology) throws SQLException {
        PgNode primary = topology.shards().get(0).primary();
        assertThat(primary.jdbcUrl()).isEqualTo("jdbc:postgresql://127.0.0.1:" + primary.port() + "/skyriff");
        assertThat(primary.user()).isEqualTo("skyriff");
        assertThat(primary.primary()).isTrue();
        assertThat(topology.shards().get(0).replicas().get(0).primary()).isFalse();
        assertThat(Sql.query(primary, "SELECT current_database()")).isEqualTo("skyriff");
        assertThat(Sql.query(primary, "SELECT rolsuper FROM pg_roles WHERE rolname = current_user")).isEqualTo(true);
    }

    @Test
    void connect_wrongPassword_isRejectedByScram(LocalTopology topology) throws SQLException {
        PgNode primary = topology.shards().get(0).primary();
        assertThatThrownBy(() -> DriverManager.getConnection(primary.jdbcUrl(), primary.user(), "wrong").close())
                .isInstanceOf(SQLException.class)
                .hasMessageContaining("password authentication failed for user \"skyriff\"");
        assertThat(Sql.query(primary, "SELECT auth_method FROM pg_hba_file_rules WHERE 'all' = ANY(database)"
                + " AND type = 'host'")).isEqualTo("scram-sha-256");
    }

    @Test
    void rowWrittenOnPrimary_pollingReplica_becomesVisible(LocalTopology topology) throws SQLException {
        TestDatabase db = topology.createDatabase("local_topology_visibility");
        for (PgShard shard : db.shards()) {
            Sql.execute(shard.primary(), "CREATE TABLE watch_event (id bigint PRIMARY KEY, shard text)",
                    "INSERT INTO watch_event VALUES (1, '" + shard.name() + "')");
            Object seen = Sql.await(shard.replicas().get(0), "SELECT shard FROM watch_event WHERE id = 1",
                    shard.name()::equals, PATIENCE);
            assertThat(seen).isEqualTo(shard.name());
        }
    }

    @Test
    void awaitReplicaCatchUp_afterWrite_replicaSeesTheRowAtOnce(LocalTopology topology) throws SQLException {
        TestDatabase db = topology.createDatabase("local_topology_catch_up");
        PgShard shard = db.shards().get(1);
        Sql.execute(shard.primary(), "CREATE TABLE t (id int)");
        for (int i = 1; i <= 20; i++) {
            Sql.execute(shard.primary(), "INSERT INTO t VALUES (" + i + ")");
            shard.awaitReplicaCatchUp(PATIENCE);
            assertThat(Sql.query(shard.replicas().get(0), "SELECT count(*) FROM t")).isEqualTo((long) i);
        }
    }

    @Test
    void createDatabase_newName_isUsableOnPrimaryAndReplica(LocalTopology topology) throws SQLException {
        TestDatabase db = topology.createDatabase("local_topology_create");
        assertThat(db.name()).isEqualTo("local_topology_create");
        assertThat(db.shards()).hasSize(2);
        for (PgShard shard : db.shards()) {
            assertThat(shard.primary().database()).isEqualTo("local_topology_create");
            assertThat(shard.primary().jdbcUrl()).endsWith("/local_topology_create");
            assertThat(Sql.query(shard.primary(), "SELECT current_database()")).isEqualTo("local_topology_create");
            // createDatabase waited for the standby: no polling needed here.
            assertThat(Sql.query(shard.replicas().get(0), "SELECT current_database()"))
                    .isEqualTo("local_topology_create");
            Sql.execute(shard.primary(), "CREATE TABLE account (id bigint PRIMARY KEY)",
                    "INSERT INTO account VALUES (7)");
            shard.awaitReplicaCatchUp(PATIENCE);
            assertThat(Sql.query(shard.replicas().get(0), "SELECT id FROM account")).isEqualTo(7L);
        }
        // the topology's own shards still point at skyriff
        assertThat(topology.shards().get(0).primary().database()).isEqualTo("skyriff");
    }

    @Test
    void createDatabase_sameNameTwice_throwsWithName(LocalTopology topology) {
        topology.createDatabase("local_topology_twice");
        assertThatThrownBy(() -> topology.createDatabase("local_topology_twice"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("createDatabase: name already exists in this topology; was 'local_topology_twice',"
                        + " expected a name not used before (one database per test class)");
    }

    @Test
    void createDatabase_invalidName_throwsWithAllowedForm(LocalTopology topology) {
        assertThatThrownBy(() -> topology.createDatabase("Orders-DB"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("createDatabase: name must be a lower-case SQL identifier ([a-z_][a-z0-9_]*, at most 63"
                        + " characters); was 'Orders-DB'");
        assertThatThrownBy(() -> topology.createDatabase("skyriff"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("createDatabase: name already exists in this topology; was 'skyriff'");
    }

    @Test
    void close_sharedTopology_throwsBecauseTheShutdownHookOwnsIt(LocalTopology topology) {
        assertThatThrownBy(topology::close)
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("LocalTopology.close: the shared() topology is stopped by a JVM shutdown hook;"
                        + " close only topologies from builder()");
    }

    @Test
    void pgNode_toString_masksPassword(LocalTopology topology) {
        PgNode primary = topology.shards().get(0).primary();
        assertThat(primary.toString()).doesNotContain("skyriff-secret").contains("password=<masked>");
        assertThat(topology.toString()).doesNotContain("skyriff-secret");
        assertThat(primary.password()).isEqualTo("skyriff-secret");
    }

    @Test
    void replicaIndex_outOfRange_throwsWithRange(LocalTopology topology) {
        PgShard shard = topology.shards().get(0);
        assertThatThrownBy(() -> shard.stopReplica(1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("shard0: replica index is out of range; was 1, expected 0..0");
    }
}
