package com.skyriff.data.health.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.skyriff.data.health.NodeStatus;
import com.skyriff.data.health.ShardUnavailableException;
import com.skyriff.data.rules.BucketRange;
import com.skyriff.data.rules.CrossShardWrites;
import com.skyriff.data.rules.HealthSpec;
import com.skyriff.data.rules.HealthSpec.ReadYourWrites;
import com.skyriff.data.rules.HealthSpec.WhenNoReplica;
import com.skyriff.data.rules.NodeSpec;
import com.skyriff.data.rules.PhysicalNode;
import com.skyriff.data.rules.Rules;
import com.skyriff.data.rules.ShardSpec;
import com.skyriff.data.rules.TableSpec;
import com.zaxxer.hikari.HikariDataSource;
import java.time.Clock;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Replica choice, read-your-writes and cross-shard tracking on hand-set node states (no servers). */
class HealthRuntimeTest {
    static final List<String> SHARD0_REPLICAS = List.of("shard0_replica_0", "shard0_replica_1");

    HealthRuntime runtime;

    @AfterEach
    void close() {
        if (runtime != null) {
            runtime.close();
        }
    }

    HealthRuntime runtime(HealthSpec health, CrossShardWrites cross) {
        Rules.Builder b = Rules.builder().name("unit").bucketCount(64).health(health).crossShardWrites(cross);
        for (int s = 0; s < 2; s++) {
            NodeSpec primary = NodeSpec.of("jdbc:postgresql://127.0.0.1:1/s" + s, "u", "secret-" + s);
            b.shard(new ShardSpec("shard" + s, primary, List.of(NodeSpec.of("jdbc:postgresql://127.0.0.1:2/s" + s, null, null),
                    NodeSpec.of("jdbc:postgresql://127.0.0.1:3/s" + s, null, null)), null,
                    List.of(BucketRange.of(s * 32, s * 32 + 31))));
        }
        Rules rules = b.table(TableSpec.user("users", "user_id")).build();
        Map<String, HikariDataSource> pools = new HashMap<>();
        for (PhysicalNode n : rules.nodes()) {
            HikariDataSource pool = new HikariDataSource();   // never started: no connection is made
            pool.setJdbcUrl(n.spec().url());
            pools.put(n.dataSourceName(), pool);
        }
        runtime = HealthRuntime.create(rules, pools, null, Clock.systemUTC());
        return runtime;
    }

    NodeState node(String name) {
        for (NodeState n : runtime.nodes()) {
            if (n.name.equals(name)) {
                return n;
            }
        }
        throw new AssertionError(name);
    }

    @Test
    void chooseRead_allReplicasUsable_roundRobinsOverThem() {
        runtime(HealthSpec.DEFAULTS, CrossShardWrites.REFUSE);
        Set<String> chosen = new HashSet<>();
        for (int i = 0; i < 4; i++) {
            chosen.add(runtime.chooseRead("shard0", SHARD0_REPLICAS));
        }
        assertThat(chosen).containsExactlyInAnyOrderElementsOf(SHARD0_REPLICAS);
    }

    @Test
    void chooseRead_replicaDown_skipsIt() {
        runtime(HealthSpec.DEFAULTS, CrossShardWrites.REFUSE);
        runtime.markDown(node("shard0_replica_0"), "test");
        for (int i = 0; i < 4; i++) {
            assertThat(runtime.chooseRead("shard0", SHARD0_REPLICAS)).isEqualTo("shard0_replica_1");
        }
    }

    @Test
    void chooseRead_replicaLagsBeyondMaxLag_skipsItUntilItCatchesUp() {
        runtime(HealthSpec.DEFAULTS.withMaxLagMs(300), CrossShardWrites.REFUSE);
        node("shard0_replica_1").lagMillis = 301;
        for (int i = 0; i < 4; i++) {
            assertThat(runtime.chooseRead("shard0", SHARD0_REPLICAS)).isEqualTo("shard0_replica_0");
        }
        assertThat(runtime.status()).filteredOn(s -> s.dataSourceName().equals("shard0_replica_1")).singleElement()
                .satisfies(s -> {
                    assertThat(s.inRotation()).isFalse();
                    assertThat(s.lagMillis()).isEqualTo(301);
                    assertThat(s.lastFailure()).isEqualTo("lag 301 ms (max-lag-ms 300)");
                });
        node("shard0_replica_1").lagMillis = 300;
        Set<String> chosen = new HashSet<>();
        for (int i = 0; i < 4; i++) {
            chosen.add(runtime.chooseRead("shard0", SHARD0_REPLICAS));
        }
        assertThat(chosen).contains("shard0_replica_1");
    }

