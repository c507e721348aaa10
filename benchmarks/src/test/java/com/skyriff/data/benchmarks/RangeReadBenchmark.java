package com.skyriff.data.benchmarks;

import java.sql.SQLException;
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
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * Pair 3: one user's newest 20 watch events over the last three calendar months (three month tables on the user's
 * shard replica): the layer (one logical statement; the single-shard path sends one statement over a UNION ALL of the
 * month tables) and the same layer with {@code single-shard-path: false} ({@code SHARDINGSPHERE}: one statement per
 * month table, merged) against the two raw baselines, one UNION ALL statement ({@code RAW})
 * and one round trip per month table ({@code RAW_TRIPS}); the report compares with the faster raw. One thread;
 * Zipf-distributed user ids.
 *
 * <pre>mvn -pl benchmarks -am jmh:benchmark -Djmh.benchmarks=RangeReadBenchmark</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 5)
@Measurement(iterations = 5, time = 5)
@Fork(3)
@Threads(1)
public class RangeReadBenchmark {
    static final int LIMIT = 20;

    @Param({"RAW", "RAW_TRIPS", "LAYER", "SHARDINGSPHERE"})
    Db.Access access;

    Db db;
    Fixture fixture;

    @Setup(Level.Trial)
    public void setUp(BenchmarkParams params) throws SQLException {
        fixture = Fixture.get();
        db = access.open(fixture);
        long expected = Db.Access.RAW.open(fixture).history(fixture.users[1], fixture.rangeFrom, fixture.rangeTo, LIMIT);
        long actual = db.history(fixture.users[1], fixture.rangeFrom, fixture.rangeTo, LIMIT);
        if (actual != expected || expected == 0) {
            throw new IllegalStateException(access + ": range read checksum " + actual + ", raw " + expected);
        }
        Keys warm = Keys.warmup(0);
        new Probe(params, fixture.cpu()).settle(t -> db.history(warm.user(), fixture.rangeFrom, fixture.rangeTo, LIMIT));
    }

    @Benchmark
    public long rangeRead(Keys keys) throws SQLException {
        return db.history(keys.user(), fixture.rangeFrom, fixture.rangeTo, LIMIT);
    }
}
