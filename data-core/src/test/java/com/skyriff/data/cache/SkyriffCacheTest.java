package com.skyriff.data.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.skyriff.data.SkyriffDataException;
import com.skyriff.data.rules.CacheEntitySpec;
import com.skyriff.data.rules.CacheSpec;
import java.io.IOException;
import java.net.ServerSocket;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** What the cache does without any Redis: fail fast when required, otherwise serve from the loader. No servers. */
class SkyriffCacheTest {
    record Item(long id, String name) {
    }

    static final CacheCodec<Item> CODEC = CacheCodec.json(Item.class);

    /** A loopback port nothing listens on. */
    static String deadRedis() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return "redis://127.0.0.1:" + s.getLocalPort();
        }
    }

    static CacheSpec.Builder spec(String redis) {
        return CacheSpec.builder().namespace("unit").singleServer(redis).connectTimeoutMs(200).timeoutMs(200)
                .entity(CacheEntitySpec.of("item")).entity(CacheEntitySpec.of("video").withNearCache(true));
    }

    @Test
    void build_requiredAndRedisUnreachable_failsNamingTheKey() throws IOException {
        String redis = deadRedis();
        assertThatThrownBy(() -> SkyriffCache.builder(spec(redis).required(true).build()).build())
                .isInstanceOf(SkyriffDataException.class)
                .hasMessageStartingWith("cache.redis.address: Redis at " + redis
                        + " cannot be reached and cache.required is true (");
    }

    @Test
    void build_clusterRequiredAndUnreachable_namesTheNodesKey() throws IOException {
        String redis = deadRedis();
        CacheSpec spec = CacheSpec.builder().required(true).cluster(List.of(redis)).connectTimeoutMs(200).build();
        assertThatThrownBy(() -> SkyriffCache.builder(spec).build())
                .isInstanceOf(SkyriffDataException.class)
                .hasMessageStartingWith("cache.redis.nodes: Redis at cluster at [" + redis + "] cannot be reached");
    }

    @Test
    void get_redisUnreachableNotRequired_servesEveryReadFromTheLoader() throws IOException {
        try (SkyriffCache cache = SkyriffCache.builder(spec(deadRedis()).build()).build()) {
            assertThat(cache.breakerState()).isEqualTo(BreakerState.OPEN);
            EntityCache<Long, Item> items = cache.entity("item", CODEC);
            AtomicInteger loads = new AtomicInteger();

            for (int i = 0; i < 3; i++) {
                assertThat(items.get(7L, id -> {
                    loads.incrementAndGet();
                    return new Item(id, "seven");
                })).isEqualTo(new Item(7, "seven"));
            }
            assertThat(items.get(8L, id -> null)).isNull();
            Map<Long, Item> all = items.getAll(List.of(1L, 2L), ids -> Map.of(1L, new Item(1, "one")));

            assertThat(loads).hasValue(3);
            assertThat(all).containsExactly(Map.entry(1L, new Item(1, "one")));
        }
    }

    @Test
    void invalidate_redisUnreachable_isRememberedForRecovery() throws IOException {
        try (SkyriffCache cache = SkyriffCache.builder(spec(deadRedis()).build()).build()) {
            EntityCache<Long, Item> items = cache.entity("item", CODEC);
            items.invalidate(1L);
            items.invalidateAll(Set.of(2L, 3L));
            items.invalidate(1L);
            assertThat(cache.pendingInvalidations()).isEqualTo(3);
        }
    }

    @Test
    void entity_unknownName_listsTheConfiguredEntities() throws IOException {
        try (SkyriffCache cache = SkyriffCache.builder(spec(deadRedis()).build()).build()) {
            assertThatThrownBy(() -> cache.entity("usr", CODEC))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("cache.entities.usr is not configured; was 'usr', expected one of [item, video]");
        }
    }

    @Test
    void entity_sameNameOtherCodec_isRejected() throws IOException {
        try (SkyriffCache cache = SkyriffCache.builder(spec(deadRedis()).build()).build()) {
            EntityCache<Long, Item> items = cache.entity("item", CODEC);
            assertThat(cache.<Long, Item>entity("item", CacheCodec.json(Item.class))).isSameAs(items);
            assertThatThrownBy(() -> cache.entity("item", CacheCodec.json(String.class)))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageStartingWith("cache.entity(item): already created with CacheCodec.json(");
        }
    }

    @Test
    void get_loaderThrowsSqlException_isRethrownNamingTheKey() throws IOException {
        try (SkyriffCache cache = SkyriffCache.builder(spec(deadRedis()).build()).build()) {
            EntityCache<Long, Item> items = cache.entity("item", CODEC);
            assertThatThrownBy(() -> items.get(5L, id -> {
                throw new java.sql.SQLException("connection refused");
            })).isInstanceOf(SkyriffDataException.class)
                    .hasMessage("cache unit - loading unit:item:v1:5 failed: connection refused");
        }
    }

    @Test
    void codec_json_roundTripsRecordsAtAnOffset() {
        byte[] body = CODEC.encode(new Item(3, "três"));
        byte[] withHeader = new byte[body.length + 1];
        System.arraycopy(body, 0, withHeader, 1, body.length);
        assertThat(CODEC.decode(withHeader, 1, body.length)).isEqualTo(new Item(3, "três"));
        assertThatThrownBy(() -> CODEC.decode(new byte[] {'{', 'x'}, 0, 2))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("CacheCodec.json(Item): cannot decode 2 bytes");
    }
}
