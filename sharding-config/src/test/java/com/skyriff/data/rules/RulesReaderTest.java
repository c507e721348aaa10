package com.skyriff.data.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.List;
import org.junit.jupiter.api.Test;

class RulesReaderTest {
    static final Clock NOV_2026 = Clock.fixed(Instant.parse("2026-11-25T10:00:00Z"), ZoneOffset.UTC);
    static final Map<String, String> ENV = Map.of("PG_PASSWORD", "s3cret", "PG_REPLICA_1", "jdbc:postgresql://r1:5432/db");

    static final String VALID = """
            name: skyriff
            bucket-count: 16
            load-balancer: weight
            worker-id: 7
            pool:
              maximum-size: 8
            shards:
              - name: shard0
                buckets: 0-7
                primary: { url: "jdbc:postgresql://p0:5432/db", username: app, password: "${PG_PASSWORD}" }
                replicas:
                  - { url: "jdbc:postgresql://r0:5432/db", weight: 3 }
                pool: { maximum-size: 20 }
              - name: shard1
                buckets: [8-11, 12-15]
                primary: { url: "jdbc:postgresql://p1:5432/db", username: app, password: "${PG_PASSWORD}" }
                replicas:
                  - "${PG_REPLICA_1}"
            tables:
              users:       { strategy: user, key: user_id }
              watch_event: { strategy: user+month, key: user_id, time: created_at, first-month: 2026-09, months-ahead: 2, id: event_id }
              audit_log:   { strategy: month, time: at, first-month: 2026-01, last-month: 2026-03 }
              regions:     { strategy: broadcast }
              app_config:  { strategy: single }
            """;

    static Rules parse(String yaml) {
        return RulesReader.parse(yaml, "rules.yaml", ENV::get, NOV_2026);
    }

    static RulesException problems(String yaml) {
        try {
            parse(yaml);
        } catch (RulesException e) {
            return e;
        }
        throw new AssertionError("expected a RulesException");
    }

    @Test
    void parse_validFile_buildsEveryShardNodeAndTable() {
        Rules rules = parse(VALID);

        assertThat(rules.shards()).extracting(ShardSpec::name).containsExactly("shard0", "shard1");
        assertThat(rules.shards().get(0).primary().password().reveal()).isEqualTo("s3cret");
        assertThat(rules.shards().get(0).replicas().get(0).username()).as("replica inherits primary user").isEqualTo("app");
        assertThat(rules.shards().get(0).replicas().get(0).weight()).isEqualTo(3);
        assertThat(rules.shards().get(1).replicas().get(0).url()).isEqualTo("jdbc:postgresql://r1:5432/db");
        assertThat(rules.shards().get(0).pool().maximumSize()).isEqualTo(20);
        assertThat(rules.shards().get(1).pool().maximumSize()).as("file default").isEqualTo(8);
        assertThat(rules.shards().get(1).pool().connectionTimeoutMs()).as("library default").isEqualTo(3_000L);
        assertThat(rules.loadBalancing()).isEqualTo(LoadBalancing.WEIGHT);
        assertThat(rules.workerId()).isEqualTo(7);
        assertThat(rules.tables().keySet()).containsExactly("users", "watch_event", "audit_log", "regions", "app_config");
        Topology topology = Topology.compile(rules, NOV_2026);
        assertThat(topology.table("watch_event").physicalTables())
                .containsExactly("watch_event_202609", "watch_event_202610", "watch_event_202611", "watch_event_202612",
                        "watch_event_202701");
        assertThat(topology.table("audit_log").physicalTables())
                .containsExactly("audit_log_202601", "audit_log_202602", "audit_log_202603");
        assertThat(topology.table("audit_log").shards()).containsExactly("shard0");
        assertThat(rules.buckets().shardOfBucket(7)).isEqualTo("shard0");
        assertThat(rules.buckets().shardOfBucket(8)).isEqualTo("shard1");
    }

    @Test
    void toString_anyRules_masksPasswords() {
        assertThat(parse(VALID).toString()).doesNotContain("s3cret").contains("<masked>");
    }

    @Test
    void parse_unknownStrategy_namesFileLineKeyValueAndAllowed() {
        RulesException e = problems(VALID.replace("strategy: broadcast", "strategy: usr"));
        assertThat(e.problems()).containsExactly("rules.yaml:23: tables.regions.strategy must be one of "
                + "[user, month, user+month, broadcast, single]; was 'usr'");
    }

    @Test
    void parse_missingShardKey_namesTheKey() {
        RulesException e = problems(VALID.replace("users:       { strategy: user, key: user_id }", "users: { strategy: user }"));
        assertThat(e.problems()).containsExactly(
                "rules.yaml:20: tables.users.key is missing; strategy user needs this column");
    }

