package com.skyriff.data.rules.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.common.collect.Range;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Properties;
import org.apache.shardingsphere.infra.datanode.DataNodeInfo;
import org.apache.shardingsphere.sharding.api.sharding.standard.PreciseShardingValue;
import org.apache.shardingsphere.sharding.api.sharding.standard.RangeShardingValue;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class MonthShardingAlgorithmTest {
    static final List<String> TARGETS = List.of("ev_202610", "ev_202611", "ev_202612", "ev_202701");
    final MonthShardingAlgorithm algorithm = new MonthShardingAlgorithm();

    @BeforeEach
    void init() {
        Properties p = new Properties();
        p.setProperty("zone", "UTC");
        algorithm.init(p);
    }

    private static PreciseShardingValue<Comparable<?>> precise(Comparable<?> v) {
        return new PreciseShardingValue<>("ev", "at", new DataNodeInfo("ev_", 6, '0'), v);
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
    void doSharding_openEndedRange_touchesMonthsFromLowerBound() {
        Range<Comparable<?>> r = Range.atLeast(Timestamp.from(Instant.parse("2026-12-15T00:00:00Z")));
        assertThat(algorithm.doSharding(TARGETS, new RangeShardingValue<>("ev", "at", null, r)))
                .containsExactly("ev_202612", "ev_202701");
    }
}
