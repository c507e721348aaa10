package com.skyriff.data.cache;

import com.skyriff.data.SkyriffData;
import com.skyriff.data.rules.CacheEntitySpec;
import com.skyriff.data.rules.CacheSpec;
import com.skyriff.data.rules.Rules;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The Redis cache of one service, built from the rules' {@code cache:} section: owns the Redisson client (one per
 * service) and hands out one {@link EntityCache} per configured entity. Reads never fail because Redis is down; a
 * circuit breaker then bypasses Redis and a background probe brings the cache back, replaying the invalidations
 * Redis missed. Close it when the service stops. Thread-safe.
 *
 * <pre>{@code
 * try (SkyriffCache cache = SkyriffCache.builder(data).meterRegistry(registry).build()) {
 *     EntityCache<Long, UserProfile> users = cache.entity("user", CacheCodec.json(UserProfile.class));
 *     UserProfile p = users.get(42L, id -> selectProfile(id));          // read-through
 *     data.useTransaction(tx -> {
 *         updateProfile(tx.connection(), 42L, ...);
 *         users.invalidateAfterCommit(tx, 42L);                           // after the commit, never on rollback
 *     });
 * }
 * }</pre>
 */
public final class SkyriffCache implements AutoCloseable {
    private final CacheSpec spec;
    private final MeterRegistry registry;
    private final RedisLink link;
    private final String instanceId;
    private final ConcurrentHashMap<String, RedisEntityCache<?, ?>> entities = new ConcurrentHashMap<>();

    private SkyriffCache(CacheSpec spec, MeterRegistry registry) {
        this.spec = spec;
        this.registry = registry;
        this.instanceId = UUID.randomUUID().toString().substring(0, 8);
        this.link = RedisLink.start(spec, registry);
    }

    /** A cache from a spec (built with {@link CacheSpec#builder()} or read from a rules file). */
    public static Builder builder(CacheSpec spec) {
        return new Builder(Objects.requireNonNull(spec, "spec"));
    }

    /**
     * A cache from the {@code cache:} section of the rules {@code data} was built from.
     *
     * @throws IllegalStateException if those rules have no {@code cache:} section
     */
    public static Builder builder(SkyriffData data) {
        CacheSpec spec = data.rules().flatMap(Rules::cache).orElseThrow(() -> new IllegalStateException(
                "SkyriffCache.builder(data): the rules have no cache: section; add one (docs/cache.md) or use"
                        + " SkyriffCache.builder(CacheSpec)"));
        return new Builder(spec);
    }

    /**
     * The cache of a configured entity; the same instance for the same name.
     *
     * @throws IllegalArgumentException if {@code cache.entities} has no such entity (the message lists those it has)
     * @throws IllegalStateException    if the entity was already obtained with a different codec
     */
    @SuppressWarnings("unchecked")
    public <K, V> EntityCache<K, V> entity(String name, CacheCodec<V> codec) {
        Objects.requireNonNull(codec, "codec");
        CacheEntitySpec e = spec.entities().get(name);
        if (e == null) {
            throw new IllegalArgumentException("cache.entities." + name + " is not configured; was '" + name
                    + "', expected one of " + spec.entities().keySet());
        }
        RedisEntityCache<?, ?> cache = entities.computeIfAbsent(name, n -> {
            RedisEntityCache<K, V> c = new RedisEntityCache<>(spec.namespace(), e, codec, link,
                    new CacheMetrics(registry, spec.namespace(), n), spec.leaseMs(), spec.waitMs(), instanceId);
            link.addListener(c);
            return c;
        });
        if (!cache.codec().equals(codec)) {
            throw new IllegalStateException("cache.entity(" + name + "): already created with " + cache.codec()
                    + "; was " + codec + ", expected the same codec for every use of an entity");
        }
        return (EntityCache<K, V>) cache;
    }

    public CacheSpec spec() {
        return spec;
    }

    /** The Redis circuit breaker's state now. */
    public BreakerState breakerState() {
        return link.state();
    }

    /** Invalidations Redis did not receive yet (it was unreachable); replayed when it is back. */
    public int pendingInvalidations() {
        return link.missedCount();
    }

    /** Stops the background probe and closes the Redisson client. */
    @Override
    public void close() {
        link.close();
    }

    @Override
    public String toString() {
        return "SkyriffCache[" + spec.namespace() + " at " + spec.describeRedis() + ", breaker=" + link.state()
                + ", entities=" + entities.keySet() + "]";
    }

    /** Options, then {@link #build()}. Not thread-safe. */
    public static final class Builder {
        private final CacheSpec spec;
        private MeterRegistry registry;

        private Builder(CacheSpec spec) {
            this.spec = spec;
        }

        /** Where the cache's meters go (hits, misses, loads, stale-protection events, errors, breaker state). */
        public Builder meterRegistry(MeterRegistry value) {
            this.registry = Objects.requireNonNull(value, "meterRegistry");
            return this;
        }

        /**
         * Connects to Redis.
         *
         * @throws com.skyriff.data.SkyriffDataException naming {@code cache.redis.address} (or {@code nodes}) if Redis
         *                                               cannot be reached and {@code cache.required} is true
         */
        public SkyriffCache build() {
            return new SkyriffCache(spec, registry);
        }
    }
}
