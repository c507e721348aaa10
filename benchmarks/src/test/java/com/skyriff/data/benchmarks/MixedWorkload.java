package com.skyriff.data.benchmarks;

import com.skyriff.examples.service.InsufficientFundsException;
import java.math.BigDecimal;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;

/**
 * The demo's mixed workload, shared by {@link MixedWorkloadBenchmark} (the layer against its raw twin, the throughput
 * curve) and {@link MixedVariantsBenchmark} (the single-shard path off; the profile cache on). Each client thread runs
 * operations back to back (a closed loop). The mix is the demo's ({@code examples/.../demo/Workload.Op}, weights out
 * of 100): profile 35, watch history (3 months, 20 rows) 12, record watch (insert + view count) 20, top videos 10,
 * follow 5, publish video 3, credit 7, debit 8 (a transaction with a row lock; a refused debit counts as an
 * operation). User and author ids are Zipf-distributed.
 *
 * <p>Steady state: before JMH's own warm-up, the trial's setup runs the workload on the benchmark's thread count until
 * JIT compilation has settled ({@link Probe#settle}); every iteration (warm-up and measured) starts from the seeded
 * data ({@link Fixture#resetWorkload}), and records its operations and the CPU time of every process group.
 */
@State(Scope.Benchmark)
public abstract class MixedWorkload {
    /** The demo's operations and weights. */
    enum Op {
        PROFILE(35), WATCH_HISTORY(12), RECORD_WATCH(20), TOP_VIDEOS(10), FOLLOW(5), PUBLISH_VIDEO(3), CREDIT(7),
        DEBIT(8);

        final int weight;

        Op(int weight) {
            this.weight = weight;
        }
    }

    private static final Op[] MIX = new Op[100];

    static {
        int i = 0;
        for (Op op : Op.values()) {
            for (int w = 0; w < op.weight; w++) {
                MIX[i++] = op;
            }
        }
        if (i != 100) {
            throw new IllegalStateException("MixedWorkload: weights add up to " + i + ", expected 100");
        }
    }

    /** Who runs the operations (the {@code @Param} of both benchmark classes). */
    public enum Service {
        /** The raw twin: the same statements and keys on plain HikariCP pools to the nodes the rules compute. */
        RAW,
        /** The reference service as it ships (the single-shard path on), no profile cache. */
        LAYER,
        /** The same service with {@code single-shard-path: false}: every statement through ShardingSphere. */
        LAYER_SS,
        /** The service as the demo runs it: the single-shard path and the profile cache (Redis + near cache). */
        LAYER_CACHED;

        MixedOps open(Fixture f) {
            return switch (this) {
                case RAW -> new MixedOps.Raw(f);
                case LAYER -> new MixedOps.Layer(f.acquireService(true, false));
                case LAYER_SS -> new MixedOps.Layer(f.acquireService(false, false));
                case LAYER_CACHED -> new MixedOps.Layer(f.acquireService(true, true));
            };
        }
    }

    Fixture fixture;
    MixedOps ops;
    Probe probe;

    abstract Service service();

    @Setup(Level.Trial)
    public void setUp(BenchmarkParams params) throws SQLException {
        fixture = Fixture.get();
        ops = service().open(fixture);
        MixedOps.check(ops, fixture);
        probe = new Probe(params, fixture.cpu());
        Keys[] keys = new Keys[probe.threads()];
        SplittableRandom[] random = new SplittableRandom[probe.threads()];
        for (int t = 0; t < keys.length; t++) {
            keys[t] = Keys.warmup(t);
            random[t] = new SplittableRandom(77_000 + t);
        }
        probe.settle(t -> operate(keys[t], random[t]));
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        if (service() != Service.RAW) {
            fixture.releaseService();
        }
    }

    @Setup(Level.Iteration)
    public void startIteration(IterationParams params) {
        fixture.resetWorkload();
        probe.start(params);
    }

    @TearDown(Level.Iteration)
    public void endIteration() {
        probe.stop();
    }

    /** Per-thread randomness for the operation and its arguments. */
    @State(Scope.Thread)
    public static class Client {
        private static final AtomicInteger SEEDS = new AtomicInteger();
        final SplittableRandom random = new SplittableRandom(1_000 + SEEDS.getAndIncrement());
    }

    Object operate(Keys keys, SplittableRandom rnd) throws SQLException {
        long user = keys.user();
        Object out;
        try {
            out = switch (MIX[rnd.nextInt(100)]) {
                case PROFILE -> ops.profile(user);
                case WATCH_HISTORY -> ops.watchHistory(user);
                case RECORD_WATCH -> {
                    int a = keys.author();
                    ops.recordWatch(user, fixture.authors[a], fixture.videos[a], 1 + rnd.nextInt(600),
                            OffsetDateTime.now(ZoneOffset.UTC));
                    yield a;
                }
                case TOP_VIDEOS -> ops.topVideos(fixture.authors[keys.author()]);
                case FOLLOW -> {
                    ops.follow(user, fixture.users[rnd.nextInt(fixture.users.length)]);
                    yield user;
                }
                case PUBLISH_VIDEO -> ops.publishVideo(user, "clip " + rnd.nextInt(1_000_000), 5 + rnd.nextInt(600));
                case CREDIT -> ops.credit(user, BigDecimal.valueOf(1 + rnd.nextInt(50)));
                case DEBIT -> ops.debit(user, BigDecimal.valueOf(1 + rnd.nextInt(30)));
            };
        } catch (InsufficientFundsException e) {
            out = e;
        }
        probe.op();
        return out;
    }
}
