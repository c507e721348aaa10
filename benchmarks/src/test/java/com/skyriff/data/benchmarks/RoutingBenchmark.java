package com.skyriff.data.benchmarks;

import com.skyriff.data.SkyriffData;
import com.skyriff.data.StatementRoute;
import java.time.OffsetDateTime;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
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
 * Pair 5: the layer's planning cost alone, no execution, through its public behaviour: {@link SkyriffData#route}
 * decides as an execution would (the plan of the SQL text from the layer's bounded plan cache, the keys bound, the
 * shard and the month tables computed from the compiled topology, the physical SQL substituted), without choosing a
 * node or running anything. Measured on 2 shards x 12 months, 16 x 36 and 64 x 36 for a point read, a three-month
 * range read and an insert: issue #11's target is that it stays flat (64 x 36 within 1.1x of 2 x 12). Every statement
 * must take the single-shard path (checked in the setup), so this is the cost every single-shard statement pays before
 * it reaches a connection. The layer is a real start on the local topology, one per shape and JVM.
 *
 * <pre>mvn -pl benchmarks -am jmh:benchmark -Djmh.benchmarks=RoutingBenchmark</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 5)
@Measurement(iterations = 5, time = 5)
@Fork(3)
@Threads(1)
public class RoutingBenchmark {
    /** The statements planned: each names its shard key, as the service's statements do. */
    public enum Statement {
        POINT("SELECT user_id, handle, display_name, region_code, created_at FROM users WHERE user_id = ?"),
        RANGE("SELECT event_id, user_id, video_id, watched_s, created_at FROM watch_events WHERE user_id = ?"
                + " AND created_at >= ? AND created_at < ? ORDER BY created_at DESC, event_id DESC LIMIT ?"),
        INSERT("INSERT INTO watch_events (event_id, user_id, video_id, watched_s, created_at) VALUES (?, ?, ?, ?, ?)");

        final String sql;

        Statement(String sql) {
            this.sql = sql;
        }
    }

    /** Parameter sets cycled through (a power of two). */
    static final int PARAMS = 1024;

    @Param({"S2_M12", "S16_M36", "S64_M36"})
    Wide.Shape shape;

    @Param({"POINT", "RANGE", "INSERT"})
    Statement statement;

    private SkyriffData data;
    private final List<Object[]> params = new ArrayList<>();
    private int next;

    @Setup(Level.Trial)
    public void setUp(BenchmarkParams bp) {
        data = Wide.layer(shape);
        YearMonth now = YearMonth.now(ZoneOffset.UTC);
        OffsetDateTime from = now.minusMonths(2).atDay(1).atStartOfDay().atOffset(ZoneOffset.UTC);
        OffsetDateTime to = now.plusMonths(1).atDay(1).atStartOfDay().atOffset(ZoneOffset.UTC);
        ScrambledZipfian keys = new ScrambledZipfian(ScrambledZipfian.Zeta.of(Fixture.USERS, ScrambledZipfian.THETA), 5);
        for (int i = 0; i < PARAMS; i++) {
            long user = 1_000_000L + keys.next();
            params.add(switch (statement) {
                case POINT -> new Object[] {user};
                case RANGE -> new Object[] {user, from, to, 20};
                case INSERT -> new Object[] {9_000_000_000L + i, user, 1L, 30, from.plusMinutes(97L * i)};
            });
        }
        for (Object[] p : params) {
            StatementRoute r = data.route(statement.sql, p);
            if (r.path() != StatementRoute.Path.SINGLE_SHARD) {
                throw new IllegalStateException(shape + " " + statement + ": expected the single-shard path, was "
                        + r.path() + " (" + r.reason() + ")");
            }
        }
        // the client JVM only: nothing else runs here
        new Probe(bp, ProcCpu.of(List.of(), -1)).settle(t -> route());
    }

    @Benchmark
    public StatementRoute route() {
        return data.route(statement.sql, params.get(next++ & (PARAMS - 1)));
    }
}
