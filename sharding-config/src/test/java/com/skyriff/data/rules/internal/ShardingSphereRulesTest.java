package com.skyriff.data.rules.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.skyriff.data.rules.BucketRange;
import com.skyriff.data.rules.NodeSpec;
import com.skyriff.data.rules.Rules;
import com.skyriff.data.rules.ShardSpec;
import com.skyriff.data.rules.TableSpec;
import java.time.Clock;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import org.apache.shardingsphere.infra.expr.core.InlineExpressionParserFactory;
import org.apache.shardingsphere.readwritesplitting.config.ReadwriteSplittingRuleConfiguration;
import org.apache.shardingsphere.readwritesplitting.config.rule.ReadwriteSplittingDataSourceGroupRuleConfiguration;
import org.apache.shardingsphere.sharding.api.config.ShardingRuleConfiguration;
import org.apache.shardingsphere.sharding.api.config.rule.ShardingTableRuleConfiguration;
import org.junit.jupiter.api.Test;

class ShardingSphereRulesTest {
    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-25T10:00:00Z"), ZoneOffset.UTC);

    static Rules rules() {
        return Rules.builder().name("compile_test").bucketCount(64).clock(CLOCK)
                .shard(new ShardSpec("shard0", NodeSpec.of("jdbc:postgresql://h0:5432/d", "u", ""), List.of(), null,
                        List.of(BucketRange.of(0, 31))))
                .shard(new ShardSpec("shard1", NodeSpec.of("jdbc:postgresql://h1:5432/d", "u", ""), List.of(), null,
                        List.of(BucketRange.of(32, 63))))
                .table(TableSpec.user("users", "user_id"))
                .table(TableSpec.userMonth("watch_event", "user_id", "created_at", YearMonth.of(2026, 9), 2))
                .build();
    }

    @Test
    void compile_dataNodes_areLiteralListsThatShardingSphereSplitsIntoTheSameNodes() {
        ShardingSphereRules compiled = ShardingSphereRules.compile(rules(), CLOCK);
        ShardingRuleConfiguration sharding = (ShardingRuleConfiguration) compiled.configurations().get(0);
        for (ShardingTableRuleConfiguration t : sharding.getTables()) {
            assertThat(t.getActualDataNodes()).as("%s: parsed as a plain list, not Groovy", t.getLogicTable())
                    .startsWith("<LITERAL>");
            assertThat(InlineExpressionParserFactory.newInstance(t.getActualDataNodes()).splitAndEvaluate())
                    .as("%s: the nodes ShardingSphere reads", t.getLogicTable())
                    .isEqualTo(Arrays.asList(compiled.dataNodes().get(t.getLogicTable()).split(",")));
        }
        assertThat(compiled.dataNodes().get("watch_event")).as("2 shards x Sep 2026 .. Jan 2027")
                .isEqualTo("shard0.watch_event_202609,shard0.watch_event_202610,shard0.watch_event_202611,"
                        + "shard0.watch_event_202612,shard0.watch_event_202701,shard1.watch_event_202609,"
                        + "shard1.watch_event_202610,shard1.watch_event_202611,shard1.watch_event_202612,"
                        + "shard1.watch_event_202701");
    }

    @Test
    void compile_readWriteGroups_areLiteralNamesThatShardingSphereEvaluatesToTheBareNames() {
        Rules base = rules();
        Rules.Builder b = Rules.builder().name("compile_test").bucketCount(64).clock(CLOCK);
        for (ShardSpec s : base.shards()) {
            b.shard(new ShardSpec(s.name(), s.primary(), List.of(NodeSpec.of(s.primary().url() + "r", "u", "")),
                    null, s.buckets()));
        }
        base.tables().values().forEach(b::table);
        ShardingSphereRules compiled = ShardingSphereRules.compile(b.build(), CLOCK, "compile_test#1");
        ReadwriteSplittingRuleConfiguration rw = compiled.configurations().stream()
                .filter(ReadwriteSplittingRuleConfiguration.class::isInstance)
                .map(ReadwriteSplittingRuleConfiguration.class::cast).findFirst().orElseThrow();
        assertThat(rw.getDataSourceGroups()).hasSize(2);
        for (ReadwriteSplittingDataSourceGroupRuleConfiguration g : rw.getDataSourceGroups()) {
            List<String> names = new java.util.ArrayList<>(List.of(g.getName(), g.getWriteDataSourceName()));
            names.addAll(g.getReadDataSourceNames());
            for (String name : names) {
                assertThat(name).as("parsed as a plain name, not Groovy").startsWith("<LITERAL>");
                assertThat(InlineExpressionParserFactory.newInstance(name).splitAndEvaluate())
                        .containsExactly(name.substring("<LITERAL>".length()));
            }
            String shard = g.getName().substring("<LITERAL>".length());
            assertThat(g.getWriteDataSourceName()).isEqualTo("<LITERAL>" + shard + "_primary");
            assertThat(g.getReadDataSourceNames()).containsExactly("<LITERAL>" + shard + "_replica_0");
        }
    }
}
