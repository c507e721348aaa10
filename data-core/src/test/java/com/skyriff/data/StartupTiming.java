package com.skyriff.data;

import com.skyriff.data.rules.RulesFile;
import com.skyriff.data.testkit.LocalTopology;
import com.skyriff.data.testkit.PgNode;
import com.skyriff.data.testkit.PgShard;
import com.skyriff.data.testkit.TestDatabase;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The start-up measurement (README, "Start-up"): {@code SkyriffData.build()} of the Quick start's rules (2 shards,
 * primary + streaming replica each, {@code users} and the month table {@code watch_event} from 2026-01 to three months
 * ahead) on the local test topology, each run in a fresh JVM started for it, with the time of every build step
 * ({@link StartupPhases}) and of the first statements after it. Prints one line per run with the machine's load
 * average before it; not a test (it asserts nothing), run by hand:
 *
 * <pre>
 * mvn -o -q -pl data-core -am test-compile
 * mvn -o -q -pl data-core dependency:build-classpath -Dmdep.outputFile=target/cp.txt
 * java -cp data-core/target/test-classes:data-core/target/classes:$(cat data-core/target/cp.txt) \
 *     com.skyriff.data.StartupTiming 5 [JVM options of the measured JVMs, e.g. -XX:StartFlightRecording=...]
 * </pre>
 * Each line has the wall time of every build step, the CPU time of the building thread and of the whole JVM during
 * the build (on a shared machine the CPU times move far less with the load than the wall times), the classes loaded,
 * and the first statements' times. {@code -Dstartup.threads=true} among the JVM options adds each thread's CPU time.
 */
public final class StartupTiming {
    static final String RULES = """
            name: skyriff
            bucket-count: 1024
            create-missing-months: %s
            shards:
              - name: shard0
                buckets: 0-511
                primary:  { url: "${PG0_URL}", username: "${PG_USER}", password: "${PG_PASSWORD}" }
                replicas: [ "${PG0_REPLICA_URL}" ]
              - name: shard1
                buckets: 512-1023
                primary:  { url: "${PG1_URL}", username: "${PG_USER}", password: "${PG_PASSWORD}" }
                replicas: [ "${PG1_REPLICA_URL}" ]
            tables:
              users:       { strategy: user, key: user_id }
              watch_event: { strategy: user+month, key: user_id, time: created_at, first-month: 2026-01, months-ahead: 3, id: event_id }
            """;
    static final String SCHEMA = """
            CREATE TABLE users (user_id bigint PRIMARY KEY, name text NOT NULL);
            CREATE TABLE watch_event (event_id bigint NOT NULL, user_id bigint NOT NULL, video_id bigint NOT NULL,
                created_at timestamptz NOT NULL, PRIMARY KEY (event_id, created_at));
            CREATE INDEX watch_event_user_idx ON watch_event (user_id, created_at);
            """;

    private StartupTiming() {
    }

