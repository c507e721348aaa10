package com.skyriff.data.benchmarks;

import com.skyriff.examples.service.InsufficientFundsException;
import com.skyriff.examples.service.SkyriffService;
import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Pair 6: the demo's mixed workload through the reference service ({@code SkyriffService}: MyBatis mappers over the
 * layer) at 1, 8, 32 and 128 client threads, each thread running operations back to back. JMH's sample mode records
 * the latency of (a sample of) operations: the report takes p50 and p99 from it and operations per second as threads
 * / mean latency (a closed loop: every thread always has exactly one operation in flight).
 *
 * <p>As in the demo (phase 4), profile reads go through the {@code user} cache entity with its near cache. The mix is
 * the demo's ({@code examples/.../demo/Workload.Op}, weights out of 100): profile 35, watch history
 * (3 months, 20 rows) 12, record watch (insert + view count) 20, top videos 10, follow 5, publish video 3, credit 7,
 * debit 8 (a transaction with a row lock; a refused debit counts as an operation). User and author ids are
 * Zipf-distributed. {@code mappers}: {@code KEYED} is the service as it ships (its {@code @KeyRouted} methods on the
 * fast path), {@code SHARDINGSPHERE} the same service with the fast path turned off, every statement through
 * ShardingSphere: the before/after of the fast path in one run.
 *
 * <pre>mvn -pl benchmarks -am jmh:benchmark -Djmh.benchmarks=MixedWorkloadBenchmark</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 6, time = 5)
@Measurement(iterations = 5, time = 5)
@Fork(1)
public class MixedWorkloadBenchmark {
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
            throw new IllegalStateException("MixedWorkloadBenchmark: weights add up to " + i + ", expected 100");
        }
    }

    /** Which path the reference service's {@code @KeyRouted} mapper methods take. */
    public enum Mappers {
        KEYED, SHARDINGSPHERE
    }

    @Param({"KEYED", "SHARDINGSPHERE"})
    Mappers mappers;

    Fixture fixture;
    SkyriffService service;

    @Setup(Level.Trial)
    public void setUp() {
        fixture = Fixture.get();
        service = fixture.acquireService(mappers == Mappers.KEYED);
        if (service.profile(fixture.users[0]).isEmpty()) {
            throw new IllegalStateException("the reference service does not see the seeded users");
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        fixture.releaseService();
    }

    /** Per-thread randomness for the operation and its arguments. */
    @State(Scope.Thread)
    public static class Client {
        private static final AtomicInteger SEEDS = new AtomicInteger();
        final SplittableRandom random = new SplittableRandom(1_000 + SEEDS.getAndIncrement());
    }

    @Benchmark
    @Threads(1)
    public Object threads001(Keys keys, Client client) {
        return operate(keys, client);
    }

    @Benchmark
    @Threads(8)
    public Object threads008(Keys keys, Client client) {
        return operate(keys, client);
    }

    @Benchmark
    @Threads(32)
    public Object threads032(Keys keys, Client client) {
        return operate(keys, client);
    }

    @Benchmark
    @Threads(128)
    public Object threads128(Keys keys, Client client) {
        return operate(keys, client);
    }

    private Object operate(Keys keys, Client client) {
        SplittableRandom rnd = client.random;
        long user = keys.user();
        try {
            return switch (MIX[rnd.nextInt(100)]) {
                case PROFILE -> service.profile(user);
                case WATCH_HISTORY -> service.watchHistory(user, 3, 0, 20);
                case RECORD_WATCH -> {
                    int a = keys.author();
                    service.recordWatch(user, fixture.authors[a], fixture.videos[a], 1 + rnd.nextInt(600),
                            OffsetDateTime.now(ZoneOffset.UTC));
                    yield a;
                }
                case TOP_VIDEOS -> service.topVideos(fixture.authors[keys.author()], 10);
                case FOLLOW -> {
                    service.follow(user, fixture.users[rnd.nextInt(fixture.users.length)]);
                    yield user;
                }
                case PUBLISH_VIDEO -> service.publishVideo(user, "clip " + rnd.nextInt(1_000_000), 5 + rnd.nextInt(600));
                case CREDIT -> service.credit(user, BigDecimal.valueOf(1 + rnd.nextInt(50)));
                case DEBIT -> service.debit(user, BigDecimal.valueOf(1 + rnd.nextInt(30)));
            };
        } catch (InsufficientFundsException e) {
            return e;
        }
    }
}
