package com.skyriff.data.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.skyriff.data.SkyriffData;
import com.skyriff.data.cache.CacheCodec;
import com.skyriff.data.cache.EntityCache;
import com.skyriff.data.cache.SkyriffCache;
import com.skyriff.data.rules.BucketRange;
import com.skyriff.data.rules.CacheEntitySpec;
import com.skyriff.data.rules.CacheSpec;
import com.skyriff.data.rules.HealthSpec;
import com.skyriff.data.rules.HealthSpec.ReadYourWrites;
import com.skyriff.data.rules.NodeSpec;
import com.skyriff.data.rules.PoolSpec;
import com.skyriff.data.rules.Rules;
import com.skyriff.data.rules.ShardSpec;
import com.skyriff.data.rules.TableSpec;
import com.skyriff.data.testkit.LocalTopology;
import com.skyriff.data.testkit.PgNode;
import com.skyriff.data.testkit.PgShard;
import com.skyriff.data.testkit.RedisNode;
import com.skyriff.data.testkit.TestDatabase;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Fault injection on the shared local topology (2 shards, one streaming replica each, Redis) under a mixed workload of
 * four sessions: a replica killed, replay paused on a replica, a primary stopped, Redis stopped. Every test restores
 * the process it touched in {@code finally} and checks that every acknowledged write is present afterwards.
 * Read-your-writes is {@code wal}; the health settings are the defaults, whose detection window is 2 s.
 */
@Tag("slow")
class FaultIT {
    /** The documented detection bound of the default health settings (docs/reliability.md). */
    static final long DETECTION_MS = 2_000;
    /** Extra time a loaded 2-core machine may need beyond the configured bound. */
    static final long SLACK_MS = 1_500;
    static final long POOL_TIMEOUT_MS = 1_000;

    static TestDatabase db;
    static SkyriffData data;
    static SimpleMeterRegistry meters = new SimpleMeterRegistry();
    static long nextUser = 1;

    @BeforeAll
    static void start() throws SQLException {
        db = LocalTopology.shared().createDatabase("fault_it");
        for (PgShard shard : db.shards()) {
            try (Connection c = connect(shard.primary())) {
                Workload.createSchema(c);
            }
            shard.awaitReplicaCatchUp(Duration.ofSeconds(30));
        }
        data = SkyriffData.builder().rules(rules("fault_it", HEALTH)).meterRegistry(meters).build();
        awaitTrue("every node in service", Duration.ofSeconds(20), () -> data.nodeStatus().stream()
                .allMatch(n -> n.primary() ? n.up() : n.inRotation()));
    }

    static final HealthSpec HEALTH = HealthSpec.DEFAULTS.withReadYourWrites(ReadYourWrites.WAL).withMaxLagMs(2_000);

    static Rules rules(String name, HealthSpec health) {
        Rules.Builder b = Rules.builder().name(name).bucketCount(64)
                .pool(PoolSpec.UNSET.withConnectionTimeoutMs(POOL_TIMEOUT_MS)).health(health);
        int i = 0;
        for (PgShard s : db.shards()) {
            b.shard(new ShardSpec(s.name(), node(s.primary()), s.replicas().stream().map(FaultIT::node).toList(), null,
                    List.of(BucketRange.of(i * 32, i * 32 + 31))));
            i++;
        }
        return b.table(TableSpec.user("counters", "user_id")).table(TableSpec.user("events", "user_id")).build();
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

    static Workload workload(EntityCache<Long, Long> cache) {
        long first = nextUser;
        nextUser += 100_000;
        return new Workload(data, cache, 4, first, 200_000).start();
    }

    static NodeStatus status(String dataSourceName) {
        return status(data, dataSourceName);
    }

    static NodeStatus status(SkyriffData of, String dataSourceName) {
        return of.nodeStatus().stream().filter(n -> n.dataSourceName().equals(dataSourceName)).findFirst()
                .orElseThrow();
    }

    /** Polls every 50 ms; fails after {@code timeout}. */
    static void awaitTrue(String what, Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("timed out after " + timeout.toMillis() + " ms waiting for: " + what
                        + "; nodes: " + data.nodeStatus());
            }
            sleep(50);
        }
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Every acknowledged write of {@code w} is on its shard's primary. */
    static void assertNothingLost(Workload w) throws SQLException {
        Set<Workload.Ack> stored = new HashSet<>();
        for (PgShard s : db.shards()) {
            try (Connection c = connect(s.primary()); Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT user_id, seq FROM events")) {
                while (rs.next()) {
                    stored.add(new Workload.Ack(rs.getLong(1), rs.getLong(2)));
                }
            }
        }
        List<Workload.Ack> missing = w.acked.stream().filter(a -> !stored.contains(a)).toList();
        assertThat(w.acked).as("acknowledged writes").isNotEmpty();
        assertThat(missing).as("acknowledged writes missing out of %s", w.acked.size()).isEmpty();
    }