    @Test
    void parse_duplicateShardNames_isReported() {
        RulesException e = problems(VALID.replace("name: shard1", "name: shard0"));
        assertThat(e.problems()).containsExactly(
                "rules.yaml:14: shards[1].name is a duplicate shard name; was 'shard0', expected a name used once");
    }

    @Test
    void parse_shardWithoutPrimary_isReported() {
        String yaml = VALID.replace("    primary: { url: \"jdbc:postgresql://p1:5432/db\", username: app, password: \"${PG_PASSWORD}\" }\n", "");
        assertThat(problems(yaml).problems()).containsExactly(
                "rules.yaml:14: shards[1].primary is missing; every shard needs exactly one primary");
    }

    @Test
    void parse_monthRangeBackwards_isReported() {
        RulesException e = problems(VALID.replace("last-month: 2026-03", "last-month: 2025-12"));
        assertThat(e.problems()).containsExactly("rules.yaml:22: tables.audit_log.last-month is before first-month "
                + "2026-01 (the month range runs backwards); was '2025-12', expected a month >= 2026-01");
    }

    @Test
    void parse_firstMonthAfterRollingWindow_isReported() {
        RulesException e = problems(VALID.replace("first-month: 2026-09", "first-month: 2027-06"));
        assertThat(e.problems()).singleElement().asString()
                .startsWith("rules.yaml:21: tables.watch_event.first-month is after the window's last month 2027-01");
    }

    @Test
    void parse_unresolvedEnvironmentVariable_namesVariableAndKey() {
        RulesException e = problems(VALID.replace("${PG_REPLICA_1}", "${PG_REPLICA_2}"));
        assertThat(e.problems()).containsExactly(
                "rules.yaml:18: shards[1].replicas[0]: ${PG_REPLICA_2} is not set in the environment");
    }

    @Test
    void parse_tableListedTwice_isReported() {
        RulesException e = problems(VALID + "  users: { strategy: user, key: user_id }\n");
        assertThat(e.problems()).containsExactly("rules.yaml:25: tables.users is listed twice; was 'users'");
    }

    @Test
    void parse_malformedYaml_namesFileAndLine() {
        RulesException e = problems("shards:\n  - name: [shard0\n");
        assertThat(e.getMessage()).startsWith("rules.yaml: 1 problem");
        assertThat(e.problems()).singleElement().asString().startsWith("rules.yaml:3: malformed YAML:");
    }

    @Test
    void parse_severalProblems_reportsAllAtOnce() {
        String yaml = VALID.replace("strategy: broadcast", "strategy: usr")
                .replace("worker-id: 7", "worker-id: 5000")
                .replace("load-balancer: weight", "load-balancer: fastest")
                .replace("buckets: [8-11, 12-15]", "buckets: [8-11]");
        assertThat(problems(yaml).problems()).containsExactlyInAnyOrder(
                "rules.yaml:3: load-balancer must be one of [round-robin, random, weight]; was 'fastest'",
                "rules.yaml:23: tables.regions.strategy must be one of [user, month, user+month, broadcast, single]; was 'usr'",
                "rules.yaml:4: worker-id is out of range; was '5000', expected 0..1023",
                "rules.yaml:7: shards[*].buckets leave buckets [12-15] without a shard; every bucket 0-15 needs exactly one");
    }

    @Test
    void parse_unknownKey_suggestsTheNearestKnownKeyAndListsAllowedKeys() {
        RulesException e = problems(VALID.replace("name: skyriff", "nmae: skyriff"));
        assertThat(e.problems()).containsExactly("rules.yaml:1: nmae is not a known key (did you mean 'name'?); expected one of "
                + RulesReader.TOP_KEYS);
        assertThat(e.details()).containsExactly(new RulesProblem("rules.yaml", 1, "nmae", "nmae", "one of " + RulesReader.TOP_KEYS,
                e.problems().get(0)));
    }

    @Test
    void parse_singleShardPath_defaultsOnAndReadsFalse() {
        assertThat(parse(VALID).singleShardPath()).as("default").isTrue();
        assertThat(parse(VALID.replace("worker-id: 7", "worker-id: 7\nsingle-shard-path: false")).singleShardPath())
                .isFalse();
        assertThat(Rules.builder().singleShardPath(false)).isNotNull();
    }

    @Test
    void parse_singleShardPathNotBoolean_isReported() {
        RulesException e = problems(VALID.replace("worker-id: 7", "worker-id: 7\nsingle-shard-path: maybe"));
        assertThat(e.problems()).hasSize(1);
        assertThat(e.problems().get(0)).startsWith("rules.yaml:5: single-shard-path");
    }