    /** {@code runs [JVM options...]}: starts the topology once, then {@code runs} fresh JVMs one after the other. */
    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("child")) {
            child(Path.of(args[1]), Long.parseLong(args[2]));
            return;
        }
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        List<String> jvmOptions = Arrays.asList(args).subList(Math.min(1, args.length), args.length);
        TestDatabase db = LocalTopology.shared().createDatabase("startup_timing");
        Map<String, String> env = new LinkedHashMap<>();
        for (int i = 0; i < db.shards().size(); i++) {
            PgShard shard = db.shards().get(i);
            try (Connection c = connect(shard.primary()); Statement s = c.createStatement()) {
                s.execute(SCHEMA);
            }
            shard.awaitReplicaCatchUp(Duration.ofSeconds(60));
            env.put("PG" + i + "_URL", shard.primary().jdbcUrl());
            env.put("PG" + i + "_REPLICA_URL", shard.replicas().get(0).jdbcUrl());
            env.put("PG_USER", shard.primary().user());
            env.put("PG_PASSWORD", shard.primary().password());
        }
        Path dir = Files.createTempDirectory("skyriff-startup");
        Path create = Files.writeString(dir.resolve("create.yaml"), RULES.formatted("true"));
        Path rules = Files.writeString(dir.resolve("rules.yaml"), RULES.formatted("false"));
        // the month tables exist before the measured starts, as they do after `skyriff migrate` or a first start
        try (SkyriffData first = SkyriffData.builder()
                .rules(RulesFile.read(create, env::get, Clock.systemUTC()).rules()).build()) {
            first.dataSource();
        }
        for (PgShard shard : db.shards()) {
            shard.awaitReplicaCatchUp(Duration.ofSeconds(60));
        }
        System.out.println("runs: " + runs + ", " + Runtime.getRuntime().availableProcessors() + " cores, "
                + System.getProperty("java.vm.name") + " " + System.getProperty("java.version")
                + (jvmOptions.isEmpty() ? "" : ", JVM options " + jvmOptions));
        for (int run = 1; run <= runs; run++) {
            String load = Files.readString(Path.of("/proc/loadavg")).trim();
            List<String> command = new ArrayList<>();
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            command.addAll(jvmOptions);
            command.addAll(List.of("-cp", System.getProperty("java.class.path"), StartupTiming.class.getName(),
                    "child", rules.toString(), Long.toString(run)));
            ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
            pb.environment().putAll(env);
            Process p = pb.start();
            String result = null;
            StringBuilder output = new StringBuilder();
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line = r.readLine(); line != null; line = r.readLine()) {
                    output.append(line).append('\n');
                    if (line.startsWith("startup: ")) {
                        result = line.substring("startup: ".length());
                    } else if (line.startsWith("thread ") || line.startsWith("java threads ")) {
                        System.out.println("  " + line);
                    }
                }
            }
            int exit = p.waitFor();
            if (exit != 0 || result == null) {
                throw new IllegalStateException("run " + run + " exited " + exit + ":\n" + output);
            }
            System.out.println("run " + run + " [load " + load + "]: " + result);
        }
    }

    /** One measured start in this (fresh) JVM, then the Quick start's first statements. */
    static void child(Path rulesFile, long run) throws SQLException, IOException {
        long main = ManagementFactory.getRuntimeMXBean().getUptime();
        // a service's logging is up before it builds its data source
        org.slf4j.LoggerFactory.getLogger(StartupTiming.class).debug("measuring");
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        java.lang.management.ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long t0 = System.nanoTime();
        SkyriffData.Builder builder = SkyriffData.builder().rulesFile(rulesFile);
        long t1 = System.nanoTime();
        long process1 = os.getProcessCpuTime();
        long thread1 = threads.getCurrentThreadCpuTime();
        try (SkyriffData data = builder.build()) {
            long t2 = System.nanoTime();
            long process2 = os.getProcessCpuTime();
            long thread2 = threads.getCurrentThreadCpuTime();
            int classes = ManagementFactory.getClassLoadingMXBean().getLoadedClassCount();
            if (Boolean.getBoolean("startup.threads")) {
                long javaThreads = 0;
                for (long id : threads.getAllThreadIds()) {
                    long cpu = threads.getThreadCpuTime(id);
                    java.lang.management.ThreadInfo info = threads.getThreadInfo(id);
                    if (cpu > 0 && info != null) {
                        javaThreads += cpu;
                        System.out.println("thread " + info.getThreadName() + " " + ms(cpu / 1e6));
                    }
                }
                System.out.println("java threads " + ms(javaThreads / 1e6) + " of process " + ms(process2 / 1e6)
                        + "; JIT " + ManagementFactory.getCompilationMXBean().getTotalCompilationTime() + " ms");
            }
            long userId = 1_000 + run;
            try (Connection c = data.dataSource().getConnection()) {
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO users (user_id, name) VALUES (?, ?)")) {
                    ps.setLong(1, userId);
                    ps.setString(2, "run " + run);
                    ps.executeUpdate();
                }
                long t3 = System.nanoTime();
                try (PreparedStatement ps = c.prepareStatement(
                        "INSERT INTO watch_event (user_id, video_id, created_at) VALUES (?, ?, ?)")) {
                    ps.setLong(1, userId);
                    ps.setLong(2, 7L);
                    ps.setTimestamp(3, Timestamp.from(Instant.now()));
                    ps.executeUpdate();
                }
                try (PrimaryScope scope = data.primaryScope();
                     PreparedStatement ps = c.prepareStatement("SELECT name FROM users WHERE user_id = ?")) {
                    ps.setLong(1, userId);
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                    }
                }
                try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM watch_event WHERE user_id = ?"
                        + " AND created_at >= ? AND created_at < ?")) {
                    ps.setLong(1, userId);
                    ps.setTimestamp(2, Timestamp.from(Instant.now().minus(Duration.ofDays(40))));
                    ps.setTimestamp(3, Timestamp.from(Instant.now().plusSeconds(60)));
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                    }
                }
                long t4 = System.nanoTime();
                StartupPhases phases = data.startupPhases();
                StringBuilder steps = new StringBuilder();
                for (int i = 0; i < phases.names().size(); i++) {
                    steps.append(i == 0 ? "" : ", ").append(phases.names().get(i)).append(' ')
                            .append(ms(phases.millis(i)));
                }
                System.out.println("startup: build " + ms((t2 - t1) / 1e6) + " ms (" + steps + "); CPU "
                        + ms((thread2 - thread1) / 1e6) + " ms on the building thread, " + ms((process2 - process1) / 1e6)
                        + " ms in the JVM; " + classes + " classes loaded; rules file "
                        + ms((t1 - t0) / 1e6) + "; JVM to main " + main + "; first statement " + ms((t3 - t2) / 1e6)
                        + ", next three " + ms((t4 - t3) / 1e6));
            }
        }
    }

    private static String ms(double millis) {
        return String.format(java.util.Locale.ROOT, "%.0f", millis);
    }

    private static Connection connect(PgNode node) throws SQLException {
        return DriverManager.getConnection(node.jdbcUrl(), node.user(), node.password());
    }
}
