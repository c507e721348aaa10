package com.skyriff.data.benchmarks;

import com.skyriff.data.cache.CacheCodec;
import com.skyriff.data.cache.EntityCache;
import com.skyriff.data.cache.SkyriffCache;
import com.skyriff.data.rules.CacheEntitySpec;
import com.skyriff.data.rules.CacheSpec;
import com.skyriff.examples.service.Domain.User;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.redisson.Redisson;
import org.redisson.api.RBucket;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.ByteArrayCodec;
import org.redisson.config.Config;

/**
 * The cache side of the benchmarks' world, built once per JVM on top of {@link Fixture}: the layer's cache
 * ({@link SkyriffCache} on the topology's Redis) with entity {@code user} (Redis only) and {@code user_near} (with the
 * near cache), both holding every seeded user's profile, and a raw Redisson client configured like the layer's
 * (same codec, netty and pool settings) for the baseline. Thread-safe.
 */
final class Caches {
    static final String REDIS = "user";
    static final String NEAR = "user_near";
    private static Caches instance;
    private static int holders;

    final Fixture fixture;
    final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    final SkyriffCache cache;
    final EntityCache<Long, User> users;
    final EntityCache<Long, User> nearUsers;
    final RedissonClient raw;
    final EntityCache.Loader<Long, User> loader;
    final EntityCache.BatchLoader<Long, User> batchLoader;

    private Caches() {
        fixture = Fixture.get();
        CacheSpec spec = CacheSpec.builder().singleServer(fixture.topology.redis().uri()).namespace("bench")
                .entity(CacheEntitySpec.of(REDIS).withTtlSeconds(3600))
                .entity(CacheEntitySpec.of(NEAR).withTtlSeconds(3600).withNearCache(true).withNearCacheSize(50_000)
                        .withNearTtlSeconds(3600))
                .build();
        cache = SkyriffCache.builder(spec).meterRegistry(registry).build();
        users = cache.entity(REDIS, CacheCodec.json(User.class));
        nearUsers = cache.entity(NEAR, CacheCodec.json(User.class));
        Db layer = Db.Access.LAYER.open(fixture);
        loader = layer::user;
        batchLoader = this::loadAll;
        raw = Redisson.create(rawConfig(fixture.topology.redis().uri()));
        long t0 = System.nanoTime();
        if (raw.getBucket(users.key(fixture.users[Fixture.USERS - 1]), ByteArrayCodec.INSTANCE).isExists()) {
            warm(nearUsers); // Redis kept the values of an earlier cache of this run: only this JVM's near cache is cold
        } else {
            warm(users);
            warm(nearUsers);
        }
        System.out.printf("[caches] %d profiles in Redis for 2 entities in %.1f s%n", Fixture.USERS,
                (System.nanoTime() - t0) / 1e9);
    }

    /**
     * The caches of this JVM, built on first use. Pair every call with {@link #release()}: the last release closes the
     * Redisson clients, whose threads would otherwise keep an in-process (smoke) run's JVM alive.
     */
    static synchronized Caches acquire() {
        if (instance == null) {
            instance = new Caches();
        }
        holders++;
        return instance;
    }

    static synchronized void release() {
        if (--holders == 0) {
            instance.close();
            instance = null;
        }
    }

    /** The settings the layer's RedisLink gives its client (codec, threads, pool), for a like-for-like baseline. */
    static Config rawConfig(String uri) {
        Config cfg = new Config();
        cfg.setCodec(ByteArrayCodec.INSTANCE);
        cfg.setNettyThreads(Math.max(4, 2 * Runtime.getRuntime().availableProcessors()));
        cfg.setThreads(2);
        cfg.useSingleServer().setAddress(uri).setConnectionMinimumIdleSize(1).setConnectionPoolSize(32)
                .setTimeout(500).setRetryAttempts(0);
        return cfg;
    }

    /** The raw baseline's bucket of a user: the very key (and bytes) the entity cache wrote. */
    RBucket<byte[]> rawBucket(long userId) {
        return raw.getBucket(users.key(userId), ByteArrayCodec.INSTANCE);
    }

    /** Hits of the near cache so far (to check that the near cache is live). */
    double nearHits() {
        return registry.find("skyriff.cache.gets").tags("entity", NEAR, "tier", "near").counters().stream()
                .mapToDouble(c -> c.count()).sum();
    }

    private void warm(EntityCache<Long, User> entity) {
        List<Long> chunk = new ArrayList<>();
        for (long u : fixture.users) {
            chunk.add(u);
            if (chunk.size() == 500) {
                entity.getAll(chunk, batchLoader);
                chunk.clear();
            }
        }
        if (!chunk.isEmpty()) {
            entity.getAll(chunk, batchLoader);
        }
    }

    /** Profiles of many users, one query per shard replica (setup only). */
    private Map<Long, User> loadAll(Set<Long> ids) throws SQLException {
        Map<String, List<Long>> byShard = new HashMap<>();
        for (long id : ids) {
            byShard.computeIfAbsent(fixture.rules.buckets().shardOf(id), s -> new ArrayList<>()).add(id);
        }
        Map<Long, User> out = new HashMap<>();
        for (Map.Entry<String, List<Long>> e : byShard.entrySet()) {
            try (Connection c = fixture.rawPrimary.get(e.getKey()).getConnection();
                 PreparedStatement ps = c.prepareStatement("SELECT " + Db.USER_COLUMNS
                         + " FROM users WHERE user_id = ANY(?)")) {
                ps.setArray(1, c.createArrayOf("bigint", e.getValue().toArray()));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.put(rs.getLong(1), new User(rs.getLong(1), rs.getString(2), rs.getString(3),
                                rs.getString(4), rs.getObject(5, OffsetDateTime.class)));
                    }
                }
            }
        }
        return out;
    }

    private void close() {
        raw.shutdown();
        cache.close();
    }
}
