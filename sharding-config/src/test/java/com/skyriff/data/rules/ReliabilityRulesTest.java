package com.skyriff.data.rules;

import static org.assertj.core.api.Assertions.assertThat;

import com.skyriff.data.rules.HealthSpec.ReadYourWrites;
import com.skyriff.data.rules.HealthSpec.WhenNoReplica;
import com.skyriff.data.rules.internal.ShardingSphereRules;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.apache.shardingsphere.readwritesplitting.config.ReadwriteSplittingRuleConfiguration;
import org.junit.jupiter.api.Test;

/** The keys of the reliability work: health, lag, guard rails, cross-shard writes, SQL log, TLS. */
class ReliabilityRulesTest {
    static final Clock NOV_2026 = Clock.fixed(Instant.parse("2026-11-25T10:00:00Z"), ZoneOffset.UTC);

    static final String BASE = """
            name: skyriff
            bucket-count: 16
            shards:
              - name: shard0
                buckets: 0-7
                max-lag-ms: 250
                primary: { url: "jdbc:postgresql://p0:5432/db", username: app, password: "pw-0", ssl-mode: verify-full }
                replicas:
                  - { url: "jdbc:postgresql://r0:5432/db" }
              - name: shard1
                buckets: 8-15
                primary: { url: "jdbc:postgresql://p1:5432/db", username: app, password: "pw-1" }
                replicas:
                  - { url: "jdbc:postgresql://r1:5432/db", ssl-mode: require }
            tables:
              users:       { strategy: user, key: user_id, allow-full-scan: true }
              watch_event: { strategy: user+month, key: user_id, time: created_at, first-month: 2026-09, months-ahead: 2, max-months-per-query: 3 }
            """;

    static Rules parse(String yaml) {
        return RulesReader.parse(yaml, "rules.yaml", Map.<String, String>of()::get, NOV_2026);
    }

    static String problems(String yaml) {
        try {
            parse(yaml);
        } catch (RulesException e) {
            return e.getMessage();
        }
        throw new AssertionError("expected a RulesException");
    }

    @Test
    void parse_noHealthSection_usesTheDocumentedDefaults() {
        Rules rules = parse(BASE);
        assertThat(rules.health()).isEqualTo(HealthSpec.DEFAULTS);
        assertThat(rules.health().checkIntervalMs() * rules.health().failureThreshold()).as("detection bound")
                .isLessThanOrEqualTo(2_000);
        assertThat(rules.crossShardWrites()).isEqualTo(CrossShardWrites.REFUSE);
        assertThat(rules.sqlLog()).isEmpty();
        assertThat(rules.health().maxLagMs(rules.shards().get(0))).isEqualTo(250);
        assertThat(rules.health().maxLagMs(rules.shards().get(1))).isEqualTo(5_000);
    }

    @Test
    void parse_everyReliabilityKey_reachesTheModel() {
        Rules rules = parse(BASE + """
                health:
                  check-interval-ms: 200
                  failure-threshold: 3
                  check-timeout-ms: 700
                  when-no-replica: fail
                  read-your-writes: wal
                  window-ms: 1500
                  max-lag-ms: 900
                  connect-timeout-ms: 1500
                  socket-timeout-ms: 0
                  read-timeout-ms: 3000
                cross-shard-transactions: allow
                sql-log: statements
                """);
        assertThat(rules.health()).isEqualTo(new HealthSpec(200, 3, 700, WhenNoReplica.FAIL, ReadYourWrites.WAL, 1_500,
                900, 1_500, 0, 3_000));
        assertThat(rules.crossShardWrites()).isEqualTo(CrossShardWrites.ALLOW);
        assertThat(rules.sqlLog()).contains(SqlLog.STATEMENTS);
        assertThat(rules.table("users").orElseThrow().allowFullScan()).isTrue();
        assertThat(rules.table("watch_event").orElseThrow().allowFullScan()).isFalse();
        assertThat(rules.table("watch_event").orElseThrow().maxMonthsPerQuery()).isEqualTo(3);
        assertThat(rules.shards().get(0).primary().sslMode()).isEqualTo(SslMode.VERIFY_FULL);
        assertThat(rules.shards().get(0).replicas().get(0).sslMode()).as("inherited from the primary")
                .isEqualTo(SslMode.VERIFY_FULL);
        assertThat(rules.shards().get(1).replicas().get(0).sslMode()).isEqualTo(SslMode.REQUIRE);
        assertThat(ShardingSphereRules.compile(rules, NOV_2026).props())
                .containsEntry("sql-show", "true").containsEntry("sql-simple", "true");
    }

