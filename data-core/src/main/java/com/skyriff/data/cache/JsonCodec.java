package com.skyriff.data.cache;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.util.Objects;

/** {@link CacheCodec#json(Class)}: a reader and a writer bound to the type once. Thread-safe. */
final class JsonCodec<V> implements CacheCodec<V> {
    private static final ObjectMapper MAPPER = new ObjectMapper().registerModule(new JavaTimeModule());

    private final Class<V> type;
    private final ObjectReader reader;
    private final ObjectWriter writer;

    JsonCodec(Class<V> type) {
        this.type = Objects.requireNonNull(type, "type");
        this.reader = MAPPER.readerFor(type);
        this.writer = MAPPER.writerFor(type);
    }

    @Override
    public byte[] encode(V value) {
        try {
            return writer.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("CacheCodec.json(" + type.getSimpleName() + "): cannot encode "
                    + value.getClass().getName() + ": " + e.getOriginalMessage(), e);
        }
    }

    @Override
    public V decode(byte[] bytes, int offset, int length) {
        try {
            return reader.readValue(bytes, offset, length);
        } catch (IOException e) {
            throw new IllegalArgumentException("CacheCodec.json(" + type.getSimpleName() + "): cannot decode "
                    + length + " bytes: " + e.getMessage(), e);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof JsonCodec<?> c && c.type == type;
    }

    @Override
    public int hashCode() {
        return type.hashCode();
    }

    @Override
    public String toString() {
        return "CacheCodec.json(" + type.getName() + ")";
    }
}
