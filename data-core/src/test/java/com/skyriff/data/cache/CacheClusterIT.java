package com.skyriff.data.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.skyriff.data.cache.CacheFixture.UserProfile;
import com.skyriff.data.rules.CacheEntitySpec;
import com.skyriff.data.rules.CacheSpec;
import com.skyriff.data.rules.RulesReader;
import com.skyriff.data.testkit.RedisClusterTopology;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The cache on a real 3-master Redis Cluster started locally, configured through the rules file. */
@Tag("slow")
class CacheClusterIT {
    static final CacheCodec<UserProfile> CODEC = CacheCodec.json(UserProfile.class);

    static CacheFixture fx;
    static RedisClusterTopology cluster;
    static CacheSpec spec;

    @BeforeAll
    static void start() throws SQLException {
        cluster = RedisClusterTopology.start(3);
        fx = CacheFixture.start("cache_cluster_it", null);
        String yaml = """
                shards:
                  - name: shard0
                    primary: "jdbc:postgresql://unused:5432/db"
                cache:
                  required: true
                  namespace: %s
                  redis: { mode: cluster, nodes: [%s] }
                  entities:
                    user:      { version: 2, ttl-seconds: 600 }
                    user_near: { near-cache: true }
                """.formatted(CacheFixture.freshNamespace("cluster"),
                String.join(", ", cluster.nodeUris().stream().map(u -> "\"" + u + "\"").toList()));
        spec = RulesReader.parse(yaml, "rules.yaml", System::getenv, Clock.systemUTC()).cache().orElseThrow();
    }

    @AfterAll
    static void stop() {
        if (fx != null) {
            fx.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void cluster_concurrentMissesFromTwoClients_loadOnce() throws Exception {
        long id = 1;
        fx.insert(id, "c1");
        try (SkyriffCache a = SkyriffCache.builder(spec).build(); SkyriffCache b = SkyriffCache.builder(spec).build()) {
            assertThat(a.spec().mode()).isEqualTo(CacheSpec.RedisMode.CLUSTER);
            EntityCache<Long, UserProfile> ua = a.entity("user", CODEC);
            EntityCache<Long, UserProfile> ub = b.entity("user", CODEC);
            ExecutorService pool = Executors.newFixedThreadPool(40);
            CountDownLatch go = new CountDownLatch(1);
            List<Future<UserProfile>> results = new ArrayList<>();
            try {
                for (int i = 0; i < 40; i++) {
                    EntityCache<Long, UserProfile> c = i % 2 == 0 ? ua : ub;
                    results.add(pool.submit(() -> {
                        go.await();
                        return c.get(id, fx::slowLoad);
                    }));
                }
                go.countDown();
                for (Future<UserProfile> f : results) {
                    assertThat(f.get(30, TimeUnit.SECONDS).name()).isEqualTo("c1");
                }
            } finally {
                pool.shutdownNow();
            }
            assertThat(fx.loadsInDatabase(id)).isEqualTo(1);
        }
    }

    @Test
    void cluster_getAllAcrossSlots_oneLoadForTheMissesThenAllHits() throws Exception {
        for (long id = 100; id < 150; id++) {
            fx.insert(id, "n" + id);
        }
        List<Long> ids = LongStream.range(100, 160).boxed().toList();
        try (SkyriffCache a = SkyriffCache.builder(spec).build(); SkyriffCache b = SkyriffCache.builder(spec).build()) {
            int before = fx.batchLoads.get();
            Map<Long, UserProfile> got = a.<Long, UserProfile>entity("user", CODEC).getAll(ids, fx::loadAll);
            assertThat(got).hasSize(50);
            assertThat(fx.batchLoads.get() - before).isEqualTo(1);
            Map<Long, UserProfile> again = b.<Long, UserProfile>entity("user", CODEC).getAll(ids, missing -> {
                throw new AssertionError("expected all hits; asked " + missing);
            });
            assertThat(again).isEqualTo(got);
        }
    }

    @Test
    void cluster_updateThroughTheLibrary_otherClientsNearCacheSeesTheNewValue() throws Exception {
        long id = 200;
        fx.insert(id, "v1");
        SimpleMeterRegistry regB = new SimpleMeterRegistry();
        try (SkyriffCache a = SkyriffCache.builder(spec).build();
             SkyriffCache b = SkyriffCache.builder(spec).meterRegistry(regB).build()) {
            EntityCache<Long, UserProfile> ua = a.entity("user_near", CODEC);
            EntityCache<Long, UserProfile> ub = b.entity("user_near", CODEC);
            await().atMost(Duration.ofSeconds(10)).until(() -> {
                ub.get(id, fx::load);
                return regB.find("skyriff.cache.gets").tag("tier", "near").counters().stream()
                        .mapToDouble(c -> c.count()).sum() > 0;
            });

            fx.data.useTransaction(tx -> {
                CacheFixture.rename(tx.connection(), id, "v2");
                ua.invalidateAfterCommit(tx, id);
            });

            await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(2))
                    .until(() -> ub.get(id, fx::load).name().equals("v2"));
            assertThat(ua.get(id, fx::load).name()).isEqualTo("v2");
        }
    }
}
