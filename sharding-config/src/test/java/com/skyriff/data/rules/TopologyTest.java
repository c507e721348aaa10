package com.skyriff.data.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.YearMonth;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class TopologyTest {
    static final Clock NOV_2026 = Clock.fixed(Instant.parse("2026-11-25T10:00:00Z"), ZoneOffset.UTC);
    static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");

    static Rules rules(ZoneId zone) {
        return Rules.builder().name("topo").bucketCount(16).monthZone(zone).clock(NOV_2026)
                .shard(new ShardSpec("shard0", NodeSpec.of("jdbc:postgresql://h0:5432/d", "u", ""),
                        List.of(NodeSpec.of("jdbc:postgresql://h0r:5432/d", "u", "")), null,
                        List.of(BucketRange.of(0, 7))))
                .shard(new ShardSpec("shard1", NodeSpec.of("jdbc:postgresql://h1:5432/d", "u", ""), List.of(), null,
                        List.of(BucketRange.of(8, 15))))
                .defaultShard("shard1")
                .table(TableSpec.user("users", "user_id"))
                .table(TableSpec.userMonth("watch_event", "user_id", "created_at", YearMonth.of(2026, 9), 2))
                .table(TableSpec.month("audit_log", "at", YearMonth.of(2025, 1), 0).withLastMonth(YearMonth.of(2025, 3)))
                .table(TableSpec.broadcast("regions"))
                .table(TableSpec.single("app_config"))
                .build();
    }

    final Topology topology = Topology.compile(rules(ZoneOffset.UTC), NOV_2026);
    final Topology.Table watch = topology.table("watch_event");

    /** The first user id (from 0 up) whose bucket is {@code bucket}. */
    private long userInBucket(int bucket) {
        long u = 0;
        while (topology.bucketOf(u) != bucket) {
            u++;
        }
        return u;
    }

    @Test
    void shards_areIndexedInTheRulesOrder() {
        assertThat(topology.shardCount()).isEqualTo(2);
        assertThat(topology.shardNames()).containsExactly("shard0", "shard1");
        assertThat(topology.shardName(1)).isEqualTo("shard1");
        assertThat(topology.shardIndex("shard0")).isZero();
        assertThat(topology.shardIndex("shard9")).isEqualTo(-1);
        assertThat(topology.defaultShard()).isEqualTo(1);
        assertThat(topology.nodes()).extracting(PhysicalNode::describe)
                .containsExactly("shard0 primary", "shard0 replica 0", "shard1 primary");
        assertThat(topology.nodes(0)).extracting(PhysicalNode::dataSourceName)
                .containsExactly("shard0_primary", "shard0_replica_0");
        assertThat(topology.nodes(1)).extracting(PhysicalNode::dataSourceName).containsExactly("shard1");
    }

    @Test
    void shardOf_firstAndLastBucketOfEachShard_isItsOwner() {
        assertThat(topology.bucketCount()).isEqualTo(16);
        assertThat(topology.shardOf(userInBucket(0))).isZero();
        assertThat(topology.shardOf(userInBucket(7))).isZero();
        assertThat(topology.shardOf(userInBucket(8))).isEqualTo(1);
        assertThat(topology.shardOf(userInBucket(15))).isEqualTo(1);
        assertThat(topology.shardOfBucket(0)).isZero();
        assertThat(topology.shardOfBucket(7)).isZero();
        assertThat(topology.shardOfBucket(8)).isEqualTo(1);
        assertThat(topology.shardOfBucket(15)).isEqualTo(1);
    }

    @Test
    void shardOf_agreesWithTheRulesBucketMapForEveryUser() {
        UserBuckets buckets = topology.rules().buckets();
        for (long u = -1_000; u <= 1_000; u++) {
            assertThat(topology.shardName(topology.shardOf(u))).isEqualTo(buckets.shardOf(u));
            assertThat(topology.bucketOf(u)).isEqualTo(buckets.bucketOf(u));
        }
        assertThat(topology.shardOf(Long.MIN_VALUE)).isBetween(0, 1);
        assertThat(topology.shardOf(Long.MAX_VALUE)).isBetween(0, 1);
    }

    @Test
    void shardOfKey_wholeNumbersOfEveryType_areTheSameUser() {
        int expected = topology.shardOf(5L);
        for (Object v : new Object[] {5L, 5, (short) 5, (byte) 5, java.math.BigInteger.valueOf(5),
                new java.math.BigDecimal("5.00"), 5.0d, 5.0f, "5", " 5 "}) {
            assertThat(topology.shardOf(watch, v)).as("%s", v).isEqualTo(expected);
        }
    }

    @Test
    void shardOfKey_notAWholeNumber_isRefusedNamingTheColumnNeverTruncated() {
        assertThatThrownBy(() -> topology.shardOf(watch, 5.5d)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("watch_event.user_id must be a whole-number user id; was Double '5.5'");
        assertThatThrownBy(() -> topology.shardOf(watch, "abc"))
                .hasMessage("watch_event.user_id must be a whole-number user id; was String 'abc'");
        assertThatThrownBy(() -> topology.shardOf(watch, null))
                .hasMessage("watch_event.user_id must be a whole-number user id; was null");
        assertThatThrownBy(() -> topology.shardOf(watch, new java.math.BigDecimal("5.5")))
                .hasMessageStartingWith("watch_event.user_id must be a whole-number user id");
    }

    @Test
    void tables_carryStrategyColumnsShardsAndWindows() {
        assertThat(topology.tables()).extracting(Topology.Table::name)
                .containsExactly("users", "watch_event", "audit_log", "regions", "app_config");
        assertThat(topology.table("WATCH_EVENT")).isSameAs(watch);
        assertThat(topology.table("nosuch")).isNull();
        assertThat(watch.strategy()).isEqualTo(Strategy.USER_MONTH);
        assertThat(watch.keyColumn()).isEqualTo("user_id");
        assertThat(watch.timeColumn()).isEqualTo("created_at");
        assertThat(watch.shards()).containsExactly("shard0", "shard1");
        assertThat(watch.window()).isEqualTo(new MonthWindow(YearMonth.of(2026, 9), YearMonth.of(2027, 1)));
        assertThat(watch.monthCount()).isEqualTo(5);
        assertThat(watch.month(0)).isEqualTo(YearMonth.of(2026, 9));
        assertThat(watch.monthTable(4)).isEqualTo("watch_event_202701");
        assertThat(watch.monthIndex(YearMonth.of(2026, 8))).isEqualTo(-1);
        assertThat(watch.monthIndex(YearMonth.of(2027, 2))).isEqualTo(-1);
        assertThat(watch.physicalTables()).containsExactly("watch_event_202609", "watch_event_202610",
                "watch_event_202611", "watch_event_202612", "watch_event_202701");
        Topology.Table audit = topology.table("audit_log");
        assertThat(audit.shards()).containsExactly("shard1");
        assertThat(audit.physicalTables()).containsExactly("audit_log_202501", "audit_log_202502", "audit_log_202503");
        assertThat(topology.table("users").window()).isNull();
        assertThat(topology.table("users").physicalTables()).containsExactly("users");
        assertThat(topology.table("regions").shards()).containsExactly("shard0", "shard1");
        assertThat(topology.table("app_config").shards()).containsExactly("shard1");
    }

    @Test
    void monthTable_firstAndLastInstantOfTheWindow_areItsFirstAndLastTables() {
        assertThat(topology.monthTable(watch, Timestamp.from(Instant.parse("2026-09-01T00:00:00Z"))))
                .isEqualTo("watch_event_202609");
        assertThat(topology.monthTable(watch, "2027-01-31 23:59:59.999999")).isEqualTo("watch_event_202701");
        assertThat(topology.monthTable(watch, LocalDate.of(2026, 11, 1))).isEqualTo("watch_event_202611");
        assertThat(topology.monthTable(watch, LocalDateTime.of(2026, 10, 31, 23, 59))).isEqualTo("watch_event_202610");
        assertThat(topology.monthTable(watch, java.sql.Date.valueOf("2026-12-01"))).isEqualTo("watch_event_202612");
        assertThat(topology.monthTable(watch, OffsetDateTime.parse("2026-12-01T00:30:00+01:00")))
                .as("taken in UTC").isEqualTo("watch_event_202611");
    }

    @Test
    void monthTable_outsideTheWindow_namesMonthAndWindow() {
        assertThatThrownBy(() -> topology.monthTable(watch, Instant.parse("2026-08-31T23:59:59Z")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("watch_event.created_at value '2026-08-31T23:59:59Z' falls in month 2026-08, outside the table's"
                        + " month window 2026-09..2027-01 (rules: tables.watch_event.first-month / months-ahead)");
        assertThatThrownBy(() -> topology.monthTable(watch, "2027-02-01")).hasMessageContaining("falls in month 2027-02");
    }

    @Test
    void monthTable_notATime_isRefusedNamingTheColumn() {
        assertThatThrownBy(() -> topology.monthTable(watch, 42L))
                .hasMessage("watch_event.created_at must be a timestamp (Timestamp, OffsetDateTime, Instant, LocalDateTime,"
                        + " LocalDate or ISO text); was Long '42'");
        assertThatThrownBy(() -> topology.month(watch, "yesterday")).hasMessageEndingWith("was String 'yesterday'");
        assertThatThrownBy(() -> topology.month(watch, null)).hasMessageEndingWith("was null");
    }

    @Test
    void month_boundariesAreTakenInTheMonthZone() {
        Topology berlin = Topology.compile(rules(BERLIN), NOV_2026);
        Topology.Table w = berlin.table("watch_event");
        // 2026-11-30T23:30Z is 2026-12-01 00:30 in Berlin
        assertThat(berlin.monthTable(w, Instant.parse("2026-11-30T23:30:00Z"))).isEqualTo("watch_event_202612");
        assertThat(topology.monthTable(watch, Instant.parse("2026-11-30T23:30:00Z"))).isEqualTo("watch_event_202611");
        // a local time is read in the month zone: midnight local is the month's first instant there
        assertThat(berlin.monthTable(w, LocalDateTime.of(2026, 12, 1, 0, 0))).isEqualTo("watch_event_202612");
        // an exclusive upper bound at Berlin's first instant of December does not touch December
        assertThat(berlin.monthsTouched(w, "2026-11-10T00:00:00+01:00", Instant.parse("2026-11-30T23:00:00Z"), false)
                .tables()).containsExactly("watch_event_202611");
        assertThat(berlin.monthsTouched(w, "2026-11-10T00:00:00+01:00", Instant.parse("2026-11-30T23:00:00Z"), true)
                .tables()).containsExactly("watch_event_202611", "watch_event_202612");
    }

    @Test
    void monthsTouched_halfOpenRange_stopsBeforeTheMonthItsUpperBoundOpens() {
        Topology.Months m = topology.monthsTouched(watch, "2026-10-15", "2026-12-01", false);
        assertThat(m.tables()).containsExactly("watch_event_202610", "watch_event_202611");
        assertThat(m.size()).isEqualTo(2);
        assertThat(m.toString()).isEqualTo("2026-10..2026-11");
        assertThat(topology.monthsTouched(watch, "2026-10-15", "2026-12-01 00:00:01", false).tables())
                .containsExactly("watch_event_202610", "watch_event_202611", "watch_event_202612");
    }

    @Test
    void monthsTouched_openBoundsAndRangesBeyondTheWindow_areClampedToIt() {
        assertThat(topology.monthsTouched(watch, null, null, true).tables()).isEqualTo(watch.physicalTables());
        assertThat(topology.monthsTouched(watch, "2020-01-01", "2030-01-01", true).size()).isEqualTo(5);
        assertThat(topology.monthsTouched(watch, "2026-12-05", null, true).tables())
                .containsExactly("watch_event_202612", "watch_event_202701");
        assertThat(topology.monthsTouched(watch, null, "2026-09-30", true).tables()).containsExactly("watch_event_202609");
    }

    @Test
    void monthsTouched_rangeMissingTheWindow_isEmpty() {
        Topology.Months before = topology.monthsTouched(watch, "2025-01-01", "2026-09-01", false);
        assertThat(before.isEmpty()).isTrue();
        assertThat(before.size()).isZero();
        assertThat(before.tables()).isEmpty();
        assertThat(before.toString()).isEqualTo("none of 2026-09..2027-01");
        assertThat(topology.monthsTouched(watch, "2027-02-01", null, true).isEmpty()).isTrue();
        assertThat(topology.monthsTouched(watch, "2026-12-01", "2026-11-01", true).isEmpty()).as("backwards").isTrue();
    }

    @Test
    void monthsTouched_tableNotSplitByMonth_isRefused() {
        assertThatThrownBy(() -> topology.monthsTouched(topology.table("users"), null, null, true))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("users is not split by month (strategy user)");
    }

    @Test
    void sameWindows_sameMonthSameWindowsNextMonthMoved() {
        Topology later = Topology.compile(topology.rules(), Clock.fixed(Instant.parse("2026-11-30T23:59:59Z"), ZoneOffset.UTC));
        Topology december = Topology.compile(topology.rules(), Clock.fixed(Instant.parse("2026-12-01T00:00:00Z"),
                ZoneOffset.UTC));
        assertThat(topology.sameWindows(later)).isTrue();
        assertThat(topology.sameWindows(december)).isFalse();
        assertThat(december.table("watch_event").window().last()).isEqualTo(YearMonth.of(2027, 2));
        assertThat(december.table("audit_log").window()).as("a fixed last month does not roll")
                .isEqualTo(topology.table("audit_log").window());
    }

    @Test
    void costOfShardOfAndMonthTable_doesNotDependOnShardsOrMonths() {
        // structural: 64 shards x 36 months compile to the same array lookups (no timing asserted)
        Rules.Builder b = Rules.builder().name("wide").bucketCount(1024).clock(NOV_2026);
        for (int s = 0; s < 64; s++) {
            b.shard(new ShardSpec("s" + s, NodeSpec.of("jdbc:postgresql://h" + s + ":5432/d", "u", ""), List.of(), null,
                    List.of(BucketRange.of(s * 16, s * 16 + 15))));
        }
        Topology wide = Topology.compile(b.table(TableSpec.userMonth("ev", "user_id", "at", YearMonth.of(2024, 3), 3))
                .build(), NOV_2026);
        Topology.Table ev = wide.table("ev");
        assertThat(ev.monthCount()).isEqualTo(36);
        assertThat(wide.monthTable(ev, "2024-03-01")).isEqualTo("ev_202403");
        assertThat(wide.monthTable(ev, "2027-02-28")).isEqualTo("ev_202702");
        for (long u = 0; u < 2_000; u++) {
            assertThat(wide.shardName(wide.shardOf(u))).isEqualTo(wide.rules().buckets().shardOf(u));
        }
    }
}
