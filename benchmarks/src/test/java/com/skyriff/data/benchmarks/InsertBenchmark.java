package com.skyriff.data.benchmarks;

import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
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
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * Pair 2: insert of one watch event into the {@code user+month} table {@code watch_events}: the layer (logical table;
 * the single-shard path puts it on the user's primary and month table) and the same layer with
 * {@code single-shard-path: false} ({@code SHARDINGSPHERE}) against raw HikariCP on the right primary and physical
 * month table. The event id is given by the caller in every variant (no key generation), the time falls
 * anywhere in the last three months. One thread; Zipf-distributed user ids.
 *
 * <pre>mvn -pl benchmarks -am jmh:benchmark -Djmh.benchmarks=InsertBenchmark</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 5)
@Measurement(iterations = 5, time = 5)
@Fork(3)
@Threads(1)
public class InsertBenchmark {
    /** Event ids of this JVM: far above the seeded ones. */
    private static final AtomicLong EVENT_IDS = new AtomicLong(1_000_000_000_000L);

    @Param({"RAW", "LAYER", "SHARDINGSPHERE"})
    Db.Access access;

    Db db;
    Fixture fixture;
    long rangeSeconds;

    @Setup(Level.Trial)
    public void setUp(BenchmarkParams params) throws SQLException {
        fixture = Fixture.get();
        db = access.open(fixture);
        rangeSeconds = fixture.rangeTo.toEpochSecond() - fixture.rangeFrom.toEpochSecond();
        Keys warm = Keys.warmup(0);
        Times times = new Times();
        new Probe(params, fixture.cpu()).settle(t -> insert(warm, times));
    }

    /** Per-thread randomness for the event's time and video. */
    @State(Scope.Thread)
    public static class Times {
        final SplittableRandom random = new SplittableRandom(7);
    }

    /** Every iteration starts from the seeded rows (the inserted events are deleted). */
    @Setup(Level.Iteration)
    public void reset() {
        fixture.resetWorkload();
    }

    @Benchmark
    public int insert(Keys keys, Times times) throws SQLException {
        long user = keys.user();
        OffsetDateTime at = fixture.rangeFrom.plusSeconds(times.random.nextLong(rangeSeconds));
        return db.insertEvent(EVENT_IDS.incrementAndGet(), user, 1 + times.random.nextInt(1000), 30, at);
    }
}
