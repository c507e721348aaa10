package com.skyriff.data.benchmarks;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
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
import org.openjdk.jmh.infra.IterationParams;

/**
 * Does the cache pay for itself: profile reads per second at 32 client threads, from PostgreSQL through the layer
 * ({@code PG_LAYER}, its single-shard path) and raw HikariCP on the same replicas ({@code PG_RAW}: the raw JDBC ceiling
 * of "where the limit is"), and through {@code EntityCache}: a Redis hit per
 * read ({@code CACHE_REDIS}), 16 profiles per Redis round trip with {@code getAll} ({@code CACHE_BATCH16}, e.g. a feed
 * page), and the near cache ({@code CACHE_NEAR}). The secondary result {@code reads} counts profiles read per second
 * (16 per {@code getAll}). Zipf-distributed user ids.
 *
 * <pre>mvn -pl benchmarks -am jmh:benchmark -Djmh.benchmarks=CacheThroughputBenchmark</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 5, time = 5)
@Measurement(iterations = 5, time = 5)
@Fork(3)
@Threads(32)
public class CacheThroughputBenchmark {
    static final int BATCH = 16;

    /** Where the profile comes from. */
    public enum Source {
        PG_RAW, PG_LAYER, CACHE_REDIS, CACHE_BATCH16, CACHE_NEAR
    }

    @Param({"PG_RAW", "PG_LAYER", "CACHE_REDIS", "CACHE_BATCH16", "CACHE_NEAR"})
    Source source;

    Caches caches;
    Db db;
    Probe probe;

    @Setup(Level.Trial)
    public void setUp(BenchmarkParams params) {
        caches = Caches.acquire();
        db = switch (source) {
            case PG_RAW -> Db.Access.RAW.open(caches.fixture);
            default -> Db.Access.LAYER.open(caches.fixture);
        };
        probe = new Probe(params, caches.fixture.cpu());
        Keys[] keys = new Keys[probe.threads()];
        Reads[] reads = new Reads[probe.threads()];
        for (int t = 0; t < keys.length; t++) {
            keys[t] = Keys.warmup(t);
            reads[t] = new Reads();
        }
        probe.settle(t -> read(keys[t], reads[t]));
    }

    @Setup(Level.Iteration)
    public void startIteration(IterationParams params) {
        probe.start(params);
    }

    @TearDown(Level.Iteration)
    public void endIteration() {
        probe.stop();
    }

    @TearDown(Level.Trial)
    public void release() {
        Caches.release();
    }

    /** Profiles read by this thread, reported per second. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Reads {
        public long reads;
        final List<Long> batch = new ArrayList<>(BATCH);

        @Setup(Level.Iteration)
        public void reset() {
            reads = 0;
        }
    }

    @Benchmark
    public Object read(Keys keys, Reads reads) throws SQLException {
        probe.op();
        switch (source) {
            case PG_RAW, PG_LAYER -> {
                reads.reads++;
                return db.user(keys.user());
            }
            case CACHE_REDIS -> {
                reads.reads++;
                return caches.users.get(keys.user(), caches.loader);
            }
            case CACHE_NEAR -> {
                reads.reads++;
                return caches.nearUsers.get(keys.user(), caches.loader);
            }
            case CACHE_BATCH16 -> {
                List<Long> ids = reads.batch;
                ids.clear();
                for (int i = 0; i < BATCH; i++) {
                    ids.add(keys.user());
                }
                reads.reads += BATCH;
                return caches.users.getAll(ids, caches.batchLoader);
            }
            default -> throw new IllegalStateException(source.toString());
        }
    }
}
