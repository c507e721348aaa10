package com.skyriff.data.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The {@code cache:} section of the rules file and {@link CacheSpec.Builder}: one set of checks for both. */
class CacheSpecTest {
    static final String SHARDS = """
            shards:
              - name: shard0
                primary: { url: "jdbc:postgresql://p0:5432/db", username: app, password: pw }
            """;
    static final String CACHE = """
            cache:
              required: true
              namespace: skyriff
              redis: { mode: single, address: "redis://127.0.0.1:6379", password: "${REDIS_PASSWORD}" }
              breaker: { failure-threshold: 5, open-ms: 1500 }
              single-flight: { lease-ms: 4000, wait-ms: 2500 }
              entities:
                user:  { version: 3, ttl-seconds: 600, jitter: 0.2, negative-ttl-seconds: 15, near-cache: true }
                video: { ttl-seconds: 60 }
            """;

    static Rules parse(String yaml) {
        return RulesReader.parse(yaml, "rules.yaml", Map.of("REDIS_PASSWORD", "r3dis")::get, RulesReaderTest.NOV_2026);
    }

    static List<String> problems(String yaml) {
        try {
            parse(yaml);
        } catch (RulesException e) {
            return e.problems();
        }
        throw new AssertionError("expected a RulesException");
    }

    @Test
    void parse_cacheSection_buildsSpecWithDefaults() {
        CacheSpec c = parse(SHARDS + CACHE).cache().orElseThrow();

        assertThat(c.required()).isTrue();
        assertThat(c.mode()).isEqualTo(CacheSpec.RedisMode.SINGLE);
        assertThat(c.address()).isEqualTo("redis://127.0.0.1:6379");
        assertThat(c.password().reveal()).isEqualTo("r3dis");
        assertThat(c.failureThreshold()).isEqualTo(5);
        assertThat(c.openMs()).isEqualTo(1500);
        assertThat(c.leaseMs()).isEqualTo(4000);
        assertThat(c.waitMs()).isEqualTo(2500);
        assertThat(c.entities().keySet()).containsExactly("user", "video");
        assertThat(c.entities().get("user")).isEqualTo(new CacheEntitySpec("user", 3, 600, 0.2, 15, true, 10_000, 30));
        assertThat(c.entities().get("video")).isEqualTo(CacheEntitySpec.of("video").withTtlSeconds(60));
        assertThat(c.entities().get("video").effectiveNearTtlSeconds()).isEqualTo(30);
        assertThat(CacheEntitySpec.of("x").withTtlSeconds(10).effectiveNearTtlSeconds()).isEqualTo(10);
    }

    @Test
    void parse_noCacheSection_hasNoCache() {
        assertThat(parse(SHARDS).cache()).isEmpty();
    }

    @Test
    void toString_withPassword_masksIt() {
        assertThat(parse(SHARDS + CACHE).cache().orElseThrow().toString()).doesNotContain("r3dis").contains("<masked>");
    }

    @Test
    void parse_negativeTtl_namesFileLineAndKey() {
        List<String> p = problems(SHARDS + CACHE.replace("video: { ttl-seconds: 60 }", "video: { ttl-seconds: -5 }"));
        assertThat(p).containsExactly(
                "rules.yaml:12: cache.entities.video.ttl-seconds is out of range; was '-5', expected 1..31622400");
    }

    @Test
    void parse_severalCacheProblems_reportsAllAtOnceWithRulesProblems() {
        String yaml = SHARDS.replace("shard0", "Shard0") + CACHE.replace("mode: single", "mode: clustr")
                .replace("jitter: 0.2", "jitter: 1.5")
                .replace("negative-ttl-seconds: 15", "negative-ttl-seconds: -1")
                .replace("open-ms: 1500", "open-ms: 5");
        assertThat(problems(yaml)).containsExactlyInAnyOrder(
                "rules.yaml:2: shards[0].name must be a lower-case identifier; was 'Shard0', expected [a-z_][a-z0-9_]*",
                "rules.yaml:7: cache.redis.mode must be one of [single, sentinel, cluster]; was 'clustr'",
                "rules.yaml:8: cache.breaker.open-ms is out of range; was '5', expected 100..600000",
                "rules.yaml:11: cache.entities.user.jitter is out of range; was '1.5', expected 0.0..0.9",
                "rules.yaml:11: cache.entities.user.negative-ttl-seconds is out of range; was '-1', expected 0..31622400");
    }

