package com.skyriff.examples.demo;

import com.skyriff.data.SkyriffData;
import com.skyriff.data.migrations.RunResult;
import com.skyriff.data.cache.SkyriffCache;
import com.skyriff.data.mybatis.SkyriffMyBatis;
import com.skyriff.data.rules.PhysicalNode;
import com.skyriff.data.rules.Rules;
import com.skyriff.data.rules.RulesReader;
import com.skyriff.data.testkit.LocalTopology;
import com.skyriff.data.testkit.RedisClusterTopology;
import com.skyriff.examples.Schema;
import com.skyriff.examples.TopologyEnv;
import com.skyriff.examples.service.Mappers;
import com.skyriff.examples.service.SkyriffService;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.DoubleAccumulator;
import org.HdrHistogram.Histogram;

/** Runs the demo: topology (or an existing cluster), schema, seed, workload, report. */
final class DemoRun {
    /** What to run; see {@link DemoMain} for the flags. */
    record Options(Phase phase, Path rules, boolean seed, boolean applySchema, int users, int videosPerUser, int events,
                   int threads, Duration duration, long randomSeed) {
    }

    /** A terminal gets a bar redrawn in place; a log (CI, a pipe) gets a line per quarter. */
    private static final boolean INTERACTIVE = System.console() != null;
    private final Options options;
    private final PrintStream out;

    DemoRun(Options options, PrintStream out) {
        this.options = options;
        this.out = out;
    }

    DemoReport run() throws Exception {
        if (options.rules() != null) {
            step("using the cluster of " + options.rules() + " (no embedded topology)");
            Rules rules = RulesReader.read(options.rules());
            boolean applied = ensureSchema(rules);
            return runAgainst(rules, options.seed() || applied, options.rules().toString(), null);
        }
        Phase phase = options.phase();
        step("starting the embedded topology, phase " + phase.number + ": " + phase.description);
        try (LocalTopology topology = LocalTopology.builder().shards(phase.shards).replicasPerShard(phase.replicas)
                .redis(true).build()) {
            topology.shards().forEach(s -> step(s.name() + ": primary 127.0.0.1:" + s.primary().port() + ", replicas "
                    + s.replicas().stream().map(r -> "127.0.0.1:" + r.port()).toList()));
            step("redis " + topology.redis().uri());
            String firstMonth = YearMonth.now(ZoneOffset.UTC).minusMonths(3).toString();
            Map<String, String> env = TopologyEnv.of(topology.shards(), topology.redis().uri(), firstMonth);
            RedisClusterTopology cluster = null;
            try {
                if (phase.redisCluster) {
                    cluster = RedisClusterTopology.start(3);
                    step("redis cluster " + cluster.nodeUris());
                    TopologyEnv.withCluster(env, cluster.nodeUris());
                }
                Rules rules = RulesReader.read(phase.rulesFile(), env::get, Clock.systemUTC());
                step("applying the migrations to every shard");
                RunResult migrated = Schema.migrate(rules, Clock.systemUTC(),
                        com.skyriff.data.migrations.Progress.NONE);
                migrated.nodes().forEach(n -> step("  " + n.node().describe() + ": " + n.status().toString()
                        .toLowerCase(java.util.Locale.ROOT) + " " + n.done()));
                topology.shards().forEach(s -> s.awaitReplicaCatchUp(Duration.ofSeconds(60)));
                return runAgainst(rules, true, "embedded phase " + phase.number + ", " + phase.rulesFile(), phase);
            } finally {
                if (cluster != null) {
                    cluster.close();
                }
            }
        } finally {
            step("stopped everything the demo started");
        }
    }

