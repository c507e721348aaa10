package com.skyriff.data.rules.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.common.collect.Range;
import com.skyriff.data.rules.BucketRange;
import com.skyriff.data.rules.NodeSpec;
import com.skyriff.data.rules.Rules;
import com.skyriff.data.rules.ShardSpec;
import com.skyriff.data.rules.TableSpec;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Properties;
import org.apache.shardingsphere.infra.algorithm.core.config.AlgorithmConfiguration;
import org.apache.shardingsphere.infra.datanode.DataNodeInfo;
import org.apache.shardingsphere.sharding.api.config.ShardingRuleConfiguration;
import org.apache.shardingsphere.sharding.api.sharding.standard.PreciseShardingValue;
import org.apache.shardingsphere.sharding.api.sharding.standard.RangeShardingValue;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class MonthShardingAlgorithmTest {
    static final Clock NOV_2026 = Clock.fixed(Instant.parse("2026-11-25T10:00:00Z"), ZoneOffset.UTC);
    static final List<String> TARGETS = List.of("ev_202610", "ev_202611", "ev_202612", "ev_202701");
    final MonthShardingAlgorithm algorithm = new MonthShardingAlgorithm();
    ShardingSphereRules compiled;

    static Rules rules() {
        return Rules.builder().name("month_algo").bucketCount(8).clock(NOV_2026)
                .shard(new ShardSpec("shard0", NodeSpec.of("jdbc:postgresql://h0:5432/d", "u", ""), List.of(), null,
                        List.of(BucketRange.of(0, 3))))
                .shard(new ShardSpec("shard1", NodeSpec.of("jdbc:postgresql://h1:5432/d", "u", ""), List.of(), null,
                        List.of(BucketRange.of(4, 7))))
                .table(TableSpec.userMonth("ev", "user_id", "at", YearMonth.of(2026, 10), 2))
                .build();
    }

    /** The algorithm's properties as ShardingSphereRules compiled them. */
    static Properties props(ShardingSphereRules compiled, String algorithm) {
        AlgorithmConfiguration a = ((ShardingRuleConfiguration) compiled.configurations().get(0)).getShardingAlgorithms()
                .get(algorithm);
        Properties p = new Properties();
        p.putAll(a.getProps());
        return p;
    }

    @BeforeEach
    void init() {
        compiled = ShardingSphereRules.compile(rules(), NOV_2026);
        algorithm.init(props(compiled, ShardingSphereRules.MONTH_ALGORITHM));
    }

    private static PreciseShardingValue<Comparable<?>> precise(Comparable<?> v) {
        return new PreciseShardingValue<>("ev", "at", new DataNodeInfo("ev_", 6, '0'), v);
    }

    @Test
    void init_compiledProps_adaptTheCompiledTopologyItself() {
        assertThat(algorithm.topology()).isSameAs(compiled.topology());
        assertThat(ShardingSphereRules.topologyOf((ShardingRuleConfiguration) compiled.configurations().get(0)))
                .isSameAs(compiled.topology());
    }

    @Test
    void init_unknownTopologyKey_namesThePropertyAndTheValue() {
        Properties p = new Properties();
        p.setProperty("topology", "nope#1");
        assertThatThrownBy(() -> new MonthShardingAlgorithm().init(p)).isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("sharding algorithm property topology names no compiled topology; was 'nope#1'");
    }

    @Test
    void doSharding_timestampTypes_pickTheirMonthTable() {
        assertThat(algorithm.doSharding(TARGETS, precise(Timestamp.from(Instant.parse("2026-11-30T23:59:59Z")))))
                .isEqualTo("ev_202611");
        assertThat(algorithm.doSharding(TARGETS, precise(OffsetDateTime.parse("2026-12-01T00:30:00+01:00"))))
                .as("taken in UTC").isEqualTo("ev_202611");
        assertThat(algorithm.doSharding(TARGETS, precise("2027-01-05 10:00:00"))).isEqualTo("ev_202701");
    }

    @Test
    void doSharding_monthOutsideWindow_namesMonthAndWindow() {
        assertThatThrownBy(() -> algorithm.doSharding(TARGETS, precise(Instant.parse("2027-03-01T00:00:00Z"))))
                .hasMessage("ev.at value '2027-03-01T00:00:00Z' falls in month 2027-03, outside the table's month window "
                        + "2026-10..2027-01 (rules: tables.ev.first-month / months-ahead)");
    }

    @Test
    void doSharding_halfOpenTwoMonthRange_touchesExactlyTwoTables() {
        Range<Comparable<?>> r = Range.closedOpen(Timestamp.from(Instant.parse("2026-11-10T00:00:00Z")),
                Timestamp.from(Instant.parse("2027-01-01T00:00:00Z")));
        assertThat(algorithm.doSharding(TARGETS, new RangeShardingValue<>("ev", "at", null, r)))
                .containsExactly("ev_202611", "ev_202612");
    }

    @Test
    void doSharding_closedRangeEndingAtAMonthsFirstInstant_includesThatMonth() {
        Range<Comparable<?>> r = Range.closed(Timestamp.from(Instant.parse("2026-11-10T00:00:00Z")),
                Timestamp.from(Instant.parse("2027-01-01T00:00:00Z")));
        assertThat(algorithm.doSharding(TARGETS, new RangeShardingValue<>("ev", "at", null, r)))
                .containsExactly("ev_202611", "ev_202612", "ev_202701");
    }

    @Test
    void doSharding_openEndedRange_touchesMonthsFromLowerBound() {
        Range<Comparable<?>> r = Range.atLeast(Timestamp.from(Instant.parse("2026-12-15T00:00:00Z")));
        assertThat(algorithm.doSharding(TARGETS, new RangeShardingValue<>("ev", "at", null, r)))
                .containsExactly("ev_202612", "ev_202701");
    }
}
