package com.skyriff.data.cache;

import static org.assertj.core.api.Assertions.assertThat;

import com.skyriff.data.cache.CacheFixture.UserProfile;
import com.skyriff.data.rules.CacheSpec;
import com.skyriff.data.rules.RulesReader;
import com.skyriff.data.testkit.RedisSentinelTopology;
import java.sql.SQLException;
import java.time.Clock;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The cache through a real Redis Sentinel (one master, one Sentinel) started locally, configured by the rules file. */
@Tag("slow")
class CacheSentinelIT {
    static final CacheCodec<UserProfile> CODEC = CacheCodec.json(UserProfile.class);

    static CacheFixture fx;
    static RedisSentinelTopology sentinel;
    static CacheSpec spec;

    @BeforeAll
    static void start() throws SQLException {
        sentinel = RedisSentinelTopology.start();
        fx = CacheFixture.start("cache_sentinel_it", null);
        String yaml = """
                shards:
                  - name: shard0
                    primary: "jdbc:postgresql://unused:5432/db"
                cache:
                  required: true
                  namespace: %s
                  redis: { mode: sentinel, master-name: %s, nodes: ["%s"] }
                  entities:
                    user: { version: 1, ttl-seconds: 600 }
                """.formatted(CacheFixture.freshNamespace("sentinel"), RedisSentinelTopology.MASTER_NAME,
                sentinel.sentinelUris().get(0));
        spec = RulesReader.parse(yaml, "rules.yaml", System::getenv, Clock.systemUTC()).cache().orElseThrow();
    }

    @AfterAll
    static void stop() {
        if (fx != null) {
            fx.close();
        }
        if (sentinel != null) {
            sentinel.close();
        }
    }

    @Test
    void sentinel_readThroughThenInvalidate_servesFromTheMasterTheSentinelNames() throws Exception {
        long id = 7;
        fx.insert(id, "s1");
        try (SkyriffCache a = SkyriffCache.builder(spec).build(); SkyriffCache b = SkyriffCache.builder(spec).build()) {
            assertThat(a.spec().mode()).isEqualTo(CacheSpec.RedisMode.SENTINEL);
            EntityCache<Long, UserProfile> ua = a.entity("user", CODEC);
            EntityCache<Long, UserProfile> ub = b.entity("user", CODEC);
            assertThat(ua.get(id, fx::slowLoad).name()).isEqualTo("s1");
            assertThat(ub.get(id, key -> {
                throw new AssertionError("expected a hit through the second client");
            }).name()).isEqualTo("s1");
            assertThat(sentinel.master().uri()).isNotBlank();
            assertThat(fx.loadsInDatabase(id)).isEqualTo(1);
            ua.invalidate(id);
            assertThat(ub.get(id, fx::slowLoad).name()).isEqualTo("s1");
            assertThat(fx.loadsInDatabase(id)).as("reloaded after the invalidation").isEqualTo(2);
        }
    }
}
