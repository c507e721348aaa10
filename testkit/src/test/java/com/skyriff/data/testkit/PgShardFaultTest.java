package com.skyriff.data.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.SQLException;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Fault injection on a topology of its own, so a failure here never leaves the shared one broken. */
@Tag("slow")
class PgShardFaultTest {
    private static final Duration PATIENCE = Duration.ofSeconds(30);
    private static LocalTopology topology;
    private static PgShard shard;

    @BeforeAll
    static void start() {
        topology = LocalTopology.builder().shards(1).replicasPerShard(2).redis(false).build();
        shard = topology.createDatabase("fault_test").shards().get(0);
    }

    @AfterAll
    static void stop() {
        if (topology != null) {
            topology.close();
        }
    }

    @Test
    void stopReplica_thenStartReplica_sameServerCatchesUp() throws SQLException {
        PgNode replica = shard.replicas().get(0);
        Sql.execute(shard.primary(), "CREATE TABLE stop_replica (id int)");
        shard.stopReplica(0);
        try {
            assertThatThrownBy(() -> Sql.query(replica, "SELECT 1")).isInstanceOf(SQLException.class);
            Sql.execute(shard.primary(), "INSERT INTO stop_replica VALUES (1)");
            shard.awaitReplicaCatchUp(PATIENCE); // a stopped replica is not waited for
            assertThat(Sql.query(shard.replicas().get(1), "SELECT count(*) FROM stop_replica")).isEqualTo(1L);
        } finally {
            shard.startReplica(0);
        }
        shard.awaitReplicaCatchUp(PATIENCE);
        assertThat(Sql.query(replica, "SELECT inet_server_port()")).isEqualTo(replica.port());
        assertThat(Sql.query(replica, "SELECT pg_is_in_recovery()")).isEqualTo(true);
        assertThat(Sql.query(replica, "SELECT count(*) FROM stop_replica")).isEqualTo(1L);
    }

    @Test
    void stopReplica_twice_isANoOp() {
        shard.stopReplica(1);
        try {
            shard.stopReplica(1);
        } finally {
            shard.startReplica(1);
            shard.startReplica(1);
        }
        shard.awaitReplicaCatchUp(PATIENCE);
    }

    @Test
    void pauseReplay_thenResumeReplay_holdsRowsBackUntilResumed() throws SQLException {
        Sql.execute(shard.primary(), "CREATE TABLE pause_replay (id int)");
        shard.awaitReplicaCatchUp(PATIENCE);
        shard.pauseReplay(0);
        try {
            Sql.execute(shard.primary(), "INSERT INTO pause_replay VALUES (1)");
            // the other standby replays; the paused one must not, however long we give it
            Sql.await(shard.replicas().get(1), "SELECT count(*) FROM pause_replay", Long.valueOf(1)::equals, PATIENCE);
            assertThat(Sql.query(shard.replicas().get(1), "SELECT count(*) FROM pause_replay")).isEqualTo(1L);
            assertThat(Sql.query(shard.replicas().get(0), "SELECT pg_is_wal_replay_paused()")).isEqualTo(true);
            assertThat(Sql.query(shard.replicas().get(0), "SELECT count(*) FROM pause_replay")).isEqualTo(0L);
            assertThatThrownBy(() -> shard.awaitReplicaCatchUp(Duration.ofMillis(300)))
                    .isInstanceOf(TopologyException.class)
                    .hasMessageStartingWith("shard0 - shard0-replica0 did not replay up to ")
                    .hasMessageContaining("replay_paused=true");
        } finally {
            shard.resumeReplay(0);
        }
        shard.awaitReplicaCatchUp(PATIENCE);
        assertThat(Sql.query(shard.replicas().get(0), "SELECT count(*) FROM pause_replay")).isEqualTo(1L);
    }

    @Test
    void pauseReplay_stoppedReplica_throwsNamingTheStandby() {
        shard.stopReplica(1);
        try {
            assertThatThrownBy(() -> shard.pauseReplay(1))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessage("shard0: pauseReplay(1) needs a running standby; shard0-replica1 is stopped"
                            + " (call startReplica(1) first)");
        } finally {
            shard.startReplica(1);
        }
    }

    @Test
    void stopPrimary_thenStartPrimary_standbysReconnectAndReplayNewWrites() throws SQLException {
        Sql.execute(shard.primary(), "CREATE TABLE stop_primary (id int)", "INSERT INTO stop_primary VALUES (1)");
        shard.awaitReplicaCatchUp(PATIENCE);
        shard.stopPrimary();
        try {
            assertThatThrownBy(() -> Sql.query(shard.primary(), "SELECT 1")).isInstanceOf(SQLException.class);
            // standbys keep serving reads while the primary is down
            assertThat(Sql.query(shard.replicas().get(0), "SELECT count(*) FROM stop_primary")).isEqualTo(1L);
            assertThatThrownBy(() -> shard.awaitReplicaCatchUp(PATIENCE))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessage("shard0: awaitReplicaCatchUp needs a running primary; shard0-primary is stopped");
        } finally {
            shard.startPrimary();
        }
        Sql.execute(shard.primary(), "INSERT INTO stop_primary VALUES (2)");
        shard.awaitReplicaCatchUp(PATIENCE);
        for (PgNode replica : shard.replicas()) {
            assertThat(Sql.query(replica, "SELECT count(*) FROM stop_primary")).isEqualTo(2L);
        }
        assertThat(Sql.query(shard.primary(), "SELECT inet_server_port()")).isEqualTo(shard.primary().port());
    }

    @Test
    void awaitReplicaCatchUp_nonPositiveTimeout_throws() {
        assertThatThrownBy(() -> shard.awaitReplicaCatchUp(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("shard0: awaitReplicaCatchUp timeout must be positive; was PT0S");
    }
}
