package com.skyriff.data.benchmarks;

import com.skyriff.data.SkyriffData;
import com.skyriff.data.cache.SkyriffCache;
import com.skyriff.data.migrations.Progress;
import com.skyriff.data.mybatis.SkyriffMyBatis;
import com.skyriff.data.rules.BucketRange;
import com.skyriff.data.rules.CacheEntitySpec;
import com.skyriff.data.rules.CacheSpec;
import com.skyriff.data.rules.MonthWindow;
import com.skyriff.data.rules.NodeSpec;
import com.skyriff.data.rules.PoolSpec;
import com.skyriff.data.rules.Rules;
import com.skyriff.data.rules.ShardSpec;
import com.skyriff.data.rules.TableSpec;
import com.skyriff.data.testkit.LocalTopology;
import com.skyriff.data.testkit.PgNode;
import com.skyriff.data.testkit.PgShard;
import com.skyriff.data.testkit.TestDatabase;
import com.skyriff.examples.Schema;
import com.skyriff.examples.service.Mappers;
import com.skyriff.examples.service.SkyriffService;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
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

/**
 * The benchmarks' world, built once per JVM (once per JMH fork; once for a whole in-process smoke run): the local
 * topology (2 shards, each a primary and a streaming replica, plus Redis), database {@code bench} with the reference
 * service's schema, the layer built from rules shaped like {@code examples/rules/phase4.yaml} (one replica per shard,
 * so "the replica the layer routes to" is one server; the profile cache on the single Redis), raw HikariCP pools on the same servers with the same settings,
 * and seeded rows: {@value #USERS} users with wallets, {@value #AUTHORS} of them with a video, and
 * {@value #EVENTS_PER_MONTH} watch events per user in each of the last three months. Thread-safe.
 */
final class Fixture {
    static final int USERS = 10_000;
    static final int AUTHORS = 2_000;
    static final int EVENTS_PER_MONTH = 3;
    static final int MONTHS_BACK = 2;
    static final int MONTHS_AHEAD = 2;
    /** Pool size of every node, layer and raw alike (phase4.yaml's {@code maximum-size: 16}). */
    static final int POOL_SIZE = 16;
    static final String NAME = "bench";
    /** Every seeded id is below this; every id a workload writes is at or above it. */
    static final long FIRST_WORKLOAD_ID = 1_000_000_000L;
    /** Every wallet's seeded balance. */
    static final int BALANCE = 1000;

    private static Fixture instance;

    final LocalTopology topology;
    final TestDatabase db;
    final Rules rules;
    /** The layer as it ships (the single-shard path on). */
    final SkyriffData layer;
    /** The same layer with {@code single-shard-path: false}, built on first use ({@link #shardingSphereLayer}). */
    private SkyriffData shardingSphereLayer;
    private final YearMonth firstMonth;
    /** Raw pools by shard name. */
    final Map<String, HikariDataSource> rawPrimary = new LinkedHashMap<>();
    final Map<String, HikariDataSource> rawReplica = new LinkedHashMap<>();
    final long[] users = new long[USERS];
    final long[] authors = new long[AUTHORS];
    final long[] videos = new long[AUTHORS];
    final ScrambledZipfian.Zeta userZeta = ScrambledZipfian.Zeta.of(USERS, ScrambledZipfian.THETA);
    final ScrambledZipfian.Zeta authorZeta = ScrambledZipfian.Zeta.of(AUTHORS, ScrambledZipfian.THETA);
    /** The three-month range every range read covers: the first day of the month two months back, to next month. */
    final OffsetDateTime rangeFrom;
    final OffsetDateTime rangeTo;
    private SkyriffService service;
    private SkyriffCache serviceCache;
    private int serviceUsers;
    private boolean serviceSingleShard;
    private boolean serviceCached;
    private ProcCpu cpu;