    @Test
    void replicaKilled_readsContinueWithoutErrorsAfterDetection_andTheReplicaRejoins() throws Exception {
        PgShard shard = db.shards().get(0);
        String replica = shard.name() + "_replica_0";
        Workload w = workload(null);
        long killed;
        long detected;
        try {
            awaitTrue("workload running", Duration.ofSeconds(20), () -> w.ops.get() > 100);
            killed = System.nanoTime();
            shard.stopReplica(0);
            try {
                awaitTrue(replica + " out of the rotation", Duration.ofSeconds(15), () -> !status(replica).inRotation());
                detected = System.nanoTime();
                long reads = w.okReads.get();
                sleep(3_000);
                assertThat(w.okReads.get()).as("reads after detection").isGreaterThan(reads + 50);
            } finally {
                shard.startReplica(0);
            }
            awaitTrue(replica + " back in the rotation", Duration.ofSeconds(30), () -> status(replica).inRotation());
            long ops = w.ops.get();
            awaitTrue("workload continues", Duration.ofSeconds(20), () -> w.ops.get() > ops + 100);
        } finally {
            w.stop();
        }
        System.out.println("replica kill: detected after " + TimeUnit.NANOSECONDS.toMillis(detected - killed) + " ms; "
                + w.failures.size() + " failed requests in all, " + w.okReads.get() + " reads");
        assertThat(TimeUnit.NANOSECONDS.toMillis(detected - killed)).as("detection time (ms)")
                .isLessThanOrEqualTo(DETECTION_MS + SLACK_MS);
        assertThat(w.failuresAfter(killed + TimeUnit.MILLISECONDS.toNanos(DETECTION_MS + POOL_TIMEOUT_MS)))
                .as("failures after the detection window").isEmpty();
        assertNothingLost(w);
    }

    @Test
    void replayPaused_noSessionReadsOlderThanItsOwnWrite_andTheLaggingReplicaLeavesAndRejoins() throws Exception {
        PgShard shard = db.shards().get(0);
        String replica = shard.name() + "_replica_0";
        Workload w = workload(null);
        double maxLagSeen;
        try {
            awaitTrue("workload running", Duration.ofSeconds(20), () -> w.ops.get() > 100);
            awaitTrue("some own reads served by replicas", Duration.ofSeconds(20), () -> w.ownReadsFromReplica.get() > 0);
            shard.pauseReplay(0);
            try {
                awaitTrue(replica + " out of the rotation (lag > 2000 ms)", Duration.ofSeconds(20),
                        () -> !status(replica).inRotation());
                maxLagSeen = meters.get("skyriff.replica.lag").tag("node", replica).timeGauge()
                        .value(TimeUnit.MILLISECONDS);
                assertThat(status(replica).lastFailure()).startsWith("lag ").endsWith("(max-lag-ms 2000)");
                sleep(1_000);
            } finally {
                shard.resumeReplay(0);
            }
            awaitTrue(replica + " back in the rotation", Duration.ofSeconds(30), () -> status(replica).inRotation());
            long ops = w.ops.get();
            awaitTrue("workload continues", Duration.ofSeconds(20), () -> w.ops.get() > ops + 100);
        } finally {
            w.stop();
        }
        assertThat(maxLagSeen).as("replica lag metric while paused (ms)").isGreaterThan(2_000);
        assertThat(w.staleReads).as("reads older than the session's own last write").isEmpty();
        assertThat(w.failures).as("failed requests").isEmpty();
        assertNothingLost(w);
    }

