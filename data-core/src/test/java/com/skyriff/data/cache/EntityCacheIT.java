package com.skyriff.data.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.skyriff.data.cache.CacheFixture.UserProfile;
import com.skyriff.data.rules.CacheEntitySpec;
import com.skyriff.data.rules.CacheSpec;
import com.skyriff.data.testkit.LocalTopology;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.redisson.api.RedissonClient;

/**
 * The cache against the real Redis and PostgreSQL of the local topology; two {@link SkyriffCache} instances (two
 * Redisson clients) stand for two JVMs. Database loads are counted by the database ({@code cache_load_log}).
 */
class EntityCacheIT {
    static final CacheCodec<UserProfile> CODEC = CacheCodec.json(UserProfile.class);

    static CacheFixture fx;
    static SimpleMeterRegistry registryA;
    static SimpleMeterRegistry registryB;
    static CacheSpec spec;
    static SkyriffCache cacheA;
    static SkyriffCache cacheB;
    static RedissonClient raw;

    @BeforeAll
    static void start() throws SQLException {
        MeterRegistry dataRegistry = new SimpleMeterRegistry();
        fx = CacheFixture.start("cache_it", dataRegistry);
        String redis = LocalTopology.shared().redis().uri();
        spec = CacheSpec.builder().required(true).namespace(CacheFixture.freshNamespace("it"))
                .singleServer(redis)
                .entity(CacheEntitySpec.of("user").withVersion(3).withTtlSeconds(600).withJitter(0.1))
                .entity(CacheEntitySpec.of("user_near").withNearCache(true))
                .entity(CacheEntitySpec.of("user_neg").withNegativeTtlSeconds(1))
                .build();
        registryA = new SimpleMeterRegistry();
        registryB = new SimpleMeterRegistry();
        cacheA = SkyriffCache.builder(spec).meterRegistry(registryA).build();
        cacheB = SkyriffCache.builder(spec).meterRegistry(registryB).build();
        raw = CacheFixture.rawClient(redis);
        hikariRegistry = dataRegistry;
    }

    static MeterRegistry hikariRegistry;