    private Fixture() throws SQLException {
        long t0 = System.nanoTime();
        topology = LocalTopology.shared();
        long t1 = System.nanoTime();
        db = topology.createDatabase(NAME);
        YearMonth now = YearMonth.now(Clock.systemUTC());
        rangeFrom = now.minusMonths(MONTHS_BACK).atDay(1).atStartOfDay().atOffset(ZoneOffset.UTC);
        rangeTo = now.plusMonths(1).atDay(1).atStartOfDay().atOffset(ZoneOffset.UTC);
        firstMonth = now.minusMonths(MONTHS_BACK);
        rules = rules(db.shards(), firstMonth, topology.redis().uri(), true);
        Schema.migrate(rules, Clock.systemUTC(), Progress.NONE);
        for (PgShard s : db.shards()) {
            s.awaitReplicaCatchUp(Duration.ofSeconds(120));
        }
        layer = SkyriffData.builder().rules(rules).build();
        long t2 = System.nanoTime();
        for (int i = 0; i < USERS; i++) {
            users[i] = 1_000_000L + i;
        }
        for (int i = 0; i < AUTHORS; i++) {
            authors[i] = users[i];
            videos[i] = users[i] * 10 + 1;
        }
        for (PgShard s : db.shards()) {
            rawPrimary.put(s.name(), rawPool(s.name() + "-raw-primary", s.primary()));
            rawReplica.put(s.name(), rawPool(s.name() + "-raw-replica", s.replicas().get(0)));
        }
        seed(now);
        for (PgShard s : db.shards()) {
            s.awaitReplicaCatchUp(Duration.ofSeconds(120));
        }
        System.out.printf("[fixture] topology %.1f s, schema + layer %.1f s, seed %.1f s%n", (t1 - t0) / 1e9,
                (t2 - t1) / 1e9, (System.nanoTime() - t2) / 1e9);
        Runtime.getRuntime().addShutdownHook(new Thread(this::close, "bench-fixture-close"));
    }

    /** The world of this JVM, built on first use. */
    static synchronized Fixture get() {
        if (instance == null) {
            try {
                instance = new Fixture();
            } catch (SQLException e) {
                throw new IllegalStateException("benchmark fixture failed: " + e.getMessage(), e);
            }
        }
        return instance;
    }

    /**
     * The reference service: MyBatis mappers over the layer, built on first use. {@code cached}: with the profile cache
     * of the rules' {@code cache:} section ({@code @Cached} finds read through it), as the demo runs it; without it,
     * every statement reaches PostgreSQL, as the raw twin's do. {@code singleShard} false runs the mappers over
     * {@link #shardingSphereLayer()} (every statement through ShardingSphere). Pair every call with
     * {@link #releaseService()}: the last release closes the cache, whose Redisson threads would otherwise keep an
     * in-process (smoke) run's JVM alive.
     */
    synchronized SkyriffService acquireService(boolean singleShard, boolean cached) {
        if (service != null && (serviceSingleShard != singleShard || serviceCached != cached)) {
            throw new IllegalStateException("the reference service is in use with singleShard=" + serviceSingleShard
                    + ", cached=" + serviceCached);
        }
        if (service == null) {
            serviceSingleShard = singleShard;
            serviceCached = cached;
            SkyriffData data = singleShard ? layer : shardingSphereLayer();
            SkyriffMyBatis.Builder mb = SkyriffMyBatis.builder(data);
            if (cached) {
                serviceCache = SkyriffCache.builder(data).build();
                mb.cache(serviceCache);
            }
            Mappers.all().forEach(mb::mapper);
            service = new SkyriffService(mb.build(), Clock.systemUTC());
        }
        serviceUsers++;
        return service;
    }

    /**
     * The layer over the same servers and rows with {@code single-shard-path: false} (every statement through
     * ShardingSphere: the single-shard path's before/after), built on first use with its own node pools.
     */
    synchronized SkyriffData shardingSphereLayer() {
        if (shardingSphereLayer == null) {
            shardingSphereLayer = SkyriffData.builder().rules(rules(db.shards(), firstMonth, topology.redis().uri(),
                    false)).build();
        }
        return shardingSphereLayer;
    }

    synchronized void releaseService() {
        if (--serviceUsers == 0) {
            if (serviceCache != null) {
                serviceCache.close();
            }
            serviceCache = null;
            service = null;
        }
    }

    /** The CPU sampler of this world's processes (the PostgreSQL servers of database {@code bench}, Redis). */
    synchronized ProcCpu cpu() {
        if (cpu == null) {
            List<PgNode> nodes = new ArrayList<>();
            for (PgShard s : db.shards()) {
                nodes.add(s.primary());
                nodes.addAll(s.replicas());
            }
            cpu = ProcCpu.of(nodes, topology.redis().port());
        }
        return cpu;
    }

