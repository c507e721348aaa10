package com.skyriff.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.skyriff.data.rules.NodeSpec;
import com.skyriff.data.rules.Rules;
import com.skyriff.data.rules.ShardSpec;
import com.skyriff.data.rules.TableSpec;
import com.skyriff.data.schema.Catalog;
import com.skyriff.data.schema.MonthTableDdl;
import com.skyriff.data.testkit.LocalTopology;
import com.skyriff.data.testkit.PgNode;
import com.skyriff.data.testkit.TestDatabase;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code create-missing-months: true} creates a month table with the statements {@code skyriff months --ahead} runs
 * (names a migration would give), and a month table another process creates at the same moment is kept; the check
 * (which runs while ShardingSphere starts) reports an unreachable primary as the sequential check did.
 */
class MonthTablesIT {
    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-15T12:00:00Z"), ZoneOffset.UTC);
    static final String TEMPLATE = """
            CREATE TABLE audit_log (id bigint NOT NULL, at timestamptz NOT NULL, what text NOT NULL,
                CONSTRAINT audit_log_what_set CHECK (what <> ''), PRIMARY KEY (id, at));
            CREATE INDEX audit_log_time_idx ON audit_log (at);
            """;

    static Rules rules(String name, PgNode p) {
        return Rules.builder().name(name).createMissingMonths(true)
                .shard(ShardSpec.of("shard0", NodeSpec.of(p.jdbcUrl(), p.user(), p.password())))
                .table(TableSpec.month("audit_log", "at", YearMonth.of(2026, 11), 0).withId("id"))
                .clock(CLOCK)
                .build();
    }

    @Test
    void build_monthTablesOnAnUnreachablePrimary_failsWithTheMonthCheckMessageNotShardingSpheres() {
        NodeSpec nowhere = NodeSpec.of("jdbc:postgresql://127.0.0.1:1/skyriff", "app", "hunter2");
        Rules rules = Rules.builder().name("unreachable_it")
                .shard(ShardSpec.of("shard0", nowhere))
                .table(TableSpec.month("audit_log", "at", YearMonth.of(2026, 11), 0).withId("id"))
                .clock(CLOCK)
                .build();
        assertThatThrownBy(() -> SkyriffData.builder().rules(rules).clock(CLOCK).build())
                .isInstanceOf(SkyriffDataException.class)
                .hasMessageStartingWith("shard0 primary - cannot check month tables at jdbc:postgresql://127.0.0.1:1/")
                .hasMessageContaining("Connection to 127.0.0.1:1 refused")
                .hasMessageNotContaining("hunter2");
    }

    @Test
    void build_createMissingMonths_namesIndexesAndConstraintsAsAMigrationWould() throws SQLException {
        TestDatabase db = LocalTopology.shared().createDatabase("month_tables_it");
        PgNode p = db.shards().get(0).primary();
        execute(p, TEMPLATE);
        try (SkyriffData data = SkyriffData.builder().rules(rules("month_tables_it", p)).clock(CLOCK).build()) {
            assertThat(data.dataSource()).isNotNull();
        }
        assertThat(strings(p, "SELECT indexname FROM pg_indexes WHERE tablename = 'audit_log_202611' ORDER BY 1"))
                .containsExactly("audit_log_202611_pkey", "audit_log_202611_time_idx");
        assertThat(strings(p, "SELECT conname FROM pg_constraint WHERE conrelid = 'audit_log_202611'::regclass ORDER BY 1"))
                .containsExactly("audit_log_202611_pkey", "audit_log_202611_what_set");
    }

    @Test
    void build_whileAnotherProcessCreatesTheSameMonth_keepsTheTableItCreated() throws Exception {
        TestDatabase db = LocalTopology.shared().createDatabase("month_tables_race_it");
        PgNode p = db.shards().get(0).primary();
        execute(p, TEMPLATE);
        ExecutorService executor = Executors.newSingleThreadExecutor();
        try (Connection other = connect(p)) {
            // another process (months --ahead, another service starting) is creating the month, not committed yet
            Catalog.Table template = Catalog.read(other, "audit_log"::equals).table("audit_log");
            other.setAutoCommit(false);
            try (Statement s = other.createStatement()) {
                for (String sql : MonthTableDdl.create(template, "audit_log_202611")) {
                    s.execute(sql);
                }
                s.execute("COMMENT ON TABLE audit_log_202611 IS 'made by the other process'");
            }
            Future<SkyriffData> build = executor.submit(
                    () -> SkyriffData.builder().rules(rules("month_tables_race_it", p)).clock(CLOCK).build());
            awaitSessionWaitingForALock(p, build);
            other.commit();
            try (SkyriffData data = build.get(2, TimeUnit.MINUTES)) {
                assertThat(data.dataSource()).isNotNull();
            }
        } finally {
            executor.shutdownNow();
        }
        assertThat(strings(p, "SELECT obj_description('audit_log_202611'::regclass, 'pg_class')"))
                .containsExactly("made by the other process");
    }

    /** Until a session of this database waits for a lock (the build's CREATE TABLE behind the open transaction). */
    private static void awaitSessionWaitingForALock(PgNode p, Future<SkyriffData> build) throws Exception {
        for (int i = 0; i < 1200; i++) {
            if (build.isDone()) {
                build.get().close(); // it did not wait: a failure surfaces here, a success fails below
                throw new AssertionError("the build finished while the other process's month table was uncommitted");
            }
            List<String> waiting = strings(p, "SELECT pid::text FROM pg_stat_activity WHERE datname = current_database() "
                    + "AND wait_event_type = 'Lock'");
            if (!waiting.isEmpty()) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no session of " + p.database() + " waited for the uncommitted month table");
    }

    static Connection connect(PgNode n) throws SQLException {
        return DriverManager.getConnection(n.jdbcUrl(), n.user(), n.password());
    }

    static void execute(PgNode n, String sql) throws SQLException {
        try (Connection c = connect(n); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    static List<String> strings(PgNode n, String sql) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Connection c = connect(n); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }
}