    @Test
    void chooseRead_noUsableReplicaWithPrimaryPolicy_returnsThePrimary() {
        runtime(HealthSpec.DEFAULTS, CrossShardWrites.REFUSE);
        runtime.markDown(node("shard0_replica_0"), "test");
        node("shard0_replica_1").lagMillis = NodeState.LAG_UNKNOWN;
        assertThat(runtime.chooseRead("shard0", SHARD0_REPLICAS)).isEqualTo("shard0_primary");
        assertThat(runtime.chooseRead("shard1", List.of("shard1_replica_0", "shard1_replica_1"))).startsWith("shard1_replica_");
    }

    @Test
    void chooseRead_noUsableReplicaWithFailPolicy_throwsNamingTheShardAndReplicaStates() {
        runtime(HealthSpec.DEFAULTS.withWhenNoReplica(WhenNoReplica.FAIL), CrossShardWrites.REFUSE);
        node("shard0_replica_0").lastFailure = "Connection refused";
        runtime.markDown(node("shard0_replica_0"), "test");
        node("shard0_replica_1").lagMillis = 12_400;
        assertThatThrownBy(() -> runtime.chooseRead("shard0", SHARD0_REPLICAS))
                .isInstanceOf(ShardUnavailableException.class)
                .hasMessage("shard0 - no usable replica for a read and health.when-no-replica is fail (replicas=2,"
                        + " usable=0, state=[down, lag 12.4 s])")
                .satisfies(e -> assertThat(((ShardUnavailableException) e).shard()).isEqualTo("shard0"));
    }

    @Test
    void chooseRead_windowModeAfterAutocommitWrite_readsPrimaryThenOnlyAReplicaPastTheWrite() throws Exception {
        runtime(HealthSpec.DEFAULTS.withReadYourWrites(ReadYourWrites.WINDOW).withWindowMs(200), CrossShardWrites.REFUSE);
        ShardState state0 = runtime.shard(0);
        state0.primaryChecked(1_000, System.nanoTime());
        node("shard0_replica_0").replayLsn = 1_000;
        node("shard0_replica_1").replayLsn = 1_000;
        long shard0 = 1L;
        assertThat(runtime.onStatement(false, shard0, shard0, true)).isZero();
        // the write has not been seen to complete yet: no window yet, but the next statement starts it
        runtime.onStatement(false, 0, 0, true);
        assertThat(runtime.chooseRead("shard0", SHARD0_REPLICAS)).isEqualTo("shard0_primary");
        assertThat(runtime.chooseRead("shard1", List.of("shard1_replica_0", "shard1_replica_1"))).startsWith("shard1_replica_");
        Thread.sleep(250);
        assertThat(runtime.chooseRead("shard0", SHARD0_REPLICAS)).as("window passed, no check since the write")
                .isEqualTo("shard0_primary");
        state0.primaryChecked(5_000, System.nanoTime());
        assertThat(runtime.chooseRead("shard0", SHARD0_REPLICAS)).as("window passed, replicas still behind the write")
                .isEqualTo("shard0_primary");
        node("shard0_replica_1").replayLsn = 5_000;
        for (int i = 0; i < 4; i++) {
            assertThat(runtime.chooseRead("shard0", SHARD0_REPLICAS)).isEqualTo("shard0_replica_1");
        }
    }

    @Test
    void chooseRead_walModeAfterCommit_readsOnlyReplicasThatReplayedPastIt() {
        runtime(HealthSpec.DEFAULTS.withReadYourWrites(ReadYourWrites.WAL), CrossShardWrites.REFUSE);
        ShardState shard0 = runtime.shard(0);
        shard0.primaryChecked(1_000, System.nanoTime());
        assertThat(runtime.onStatement(true, 1L, 1L, true)).isZero();   // a write inside a transaction
        runtime.committed(0);
        // no primary check since the commit: nothing proves any replica has it
        assertThat(runtime.chooseRead("shard0", SHARD0_REPLICAS)).isEqualTo("shard0_primary");
        shard0.primaryChecked(5_000, System.nanoTime());
        node("shard0_replica_0").replayLsn = 4_999;
        node("shard0_replica_1").replayLsn = 5_000;
        for (int i = 0; i < 4; i++) {
            assertThat(runtime.chooseRead("shard0", SHARD0_REPLICAS)).isEqualTo("shard0_replica_1");
        }
        node("shard0_replica_1").replayLsn = 4_000;   // e.g. re-checked after a restart
        assertThat(runtime.chooseRead("shard0", SHARD0_REPLICAS)).isEqualTo("shard0_primary");
    }

