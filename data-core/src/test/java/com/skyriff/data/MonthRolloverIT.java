package com.skyriff.data;

import static org.assertj.core.api.Assertions.assertThat;

import com.skyriff.data.rules.NodeSpec;
import com.skyriff.data.rules.Rules;
import com.skyriff.data.rules.ShardSpec;
import com.skyriff.data.rules.TableSpec;
import com.skyriff.data.testkit.LocalTopology;
import com.skyriff.data.testkit.PgNode;
import com.skyriff.data.testkit.PgShard;
import com.skyriff.data.testkit.TestDatabase;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** Crossing a month boundary needs no restart: the window already holds the next months' tables. */
class MonthRolloverIT {

    @Test
    void insert_justAfterMidnightOnThe1st_landsInTheNewMonthsTableWithoutRestart() throws SQLException {
        TestDatabase db = LocalTopology.shared().createDatabase("rollover_it");
        PgShard shard = db.shards().get(0);
        PgNode p = shard.primary();
        try (Connection c = DriverManager.getConnection(p.jdbcUrl(), p.user(), p.password()); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE audit_log (id bigint NOT NULL, at timestamptz NOT NULL, what text NOT NULL, "
                    + "PRIMARY KEY (id, at))");
        }
        Clock lastMinuteOfNovember = Clock.fixed(Instant.parse("2026-11-30T23:59:30Z"), ZoneOffset.UTC);
        Rules rules = Rules.builder().name("rollover_it").createMissingMonths(true)
                .shard(ShardSpec.of("shard0", NodeSpec.of(p.jdbcUrl(), p.user(), p.password())))
                .table(TableSpec.month("audit_log", "at", YearMonth.of(2026, 11), 1).withId("id"))
                .clock(lastMinuteOfNovember)
                .build();
        try (SkyriffData data = SkyriffData.builder().rules(rules).clock(lastMinuteOfNovember).build();
             Connection c = data.dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement("INSERT INTO audit_log (at, what) VALUES (?, ?)")) {
            ps.setTimestamp(1, Timestamp.from(Instant.parse("2026-11-30T23:59:59Z")));
            ps.setString(2, "before midnight");
            ps.executeUpdate();
            ps.setTimestamp(1, Timestamp.from(Instant.parse("2026-12-01T00:00:01Z")));
            ps.setString(2, "after midnight");
            ps.executeUpdate();
        }
        try (Connection c = DriverManager.getConnection(p.jdbcUrl(), p.user(), p.password()); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT (SELECT what FROM audit_log_202611), (SELECT what FROM audit_log_202612)")) {
            rs.next();
            assertThat(rs.getString(1)).isEqualTo("before midnight");
            assertThat(rs.getString(2)).isEqualTo("after midnight");
        }
    }

    /** A clock the test moves forward. */
    static final class MovableClock extends Clock {
        volatile Instant now;

        MovableClock(Instant start) {
            now = start;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    @Test
    void refreshMonthWindows_afterTheWindowMoves_createsAndRoutesToTheNewMonthWithoutRestart() throws SQLException {
        TestDatabase db = LocalTopology.shared().createDatabase("rollover_refresh_it");
        PgNode p = db.shards().get(0).primary();
        try (Connection c = DriverManager.getConnection(p.jdbcUrl(), p.user(), p.password()); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE audit_log (id bigint NOT NULL, at timestamptz NOT NULL, what text NOT NULL, "
                    + "PRIMARY KEY (id, at))");
        }
        MovableClock clock = new MovableClock(Instant.parse("2026-11-15T12:00:00Z"));
        Rules rules = Rules.builder().name("rollover_refresh_it").createMissingMonths(true)
                .shard(ShardSpec.of("shard0", NodeSpec.of(p.jdbcUrl(), p.user(), p.password())))
                .table(TableSpec.month("audit_log", "at", YearMonth.of(2026, 11), 0).withId("id"))
                .clock(clock)
                .build();
        try (SkyriffData data = SkyriffData.builder().rules(rules).clock(clock).build()) {
            assertThat(data.refreshMonthWindows()).as("nothing moved yet").isFalse();
            clock.now = Instant.parse("2026-12-01T00:00:05Z");
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> insert(data, "2026-12-01T00:00:04Z"))
                    .as("before the roll-over December is outside the window")
                    .hasStackTraceContaining("falls in month 2026-12, outside the table's month window 2026-11..2026-11");
            assertThat(data.refreshMonthWindows()).isTrue();
            insert(data, "2026-12-01T00:00:04Z");
        }
        try (Connection c = DriverManager.getConnection(p.jdbcUrl(), p.user(), p.password()); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM audit_log_202612")) {
            rs.next();
            assertThat(rs.getLong(1)).isEqualTo(1);
        }
    }