    @AfterAll
    static void stop() {
        for (AutoCloseable c : new AutoCloseable[] {cacheA, cacheB, fx}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception ignored) {
                // best effort
            }
        }
        if (raw != null) {
            raw.shutdown();
        }
    }

    static double count(SimpleMeterRegistry r, String name, String entity, String... tags) {
        var search = r.find(name).tag("entity", entity);
        for (int i = 0; i < tags.length; i += 2) {
            search = search.tag(tags[i], tags[i + 1]);
        }
        return search.counters().stream().mapToDouble(c -> c.count()).sum();
    }

    static String rawText(String key) {
        byte[] b = CacheFixture.raw(raw, key);
        return b == null ? null : new String(b, StandardCharsets.UTF_8);
    }

    @Test
    void key_ofEntity_isNamespacedByEntityAndVersion() {
        EntityCache<Long, UserProfile> users = cacheA.entity("user", CODEC);
        assertThat(users.key(42L)).isEqualTo(spec.namespace() + ":user:v3:42");
    }

    @Test
    void get_hundredConcurrentMissesFromTwoInstances_loadsOnceFromTheDatabase() throws Exception {
        long id = 100;
        fx.insert(id, "ada");
        EntityCache<Long, UserProfile> a = cacheA.entity("user", CODEC);
        EntityCache<Long, UserProfile> b = cacheB.entity("user", CODEC);
        int before = fx.loads.get();
        ExecutorService pool = Executors.newFixedThreadPool(100);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<UserProfile>> results = new ArrayList<>();
        try {
            for (int i = 0; i < 100; i++) {
                EntityCache<Long, UserProfile> cache = i % 2 == 0 ? a : b;
                results.add(pool.submit(() -> {
                    go.await();
                    return cache.get(id, fx::slowLoad);
                }));
            }
            go.countDown();
            for (Future<UserProfile> f : results) {
                assertThat(f.get(30, TimeUnit.SECONDS)).isEqualTo(new UserProfile(id, "ada", 1));
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(fx.loadsInDatabase(id)).as("loads seen by the database").isEqualTo(1);
        assertThat(fx.loads.get() - before).isEqualTo(1);
        assertThat(count(registryA, "skyriff.cache.single.flight.waits", "user")
                + count(registryB, "skyriff.cache.single.flight.waits", "user")).as("callers that waited").isPositive();
    }

    @Test
    void race_readerHeldBetweenLoadAndPut_cacheEndsWithTheNewValue() throws Exception {
        long id = 200;
        fx.insert(id, "old");
        EntityCache<Long, UserProfile> a = cacheA.entity("user", CODEC);
        EntityCache<Long, UserProfile> b = cacheB.entity("user", CODEC);
        CountDownLatch loaded = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        double staleBefore = count(registryA, "skyriff.cache.stale.prevented", "user");
        ExecutorService reader = Executors.newSingleThreadExecutor();
        try {
            Future<UserProfile> slowRead = reader.submit(() -> a.get(id, k -> {
                UserProfile old = fx.load(k);       // the reader has the old row...
                loaded.countDown();
                try {
                    release.await(30, TimeUnit.SECONDS); // ...and is held before its cache put
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
                return old;
            }));
            assertThat(loaded.await(30, TimeUnit.SECONDS)).isTrue();
            fx.data.useTransaction(tx -> {
                CacheFixture.rename(tx.connection(), id, "new");
                a.invalidateAfterCommit(tx, id);
            });
            release.countDown();
            assertThat(slowRead.get(30, TimeUnit.SECONDS).name()).as("the read began before the write").isEqualTo("old");
        } finally {
            reader.shutdownNow();
        }
        assertThat(count(registryA, "skyriff.cache.stale.prevented", "user") - staleBefore).isEqualTo(1);
        assertThat(rawText(a.key(id))).as("the old value was not written back").isNull();
        assertThat(b.get(id, fx::load).name()).isEqualTo("new");
        assertThat(rawText(a.key(id))).as("the cache holds the new value").startsWith("V").contains("\"new\"");
        assertThat(a.get(id, k -> {
            throw new AssertionError("must be a hit");
        }).name()).isEqualTo("new");
    }

    @Test
    void update_throughTheLibrary_secondInstanceReadsTheNewValue() throws Exception {
        long id = 300;
        fx.insert(id, "v1");
        EntityCache<Long, UserProfile> a = cacheA.entity("user", CODEC);
        EntityCache<Long, UserProfile> b = cacheB.entity("user", CODEC);
        assertThat(b.get(id, fx::load).name()).isEqualTo("v1");
        assertThat(a.get(id, fx::load).name()).isEqualTo("v1");
        assertThat(fx.loadsInDatabase(id)).isEqualTo(1);

        fx.data.useTransaction(tx -> {
            CacheFixture.rename(tx.connection(), id, "v2");
            a.invalidateAfterCommit(tx, id);
        });

        assertThat(b.get(id, fx::load).name()).as("right after the write returns").isEqualTo("v2");
        assertThat(fx.loadsInDatabase(id)).isEqualTo(2);
    }

    @Test
    void update_throughTheLibrary_secondInstancesNearCacheIsInvalidated() throws Exception {
        long id = 310;
        fx.insert(id, "v1");
        EntityCache<Long, UserProfile> a = cacheA.entity("user_near", CODEC);
        EntityCache<Long, UserProfile> b = cacheB.entity("user_near", CODEC);
        // B serves the row from its near cache (once its invalidation channel is subscribed)
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            b.get(id, fx::load);
            return count(registryB, "skyriff.cache.gets", "user_near", "tier", "near") > 0;
        });
        assertThat(b.get(id, fx::load).name()).isEqualTo("v1");

        fx.data.useTransaction(tx -> {
            CacheFixture.rename(tx.connection(), id, "v2");
            a.invalidateAfterCommit(tx, id);
        });

        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(2))
                .until(() -> b.get(id, fx::load).name().equals("v2"));
        double nearHits = count(registryB, "skyriff.cache.gets", "user_near", "tier", "near");
        for (int i = 0; i < 5; i++) {
            assertThat(b.get(id, fx::load).name()).isEqualTo("v2");
        }
        assertThat(count(registryB, "skyriff.cache.gets", "user_near", "tier", "near"))
                .as("the new value is served from B's near cache").isGreaterThan(nearHits);
    }

    @Test
    void rollback_afterInvalidateAfterCommit_leavesTheCacheUntouched() throws Exception {
        long id = 400;
        fx.insert(id, "keep");
        EntityCache<Long, UserProfile> a = cacheA.entity("user", CODEC);
        assertThat(a.get(id, fx::load).name()).isEqualTo("keep");
        String before = rawText(a.key(id));
        assertThat(before).startsWith("V");

        assertThatThrownBy(() -> fx.data.useTransaction(tx -> {
            CacheFixture.rename(tx.connection(), id, "gone");
            a.invalidateAfterCommit(tx, id);
            throw new IllegalStateException("boom");
        })).isInstanceOf(IllegalStateException.class).hasMessage("boom");

        assertThat(rawText(a.key(id))).isEqualTo(before);
        assertThat(fx.current(id).name()).isEqualTo("keep");
        assertThat(a.get(id, k -> {
            throw new AssertionError("must be a hit");
        }).name()).isEqualTo("keep");
    }

    @Test
    void get_insideTransaction_bypassesTheCacheAndSeesTheOwnWrite() throws Exception {
        long id = 410;
        fx.insert(id, "before");
        EntityCache<Long, UserProfile> a = cacheA.entity("user", CODEC);
        assertThat(a.get(id, fx::load).name()).isEqualTo("before");
        String cached = rawText(a.key(id));

        fx.data.useTransaction(tx -> {
            CacheFixture.rename(tx.connection(), id, "during");
            assertThat(a.get(id, k -> CacheFixture.select(tx.connection(), k)).name()).isEqualTo("during");
            assertThat(rawText(a.key(id))).as("uncommitted data never reaches Redis").isEqualTo(cached);
            a.invalidateAfterCommit(id);
        });

        assertThat(a.get(id, fx::load).name()).isEqualTo("during");
    }

    @Test
    void get_missingRow_isCachedAsAbsentForTheNegativeTtl() throws Exception {
        long id = 999;
        EntityCache<Long, UserProfile> a = cacheA.entity("user_neg", CODEC);
        EntityCache<Long, UserProfile> b = cacheB.entity("user_neg", CODEC);
        assertThat(a.get(id, fx::load)).isNull();
        assertThat(b.get(id, fx::load)).isNull();
        assertThat(a.get(id, fx::load)).isNull();
        assertThat(fx.loadsInDatabase(id)).isEqualTo(1);
        assertThat(rawText(a.key(id))).isEqualTo("N");
        assertThat(raw.getBucket(a.key(id)).remainTimeToLive()).isBetween(1L, 1000L);

        await().atMost(Duration.ofSeconds(10)).until(() -> rawText(a.key(id)) == null);
        assertThat(a.get(id, fx::load)).isNull();
        assertThat(fx.loadsInDatabase(id)).as("loaded again after the negative TTL").isEqualTo(2);
    }

    @Test
    void getAll_mixedHitsMissesAndAbsentIds_loadsTheMissesInOneQuery() throws Exception {
        EntityCache<Long, UserProfile> a = cacheA.entity("user", CODEC);
        for (long id = 501; id <= 508; id++) {
            fx.insert(id, "u" + id);
        }
        for (long id = 501; id <= 503; id++) {
            a.get(id, fx::load);
        }
        List<Long> ids = LongStream.rangeClosed(501, 510).boxed().toList();
        int batches = fx.batchLoads.get();
        List<Set<Long>> asked = new ArrayList<>();

        Map<Long, UserProfile> got = a.getAll(ids, missing -> {
            asked.add(new HashSet<>(missing));
            return fx.loadAll(missing);
        });

        assertThat(got.keySet()).containsExactlyInAnyOrderElementsOf(LongStream.rangeClosed(501, 508).boxed().toList());
        assertThat(got.get(505L).name()).isEqualTo("u505");
        assertThat(asked).containsExactly(Set.of(504L, 505L, 506L, 507L, 508L, 509L, 510L));
        assertThat(fx.batchLoads.get() - batches).isEqualTo(1);

        Map<Long, UserProfile> again = cacheB.<Long, UserProfile>entity("user", CODEC).getAll(ids, missing -> {
            throw new AssertionError("all hits, absent ids included; asked " + missing);
        });
        assertThat(again).isEqualTo(got);
        assertThat(rawText(a.key(510L))).isEqualTo("N");
    }

    @Test
    void put_withJitter_ttlStaysWithinTtlAndVaries() throws Exception {
        EntityCache<Long, UserProfile> a = cacheA.entity("user", CODEC);
        Set<Long> ttls = new HashSet<>();
        for (long id = 601; id <= 620; id++) {
            fx.insert(id, "t" + id);
            a.get(id, fx::load);
            long ttl = raw.getBucket(a.key(id)).remainTimeToLive();
            assertThat(ttl).as("ttl of %s", id).isBetween(540_000L - 5_000, 600_000L);
            ttls.add(ttl / 1000);
        }
        assertThat(ttls).as("jitter spreads expiry").hasSizeGreaterThan(1);
    }

    @Test
    void metrics_afterReads_countHitsMissesLoadsAndHikariPools() throws Exception {
        long id = 700;
        fx.insert(id, "m");
        EntityCache<Long, UserProfile> a = cacheA.entity("user", CODEC);
        double hits = count(registryA, "skyriff.cache.gets", "user", "result", "hit");
        double misses = count(registryA, "skyriff.cache.gets", "user", "result", "miss");
        a.get(id, fx::load);
        a.get(id, fx::load);
        assertThat(count(registryA, "skyriff.cache.gets", "user", "result", "miss") - misses).isEqualTo(1);
        assertThat(count(registryA, "skyriff.cache.gets", "user", "result", "hit") - hits).isEqualTo(1);
        assertThat(registryA.find("skyriff.cache.loads").tag("entity", "user").tag("result", "success").timer().count())
                .isPositive();
        assertThat(registryA.find("skyriff.cache.breaker.state").gauge().value()).isZero();
        String everyShard = LongStream.rangeClosed(1, 64).mapToObj(Long::toString).collect(Collectors.joining(", "));
        try (var c = fx.data.dataSource().getConnection(); var st = c.createStatement();
             var rs = st.executeQuery("SELECT count(*) FROM user_profile WHERE user_id IN (" + everyShard + ")")) {
            assertThat(rs.next()).isTrue(); // touches every shard's replica, so every pool has started
        }
        assertThat(hikariRegistry.find("hikaricp.connections").gauges()).extracting(g -> g.getId().getTag("pool"))
                .containsExactlyInAnyOrder("cache_it-shard0_primary", "cache_it-shard0_replica_0",
                        "cache_it-shard1_primary", "cache_it-shard1_replica_0");
    }
}