    @Test
    void parse_unknownCacheKey_listsAllowedKeys() {
        List<String> p = problems(SHARDS + CACHE.replace("near-cache: true", "near-cach: true"));
        assertThat(p).containsExactly("rules.yaml:11: cache.entities.user.near-cach is not a known key (did you mean 'near-cache'?); expected one of "
                + RulesReader.ENTITY_KEYS);
    }

    @Test
    void parse_clusterWithAddressAndNoNodes_explainsBoth() {
        List<String> p = problems(SHARDS + CACHE.replace("mode: single", "mode: cluster"));
        assertThat(p).containsExactlyInAnyOrder(
                "rules.yaml:7: cache.redis.address does not apply to mode cluster; list the servers under cache.redis.nodes",
                "rules.yaml:7: cache.redis.nodes is missing; mode cluster needs at least one node; expected a list of "
                        + "redis://HOST:PORT");
    }

    @Test
    void parse_clusterNodes_areRead() {
        CacheSpec c = parse(SHARDS + CACHE.replace(
                "redis: { mode: single, address: \"redis://127.0.0.1:6379\", password: \"${REDIS_PASSWORD}\" }",
                "redis: { mode: cluster, nodes: [\"redis://10.0.0.1:7000\", \"redis://10.0.0.2:7000\"] }"))
                .cache().orElseThrow();
        assertThat(c.mode()).isEqualTo(CacheSpec.RedisMode.CLUSTER);
        assertThat(c.nodes()).containsExactly("redis://10.0.0.1:7000", "redis://10.0.0.2:7000");
        assertThat(c.describeRedis()).isEqualTo("cluster at [redis://10.0.0.1:7000, redis://10.0.0.2:7000]");
    }

    @Test
    void parse_sentinelWithoutMasterNameAndBadNode_isReported() {
        List<String> p = problems(SHARDS + CACHE.replace(
                "redis: { mode: single, address: \"redis://127.0.0.1:6379\", password: \"${REDIS_PASSWORD}\" }",
                "redis: { mode: sentinel, nodes: [\"redis://10.0.0.1:26379\", \"10.0.0.2\"] }"));
        assertThat(p).containsExactlyInAnyOrder(
                "rules.yaml:7: cache.redis.master-name is missing; mode sentinel needs the name Sentinel monitors",
                "rules.yaml:7: cache.redis.nodes[1] is not a Redis URI; was '10.0.0.2', expected redis://HOST:PORT or "
                        + "rediss://HOST:PORT");
    }

    @Test
    void parse_unsetRedisPassword_namesVariableAndKey() {
        List<String> p = problems(SHARDS + CACHE.replace("${REDIS_PASSWORD}", "${REDIS_PASSWORD_2}"));
        assertThat(p).containsExactly("rules.yaml:7: cache.redis.password: ${REDIS_PASSWORD_2} is not set in the environment");
    }

    @Test
    void builder_javaApi_sharesTheFileChecks() {
        assertThatThrownBy(() -> CacheSpec.builder().singleServer("redis://localhost:6379")
                .entity(CacheEntitySpec.of("user").withNegativeTtlSeconds(-1))
                .entity(CacheEntitySpec.of("user"))
                .build())
                .isInstanceOf(RulesException.class)
                .hasMessageContaining("cache.entities.user.negative-ttl-seconds is out of range; was '-1', expected 0..")
                .hasMessageContaining("cache.entities.user is listed twice; was 'user', expected each entity once");
    }

    @Test
    void builder_missingAddress_isReported() {
        assertThatThrownBy(() -> CacheSpec.builder().build())
                .isInstanceOf(RulesException.class)
                .hasMessageContaining("cache.redis.address is missing; expected redis://HOST:PORT");
    }
}
