package com.skyriff.data.health;

import static org.assertj.core.api.Assertions.assertThat;

import com.skyriff.data.SkyriffData;
import com.skyriff.data.rules.BucketRange;
import com.skyriff.data.rules.HealthSpec;
import com.skyriff.data.rules.NodeSpec;
import com.skyriff.data.rules.PoolSpec;
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
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A replica that hangs (its processes stopped with SIGSTOP: a frozen VM) and one that accepts TCP connections but never
 * answers (a black hole), under a read load of held and new logical connections on both shards: no read fails, the
 * slowest read is bounded by {@code health.read-timeout-ms} and the pool's connection timeout (a bound, not a speed
 * claim), and the replica leaves the rotation, then comes back.
 */
@Tag("slow")
class HungReplicaIT {
    static final long READ_TIMEOUT_MS = 1_000;
    static final long POOL_TIMEOUT_MS = 1_000;
    /** Extra time a loaded 2-core machine may need beyond the configured bounds. */
    static final long SLACK_MS = 1_500;
    /** A held connection's read (read timeout, retry) or a new one's (pool timeout, then a read elsewhere). */
    static final long BOUND_MS = READ_TIMEOUT_MS + POOL_TIMEOUT_MS + SLACK_MS;
    static final int USERS = 64;

    static TestDatabase db;

    @BeforeAll
    static void start() throws SQLException {
        db = LocalTopology.shared().createDatabase("hung_replica_it");
        for (PgShard shard : db.shards()) {
            try (Connection c = DriverManager.getConnection(shard.primary().jdbcUrl(), shard.primary().user(),
                    shard.primary().password()); Statement s = c.createStatement()) {
                s.execute("CREATE TABLE cards (user_id bigint PRIMARY KEY, number text NOT NULL)");
                s.execute("INSERT INTO cards SELECT g, 'n' || g FROM generate_series(1, " + USERS + ") g");
            }
        }
    }

    @AfterAll
    static void stop() {
        // the topology is shared; every test resumes what it froze
    }

    static Rules rules(List<List<NodeSpec>> extraReplicas) {
        Rules.Builder b = Rules.builder().name("hung_replica_it").bucketCount(64)
                .pool(PoolSpec.UNSET.withConnectionTimeoutMs(POOL_TIMEOUT_MS))
                .health(HealthSpec.DEFAULTS.withReadTimeoutMs(READ_TIMEOUT_MS));
        int i = 0;
        for (PgShard s : db.shards()) {
            List<NodeSpec> replicas = new ArrayList<>(s.replicas().stream().map(HungReplicaIT::node).toList());
            replicas.addAll(extraReplicas.get(i));
            b.shard(new ShardSpec(s.name(), node(s.primary()), replicas, null,
                    List.of(BucketRange.of(i * 32, i * 32 + 31))));
            i++;
        }
        return b.table(TableSpec.user("cards", "user_id")).build();
    }

    static NodeSpec node(PgNode n) {
        return NodeSpec.of(n.jdbcUrl(), n.user(), n.password());
    }

    /** Reader threads: each reads random users through a held logical connection, and every 4th read a new one. */
    static final class Readers {
        final AtomicBoolean running = new AtomicBoolean(true);
        final AtomicLong reads = new AtomicLong();
        final AtomicLong slowestNanos = new AtomicLong();
        final Queue<Throwable> failures = new ConcurrentLinkedQueue<>();
        final List<Thread> threads = new ArrayList<>();

        Readers(SkyriffData data, int n) {
            for (int t = 0; t < n; t++) {
                Thread th = new Thread(() -> run(data), "reader-" + t);
                th.setDaemon(true);
                threads.add(th);
                th.start();
            }
        }

        void run(SkyriffData data) {
            java.util.Random random = new java.util.Random();
            Connection held = null;
            try {
                held = data.dataSource().getConnection();
                for (long i = 0; running.get(); i++) {
                    long user = 1 + random.nextInt(USERS);
                    long start = System.nanoTime();
                    try {
                        if (i % 4 == 3) {
                            try (Connection fresh = data.dataSource().getConnection()) {
                                read(fresh, user);
                            }
                        } else {
                            read(held, user);
                        }
                    } catch (SQLException | RuntimeException e) {
                        failures.add(e);
                    }
                    slowestNanos.accumulateAndGet(System.nanoTime() - start, Math::max);
                    reads.incrementAndGet();
                }
            } catch (SQLException e) {
                failures.add(e);
            } finally {
                try {
                    if (held != null) {
                        held.close();
                    }
                } catch (SQLException ignored) {
                    // closing
                }
            }
        }

        static void read(Connection c, long user) throws SQLException {
            try (PreparedStatement ps = c.prepareStatement("SELECT number FROM cards WHERE user_id = ?")) {
                ps.setLong(1, user);
                try (ResultSet rs = ps.executeQuery()) {
                    assertThat(rs.next()).as("user %s found", user).isTrue();
                    assertThat(rs.getString(1)).isEqualTo("n" + user);
                }
            }
        }

        void stop() throws InterruptedException {
            running.set(false);
            for (Thread t : threads) {
                t.join(30_000);
            }
        }

