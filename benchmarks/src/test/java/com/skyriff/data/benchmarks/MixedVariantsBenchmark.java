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
 * Pair 6b: the same mixed workload ({@link MixedWorkload}) through two other builds of the reference service, at 8
 * and 32 client threads: {@code LAYER_SS}, the rules' {@code single-shard-path: false} (every statement through
 * ShardingSphere: the single-shard path's before/after against {@link MixedWorkloadBenchmark}'s {@code LAYER}), and
 * {@code LAYER_CACHED}, the service as the demo runs it (the single-shard path and the profile cache with its near
 * cache). One fork each: reported beside the
 * headline, with no target of their own.
 *
 * <pre>mvn -pl benchmarks -am jmh:benchmark -Djmh.benchmarks=MixedVariantsBenchmark</pre>
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 5)
@Measurement(iterations = 5, time = 10)
@Fork(1)
public class MixedVariantsBenchmark extends MixedWorkload {
    @Param({"LAYER_SS", "LAYER_CACHED"})
    Service service;

    @Override
    Service service() {
        return service;
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