    @Test
    void primaryStopped_writesFailFastWithTheShard_readsContinue_andWritesResumeAfterRestart() throws Exception {
        PgShard shard = db.shards().get(1);
        String primary = shard.name() + "_primary";
        String other = db.shards().get(0).name();
        Workload w = workload(null);
        long stopped;
        long detected;
        long otherWrites;
        long resumedWrites;
        try {
            awaitTrue("workload running", Duration.ofSeconds(20), () -> w.ops.get() > 100);
            stopped = System.nanoTime();
            shard.stopPrimary();
            try {
                awaitTrue(primary + " seen down", Duration.ofSeconds(15), () -> !status(primary).up());
                detected = System.nanoTime();
                otherWrites = w.okWrites(other);
                sleep(3_000);
                assertThat(w.okWrites(other)).as("writes to " + other + " go on").isGreaterThan(otherWrites + 20);
            } finally {
                shard.startPrimary();
            }
            resumedWrites = w.okWrites(shard.name());
            awaitTrue("writes to " + shard.name() + " resume", Duration.ofSeconds(30),
                    () -> w.okWrites(shard.name()) > resumedWrites + 20);
        } finally {
            w.stop();
        }
        long window = detected + TimeUnit.MILLISECONDS.toNanos(POOL_TIMEOUT_MS);
        List<Workload.Failure> late = w.failuresAfter(window);
        assertThat(late).as("failures after detection").isNotEmpty().allSatisfy(f -> {
            assertThat(f.kind()).isEqualTo("write");
            assertThat(f.shard()).isEqualTo(shard.name());
            assertThat(f.error()).isInstanceOf(ShardUnavailableException.class)
                    .hasMessageStartingWith(shard.name() + " - primary " + primary + " is unavailable, writes to "
                            + shard.name() + " are refused (");
            assertThat(((ShardUnavailableException) f.error()).shard()).isEqualTo(shard.name());
            // a bound, not a speed claim: the pool timeout plus the same scheduling slack as the detection bound
            // (seen: 1001 ms for a 1000 ms pool timeout on a loaded 2-core machine)
            assertThat(TimeUnit.NANOSECONDS.toMillis(f.tookNanos())).as("fail fast: within the pool timeout")
                    .isLessThanOrEqualTo(POOL_TIMEOUT_MS + SLACK_MS);
        });
        System.out.println("primary stop: detected after " + TimeUnit.NANOSECONDS.toMillis(detected - stopped) + " ms; "
                + late.size() + " typed write failures after detection, slowest "
                + late.stream().mapToLong(f -> TimeUnit.NANOSECONDS.toMillis(f.tookNanos())).max().orElse(0) + " ms");
        assertThat(TimeUnit.NANOSECONDS.toMillis(detected - stopped)).as("detection time (ms)")
                .isLessThanOrEqualTo(DETECTION_MS + SLACK_MS);
        assertNothingLost(w);
    }

