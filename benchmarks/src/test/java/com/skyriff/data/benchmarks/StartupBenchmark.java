package com.skyriff.data.benchmarks;

import com.skyriff.data.SkyriffData;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * Pair 7: startup, from the rules file's text to a ready data source: parse and validate the rules, create the node
 * pools (opened lazily), check the month tables of every window on every primary, start ShardingSphere (rules and
 * table metadata). 64 shards x 36 months is the target; 2 x 12 is there for scale. The month tables exist (created
 * once before the first measured start), as they do in production after the first start. Single shot per iteration;
 * each iteration closes what it built.
 *
 * <pre>mvn -pl benchmarks -am jmh:benchmark -Djmh.benchmarks=StartupBenchmark</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2)
@Measurement(iterations = 5)
@Fork(1)
public class StartupBenchmark {
    @Param({"S2_M12", "S64_M36"})
    Wide.Shape shape;

    private String yaml;
    private SkyriffData built;

    @Setup(Level.Trial)
    public void setUp() {
        yaml = Wide.yaml(shape);
        // the first start of a shape creates its month tables: not part of what is measured
        Wide.prepare(shape);
    }

    @Benchmark
    public SkyriffData start() {
        built = SkyriffData.builder().rules(Wide.rules(yaml, shape)).build();
        return built;
    }

    @TearDown(Level.Iteration)
    public void close() {
        if (built != null) {
            built.close();
            built = null;
        }
    }
}
