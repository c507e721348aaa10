package com.skyriff.data.benchmarks;

import java.sql.SQLException;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Pair 6, the headline: the demo's mixed workload ({@link MixedWorkload}) through the reference service over the
 * layer ({@code LAYER}: MyBatis mappers over the plain data source, the single-shard path on, no profile cache)
 * against its raw twin ({@code RAW}: the same operations, statements and keys on plain HikariCP pools to the nodes the rules
 * compute), in one process, one run, on the same data, at 1, 2, 4, 8 and 32 client threads: the layer/raw ratios
 * and the throughput curve. JMH's sample mode records the latency of (a sample of) operations: the report takes p50
 * and p99 from it and operations per second as threads / mean latency (a closed loop). Three forks, so every verdict
 * can be conclusive.
 *
 * <pre>mvn -pl benchmarks -am jmh:benchmark -Djmh.benchmarks=MixedWorkloadBenchmark</pre>
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 5)
@Measurement(iterations = 5, time = 10)
@Fork(3)
public class MixedWorkloadBenchmark extends MixedWorkload {
    @Param({"RAW", "LAYER"})
    Service service;

    @Override
    Service service() {
        return service;
    }

    @Benchmark
    @Threads(1)
    public Object threads001(Keys keys, Client client) throws SQLException {
        return operate(keys, client.random);
    }

    @Benchmark
    @Threads(2)
    public Object threads002(Keys keys, Client client) throws SQLException {
        return operate(keys, client.random);
    }

    @Benchmark
    @Threads(4)
    public Object threads004(Keys keys, Client client) throws SQLException {
        return operate(keys, client.random);
    }

    @Benchmark
    @Threads(8)
    public Object threads008(Keys keys, Client client) throws SQLException {
        return operate(keys, client.random);
    }

    @Benchmark
    @Threads(32)
    public Object threads032(Keys keys, Client client) throws SQLException {
        return operate(keys, client.random);
    }
}
