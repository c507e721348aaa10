package com.skyriff.data.benchmarks;

import com.skyriff.examples.service.Domain.User;
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
 * Pair 1: a point read of a user's profile by id, routed to the user's shard replica: the layer's plain
 * {@code DataSource} (the single-shard path) and the same layer with {@code single-shard-path: false}
 * ({@code SHARDINGSPHERE}) against a raw HikariCP pool on that same replica with the same SQL. One
 * thread; Zipf-distributed user ids.
 *
 * <pre>mvn -pl benchmarks -am jmh:benchmark -Djmh.benchmarks=PointReadBenchmark</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 5)
@Measurement(iterations = 5, time = 5)
@Fork(3)
@Threads(1)
public class PointReadBenchmark {
    @Param({"RAW", "LAYER", "SHARDINGSPHERE"})
    Db.Access access;

    Db db;
    Fixture fixture;

    @Setup(Level.Trial)
    public void setUp(BenchmarkParams params) throws SQLException {
        fixture = Fixture.get();
        db = access.open(fixture);
        if (db.user(fixture.users[0]) == null) {
            throw new IllegalStateException(access + ": user " + fixture.users[0] + " not found");
        }
        Keys warm = Keys.warmup(0);
        new Probe(params, fixture.cpu()).settle(t -> db.user(warm.user()));
    }

    @Benchmark
    public User pointRead(Keys keys) throws SQLException {
        return db.user(keys.user());
    }
}
