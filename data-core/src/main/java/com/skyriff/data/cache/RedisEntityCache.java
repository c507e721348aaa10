package com.skyriff.data.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.skyriff.data.PrimaryScope;
import com.skyriff.data.SkyriffDataException;
import com.skyriff.data.Tx;
import com.skyriff.data.rules.CacheEntitySpec;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.shardingsphere.infra.hint.HintManager;
import org.redisson.api.RTopic;
import org.redisson.api.RedissonClient;
import org.redisson.api.listener.StatusListener;
import org.redisson.client.codec.StringCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link EntityCache} on Redis with the lease scheme of {@code docs/cache.md}: a miss takes a lease on the key
 * ({@code SET NX PX}, the cross-JVM single-flight lock), loads, and writes the value only if the lease is still there;
 * an invalidation deletes value and lease alike, so a load that read the row before a write can never put its old
 * value back. Thread-safe.
 */
final class RedisEntityCache<K, V> implements EntityCache<K, V>, RedisLink.Listener {
    private static final Logger LOG = LoggerFactory.getLogger(RedisEntityCache.class);
    /** "No such row", in the near cache and between single-flight callers. */
    private static final Object ABSENT_VALUE = new Object();
    private static final byte[] ABSENT_BYTES = {RedisLink.ABSENT};
    private static final long MAX_POLL_MS = 50;

    private final String name;
    private final String namespace;
    private final String prefix;
    private final String channel;
    private final byte[] channelBytes;
    private final CacheCodec<V> codec;
    private final RedisLink link;
    private final CacheMetrics m;
    private final long ttlMs;
    private final long negativeTtlMs;
    private final double jitter;
    private final long leaseMs;
    private final long waitMs;
    private final String leasePrefix;
    private final AtomicLong leaseSeq = new AtomicLong();
    private final ConcurrentHashMap<String, CompletableFuture<Object>> inflight = new ConcurrentHashMap<>();
    private final Cache<String, Object> near;
    /** Bumped by every invalidation seen here; a near-cache fill is dropped if it changed during the Redis read. */
    private final AtomicLong nearEpoch = new AtomicLong();
    private volatile boolean nearSubscribed;
    private volatile boolean nearLive;

    RedisEntityCache(String namespace, CacheEntitySpec spec, CacheCodec<V> codec, RedisLink link, CacheMetrics metrics,
                     long leaseMs, long waitMs, String instanceId) {
        this.name = spec.name();
        this.namespace = namespace;
        this.prefix = namespace + ":" + spec.name() + ":v" + spec.version() + ":";
        this.codec = Objects.requireNonNull(codec, "codec");
        this.link = link;
        this.m = metrics;
        this.ttlMs = spec.ttlSeconds() * 1000;
        this.negativeTtlMs = spec.negativeTtlSeconds() * 1000;
        this.jitter = spec.jitter();
        this.leaseMs = leaseMs;
        this.waitMs = waitMs;
        this.leasePrefix = "L" + instanceId + ":";
        if (spec.nearCache()) {
            this.channel = prefix + "~invalidate";
            this.channelBytes = channel.getBytes(StandardCharsets.UTF_8);
            this.near = Caffeine.newBuilder().maximumSize(spec.nearCacheSize())
                    .expireAfterWrite(spec.effectiveNearTtlSeconds(), TimeUnit.SECONDS).build();
        } else {
            this.channel = null;
            this.channelBytes = RedisLink.NO_CHANNEL;
            this.near = null;
        }
    }