    @Test
    void suggest_typosAndFarKeys_nearestOrNone() {
        assertThat(RulesReader.suggest("primray", List.of("name", "buckets", "primary", "replicas"))).isEqualTo("primary");
        assertThat(RulesReader.suggest("replica", List.of("name", "buckets", "primary", "replicas"))).isEqualTo("replicas");
        assertThat(RulesReader.suggest("max_months_per_query", List.of("strategy", "max-months-per-query")))
                .isEqualTo("max-months-per-query");
        assertThat(RulesReader.suggest("max-size", List.of("maximum-size", "minimum-idle"))).isEqualTo("maximum-size");
        assertThat(RulesReader.suggest("colour", List.of("strategy", "key", "time"))).isNull();
        assertThat(RulesReader.suggest("ky", List.of("strategy", "key", "time"))).isEqualTo("key");
    }

    @Test
    void parse_overlappingBuckets_namesTheWholeOverlappingRange() {
        RulesException e = problems(VALID.replace("buckets: [8-11, 12-15]", "buckets: [5-11, 12-15]"));
        assertThat(e.problems()).containsExactly("rules.yaml:15: shards[1].buckets overlaps shards[0] at buckets 5-7; "
                + "was '5-11', expected each bucket owned by one shard");
        assertThat(e.details().get(0)).isEqualTo(new RulesProblem("rules.yaml", 15, "shards[1].buckets", "5-11",
                "each bucket owned by one shard", e.problems().get(0)));
        RulesException one = problems(VALID.replace("buckets: [8-11, 12-15]", "buckets: [7-11, 12-15]"));
        assertThat(one.problems()).containsExactly("rules.yaml:15: shards[1].buckets overlaps shards[0] at bucket 7; "
                + "was '7-11', expected each bucket owned by one shard");
    }

    @Test
    void parse_badPoolAndUrl_areReported() {
        RulesException e = problems(VALID.replace("pool: { maximum-size: 20 }", "pool: { maximum-size: 0 }")
                .replace("jdbc:postgresql://r0:5432/db", "mysql://r0/db"));
        assertThat(e.problems()).containsExactlyInAnyOrder(
                "rules.yaml:13: shards[0].pool.maximum-size is out of range; was '0', expected 1..1000",
                "rules.yaml:12: shards[0].replicas[0].url is not a PostgreSQL JDBC URL; was 'mysql://r0/db', expected "
                        + "jdbc:postgresql://HOST:PORT/DB");
    }

    @Test
    void parse_monthKeysOnUserTable_areRejectedNotIgnored() {
        RulesException e = problems(VALID.replace("users:       { strategy: user, key: user_id }",
                "users: { strategy: user, key: user_id, months-ahead: 3 }"));
        assertThat(e.problems()).containsExactly("rules.yaml:20: tables.users.months-ahead applies only to strategies "
                + "[month, user+month]; strategy is user");
    }

    @Test
    void read_missingFile_namesThePath() {
        assertThatThrownBy(() -> RulesReader.read(java.nio.file.Path.of("/nope/rules.yaml")))
                .isInstanceOf(RulesException.class).hasMessageContaining("/nope/rules.yaml: no such rules file");
    }

    @Test
    void isNative_shardingSphereFile_isDetected() {
        assertThat(RulesReader.isNative("dataSources:\n  ds: {}\nrules:\n- !SHARDING\n")).isTrue();
        assertThat(RulesReader.isNative(VALID)).isFalse();
    }

    @Test
    void builder_javaApi_sharesTheFileChecks() {
        assertThatThrownBy(() -> Rules.builder()
                .shard(ShardSpec.of("shard0", NodeSpec.of("jdbc:postgresql://p0/db", "u", "p")))
                .table(TableSpec.userMonth("e", "user_id", "at", YearMonth.of(2026, 1), -1))
                .build())
                .isInstanceOf(RulesException.class)
                .hasMessageContaining("tables.e.months-ahead is out of range; was '-1', expected 0..120");
    }

    @Test
    void parse_badMonthAndBucketText_saysWhatIsExpectedWithoutStrayQuotes() {
        RulesException e = problems(VALID.replace("first-month: 2026-01", "first-month: jan")
                .replace("buckets: 0-7", "buckets: zero-7"));
        assertThat(e.problems()).contains(
                "rules.yaml:22: tables.audit_log.first-month is not a month; was 'jan', expected YYYY-MM such as 2026-01",
                "rules.yaml:9: shards[0].buckets is not a bucket range; was 'zero-7', expected FROM-TO such as 0-511, or a list of them");
    }

    @Test
    void parse_primaryWithoutUrl_reportsTheUrlOnly() {
        RulesException e = problems(VALID.replace("primary: { url: \"jdbc:postgresql://p0:5432/db\", username: app,",
                "primary: { username: app,"));
        assertThat(e.problems()).containsExactly("rules.yaml:10: shards[0].primary.url is missing");
    }
}
