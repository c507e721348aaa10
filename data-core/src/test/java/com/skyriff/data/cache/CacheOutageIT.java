package com.skyriff.data.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.skyriff.data.cache.CacheFixture.UserProfile;
import com.skyriff.data.rules.CacheEntitySpec;
import com.skyriff.data.rules.CacheSpec;
import com.skyriff.data.testkit.LocalTopology;
import com.skyriff.data.testkit.RedisNode;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Redis going away under load (process stopped, or one client cut off) and coming back. */
@Tag("slow")
class CacheOutageIT {
    static final CacheCodec<UserProfile> CODEC = CacheCodec.json(UserProfile.class);
    static final Duration LONG = Duration.ofSeconds(30);

    static CacheFixture fx;

    @BeforeAll
    static void start() throws SQLException {
        fx = CacheFixture.start("cache_outage_it", null);
    }

    @AfterAll
    static void stop() {
        if (fx != null) {
            fx.close();
        }
    }

    static CacheSpec spec(String redisUri) {
        return CacheSpec.builder().namespace(CacheFixture.freshNamespace("outage")).singleServer(redisUri)
                .failureThreshold(3).openMs(300).timeoutMs(300).connectTimeoutMs(300)
                .entity(CacheEntitySpec.of("user").withTtlSeconds(600).withNearCache(true))
                .build();
    }

    static double hits(SimpleMeterRegistry r) {
        return r.find("skyriff.cache.gets").tag("result", "hit").counters().stream().mapToDouble(c -> c.count()).sum();
    }

    @Test
    void outage_redisStoppedMidWorkload_noRequestFailsAndNoStaleValueAfterRestart() throws Exception {
        RedisNode redis = LocalTopology.shared().redis();
        CacheSpec spec = spec(redis.uri());
        long[] ids = new long[20];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = 1000 + i;
            fx.insert(ids[i], "w0");
        }
        SimpleMeterRegistry regA = new SimpleMeterRegistry();
        SimpleMeterRegistry regB = new SimpleMeterRegistry();
        ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
        AtomicInteger requests = new AtomicInteger();
        AtomicInteger writesWhileDown = new AtomicInteger();
        AtomicBoolean running = new AtomicBoolean(true);
        ExecutorService pool = Executors.newFixedThreadPool(5);
        try (SkyriffCache a = SkyriffCache.builder(spec).meterRegistry(regA).build();
             SkyriffCache b = SkyriffCache.builder(spec).meterRegistry(regB).build()) {
            EntityCache<Long, UserProfile> usersA = a.entity("user", CODEC);
            EntityCache<Long, UserProfile> usersB = b.entity("user", CODEC);
            List<Future<?>> workers = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                EntityCache<Long, UserProfile> users = t % 2 == 0 ? usersA : usersB;
                workers.add(pool.submit(() -> {
                    while (running.get()) {
                        long id = ids[ThreadLocalRandom.current().nextInt(ids.length)];
                        try {
                            if (users.get(id, fx::load) == null) {
                                throw new AssertionError("row " + id + " read as absent");
                            }
                        } catch (Throwable e) {
                            failures.add(e);
                        }
                        requests.incrementAndGet();
                    }
                }));
            }
            workers.add(pool.submit(() -> {
                int seq = 0;
                while (running.get()) {
                    long id = ids[ThreadLocalRandom.current().nextInt(ids.length)];
                    String name = "w" + (++seq);
                    boolean down = a.breakerState() != BreakerState.CLOSED;
                    try {
                        fx.data.useTransaction(tx -> {
                            CacheFixture.rename(tx.connection(), id, name);
                            usersA.invalidateAfterCommit(tx, id);
                        });
                        if (down) {
                            writesWhileDown.incrementAndGet();
                        }
                    } catch (Throwable e) {
                        failures.add(e);
                    }
                    requests.incrementAndGet();
                    sleep(5);
                }
            }));

            await().atMost(LONG).until(() -> hits(regA) > 20 && hits(regB) > 20);
            redis.stop();
            try {
                await().atMost(LONG).until(() -> a.breakerState() != BreakerState.CLOSED
                        && b.breakerState() != BreakerState.CLOSED);
                int before = requests.get();
                await().atMost(LONG).until(() -> writesWhileDown.get() >= 5 && requests.get() > before + 50);
            } finally {
                redis.start();
            }
            await().atMost(LONG).until(() -> a.breakerState() == BreakerState.CLOSED
                    && b.breakerState() == BreakerState.CLOSED);
            double hitsA = hits(regA);
            double hitsB = hits(regB);
            await().alias("hits resume").atMost(LONG).until(() -> hits(regA) > hitsA + 20 && hits(regB) > hitsB + 20);
            running.set(false);
            for (Future<?> w : workers) {
                w.get(30, TimeUnit.SECONDS);
            }

            assertThat(failures).as("failed requests out of %s", requests.get()).isEmpty();
            assertThat(a.pendingInvalidations()).isZero();
            for (long id : ids) {
                UserProfile truth = fx.current(id);
                assertThat(usersA.get(id, fx::load)).as("A, id %s", id).isEqualTo(truth);
                assertThat(usersB.get(id, fx::load)).as("B, id %s", id).isEqualTo(truth);
            }
        } finally {
            running.set(false);
            pool.shutdownNow();
            redis.start();
        }
    }

    @Test
    void partition_writerCutOffFromRedis_itsMissedInvalidationsAreReplayedWhenItReconnects() throws Exception {
        RedisNode redis = LocalTopology.shared().redis();
        long id = 2000;
        fx.insert(id, "v1");
        try (TcpProxy proxy = new TcpProxy(redis.host(), redis.port())) {
            CacheSpec direct = spec(redis.uri());
            CacheSpec viaProxy = CacheSpec.builder().namespace(direct.namespace()).singleServer(proxy.uri())
                    .failureThreshold(3).openMs(300).timeoutMs(300).connectTimeoutMs(300)
                    .entity(direct.entities().get("user")).build();
            try (SkyriffCache writer = SkyriffCache.builder(viaProxy).build();
                 SkyriffCache reader = SkyriffCache.builder(direct).build()) {
                EntityCache<Long, UserProfile> w = writer.entity("user", CODEC);
                EntityCache<Long, UserProfile> r = reader.entity("user", CODEC);
                assertThat(r.get(id, fx::load).name()).isEqualTo("v1");
                assertThat(w.get(id, fx::load).name()).isEqualTo("v1");

                proxy.cut();
                await().atMost(LONG).until(() -> {
                    w.get(id, fx::load);
                    return writer.breakerState() != BreakerState.CLOSED;
                });
                fx.data.useTransaction(tx -> {
                    CacheFixture.rename(tx.connection(), id, "v2");
                    w.invalidateAfterCommit(tx, id);
                });
                assertThat(writer.pendingInvalidations()).isEqualTo(1);
                assertThat(w.get(id, fx::load).name()).as("the writer reads the database meanwhile").isEqualTo("v2");
                assertThat(r.get(id, fx::load).name()).as("documented bound: stale until the writer reconnects")
                        .isEqualTo("v1");

                proxy.restore();
                await().atMost(LONG).until(() -> writer.breakerState() == BreakerState.CLOSED
                        && writer.pendingInvalidations() == 0);
                await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(2))
                        .until(() -> r.get(id, fx::load).name().equals("v2"));
                assertThat(w.get(id, fx::load).name()).isEqualTo("v2");
            }
        }
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