    CacheCodec<V> codec() {
        return codec;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String key(K id) {
        return prefix + id;
    }

    // ---- reads ----

    @Override
    public V get(K id, Loader<K, V> loader) {
        String key = prefix + id;
        if (Tx.isActive()) {
            m.bypassedInTransaction.increment();
            return load(id, key, loader);
        }
        Cache<String, Object> n = near;
        if (n != null && nearLive) {
            Object hit = n.getIfPresent(key);
            if (hit != null) {
                if (hit == ABSENT_VALUE) {
                    m.nearAbsentHits.increment();
                    return null;
                }
                m.nearHits.increment();
                return cast(hit);
            }
        }
        if (link.allows()) {
            long epoch = nearEpoch.get();
            byte[] raw;
            try {
                raw = link.get(key);
            } catch (RedisLink.Unavailable e) {
                raw = null;
            }
            if (raw != null) {
                Object v = decode(key, raw);
                if (v != null) {
                    (v == ABSENT_VALUE ? m.redisAbsentHits : m.redisHits).increment();
                    nearPut(key, v, epoch);
                    return unwrap(v);
                }
            }
        } else {
            m.bypassedByBreaker.increment();
        }
        m.misses.increment();
        return unwrap(singleFlight(key, id, loader));
    }

    /** One load per key in this JVM at a time; the others wait (bounded) for its result. */
    private Object singleFlight(String key, K id, Loader<K, V> loader) {
        CompletableFuture<Object> mine = new CompletableFuture<>();
        CompletableFuture<Object> running = inflight.putIfAbsent(key, mine);
        if (running != null) {
            m.localWaits.increment();
            try {
                // the leader may itself wait up to wait-ms for another JVM's load, then load: give it that long
                return running.get(2 * waitMs, TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                m.waitTimeouts.increment();
                return wrap(load(id, key, loader));
            } catch (ExecutionException e) {
                throw rethrow(e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return wrap(load(id, key, loader));
            }
        }
        try {
            Object v = lead(key, id, loader);
            mine.complete(v);
            return v;
        } catch (RuntimeException | Error e) {
            mine.completeExceptionally(e);
            throw e;
        } finally {
            inflight.remove(key, mine);
        }
    }

    /** Takes the key's lease and loads, or waits for the caller (in any JVM) that holds it. */
    private Object lead(String key, K id, Loader<K, V> loader) {
        if (!link.allows()) {
            return wrap(load(id, key, loader));
        }
        long epoch = nearEpoch.get();
        byte[] lease = newLease();
        long deadline = 0;
        long pause = 1;
        while (true) {
            byte[] r;
            try {
                r = link.getOrLease(key, lease, leaseMs);
            } catch (RedisLink.Unavailable e) {
                return wrap(load(id, key, loader));
            }
            if (r != null && r.length == 1 && r[0] == RedisLink.ACQUIRED) {
                return loadAndPut(key, id, loader, lease, epoch);
            }
            Object v = r == null ? null : decode(key, r);
            if (v != null) {
                nearPut(key, v, epoch);
                return v;
            }
            long now = System.nanoTime();
            if (deadline == 0) {
                deadline = now + TimeUnit.MILLISECONDS.toNanos(waitMs);
                m.remoteWaits.increment();
            }
            long leftMs = TimeUnit.NANOSECONDS.toMillis(deadline - now);
            if (leftMs <= 0) {
                m.waitTimeouts.increment();
                return wrap(load(id, key, loader));
            }
            try {
                Thread.sleep(Math.min(pause, leftMs));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return wrap(load(id, key, loader));
            }
            pause = Math.min(pause * 2, MAX_POLL_MS);
        }
    }

    private Object loadAndPut(String key, K id, Loader<K, V> loader, byte[] lease, long epoch) {
        V v;
        try {
            v = load(id, key, loader);
        } catch (RuntimeException | Error e) {
            releaseQuietly(key, lease);
            throw e;
        }
        Object wrapped = wrap(v);
        byte[] bytes = bytesOf(key, v);
        if (bytes == null) {
            releaseQuietly(key, lease);
            return wrapped;
        }
        try {
            if (!link.putIfLeased(key, lease, bytes, ttlOf(v))) {
                m.stalePrevented.increment();
                return wrapped;
            }
        } catch (RedisLink.Unavailable e) {
            return wrapped;
        }
        nearPut(key, wrapped, epoch);
        return wrapped;
    }

    @Override
    public Map<K, V> getAll(Collection<K> ids, BatchLoader<K, V> loader) {
        Map<K, V> out = new HashMap<>();
        if (ids.isEmpty()) {
            return out;
        }
        Set<K> unique = new LinkedHashSet<>(ids);
        if (Tx.isActive()) {
            m.bypassedInTransaction.increment(unique.size());
            putPresent(out, unique, loadAll(unique, loader));
            return out;
        }
        List<K> pendingIds = new ArrayList<>(unique.size());
        List<String> pendingKeys = new ArrayList<>(unique.size());
        boolean useNear = near != null && nearLive;
        for (K id : unique) {
            String key = prefix + id;
            Object hit = useNear ? near.getIfPresent(key) : null;
            if (hit == null) {
                pendingIds.add(id);
                pendingKeys.add(key);
            } else if (hit == ABSENT_VALUE) {
                m.nearAbsentHits.increment();
            } else {
                m.nearHits.increment();
                out.put(id, cast(hit));
            }
        }
        if (pendingIds.isEmpty()) {
            return out;
        }
        if (!link.allows()) {
            m.bypassedByBreaker.increment(pendingIds.size());
            m.misses.increment(pendingIds.size());
            Set<K> all = new LinkedHashSet<>(pendingIds);
            putPresent(out, all, loadAll(all, loader));
            return out;
        }
        long epoch = nearEpoch.get();
        List<K> missIds = new ArrayList<>();
        List<String> missKeys = new ArrayList<>();
        try {
            List<byte[]> raws = link.getMany(pendingKeys);
            for (int i = 0; i < raws.size(); i++) {
                Object v = raws.get(i) == null ? null : decode(pendingKeys.get(i), raws.get(i));
                if (v == null) {
                    missIds.add(pendingIds.get(i));
                    missKeys.add(pendingKeys.get(i));
                } else {
                    (v == ABSENT_VALUE ? m.redisAbsentHits : m.redisHits).increment();
                    nearPut(pendingKeys.get(i), v, epoch);
                    if (v != ABSENT_VALUE) {
                        out.put(pendingIds.get(i), cast(v));
                    }
                }
            }
        } catch (RedisLink.Unavailable e) {
            missIds = pendingIds;
            missKeys = pendingKeys;
        }
        if (missIds.isEmpty()) {
            return out;
        }
        m.misses.increment(missIds.size());
        byte[] lease = newLease();
        List<byte[]> leased;
        try {
            leased = link.getOrLeaseMany(missKeys, lease, leaseMs);
        } catch (RedisLink.Unavailable e) {
            Set<K> all = new LinkedHashSet<>(missIds);
            putPresent(out, all, loadAll(all, loader));
            return out;
        }
        Set<K> mineIds = new LinkedHashSet<>();
        List<String> mineKeys = new ArrayList<>();
        List<K> otherIds = new ArrayList<>();
        List<String> otherKeys = new ArrayList<>();
        for (int i = 0; i < leased.size(); i++) {
            byte[] r = leased.get(i);
            if (r != null && r.length == 1 && r[0] == RedisLink.ACQUIRED) {
                mineIds.add(missIds.get(i));
                mineKeys.add(missKeys.get(i));
                continue;
            }
            Object v = r == null ? null : decode(missKeys.get(i), r);
            if (v == null) {
                otherIds.add(missIds.get(i));
                otherKeys.add(missKeys.get(i));
            } else {
                nearPut(missKeys.get(i), v, epoch);
                if (v != ABSENT_VALUE) {
                    out.put(missIds.get(i), cast(v));
                }
            }
        }
        if (!mineIds.isEmpty()) {
            loadAllAndPut(mineIds, mineKeys, lease, loader, epoch, out);
        }
        if (!otherIds.isEmpty()) {
            awaitOthers(otherIds, otherKeys, loader, epoch, out);
        }
        return out;
    }

    private void loadAllAndPut(Set<K> ids, List<String> keys, byte[] lease, BatchLoader<K, V> loader, long epoch,
                               Map<K, V> out) {
        Map<K, V> loaded;
        try {
            loaded = loadAll(ids, loader);
        } catch (RuntimeException | Error e) {
            try {
                link.releaseMany(keys, lease);
            } catch (RedisLink.Unavailable ignored) {
                // the leases expire by themselves after lease-ms
            }
            throw e;
        }
        putPresent(out, ids, loaded);
        List<String> putKeys = new ArrayList<>(keys.size());
        List<byte[]> values = new ArrayList<>(keys.size());
        List<Object> wrapped = new ArrayList<>(keys.size());
        List<String> releaseKeys = new ArrayList<>();
        long[] ttls = new long[keys.size()];
        int i = 0;
        for (K id : ids) {
            String key = keys.get(i++);
            V v = loaded.get(id);
            byte[] bytes = bytesOf(key, v);
            if (bytes == null) {
                releaseKeys.add(key);
                continue;
            }
            ttls[putKeys.size()] = ttlOf(v);
            putKeys.add(key);
            values.add(bytes);
            wrapped.add(wrap(v));
        }
        try {
            if (!releaseKeys.isEmpty()) {
                link.releaseMany(releaseKeys, lease);
            }
            if (putKeys.isEmpty()) {
                return;
            }
            List<Long> written = link.putIfLeasedMany(putKeys, lease, values, ttls);
            for (int j = 0; j < written.size(); j++) {
                if (written.get(j) != null && written.get(j) == 1L) {
                    nearPut(putKeys.get(j), wrapped.get(j), epoch);
                } else {
                    m.stalePrevented.increment();
                }
            }
        } catch (RedisLink.Unavailable ignored) {
            // the values were loaded; they are simply not cached this time
        }
    }

    /** Polls keys another caller is loading until they are filled or wait-ms passes, then loads the rest itself. */
    private void awaitOthers(List<K> ids, List<String> keys, BatchLoader<K, V> loader, long epoch, Map<K, V> out) {
        m.remoteWaits.increment(ids.size());
        List<K> waitingIds = new ArrayList<>(ids);
        List<String> waitingKeys = new ArrayList<>(keys);
        Set<K> rest = new LinkedHashSet<>();
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(waitMs);
        long pause = 1;
        while (!waitingIds.isEmpty()) {
            long leftMs = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (leftMs <= 0) {
                break;
            }
            try {
                Thread.sleep(Math.min(pause, leftMs));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            pause = Math.min(pause * 2, MAX_POLL_MS);
            List<byte[]> raws;
            try {
                raws = link.getMany(waitingKeys);
            } catch (RedisLink.Unavailable e) {
                break;
            }
            List<K> stillIds = new ArrayList<>();
            List<String> stillKeys = new ArrayList<>();
            for (int i = 0; i < raws.size(); i++) {
                byte[] raw = raws.get(i);
                Object v = raw == null ? null : decode(waitingKeys.get(i), raw);
                if (v != null) {
                    nearPut(waitingKeys.get(i), v, epoch);
                    if (v != ABSENT_VALUE) {
                        out.put(waitingIds.get(i), cast(v));
                    }
                } else if (raw == null) {
                    rest.add(waitingIds.get(i)); // the lease is gone without a value (invalidated, or its load failed)
                } else {
                    stillIds.add(waitingIds.get(i));
                    stillKeys.add(waitingKeys.get(i));
                }
            }
            waitingIds = stillIds;
            waitingKeys = stillKeys;
        }
        if (!waitingIds.isEmpty()) {
            m.waitTimeouts.increment(waitingIds.size());
            rest.addAll(waitingIds);
        }
        if (!rest.isEmpty()) {
            putPresent(out, rest, loadAll(rest, loader));
        }
    }

    // ---- invalidation ----

    @Override
    public void invalidate(K id) {
        String key = prefix + id;
        dropLocal(key);
        if (link.allows()) {
            try {
                link.invalidate(key, channelBytes);
                dropLocal(key);
                m.invalidations.increment();
                return;
            } catch (RedisLink.Unavailable e) {
                // remembered below
            }
        }
        m.deferredInvalidations.increment();
        link.recordMissed(key, prefix, channelBytes);
    }

    @Override
    public void invalidateAll(Collection<K> ids) {
        if (ids.isEmpty()) {
            return;
        }
        List<String> keys = new ArrayList<>(ids.size());
        for (K id : ids) {
            keys.add(prefix + id);
        }
        keys.forEach(this::dropLocal);
        if (link.allows()) {
            try {
                link.invalidateMany(keys, channelBytes);
                keys.forEach(this::dropLocal);
                m.invalidations.increment(keys.size());
                return;
            } catch (RedisLink.Unavailable e) {
                // remembered below
            }
        }
        m.deferredInvalidations.increment(keys.size());
        for (String key : keys) {
            link.recordMissed(key, prefix, channelBytes);
        }
    }

    @Override
    public void invalidateAfterCommit(Tx tx, K id) {
        Objects.requireNonNull(tx, "tx");
        tx.afterCommit(() -> invalidate(id));
    }

    @Override
    public void invalidateAfterCommit(K id) {
        Tx.current().ifPresentOrElse(tx -> tx.afterCommit(() -> invalidate(id)), () -> invalidate(id));
    }

    /** Forgets the key in this JVM: near-cache entry, any fill in progress, and callers joining a load begun before. */
    private void dropLocal(String key) {
        inflight.remove(key);
        if (near != null) {
            nearEpoch.incrementAndGet();
            near.invalidate(key);
        }
    }

    private void dropAllNear() {
        if (near != null) {
            nearEpoch.incrementAndGet();
            near.invalidateAll();
        }
    }

    /** A message on the entity's invalidation channel: a key, or {@code *} for all. */
    void onInvalidationMessage(String key) {
        if ("*".equals(key)) {
            dropAllNear();
        } else {
            dropLocal(key);
        }
    }

    private void nearPut(String key, Object v, long epoch) {
        Cache<String, Object> n = near;
        if (n == null || !nearLive) {
            return;
        }
        n.asMap().compute(key, (k, old) -> nearEpoch.get() == epoch ? v : old);
    }

    // ---- link events ----

    @Override
    public void onConnected(RedissonClient client) {
        if (near != null) {
            subscribe(client);
        }
    }

    private void subscribe(RedissonClient client) {
        RTopic topic = client.getTopic(channel, StringCodec.INSTANCE);
        topic.addListenerAsync(new StatusListener() {
            @Override
            public void onSubscribe(String ch) {
                // (re)subscribed: messages may have been lost meanwhile
                nearSubscribed = true;
                dropAllNear();
                nearLive = link.allows();
            }

            @Override
            public void onUnsubscribe(String ch) {
                nearSubscribed = false;
                nearLive = false;
            }
        });
        topic.addListenerAsync(String.class, (ch, msg) -> onInvalidationMessage(msg)).whenComplete((listenerId, err) -> {
            if (err != null) {
                LOG.warn("cache {} - entity {}: cannot subscribe to {} ({}); near cache off until Redis is back",
                        namespace, name, channel, RedisLink.rootMessage(err));
                return;
            }
            nearSubscribed = true;
            dropAllNear();
            nearLive = link.allows();
        });
    }

    @Override
    public void onOpened() {
        nearLive = false;
        dropAllNear();
    }

    @Override
    public void onDisconnected() {
        if (near != null) {
            nearLive = false;
            dropAllNear();
        }
    }

    @Override
    public void onReconnected() {
        if (near != null && nearSubscribed && link.allows()) {
            dropAllNear();
            nearLive = true;
        }
    }

    @Override
    public void onRecovered() {
        if (near == null) {
            return;
        }
        dropAllNear();
        if (nearSubscribed) {
            nearLive = true;
        } else {
            subscribe(link.client());
        }
    }

    // ---- helpers ----

    /** The cached value (V or ABSENT_VALUE), or null for a lease or bytes that do not decode (then deleted). */
    private Object decode(String key, byte[] raw) {
        if (raw.length == 0) {
            return null;
        }
        if (raw[0] == RedisLink.ABSENT && raw.length == 1) {
            return ABSENT_VALUE;
        }
        if (raw[0] != RedisLink.VALUE) {
            return null;
        }
        try {
            V v = codec.decode(raw, 1, raw.length - 1);
            if (v != null) {
                return v;
            }
        } catch (RuntimeException e) {
            LOG.warn("cache {} - {}: cannot decode the cached value, deleting it: {}", namespace, key, e.getMessage());
        }
        m.decodeErrors.increment();
        try {
            link.invalidate(key, channelBytes);
        } catch (RedisLink.Unavailable ignored) {
            // it expires by itself
        }
        return null;
    }

    /** The bytes to cache for a loaded value, or null if nothing is cached (absent with negative TTL 0, codec bug). */
    private byte[] bytesOf(String key, V v) {
        if (v == null) {
            return negativeTtlMs > 0 ? ABSENT_BYTES : null;
        }
        byte[] body;
        try {
            body = codec.encode(v);
        } catch (RuntimeException e) {
            m.decodeErrors.increment();
            LOG.warn("cache {} - {}: cannot encode the loaded value, not caching it: {}", namespace, key, e.getMessage());
            return null;
        }
        byte[] out = new byte[body.length + 1];
        out[0] = RedisLink.VALUE;
        System.arraycopy(body, 0, out, 1, body.length);
        return out;
    }

    /** The TTL of one write: the configured TTL minus up to {@code jitter} of it, at random (never longer). */
    private long ttlOf(V v) {
        long base = v == null ? negativeTtlMs : ttlMs;
        if (jitter == 0) {
            return base;
        }
        return Math.max(1, base - (long) (base * jitter * ThreadLocalRandom.current().nextDouble()));
    }

    private byte[] newLease() {
        return (leasePrefix + leaseSeq.incrementAndGet()).getBytes(StandardCharsets.US_ASCII);
    }

    private void releaseQuietly(String key, byte[] lease) {
        try {
            link.release(key, lease);
        } catch (RedisLink.Unavailable ignored) {
            // the lease expires by itself after lease-ms
        }
    }

    private V load(K id, String key, Loader<K, V> loader) {
        long start = System.nanoTime();
        PrimaryScope scope = PrimaryScope.isActive() || HintManager.isInstantiated() ? null : PrimaryScope.open();
        try {
            V v = loader.load(id);
            m.loadSuccess.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
            return v;
        } catch (SQLException e) {
            m.loadFailure.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
            throw new SkyriffDataException("cache " + namespace + " - loading " + key + " failed: " + e.getMessage(), e);
        } catch (RuntimeException | Error e) {
            m.loadFailure.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
            throw e;
        } finally {
            if (scope != null) {
                scope.close();
            }
        }
    }

    private Map<K, V> loadAll(Set<K> ids, BatchLoader<K, V> loader) {
        long start = System.nanoTime();
        PrimaryScope scope = PrimaryScope.isActive() || HintManager.isInstantiated() ? null : PrimaryScope.open();
        try {
            Map<K, V> v = loader.loadAll(java.util.Collections.unmodifiableSet(ids));
            m.loadSuccess.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
            return v == null ? Map.of() : v;
        } catch (SQLException e) {
            m.loadFailure.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
            throw new SkyriffDataException("cache " + namespace + " - loading " + ids.size() + " " + name
                    + " ids failed: " + e.getMessage(), e);
        } catch (RuntimeException | Error e) {
            m.loadFailure.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
            throw e;
        } finally {
            if (scope != null) {
                scope.close();
            }
        }
    }

    private void putPresent(Map<K, V> out, Set<K> asked, Map<K, V> loaded) {
        for (K id : asked) {
            V v = loaded.get(id);
            if (v != null) {
                out.put(id, v);
            }
        }
    }

    private static Object wrap(Object v) {
        return v == null ? ABSENT_VALUE : v;
    }

    private V unwrap(Object v) {
        return v == ABSENT_VALUE ? null : cast(v);
    }

    @SuppressWarnings("unchecked")
    private V cast(Object v) {
        return (V) v;
    }

    private static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) {
            return r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        return new SkyriffDataException("cache - load failed: " + t, t);
    }
}
