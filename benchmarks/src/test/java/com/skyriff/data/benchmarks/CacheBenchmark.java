package com.skyriff.data.benchmarks;

import com.skyriff.examples.service.Domain.User;
import java.util.concurrent.TimeUnit;
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
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * Pair 4: one cached profile read at one thread: {@code EntityCache.get} hitting Redis ({@code ENTITY}) against a raw
 * Redisson {@code RBucket.get} of the same key and bytes ({@code REDISSON}, a client configured like the layer's);
 * and the near cache's hit alone ({@code NEAR}). Zipf-distributed user ids. The miss is {@link CacheMissBenchmark}.
 *
 * <pre>mvn -pl benchmarks -am jmh:benchmark -Djmh.benchmarks=CacheBenchmark</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 5)
@Measurement(iterations = 5, time = 5)
@Fork(3)
@Threads(1)
public class CacheBenchmark {
    /** Which read. */
    public enum Read {
        REDISSON, ENTITY, NEAR
    }

    @Param({"REDISSON", "ENTITY", "NEAR"})
    Read read;

    Caches caches;

    @Setup(Level.Trial)
    public void setUp(BenchmarkParams params) {
        caches = Caches.acquire();
        long u = caches.fixture.users[3];
        User expected = caches.users.get(u, caches.loader);
        if (expected == null || caches.rawBucket(u).get() == null) {
            throw new IllegalStateException("user " + u + " is not cached");
        }
        if (read == Read.NEAR) {
            double before = caches.nearHits();
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (caches.nearHits() == before) {
                caches.nearUsers.get(u, caches.loader);
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the near cache did not go live within 10 s");
                }
            }
        }
        Keys warm = Keys.warmup(0);
        new Probe(params, caches.fixture.cpu()).settle(t -> get(warm));
    }

    @TearDown(Level.Trial)
    public void release() {
        Caches.release();
    }

    @Benchmark
    public Object get(Keys keys) {
        long u = keys.user();
        return switch (read) {
            case REDISSON -> caches.rawBucket(u).get();
            case ENTITY -> caches.users.get(u, caches.loader);
            case NEAR -> caches.nearUsers.get(u, caches.loader);
        };
    }
}