    /**
     * The reference schema on every shard primary: each table of the rules must exist (as a plain or template table).
     * Missing: applied with {@code --apply-schema} (returns true), else a {@link SchemaMissingException} saying what to run.
     */
    private boolean ensureSchema(Rules rules) throws SQLException {
        List<String> reference = List.of("users", "videos", "follows", "watch_events", "wallets", "wallet_ledger", "regions");
        List<String> absent = reference.stream().filter(t -> !rules.tables().containsKey(t)).toList();
        if (!absent.isEmpty()) {
            throw new IllegalArgumentException("--rules " + options.rules() + ": tables " + absent + " of the reference "
                    + "service are not in the rules; was " + rules.tables().keySet() + ", expected all of " + reference
                    + " (start from examples/rules/phase4.yaml)");
        }
        List<String> tables = new ArrayList<>(rules.tables().keySet());
        List<String> missingWhere = new ArrayList<>();
        for (PhysicalNode n : rules.nodes()) {
            if (!n.primary()) {
                continue;
            }
            List<String> missing = new ArrayList<>();
            try (Connection c = DriverManager.getConnection(n.spec().url(), n.spec().username(), n.spec().password().reveal());
                 java.sql.PreparedStatement ps = c.prepareStatement("SELECT t FROM unnest(?::text[]) AS t "
                         + "WHERE to_regclass(quote_ident(t)) IS NULL ORDER BY t")) {
                ps.setArray(1, c.createArrayOf("text", tables.toArray()));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        missing.add(rs.getString(1));
                    }
                }
            }
            if (!missing.isEmpty()) {
                missingWhere.add(n.describe() + " lacks " + missing);
            }
        }
        if (missingWhere.isEmpty()) {
            return false;
        }
        if (!options.applySchema()) {
            throw new SchemaMissingException("--rules " + options.rules() + ": the reference schema is missing ("
                    + String.join("; ", missingWhere) + "). Either let the demo apply it to every shard primary and seed:"
                    + System.lineSeparator() + "  ./bin/skyriff demo --rules " + options.rules() + " --apply-schema"
                    + System.lineSeparator() + "or apply it yourself, then seed:" + System.lineSeparator()
                    + "  ./bin/skyriff migrate " + options.rules() + " -m examples/src/main/resources/db/skyriff"
                    + System.lineSeparator() + "  ./bin/skyriff demo --rules " + options.rules() + " --seed");
        }
        step("applying the reference schema (" + Schema.V1 + ") to every shard primary: " + String.join("; ", missingWhere));
        RunResult migrated = Schema.migrate(rules, Clock.systemUTC(), com.skyriff.data.migrations.Progress.NONE);
        migrated.nodes().forEach(n -> step("  " + n.node().describe() + ": " + n.status().toString()
                .toLowerCase(java.util.Locale.ROOT) + " " + n.done()));
        return true;
    }

    private DemoReport runAgainst(Rules rules, boolean seed, String target, Phase phase) throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        step("starting the data layer (" + rules.nodes().size() + " node pools)");
        try (SkyriffData data = SkyriffData.builder().rules(rules).meterRegistry(registry).build();
             SkyriffCache cache = rules.cache().isPresent()
                     ? SkyriffCache.builder(data).meterRegistry(registry).build() : null) {
            SkyriffMyBatis.Builder mb = SkyriffMyBatis.builder(data);
            if (cache != null) {
                step("cache: " + cache);
                mb.cache(cache);
            }
            Mappers.all().forEach(mb::mapper);
            SkyriffService service = new SkyriffService(mb.build(), Clock.systemUTC());
            long t0 = System.nanoTime();
            Seeded seeded = seed ? seed(service) : sample(data);
            Duration seedTime = Duration.ofNanos(System.nanoTime() - t0);
            Map<String, Long> before = borrows(registry);
            double hitsBefore = cacheGets(registry, "hit");
            double missesBefore = cacheGets(registry, "miss");
            DoubleAccumulator maxLag = new DoubleAccumulator(Math::max, 0);
            ScheduledExecutorService lagProbe = Executors.newSingleThreadScheduledExecutor();
            if (rules.nodes().stream().anyMatch(n -> !n.primary())) {
                lagProbe.scheduleAtFixedRate(() -> maxLag.accumulate(replicaLagMs(rules)), 0, 500, TimeUnit.MILLISECONDS);
            }
            step("running the mixed workload: " + options.threads() + " client threads for " + options.duration().toSeconds()
                    + " s");
            Workload.Result result;
            try {
                result = new Workload(service, seeded.users, seeded.videoAuthors, seeded.videos)
                        .run(options.threads(), options.duration(), options.randomSeed());
            } finally {
                lagProbe.shutdownNow();
            }
            Map<String, Long> after = borrows(registry);
            Map<String, Long> perNode = new LinkedHashMap<>();
            for (PhysicalNode n : rules.nodes()) {
                perNode.put(n.dataSourceName(), after.getOrDefault(n.dataSourceName(), 0L)
                        - before.getOrDefault(n.dataSourceName(), 0L));
            }
            Map<String, DemoReport.OpStats> ops = new LinkedHashMap<>();
            result.latencies().forEach((op, h) -> ops.put(op.name().toLowerCase(java.util.Locale.ROOT), stats(h)));
            boolean replicas = rules.nodes().stream().anyMatch(n -> !n.primary());
            boolean sameMachine = rules.nodes().stream().allMatch(n -> local(n.spec().url()));
            return new DemoReport(target, phase, Runtime.getRuntime().availableProcessors(), sameMachine, rules.shards().size(),
                    rules.nodes().size(), seeded.users.length, seeded.videos.length, seeded.events, seedTime,
                    options.threads(), result.elapsed(), result.operations(), result.errors(), result.refusedDebits(),
                    ops, perNode, cache == null ? -1 : (long) (cacheGets(registry, "hit") - hitsBefore),
                    (long) (cacheGets(registry, "miss") - missesBefore), replicas ? maxLag.get() : -1,
                    result.opsPerSecond(), result.errorSamples());
        }
    }

    /** Whether a JDBC URL names this machine (loopback). */
    static boolean local(String url) {
        String rest = url.substring(url.indexOf("//") + 2);
        String host = rest.startsWith("[") ? rest.substring(1, rest.indexOf(']')) : rest.split("[:/?]", 2)[0];
        return host.equals("localhost") || host.startsWith("127.") || host.equals("::1");
    }

    private record Seeded(long[] users, long[] videoAuthors, long[] videos, long events) {
    }

    private Seeded seed(SkyriffService service) throws Exception {
        int n = options.users();
        long[] users = new long[n];
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(2, Math.min(8, options.threads())));
        try {
            Progress progress = new Progress("users", n);
            parallel(pool, n, i -> {
                users[i] = service.registerUser("user" + i, "User " + i, i % 3 == 0 ? "eu" : "us");
                service.credit(users[i], BigDecimal.valueOf(100));
                progress.tick();
            });
            progress.done();
            int v = n * options.videosPerUser();
            long[] authors = new long[v];
            long[] videos = new long[v];
            Progress vp = new Progress("videos", v);
            parallel(pool, v, i -> {
                authors[i] = users[i % n];
                videos[i] = service.publishVideo(authors[i], "video " + i, 10 + i % 600);
                vp.tick();
            });
            vp.done();
            int e = options.events();
            Progress ep = new Progress("watch events", e);
            OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
            parallel(pool, e, i -> {
                SplittableRandom rnd = new SplittableRandom(options.randomSeed() * 31 + i);
                int video = Workload.skewed(rnd, v);
                // spread over the current and the previous two months
                OffsetDateTime at = now.minusMinutes(rnd.nextLong(60L * 24 * 60));
                service.recordWatch(users[Workload.skewed(rnd, n)], authors[video], videos[video], rnd.nextInt(600), at);
                ep.tick();
            });
            ep.done();
            Progress fp = new Progress("follows", n);
            parallel(pool, n, i -> {
                service.follow(users[i], users[(i * 7 + 1) % n]);
                fp.tick();
            });
            fp.done();
            return new Seeded(users, authors, videos, e);
        } finally {
            pool.shutdownNow();
        }
    }

    /** Without seeding: the workload runs over users and videos that already exist. */
    private Seeded sample(SkyriffData data) throws SQLException {
        step("sampling existing users and videos (no seeding; pass --seed to seed)");
        List<Long> users = new ArrayList<>();
        List<long[]> videos = new ArrayList<>();
        try (Connection c = data.dataSource().getConnection(); Statement s = c.createStatement()) {
            // a sample of every shard: the guard refuses such full scans unless told so (docs/reliability.md)
            String scan = "/* SHARDINGSPHERE_HINT: DISABLE_AUDIT_NAMES=skyriff_guard */ ";
            try (ResultSet rs = s.executeQuery(scan + "SELECT user_id FROM users LIMIT 2000")) {
                while (rs.next()) {
                    users.add(rs.getLong(1));
                }
            }
            try (ResultSet rs = s.executeQuery(scan + "SELECT user_id, video_id FROM videos LIMIT 2000")) {
                while (rs.next()) {
                    videos.add(new long[] {rs.getLong(1), rs.getLong(2)});
                }
            }
        }
        if (users.isEmpty() || videos.isEmpty()) {
            throw new IllegalStateException("the cluster has no users or videos to run the workload on; pass --seed");
        }
        return new Seeded(users.stream().mapToLong(Long::longValue).toArray(),
                videos.stream().mapToLong(v -> v[0]).toArray(), videos.stream().mapToLong(v -> v[1]).toArray(), 0);
    }

    interface IndexedTask {
        void run(int i) throws Exception;
    }

    private static void parallel(ExecutorService pool, int n, IndexedTask task) throws Exception {
        AtomicLong next = new AtomicLong();
        List<Future<?>> futures = new ArrayList<>();
        int workers = ((java.util.concurrent.ThreadPoolExecutor) pool).getCorePoolSize();
        for (int w = 0; w < workers; w++) {
            futures.add(pool.submit(() -> {
                for (long i = next.getAndIncrement(); i < n; i = next.getAndIncrement()) {
                    task.run((int) i);
                }
                return null;
            }));
        }
        for (Future<?> f : futures) {
            f.get();
        }
    }

    private static Map<String, Long> borrows(SimpleMeterRegistry registry) {
        Map<String, Long> out = new LinkedHashMap<>();
        for (Timer t : registry.find("hikaricp.connections.usage").timers()) {
            String pool = t.getId().getTag("pool");
            if (pool != null) {
                out.put(pool.substring(pool.indexOf('-') + 1), t.count());
            }
        }
        return out;
    }

    private static double cacheGets(SimpleMeterRegistry registry, String result) {
        return registry.find("skyriff.cache.gets").tag("result", result).counters().stream()
                .mapToDouble(io.micrometer.core.instrument.Counter::count).sum();
    }

    /** The largest replay lag the primaries report for their standbys right now, in ms. */
    private static double replicaLagMs(Rules rules) {
        double max = 0;
        for (PhysicalNode n : rules.nodes()) {
            if (!n.primary()) {
                continue;
            }
            try (Connection c = DriverManager.getConnection(n.spec().url(), n.spec().username(), n.spec().password().reveal());
                 Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT coalesce(max(extract(epoch FROM replay_lag)) * 1000, 0) "
                         + "FROM pg_stat_replication")) {
                if (rs.next()) {
                    max = Math.max(max, rs.getDouble(1));
                }
            } catch (SQLException e) {
                // a probe failure is not a workload error
            }
        }
        return max;
    }

    private static DemoReport.OpStats stats(Histogram h) {
        return new DemoReport.OpStats(h.getTotalCount(), h.getValueAtPercentile(50), h.getValueAtPercentile(95),
                h.getValueAtPercentile(99));
    }

    private void step(String message) {
        out.println("[demo] " + message);
    }

    /** A one-line progress bar, redrawn in place. */
    private final class Progress {
        private final String what;
        private final int total;
        private final AtomicLong done = new AtomicLong();
        private final long started = System.nanoTime();
        private volatile int lastPercent = -1;

        Progress(String what, int total) {
            this.what = what;
            this.total = total;
        }

        void tick() {
            long d = done.incrementAndGet();
            int percent = (int) (100 * d / Math.max(1, total));
            int step = INTERACTIVE ? 5 : 25;
            if (percent != lastPercent && percent % step == 0 && percent < 100) {
                lastPercent = percent;
                draw(d);
            }
        }

        private synchronized void draw(long d) {
            int bars = (int) (30 * d / Math.max(1, total));
            out.printf("%s[demo] seeding %-13s [%-30s] %,d/%,d", INTERACTIVE ? "\r" : "", what, "#".repeat(bars), d, total);
            if (!INTERACTIVE) {
                out.println();
            }
            out.flush();
        }

        void done() {
            draw(total);
            out.printf("  (%.1f s)%n", (System.nanoTime() - started) / 1e9);
        }
    }
}