    @Test
    void refreshMonthWindows_swapsTopologyAndShardingSphereAsOneGeneration() throws Exception {
        TestDatabase db = LocalTopology.shared().createDatabase("rollover_generation_it");
        PgNode p = db.shards().get(0).primary();
        try (Connection c = DriverManager.getConnection(p.jdbcUrl(), p.user(), p.password()); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE audit_log (id bigint NOT NULL, at timestamptz NOT NULL, what text NOT NULL, "
                    + "PRIMARY KEY (id, at))");
        }
        MovableClock clock = new MovableClock(Instant.parse("2026-11-15T12:00:00Z"));
        Rules rules = Rules.builder().name("rollover_generation_it").createMissingMonths(true)
                .shard(ShardSpec.of("shard0", NodeSpec.of(p.jdbcUrl(), p.user(), p.password())))
                .table(TableSpec.month("audit_log", "at", YearMonth.of(2026, 11), 0).withId("id"))
                .clock(clock)
                .build();
        String december = "SELECT what FROM audit_log WHERE at >= ? AND at < ?";
        Timestamp from = Timestamp.from(Instant.parse("2026-12-01T00:00:00Z"));
        Timestamp to = Timestamp.from(Instant.parse("2027-01-01T00:00:00Z"));
        try (SkyriffData data = SkyriffData.builder().rules(rules).clock(clock).build()) {
            MonthWindowRoller roller = (MonthWindowRoller) data.dataSource();
            MonthWindowRoller.Generation before = roller.generation();
            assertThat(shardingSphereTopology(before)).as("ShardingSphere's algorithms adapt the generation's topology")
                    .isSameAs(before.topology());
            assertThat(before.router().topology).isSameAs(before.topology());
            try (Connection old = data.dataSource().getConnection()) {
                clock.now = Instant.parse("2026-12-01T00:00:05Z");
                assertThat(data.refreshMonthWindows()).isTrue();
                MonthWindowRoller.Generation after = roller.generation();
                assertThat(after.topology()).isNotSameAs(before.topology());
                assertThat(after.topology().table("audit_log").window().toString()).isEqualTo("2026-11..2026-12");
                assertThat(shardingSphereTopology(after)).isSameAs(after.topology());
                assertThat(after.router().topology).isSameAs(after.topology());
                assertThat(data.route(december, from, to).sql())
                        .isEqualTo("SELECT what FROM audit_log_202612 AS audit_log WHERE at >= ? AND at < ?");
                insert(data, "2026-12-01T00:00:04Z");
                // the connection taken before the roll-over keeps the old pair: both of its paths see November only
                try (PreparedStatement ps = old.prepareStatement(december)) {
                    ps.setTimestamp(1, from);
                    ps.setTimestamp(2, to);
                    try (ResultSet rs = ps.executeQuery()) {
                        assertThat(rs.next()).as("old generation: December is outside its window").isFalse();
                    }
                }
                try (PreparedStatement ps = old.prepareStatement("INSERT INTO audit_log (at, what) VALUES (?, ?)")) {
                    ps.setTimestamp(1, Timestamp.from(Instant.parse("2026-12-01T00:00:06Z")));
                    ps.setString(2, "old");
                    org.assertj.core.api.Assertions.assertThatThrownBy(ps::executeUpdate)
                            .hasStackTraceContaining("outside the table's month window 2026-11..2026-11");
                }
            }
            try (Connection fresh = data.dataSource().getConnection(); PreparedStatement ps = fresh.prepareStatement(december)) {
                ps.setTimestamp(1, from);
                ps.setTimestamp(2, to);
                try (ResultSet rs = ps.executeQuery()) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getString(1)).isEqualTo("x");
                    assertThat(rs.next()).isFalse();
                }
            }
        }
    }

    /** The topology the sharding algorithms of a generation's ShardingSphere data source were compiled with. */
    private static com.skyriff.data.rules.Topology shardingSphereTopology(MonthWindowRoller.Generation g)
            throws SQLException {
        try (Connection c = g.source().getConnection()) {
            var ss = c.unwrap(org.apache.shardingsphere.driver.jdbc.core.connection.ShardingSphereConnection.class);
            var rule = ss.getContextManager().getDatabase(ss.getCurrentDatabaseName()).getRuleMetaData()
                    .getSingleRule(org.apache.shardingsphere.sharding.rule.ShardingRule.class);
            return com.skyriff.data.rules.internal.ShardingSphereRules.topologyOf(rule.getConfiguration());
        }
    }

    private static void insert(SkyriffData data, String at) throws SQLException {
        try (Connection c = data.dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement("INSERT INTO audit_log (at, what) VALUES (?, ?)")) {
            ps.setTimestamp(1, Timestamp.from(Instant.parse(at)));
            ps.setString(2, "x");
            ps.executeUpdate();
        }
    }
}
