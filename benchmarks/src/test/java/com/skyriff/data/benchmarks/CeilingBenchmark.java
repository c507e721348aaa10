package com.skyriff.data.benchmarks;

import com.skyriff.data.testkit.PgNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * The machine's own ceilings, measured in the same run on the suite's own servers by the C tools: {@code pgbench -S
 * -M prepared} (read-only point selects, prepared) on shard 0's primary, and {@code redis-benchmark -t get} on the
 * topology's Redis, at 1, 8 and 32 clients ({@code SKYRIFF_BENCH_CEILING_CLIENTS}), {@code SKYRIFF_BENCH_CEILING_S}
 * seconds each (default 10). The figures go to the sidecar file ({@link Probe#ceiling}); JMH's own score (the time
 * the tools ran) means nothing. A missing tool is recorded as missing, with where it was looked for.
 *
 * <pre>mvn -pl benchmarks -am jmh:benchmark -Djmh.benchmarks=CeilingBenchmark</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 0)
@Measurement(iterations = 1)
@Fork(1)
public class CeilingBenchmark {
    /** Which tool. */
    public enum Tool {
        PGBENCH, REDIS_BENCHMARK
    }

    static final String DATABASE = "pgbench_ceiling";
    private static final Pattern TPS = Pattern.compile("tps = ([0-9.]+)");
    private static final Pattern RPS = Pattern.compile("GET: ([0-9.]+) requests per second");

    @Param({"PGBENCH", "REDIS_BENCHMARK"})
    Tool tool;

    Fixture fixture;
    Path binary;
    String missing;
    PgNode node;
    double seconds;
    int[] clients;

    @Setup(Level.Trial)
    public void setUp() throws IOException, InterruptedException {
        fixture = Fixture.get();
        seconds = Probe.envDouble("SKYRIFF_BENCH_CEILING_S", 10);
        String cs = System.getenv("SKYRIFF_BENCH_CEILING_CLIENTS");
        clients = Stream.of(cs == null || cs.isBlank() ? "1,8,32" : cs).flatMap(s -> Stream.of(s.split(",")))
                .map(String::strip).mapToInt(Integer::parseInt).toArray();
        List<Path> candidates = new ArrayList<>();
        String name = tool == Tool.PGBENCH ? "pgbench" : "redis-benchmark";
        if (tool == Tool.PGBENCH) {
            String env = System.getenv("SKYRIFF_PG_BIN");
            if (env != null && !env.isBlank()) {
                candidates.add(Path.of(env, name));
            }
            try (Stream<Path> dirs = Files.list(Path.of("/usr/lib/postgresql"))) {
                dirs.sorted(Comparator.reverseOrder()).forEach(d -> candidates.add(d.resolve("bin").resolve(name)));
            } catch (IOException ignored) {
                // no Debian PostgreSQL here
            }
        }
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!dir.isEmpty()) {
                candidates.add(Path.of(dir, name));
            }
        }
        binary = candidates.stream().filter(Files::isExecutable).findFirst().orElse(null);
        if (binary == null) {
            missing = name + " not found (looked in " + (tool == Tool.PGBENCH ? "$SKYRIFF_PG_BIN, /usr/lib/postgresql/*/bin, "
                    : "") + "PATH)";
            return;
        }
        if (tool == Tool.PGBENCH) {
            PgNode p = fixture.db.shards().get(0).primary();
            node = p.withDatabase(DATABASE);
            try (Connection c = DriverManager.getConnection(p.jdbcUrl(), p.user(), p.password());
                 Statement st = c.createStatement()) {
                boolean exists;
                try (ResultSet rs = st.executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + DATABASE + "'")) {
                    exists = rs.next();
                }
                if (!exists) {
                    st.execute("CREATE DATABASE " + DATABASE);
                    int scale = (int) Probe.envDouble("SKYRIFF_BENCH_PGBENCH_SCALE", 10);
                    String out = run(List.of(binary.toString(), "-i", "-q", "-s", Integer.toString(scale), "-h",
                            node.host(), "-p", Integer.toString(node.port()), "-U", node.user(), DATABASE));
                    if (out == null) {
                        missing = "pgbench -i failed; see the benchmark's output";
                    }
                }
            } catch (SQLException e) {
                missing = "pgbench database could not be created: " + e.getMessage();
            }
        }
    }

    @Benchmark
    public int ceiling() throws IOException, InterruptedException {
        String what = tool == Tool.PGBENCH ? "pgbench -S -M prepared" : "redis-benchmark -t get";
        for (int c : clients) {
            if (missing != null) {
                Probe.ceiling(tool.name(), what, c, Double.NaN, missing);
                continue;
            }
            String out;
            Matcher m;
            if (tool == Tool.PGBENCH) {
                out = run(List.of(binary.toString(), "-S", "-M", "prepared", "-n", "-c", Integer.toString(c), "-j",
                        Integer.toString(Math.min(c, 2)), "-T", Integer.toString((int) Math.max(1, seconds)), "-h",
                        node.host(), "-p", Integer.toString(node.port()), "-U", node.user(), DATABASE));
                m = out == null ? null : TPS.matcher(out);
            } else {
                long n = (long) Math.max(1000, seconds * 6000 * Math.min(c, 8));
                out = run(List.of(binary.toString(), "-h", "127.0.0.1", "-p",
                        Integer.toString(fixture.topology.redis().port()), "-t", "get", "-c", Integer.toString(c), "-n",
                        Long.toString(n), "-q"));
                m = out == null ? null : RPS.matcher(out);
            }
            if (m != null && m.find()) {
                Probe.ceiling(tool.name(), what, c, Double.parseDouble(m.group(1)), null);
            } else {
                Probe.ceiling(tool.name(), what, c, Double.NaN, "no figure in the tool's output: "
                        + (out == null ? "it failed" : out.strip().lines().reduce((a, b) -> b).orElse("")));
            }
        }
        return clients.length;
    }

    /** Runs a tool (password in the environment, never on the command line); its output, or null if it failed. */
    private String run(List<String> command) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        if (node != null) {
            pb.environment().put("PGPASSWORD", node.password());
        }
        Process p = pb.start();
        byte[] out = p.getInputStream().readAllBytes();
        boolean ok = p.waitFor() == 0;
        String text = new String(out, StandardCharsets.UTF_8);
        if (!ok) {
            System.out.println("[ceiling] " + command.get(0) + " failed: " + text.strip());
            return null;
        }
        return text;
    }
}