        /** Warms ShardingSphere's parser and the pools up (the first parse alone took seconds on a loaded machine). */
        static void warmUp(SkyriffData data) throws SQLException {
            try (Connection c = data.dataSource().getConnection()) {
                for (long user = 1; user <= USERS; user++) {
                    read(c, user);
                }
            }
        }

        long slowestMs() {
            return TimeUnit.NANOSECONDS.toMillis(slowestNanos.get());
        }
    }

    static NodeStatus status(SkyriffData data, String name) {
        return data.nodeStatus().stream().filter(n -> n.dataSourceName().equals(name)).findFirst().orElseThrow();
    }

    static void awaitTrue(SkyriffData data, String what, Duration timeout, BooleanSupplier condition) {
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

    @Test
    void replicaFrozen_readsAreBoundedAndRetriedElsewhere_noReadFails_andTheReplicaRejoins() throws Exception {
        PgShard shard = db.shards().get(0);
        String replica = shard.name() + "_replica_0";
        try (SkyriffData data = SkyriffData.builder().rules(rules(List.of(List.of(), List.of()))).build()) {
            awaitTrue(data, "every node in service", Duration.ofSeconds(20), () -> data.nodeStatus().stream()
                    .allMatch(n -> n.primary() ? n.up() : n.inRotation()));
            Readers.warmUp(data);
            Readers r = new Readers(data, 4);
            boolean sawOut;
            long readsWhileFrozen;
            try {
                awaitTrue(data, "readers running", Duration.ofSeconds(20), () -> r.reads.get() > 200);
                r.slowestNanos.set(0);   // from the freeze on
                shard.freezeReplica(0);
                try {
                    awaitTrue(data, replica + " out of the rotation", Duration.ofSeconds(10),
                            () -> !status(data, replica).inRotation());
                    sawOut = true;
                    long before = r.reads.get();
                    sleep(10_000 - 2_000);
                    readsWhileFrozen = r.reads.get() - before;
                } finally {
                    shard.resumeReplica(0);
                }
                awaitTrue(data, replica + " back in the rotation", Duration.ofSeconds(30),
                        () -> status(data, replica).inRotation());
                long reads = r.reads.get();
                awaitTrue(data, "reads continue", Duration.ofSeconds(20), () -> r.reads.get() > reads + 200);
            } finally {
                r.stop();
            }
            System.out.println("frozen replica: " + r.reads.get() + " reads, " + r.failures.size() + " failed, slowest "
                    + r.slowestMs() + " ms, " + readsWhileFrozen + " while frozen");
            assertThat(sawOut).isTrue();
            assertThat(readsWhileFrozen).as("reads go on while the replica is frozen").isGreaterThan(100);
            assertThat(r.failures).as("failed reads").isEmpty();
            assertThat(r.slowestMs()).as("slowest read (ms), bounded by read-timeout-ms + pool timeout + slack")
                    .isLessThanOrEqualTo(BOUND_MS);
        }
    }

    @Test
    void blackHoleReplica_readsGoElsewhereWithinTheBound_noReadFails_andItJoinsOnceItAnswers() throws Exception {
        PgShard shard = db.shards().get(0);
        PgNode real = shard.replicas().get(0);
        try (BlackHole hole = new BlackHole(real.host(), real.port())) {
            NodeSpec silent = NodeSpec.of("jdbc:postgresql://127.0.0.1:" + hole.port() + "/" + real.database(),
                    real.user(), real.password());
            String name = shard.name() + "_replica_1";
            try (SkyriffData data = SkyriffData.builder().rules(rules(List.of(List.of(silent), List.of()))).build()) {
                Readers.warmUp(data);   // ShardingSphere's parser (not measured)
                Readers r = new Readers(data, 4);
                try {
                    awaitTrue(data, name + " out of the rotation", Duration.ofSeconds(15),
                            () -> !status(data, name).inRotation());
                    long before = r.reads.get();
                    sleep(5_000);
                    assertThat(r.reads.get()).as("reads while the black hole is out").isGreaterThan(before + 100);
                    hole.forward();
                    awaitTrue(data, name + " in the rotation once it answers", Duration.ofSeconds(30),
                            () -> status(data, name).inRotation());
                    sleep(2_000);   // reads use connections through it
                    hole.silence();   // the route drops every byte now, also on open connections
                    awaitTrue(data, name + " out of the rotation once silent", Duration.ofSeconds(15),
                            () -> !status(data, name).inRotation());
                    long silentReads = r.reads.get();
                    sleep(6_000);
                    assertThat(r.reads.get()).as("reads while it is silent").isGreaterThan(silentReads + 100);
                    hole.forward();
                    awaitTrue(data, name + " back in the rotation", Duration.ofSeconds(30),
                            () -> status(data, name).inRotation());
                    long reads = r.reads.get();
                    awaitTrue(data, "reads continue", Duration.ofSeconds(20), () -> r.reads.get() > reads + 200);
                } finally {
                    r.stop();
                }
                System.out.println("black hole replica: " + r.reads.get() + " reads, " + r.failures.size()
                        + " failed, slowest " + r.slowestMs() + " ms");
                assertThat(r.failures).as("failed reads").isEmpty();
                assertThat(r.slowestMs()).as("slowest read (ms), bounded by read-timeout-ms + pool timeout + slack")
                        .isLessThanOrEqualTo(BOUND_MS);
            }
        }
    }
}