    @Test
    void parse_badReliabilityValues_reportsEveryProblemWithItsLine() {
        String message = problems(BASE.replace("max-lag-ms: 250", "max-lag-ms: 0")
                .replace("ssl-mode: require", "ssl-mode: on")
                .replace("strategy: user, key: user_id, allow-full-scan: true",
                        "strategy: user, key: user_id, max-months-per-query: 2") + """
                health:
                  check-interval-ms: 10
                  when-no-replica: replica
                  read-your-writes: always
                cross-shard-transactions: sometimes
                sql-log: everything
                """);
        assertThat(message)
                .contains("rules.yaml:6: shards[0].max-lag-ms is out of range; was '0', expected 1..86400000")
                .contains("rules.yaml:14: shards[1].replicas[0].ssl-mode must be one of [disable, allow, prefer,"
                        + " require, verify-ca, verify-full]; was 'on'")
                .contains("rules.yaml:16: tables.users.max-months-per-query applies only to strategies [month,"
                        + " user+month]; strategy is user")
                .contains("rules.yaml:19: health.check-interval-ms is out of range; was '10', expected 50..60000")
                .contains("rules.yaml:20: health.when-no-replica must be one of [primary, fail]; was 'replica'")
                .contains("rules.yaml:21: health.read-your-writes must be one of [none, window, wal]; was 'always'")
                .contains("rules.yaml:22: cross-shard-transactions must be one of [refuse, allow]; was 'sometimes'")
                .contains("rules.yaml:23: sql-log must be one of [none, statements, values]; was 'everything'");
    }

    @Test
    void parse_readTimeout_defaultZeroAndBadValues() {
        assertThat(parse(BASE).health().readTimeoutMs()).as("default").isEqualTo(5_000);
        assertThat(parse(BASE + "health:\n  read-timeout-ms: 0\n").health().readTimeoutMs()).as("off").isZero();
        assertThat(problems(BASE + "health:\n  read-timeout-ms: 500\n"))
                .contains("rules.yaml:19: health.read-timeout-ms is out of range; was '500', expected 0 (off) or"
                        + " 1000..86400000");
        assertThat(problems(BASE + "health:\n  socket-timeout-ms: 4000\n  read-timeout-ms: 6000\n"))
                .contains("health.read-timeout-ms exceeds health.socket-timeout-ms 4000 (it bounds replica reads below"
                        + " the socket timeout); was '6000', expected 0..4000");
    }

    @Test
    void build_sqlLogWithSqlShowProp_isAConflict() {
        assertThat(problems(BASE + "sql-log: values\nprops:\n  sql-show: true\n"))
                .contains("props.sql-show conflicts with sql-log: values; set one of them");
    }

    @Test
    void build_sslModeAndSslmodeInUrl_isAConflict() {
        assertThat(problems(BASE.replace("p0:5432/db\"", "p0:5432/db?sslmode=disable\"")))
                .contains("shards[0].primary.ssl-mode conflicts with sslmode= in its url; set one of them");
    }

    @Test
    void build_allowFullScanOnBroadcastTable_isAProblem() {
        assertThat(problems(BASE + "  regions: { strategy: broadcast, allow-full-scan: true }\n"))
                .contains("tables.regions.allow-full-scan applies only to strategies [user, month, user+month];"
                        + " strategy is broadcast");
    }

    @Test
    void toString_passwordInUrlAndField_isMasked() {
        NodeSpec node = NodeSpec.of("jdbc:postgresql://h:5432/db?user=app&password=hunter2&ssl=true", "app", "hunter2");
        assertThat(node.toString()).doesNotContain("hunter2")
                .contains("password=<masked>&ssl=true").contains("password=<masked>,");
        Rules rules = parse(BASE);
        assertThat(rules.toString()).doesNotContain("pw-0").doesNotContain("pw-1");
    }

    @Test
    void compile_withRuntimeKey_registersTheHealthBalancerWithPolicyAndWeights() {
        Rules rules = parse(BASE.replace("bucket-count: 16", "bucket-count: 16\nload-balancer: weight"));
        ReadwriteSplittingRuleConfiguration rw = ShardingSphereRules.compile(rules, NOV_2026, "skyriff#1").configurations()
                .stream().filter(ReadwriteSplittingRuleConfiguration.class::isInstance)
                .map(ReadwriteSplittingRuleConfiguration.class::cast).findFirst().orElseThrow();
        var balancer = rw.getLoadBalancers().get(ShardingSphereRules.LOAD_BALANCER);
        assertThat(balancer.getType()).isEqualTo("SKYRIFF_HEALTH");
        assertThat(balancer.getProps()).containsEntry("skyriff-runtime", "skyriff#1").containsEntry("policy", "weight")
                .containsEntry("weight.shard0_replica_0", "1");
        var plain = ShardingSphereRules.compile(rules, NOV_2026).configurations().stream()
                .filter(ReadwriteSplittingRuleConfiguration.class::isInstance)
                .map(ReadwriteSplittingRuleConfiguration.class::cast).findFirst().orElseThrow();
        assertThat(plain.getDataSourceGroups()).allSatisfy(g -> {
            var own = plain.getLoadBalancers().get(g.getLoadBalancerName());
            assertThat(own.getType()).isEqualTo("WEIGHT");
            // what ShardingSphere's rule checker does with it: every weighted data source is a read data source of
            // the group (one balancer for all groups failed: "Target `shard1_replica_0` is required")
            org.apache.shardingsphere.infra.spi.type.typed.TypedSPILoader.getService(
                    org.apache.shardingsphere.infra.algorithm.loadbalancer.core.LoadBalanceAlgorithm.class,
                    own.getType(), own.getProps()).check("skyriff", g.getReadDataSourceNames());
            assertThat(own.getProps().stringPropertyNames()).containsExactlyInAnyOrderElementsOf(g.getReadDataSourceNames());
        });
    }
}
