package com.skyriff.data.cache;

import com.skyriff.data.Tx;
import java.sql.SQLException;
import java.util.Collection;
import java.util.Map;
import java.util.Set;

/**
 * A typed read-through cache of one logical entity in Redis, with single flight across threads and JVMs, negative
 * caching, TTL jitter, an optional near cache and invalidation that is safe against the read/write race (see
 * {@code docs/cache.md}). Keys are {@code <namespace>:<entity>:v<version>:<id>} with the id's {@code toString()}, so use
 * ids whose text is stable and unique ({@code Long}, {@code String}, {@code UUID}). Never fails a call because Redis
 * is down: reads then go to the database. Obtain one from {@link SkyriffCache#entity}. Thread-safe.
 *
 * @param <K> the id type
 * @param <V> the cached value type
 */
public interface EntityCache<K, V> {

    /** Loads one row; returns null if it does not exist (cached as "absent" for the negative TTL). */
    @FunctionalInterface
    interface Loader<K, V> {
        V load(K id) throws SQLException;
    }

    /** Loads many rows in one query; ids missing from the result are cached as "absent". */
    @FunctionalInterface
    interface BatchLoader<K, V> {
        Map<K, V> loadAll(Set<K> ids) throws SQLException;
    }

    /**
     * The cached value, or the loader's on a miss; null if the row does not exist. On a miss only one caller among all
     * threads and JVMs runs the loader (on the shard primaries); the others wait for its result (up to
     * {@code single-flight.wait-ms} for a load in another JVM, twice that for one in this JVM) and then load by
     * themselves without caching. Inside a {@link Tx} the cache is bypassed (the
     * transaction may see its own uncommitted writes). A {@link SQLException} from the loader is rethrown as
     * {@link com.skyriff.data.SkyriffDataException}.
     */
    V get(K id, Loader<K, V> loader);

    /**
     * The values of {@code ids} that exist: one Redis round trip for the batch, then one {@code loader} call for the
     * misses this caller holds the lease of (plus, rarely, one for ids whose other loader did not finish in time).
     */
    Map<K, V> getAll(Collection<K> ids, BatchLoader<K, V> loader);

    /**
     * Removes the id's value (and any load lease on it) from Redis and from every JVM's near cache now. After a write,
     * prefer {@link #invalidateAfterCommit}. If Redis is unreachable the key is remembered and removed when it is back.
     */
    void invalidate(K id);

    /** {@link #invalidate} for many ids. */
    void invalidateAll(Collection<K> ids);

    /**
     * Invalidates {@code id} once {@code tx} commits; nothing happens if it rolls back.
     */
    void invalidateAfterCommit(Tx tx, K id);

    /**
     * Invalidates {@code id} after the calling thread's current {@link Tx} commits, or now if the thread is not in
     * one (an autocommit write has already committed).
     */
    void invalidateAfterCommit(K id);

    /** The Redis key of {@code id}, e.g. {@code skyriff:user:v3:42}. */
    String key(K id);

    /** The entity's name in {@code cache.entities}. */
    String name();
}