    /**
     * A logical connection that already holds a physical connection to a primary when the primary dies (here: one in a
     * transaction, one in auto-commit, both having written to the shard before). Its next statement fails with
     * {@link ShardUnavailableException} naming the shard and node, not with the driver's I/O error, and takes the
     * primary out at once, so a new request fails fast with the typed error too. The transaction's statements are
     * refused until it is rolled back; its uncommitted row is gone. After the restart, writes resume on the same
     * logical connections and on new ones.
     *
     * <p>This test's data source needs 100 consecutive failed checks (about 10 s at one retry per 100 ms) to take a
     * node out by itself, so within the first seconds after the stop only the failed statement can have taken the
     * primary out.
     */
    @Test
    void primaryStoppedUnderHeldConnections_nextStatementThrowsShardUnavailable_takesItOut_andWritesResumeAfterRestart()
            throws Exception {
        PgShard shard = db.shards().get(1);
        String primary = shard.name() + "_primary";
        String typed = shard.name() + " - primary " + primary + " is unavailable, writes to " + shard.name()
                + " are refused (";
        Rules rules = rules("fault_held", HEALTH.withFailureThreshold(100));
        long user = nextUser;
        while (!rules.buckets().shardOf(user).equals(shard.name())) {
            user++;
        }
        nextUser = user + 1;
        long u = user;
        try (SkyriffData held = SkyriffData.builder().rules(rules).build()) {
            awaitTrue("every node in service", Duration.ofSeconds(20), () -> held.nodeStatus().stream()
                    .allMatch(n -> n.primary() ? n.up() : n.inRotation()));
            try (Connection tx = held.dataSource().getConnection();
                 Connection auto = held.dataSource().getConnection()) {
                tx.setAutoCommit(false);
                insertEvent(tx, u, 1);                 // open transaction, never committed
                insertEvent(auto, u, 2);               // committed
                long stopped = System.nanoTime();
                shard.stopPrimary();
                try {
                    assertThatThrownBy(() -> insertEvent(tx, u, 3))
                            .isInstanceOfSatisfying(ShardUnavailableException.class, e -> {
                                assertThat(e.shard()).isEqualTo(shard.name());
                                assertThat(e.node()).isEqualTo(primary);
                                assertThat(e.getSQLState()).isEqualTo("08001");
                            })
                            .hasMessageStartingWith(typed + "connection lost: ")
                            .hasMessageContaining("); this transaction's work on " + shard.name() + " is lost: roll"
                                    + " back, then retry; reads are served by its replicas (");
                    assertThat(status(held, primary).up()).as("taken out by the failed statement").isFalse();
                    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stopped))
                            .as("ms since the stop: the checks alone could not have taken the primary out yet")
                            .isLessThan(8_000);

                    assertThatThrownBy(() -> insertEvent(auto, u, 4)).isInstanceOf(ShardUnavailableException.class)
                            .hasMessageStartingWith(typed + "connection lost: ")
                            .hasMessageNotContaining("transaction");
                    long start = System.nanoTime();
                    assertThatThrownBy(() -> {
                        try (Connection fresh = held.dataSource().getConnection()) {
                            insertEvent(fresh, u, 5);
                        }
                    }).as("a new request fails fast").isInstanceOf(ShardUnavailableException.class)
                            .hasMessageStartingWith(typed + "down ");
                    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).as("fail fast (ms)")
                            .isLessThanOrEqualTo(POOL_TIMEOUT_MS + SLACK_MS);

                    assertThatThrownBy(() -> insertEvent(tx, u, 6)).as("the lost transaction is refused until"
                            + " rolled back").isInstanceOf(ShardUnavailableException.class)
                            .hasMessageContaining("this transaction's work on " + shard.name() + " is lost: roll back, then"
                                    + " retry");
                    tx.rollback();
                } finally {
                    shard.startPrimary();
                }
                awaitTrue(primary + " back", Duration.ofSeconds(30), () -> status(held, primary).up());
                insertEvent(tx, u, 7);
                tx.commit();
                insertEvent(auto, u, 8);
            }
            held.useTransaction(t -> insertEvent(t.connection(), u, 9));
        } finally {
            awaitTrue(primary + " back for the other tests", Duration.ofSeconds(30), () -> status(primary).up());
        }
        List<Long> stored = new java.util.ArrayList<>();
        try (Connection c = connect(shard.primary()); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT seq FROM events WHERE user_id = " + u + " ORDER BY seq")) {
            while (rs.next()) {
                stored.add(rs.getLong(1));
            }
        }
        assertThat(stored).as("committed rows; the lost transaction's row 1 and the failed writes are absent")
                .containsExactly(2L, 7L, 8L, 9L);
    }

    static void insertEvent(Connection c, long user, long seq) throws SQLException {
        try (var ps = c.prepareStatement("INSERT INTO events (user_id, seq) VALUES (?, ?)")) {
            ps.setLong(1, user);
            ps.setLong(2, seq);
            ps.executeUpdate();
        }
    }

    @Test
    void redisStopped_noRequestFails() throws Exception {
        RedisNode redis = LocalTopology.shared().redis();
        CacheSpec spec = CacheSpec.builder().namespace("fault-" + System.nanoTime()).singleServer(redis.uri())
                .failureThreshold(3).openMs(300).timeoutMs(300).connectTimeoutMs(300)
                .entity(CacheEntitySpec.of("counter").withTtlSeconds(600))
                .build();
        try (SkyriffCache cache = SkyriffCache.builder(spec).build()) {
            Workload w = workload(cache.entity("counter", CacheCodec.json(Long.class)));
            try {
                awaitTrue("workload running", Duration.ofSeconds(20), () -> w.ops.get() > 100);
                redis.stop();
                try {
                    long ops = w.ops.get();
                    awaitTrue("workload continues without Redis", Duration.ofSeconds(20), () -> w.ops.get() > ops + 200);
                } finally {
                    redis.start();
                }
                long ops = w.ops.get();
                awaitTrue("workload continues with Redis back", Duration.ofSeconds(20), () -> w.ops.get() > ops + 200);
            } finally {
                w.stop();
            }
            assertThat(w.failures).as("failed requests").isEmpty();
            assertThat(w.staleReads).as("reads older than the session's own last write").isEmpty();
            assertNothingLost(w);
        }
    }
}