    /**
     * Restores the seeded state on every primary (rows the workloads added are deleted, counters and balances reset,
     * dead rows vacuumed), then waits until the replicas have replayed it: every iteration starts from the same data,
     * so hot users do not pile up rows. Seeded ids are below {@value #FIRST_WORKLOAD_ID}; every id a workload writes
     * (the layer's Snowflake ids, the raw twin's and the insert benchmark's counters) is above it. Call while no
     * benchmark thread runs (an iteration's setup).
     */
    synchronized void resetWorkload() {
        YearMonth now = YearMonth.now(Clock.systemUTC());
        for (PgShard s : db.shards()) {
            try (Connection c = rawPrimary.get(s.name()).getConnection(); Statement st = c.createStatement()) {
                // one round trip for the restore (a multi-statement query), one for VACUUM (not in a transaction)
                StringBuilder restore = new StringBuilder();
                StringBuilder vacuum = new StringBuilder("VACUUM videos, wallets, follows");
                for (YearMonth m = now.minusMonths(MONTHS_BACK); !m.isAfter(now.plusMonths(MONTHS_AHEAD));
                     m = m.plusMonths(1)) {
                    String events = MonthWindow.tableName("watch_events", m);
                    restore.append("DELETE FROM ").append(events).append(" WHERE event_id >= ").append(FIRST_WORKLOAD_ID)
                            .append(";TRUNCATE ").append(MonthWindow.tableName("wallet_ledger", m)).append(';');
                    vacuum.append(", ").append(events);
                }
                restore.append("DELETE FROM videos WHERE video_id >= ").append(FIRST_WORKLOAD_ID)
                        .append(";UPDATE videos SET views = 0 WHERE views <> 0;TRUNCATE follows;UPDATE wallets SET")
                        .append(" balance = ").append(BALANCE).append(" WHERE balance <> ").append(BALANCE);
                st.execute(restore.toString());
                st.execute(vacuum.toString());
            } catch (SQLException e) {
                throw new IllegalStateException(s.name() + ": resetting the seeded state failed: " + e.getMessage(), e);
            }
        }
        for (PgShard s : db.shards()) {
            s.awaitReplicaCatchUp(Duration.ofSeconds(120));
        }
    }

    /**
     * Rules shaped like examples/rules/phase4.yaml: one replica per shard, and the profile cache ({@code user}, near
     * cache on) on the topology's single Redis instead of a Redis Cluster.
     */
    static Rules rules(List<PgShard> shards, YearMonth firstMonth, String redisUri, boolean singleShardPath) {
        Rules.Builder b = Rules.builder().name(NAME).bucketCount(1024).createMissingMonths(true)
                .singleShardPath(singleShardPath)
                .pool(PoolSpec.UNSET.withMaximumSize(POOL_SIZE))
                .cache(CacheSpec.builder().namespace("skyriff").singleServer(redisUri)
                        .entity(CacheEntitySpec.of("user").withVersion(1).withTtlSeconds(600).withJitter(0.1)
                                .withNegativeTtlSeconds(30).withNearCache(true))
                        .build());
        int per = 1024 / shards.size();
        for (int i = 0; i < shards.size(); i++) {
            PgShard s = shards.get(i);
            b.shard(new ShardSpec(s.name(), node(s.primary()), s.replicas().stream().map(Fixture::node).toList(), null,
                    List.of(BucketRange.of(i * per, i == shards.size() - 1 ? 1023 : (i + 1) * per - 1))));
        }
        return b.table(TableSpec.user("users", "user_id").withId("user_id"))
                .table(TableSpec.user("videos", "user_id").withId("video_id"))
                .table(TableSpec.user("follows", "follower_id"))
                .table(TableSpec.userMonth("watch_events", "user_id", "created_at", firstMonth,
                        MONTHS_AHEAD).withId("event_id"))
                .table(TableSpec.user("wallets", "user_id"))
                .table(TableSpec.userMonth("wallet_ledger", "user_id", "created_at", firstMonth,
                        MONTHS_AHEAD).withId("entry_id"))
                .table(TableSpec.broadcast("regions"))
                .build();
    }

    static NodeSpec node(PgNode n) {
        return NodeSpec.of(n.jdbcUrl(), n.user(), n.password());
    }

