package com.skyriff.data.spring.boot;

import com.skyriff.data.cache.CacheCodec;
import com.skyriff.data.cache.EntityCache;
import com.skyriff.data.cache.SkyriffCache;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.cache.Cache;
import org.springframework.cache.CacheManager;

/**
 * Spring's {@link CacheManager} over the layer's cache, for {@code @Cacheable(sync = true)} and {@code @CacheEvict}
 * on find-by-id methods: one Spring cache per {@code cache.entities} entry listed under
 * {@code skyriff.data.spring-cache} (entity name to value type, for the JSON codec every service must share).
 *
 * <p>What maps and what is refused (with a message, never silently):
 * <ul>
 *   <li>{@code @Cacheable(sync = true)}: {@code EntityCache.get(id, loader)}: single flight across JVMs, negative
 *       caching of absent rows, the near cache, bypassed inside a transaction.</li>
 *   <li>{@code @CacheEvict(key = ...)}: invalidation after the current transaction's commit (at once outside one),
 *       across every JVM's near cache.</li>
 *   <li>{@code @Cacheable} without {@code sync}: refused; Spring would read, call the method, then {@code put}, and
 *       a put of a value read before a concurrent write commits would cache it stale; the layer only fills entries
 *       through its lease-protected loader.</li>
 *   <li>{@code @CachePut}, {@code @CacheEvict(allEntries = true)}: refused (no put; no clear of a shared Redis
 *       namespace; bump the entity's {@code version} instead).</li>
 *   <li>keys: a single {@code Long}, {@code Integer}, {@code String} or {@code UUID} (the id); composite keys are
 *       refused: the layer's key is the id's text.</li>
 * </ul>
 * Thread-safe.
 */
public final class SkyriffCacheManager implements CacheManager {
    private final SkyriffCache cache;
    private final Map<String, Class<?>> types;
    private final Map<String, Cache> caches = new ConcurrentHashMap<>();

    public SkyriffCacheManager(SkyriffCache cache, Map<String, Class<?>> types) {
        this.cache = Objects.requireNonNull(cache, "cache");
        this.types = Map.copyOf(types);
        for (String name : this.types.keySet()) {
            if (cache.spec().entity(name).isEmpty()) {
                throw new IllegalArgumentException("skyriff.data.spring-cache." + name + " names no cache entity of the"
                        + " rules; was '" + name + "', expected one of " + cache.spec().entities().keySet());
            }
        }
    }

    @Override
    public Cache getCache(String name) {
        Class<?> type = types.get(name);
        if (type == null) {
            return null;
        }
        return caches.computeIfAbsent(name, n -> new EntitySpringCache(entity(n, type)));
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private EntityCache<Object, Object> entity(String name, Class<?> type) {
        return cache.entity(name, (CacheCodec) CacheCodec.json(type));
    }

    @Override
    public Collection<String> getCacheNames() {
        return List.copyOf(types.keySet());
    }

    private static final class EntitySpringCache implements Cache {
        private final EntityCache<Object, Object> entity;

        EntitySpringCache(EntityCache<Object, Object> entity) {
            this.entity = entity;
        }

        @Override
        public String getName() {
            return entity.name();
        }

        @Override
        public Object getNativeCache() {
            return entity;
        }

        @Override
        public ValueWrapper get(Object key) {
            throw refused("@Cacheable without sync = true", "use @Cacheable(sync = true): the layer fills entries only"
                    + " through its lease-protected loader");
        }

        @Override
        public <T> T get(Object key, Class<T> type) {
            throw refused("get(key, type)", "use @Cacheable(sync = true)");
        }

        @Override
        @SuppressWarnings("unchecked")
        public <T> T get(Object key, Callable<T> valueLoader) {
            Object id = id(key);
            return (T) entity.get(id, k -> {
                try {
                    return valueLoader.call();
                } catch (RuntimeException e) {
                    throw e;
                } catch (Exception e) {
                    throw new ValueRetrievalException(key, valueLoader, e);
                }
            });
        }

        @Override
        public void put(Object key, Object value) {
            throw refused("@CachePut", "annotate the write with @CacheEvict (or @Invalidates on a mapper) instead");
        }

        @Override
        public void evict(Object key) {
            entity.invalidateAfterCommit(id(key));
        }

        @Override
        public boolean evictIfPresent(Object key) {
            evict(key);
            return false;  // not known without a Redis round trip; allowed by the contract
        }

        @Override
        public void clear() {
            throw refused("@CacheEvict(allEntries = true) / clear()", "bump cache.entities." + entity.name()
                    + ".version in the rules to drop every entry");
        }

        private Object id(Object key) {
            if (key instanceof Long || key instanceof Integer || key instanceof String || key instanceof UUID) {
                return key instanceof Integer i ? Long.valueOf(i) : key;
            }
            throw new IllegalArgumentException("cache " + entity.name() + ": key must be one id (Long, Integer, String"
                    + " or UUID); was " + (key == null ? "null" : key.getClass().getName() + " '" + key + "'")
                    + ", expected e.g. @Cacheable(cacheNames = \"" + entity.name() + "\", key = \"#id\", sync = true)");
        }

        private UnsupportedOperationException refused(String what, String instead) {
            return new UnsupportedOperationException("cache " + entity.name() + ": " + what + " is not supported over"
                    + " the layer's cache; " + instead);
        }
    }
}
