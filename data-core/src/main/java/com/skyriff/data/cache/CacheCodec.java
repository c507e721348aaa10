package com.skyriff.data.cache;

/**
 * Turns a cached value into bytes and back. Every service that reads an entity's keys must use the same codec; bump
 * the entity's {@code version} when the encoded shape changes. Implementations must be thread-safe.
 *
 * @param <V> the cached type
 */
public interface CacheCodec<V> {

    byte[] encode(V value);

    /** Decodes {@code length} bytes of {@code bytes} starting at {@code offset} (the cache's header is skipped). */
    V decode(byte[] bytes, int offset, int length);

    /**
     * JSON through Jackson: records and beans, {@code java.time} types as ISO or epoch values. Readable with
     * {@code redis-cli GET}. Thread-safe.
     */
    static <V> CacheCodec<V> json(Class<V> type) {
        return new JsonCodec<>(type);
    }
}
