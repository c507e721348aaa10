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
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Pair 4, the miss: {@code EntityCache.get} of a key that is not in Redis: take the load lease, load the row through
 * the layer (on the shard primary), write it back if the lease still holds. The key is invalidated before each call,
 * outside the measured time. One thread; Zipf-distributed user ids.
 *
 * <pre>mvn -pl benchmarks -am jmh:benchmark -Djmh.benchmarks=CacheMissBenchmark</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 5)
@Measurement(iterations = 5, time = 5)
@Fork(1)
@Threads(1)
public class CacheMissBenchmark {
    Caches caches;
    long user;

    @Setup(Level.Trial)
    public void setUp() {
        caches = Caches.acquire();
    }

    @TearDown(Level.Trial)
    public void release() {
        Caches.release();
    }

    @Setup(Level.Invocation)
    public void evict(Keys keys) {
        user = keys.user();
        caches.users.invalidate(user);
    }

    @Benchmark
    public User missLoad() {
        User u = caches.users.get(user, caches.loader);
        if (u == null) {
            throw new IllegalStateException("user " + user + " not loaded");
        }
        return u;
    }
}