    /** A raw pool with the settings the layer gives its node pools (same URL options, size, timeouts). */
    private HikariDataSource rawPool(String name, PgNode node) {
        PoolSpec p = rules.pool();
        HikariConfig c = new HikariConfig();
        c.setPoolName(name);
        c.setJdbcUrl(node.jdbcUrl() + "?stringtype=unspecified");
        c.setUsername(node.user());
        c.setPassword(node.password());
        c.setMaximumPoolSize(p.maximumSize());
        c.setMinimumIdle(p.minimumIdle());
        c.setConnectionTimeout(p.connectionTimeoutMs());
        c.setValidationTimeout(p.validationTimeoutMs());
        c.setIdleTimeout(p.idleTimeoutMs());
        c.setMaxLifetime(p.maxLifetimeMs());
        c.setReadOnly(!node.primary());
        return new HikariDataSource(c);
    }

    /** The raw pool of the user's shard: the primary for writes, the shard's one replica for reads. */
    HikariDataSource rawPool(long userId, boolean write) {
        String shard = rules.buckets().shardOf(userId);
        return write ? rawPrimary.get(shard) : rawReplica.get(shard);
    }

    /** The physical month table of a time, as a hand-written application would name it. */
    static String monthTable(String table, OffsetDateTime at) {
        return MonthWindow.tableName(table, YearMonth.from(at.atZoneSameInstant(ZoneOffset.UTC)));
    }

    /** Users, wallets, videos and three months of watch events, written straight to each shard's primary. */
    private void seed(YearMonth now) throws SQLException {
        Map<String, List<Long>> byShard = new LinkedHashMap<>();
        Map<String, List<Long>> authorsByShard = new LinkedHashMap<>();
        for (PgShard s : db.shards()) {
            byShard.put(s.name(), new ArrayList<>());
            authorsByShard.put(s.name(), new ArrayList<>());
        }
        for (long u : users) {
            byShard.get(rules.buckets().shardOf(u)).add(u);
        }
        for (long a : authors) {
            authorsByShard.get(rules.buckets().shardOf(a)).add(a);
        }
        for (PgShard s : db.shards()) {
            PgNode p = s.primary();
            try (Connection c = DriverManager.getConnection(p.jdbcUrl(), p.user(), p.password())) {
                c.setAutoCommit(false);
                Long[] ids = byShard.get(s.name()).toArray(Long[]::new);
                Long[] authorIds = authorsByShard.get(s.name()).toArray(Long[]::new);
                exec(c, "INSERT INTO users (user_id, handle, display_name, region_code, created_at) SELECT u, 'user'"
                        + " || u, 'User ' || u, CASE WHEN u % 2 = 0 THEN 'eu' ELSE 'us' END, now() FROM unnest(?::bigint[])"
                        + " AS u", (Object) ids);
                exec(c, "INSERT INTO wallets (user_id, balance, updated_at) SELECT u, " + BALANCE + ", now()"
                        + " FROM unnest(?::bigint[]) AS u", (Object) ids);
                exec(c, "INSERT INTO videos (video_id, user_id, title, duration_s, views, created_at) SELECT u * 10 + 1,"
                        + " u, 'clip ' || u, 60 + u % 600, 0, now() FROM unnest(?::bigint[]) AS u", (Object) authorIds);
                for (int k = 0; k <= MONTHS_BACK; k++) {
                    YearMonth m = now.minusMonths(MONTHS_BACK - k);
                    OffsetDateTime start = m.atDay(1).atStartOfDay().atOffset(ZoneOffset.UTC);
                    exec(c, "INSERT INTO " + MonthWindow.tableName("watch_events", m) + " (event_id, user_id, video_id,"
                            + " watched_s, created_at) SELECT u * 100 + " + (k * 10) + " + g, u, 1, 10 + g, ? + g *"
                            + " interval '1 day' + (u % 3600) * interval '1 second' FROM unnest(?::bigint[]) AS u,"
                            + " generate_series(1, " + EVENTS_PER_MONTH + ") AS g", start, ids);
                }
                c.commit();
                c.setAutoCommit(true);
                try (Statement st = c.createStatement()) {
                    st.execute("ANALYZE");
                }
            }
        }
    }

    private static void exec(Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                if (args[i] instanceof Long[] ids) {
                    ps.setArray(i + 1, c.createArrayOf("bigint", ids));
                } else {
                    ps.setObject(i + 1, args[i]);
                }
            }
            ps.executeUpdate();
        }
    }

    private synchronized void close() {
        rawPrimary.values().forEach(HikariDataSource::close);
        rawReplica.values().forEach(HikariDataSource::close);
        layer.close();
        if (shardingSphereLayer != null) {
            shardingSphereLayer.close();
        }
    }
}