    @Test
    void chooseRead_walModeWithPrimaryDown_fallsBackToAReplica() {
        runtime(HealthSpec.DEFAULTS.withReadYourWrites(ReadYourWrites.WAL), CrossShardWrites.REFUSE);
        runtime.onStatement(false, 1L, 1L, true);
        runtime.onStatement(false, 0, 0, true);
        runtime.markDown(node("shard0_primary"), "test");
        assertThat(runtime.chooseRead("shard0", SHARD0_REPLICAS)).startsWith("shard0_replica_");
    }

    @Test
    void chooseRead_rollbackInsteadOfCommit_keepsReadingReplicas() {
        runtime(HealthSpec.DEFAULTS.withReadYourWrites(ReadYourWrites.WINDOW), CrossShardWrites.REFUSE);
        runtime.onStatement(true, 1L, 1L, true);
        runtime.rolledBack(0);
        runtime.onStatement(false, 0, 0, true);
        assertThat(runtime.chooseRead("shard0", SHARD0_REPLICAS)).startsWith("shard0_replica_");
    }

    @Test
    void onStatement_secondShardWrittenInOneTransaction_isReportedUnlessAllowed() {
        runtime(HealthSpec.DEFAULTS, CrossShardWrites.REFUSE);
        assertThat(runtime.onStatement(true, 1L, 1L, true)).isZero();
        assertThat(runtime.onStatement(true, 1L, 1L, true)).as("same shard again").isZero();
        assertThat(runtime.onStatement(true, 2L, 2L, true)).isEqualTo(3L);
        assertThat(runtime.shardNames(3L)).containsExactly("shard0", "shard1");
        runtime.committed(0);
        assertThat(runtime.onStatement(true, 2L, 2L, true)).as("a new transaction").isZero();
        assertThat(runtime.onStatement(true, 3L, 0L, true)).as("broadcast writes do not count").isZero();
        assertThat(runtime.onStatement(true, 1L, 1L, false)).as("guard disabled by hint").isZero();
    }

    @Test
    void onStatement_oneStatementWritingTwoShards_isReportedUnlessAllowed() {
        runtime(HealthSpec.DEFAULTS, CrossShardWrites.REFUSE);
        assertThat(runtime.onStatement(false, 3L, 3L, true)).isEqualTo(3L);
        runtime.close();
        runtime(HealthSpec.DEFAULTS, CrossShardWrites.ALLOW);
        assertThat(runtime.onStatement(false, 3L, 3L, true)).isZero();
        assertThat(runtime.onStatement(true, 1L, 1L, true)).isZero();
        assertThat(runtime.onStatement(true, 2L, 2L, true)).isZero();
    }

    @Test
    void lagMillis_replicaBehindSeveralPrimaryChecks_isTimeSinceTheFirstCheckPastIt() {
        runtime(HealthSpec.DEFAULTS, CrossShardWrites.REFUSE);
        ShardState s = runtime.shard(0);
        long t0 = 1_000_000_000L;
        s.primaryChecked(100, t0);
        s.primaryChecked(200, t0 + 500_000_000L);
        s.primaryChecked(300, t0 + 1_000_000_000L);
        assertThat(s.lagMillis(300, t0 + 1_200_000_000L)).isZero();
        assertThat(s.lagMillis(250, t0 + 1_200_000_000L)).isEqualTo(200);
        assertThat(s.lagMillis(150, t0 + 1_200_000_000L)).isEqualTo(700);
        assertThat(s.lagMillis(50, t0 + 1_200_000_000L)).isEqualTo(1_200);
    }

    @Test
    void status_afterMarkDown_reportsTheNodeDownWithItsFailure() {
        runtime(HealthSpec.DEFAULTS, CrossShardWrites.REFUSE);
        NodeState primary = node("shard1_primary");
        primary.lastFailure = "Connection to 127.0.0.1:1 refused";
        runtime.markDown(primary, "test");
        NodeStatus s = runtime.status().stream().filter(n -> n.dataSourceName().equals("shard1_primary")).findFirst()
                .orElseThrow();
        assertThat(s).isEqualTo(new NodeStatus("shard1_primary", "shard1", true, false, 0, false,
                "Connection to 127.0.0.1:1 refused"));
        assertThat(runtime.primaryUnavailable(primary, null).getMessage())
                .startsWith("shard1 - primary shard1_primary is unavailable, writes to shard1 are refused (down ")
                .endsWith("Connection to 127.0.0.1:1 refused); reads are served by its replicas (replicas=2, usable=2,"
                        + " state=[ok, ok])");
    }
}
