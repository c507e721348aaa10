package com.skyriff.data.rules;

/**
 * How one logical entity (user profile, video metadata, ...) is cached: the schema version that is part of its keys,
 * its time to live with random jitter, how long a missing row is remembered, and whether an in-process near cache sits
 * in front of Redis. Build with {@link #of(String)} and the {@code with...} methods; checked by {@link CacheSpec.Builder}.
 * Immutable, thread-safe.
 *
 * @param name               the entity's name in keys and in {@code cache.entities} (lower-case identifier)
 * @param version            the cached shape's version; part of every key ({@code skyriff:user:v3:42}), so bump it
 *                           when the value's shape changes and a deploy never reads old bytes
 * @param ttlSeconds         upper bound on how long a value lives in Redis
 * @param jitter             fraction of the TTL taken off at random per write (0.1: each TTL is 90-100 % of
 *                           {@code ttlSeconds}), so keys filled together do not expire together
 * @param negativeTtlSeconds how long "no such row" is cached; 0 disables negative caching
 * @param nearCache          whether an in-process cache, invalidated over Redis pub/sub, sits in front of Redis
 * @param nearCacheSize      the near cache's maximum number of entries
 * @param nearTtlSeconds     upper bound on a near-cache entry's life (bounds staleness if an invalidation is lost);
 *                           the near cache uses {@link #effectiveNearTtlSeconds()}
 */
public record CacheEntitySpec(String name, int version, long ttlSeconds, double jitter, long negativeTtlSeconds,
                              boolean nearCache, int nearCacheSize, long nearTtlSeconds) {

    public static final int DEFAULT_VERSION = 1;
    public static final long DEFAULT_TTL_SECONDS = 300;
    public static final double DEFAULT_JITTER = 0.1;
    public static final long DEFAULT_NEGATIVE_TTL_SECONDS = 30;
    public static final int DEFAULT_NEAR_CACHE_SIZE = 10_000;
    public static final long DEFAULT_NEAR_TTL_SECONDS = 30;

    /** An entity with the documented defaults: version 1, TTL 300 s, jitter 0.1, negative TTL 30 s, no near cache. */
    public static CacheEntitySpec of(String name) {
        return new CacheEntitySpec(name, DEFAULT_VERSION, DEFAULT_TTL_SECONDS, DEFAULT_JITTER,
                DEFAULT_NEGATIVE_TTL_SECONDS, false, DEFAULT_NEAR_CACHE_SIZE, DEFAULT_NEAR_TTL_SECONDS);
    }

    /** The near cache's entry lifetime: {@code nearTtlSeconds}, but never longer than {@code ttlSeconds}. */
    public long effectiveNearTtlSeconds() {
        return Math.min(nearTtlSeconds, ttlSeconds);
    }

    public CacheEntitySpec withVersion(int v) {
        return new CacheEntitySpec(name, v, ttlSeconds, jitter, negativeTtlSeconds, nearCache, nearCacheSize, nearTtlSeconds);
    }

    public CacheEntitySpec withTtlSeconds(long v) {
        return new CacheEntitySpec(name, version, v, jitter, negativeTtlSeconds, nearCache, nearCacheSize, nearTtlSeconds);
    }

    public CacheEntitySpec withJitter(double v) {
        return new CacheEntitySpec(name, version, ttlSeconds, v, negativeTtlSeconds, nearCache, nearCacheSize, nearTtlSeconds);
    }

    public CacheEntitySpec withNegativeTtlSeconds(long v) {
        return new CacheEntitySpec(name, version, ttlSeconds, jitter, v, nearCache, nearCacheSize, nearTtlSeconds);
    }

    public CacheEntitySpec withNearCache(boolean v) {
        return new CacheEntitySpec(name, version, ttlSeconds, jitter, negativeTtlSeconds, v, nearCacheSize, nearTtlSeconds);
    }

    public CacheEntitySpec withNearCacheSize(int v) {
        return new CacheEntitySpec(name, version, ttlSeconds, jitter, negativeTtlSeconds, nearCache, v, nearTtlSeconds);
    }

    public CacheEntitySpec withNearTtlSeconds(long v) {
        return new CacheEntitySpec(name, version, ttlSeconds, jitter, negativeTtlSeconds, nearCache, nearCacheSize, v);
    }
}
