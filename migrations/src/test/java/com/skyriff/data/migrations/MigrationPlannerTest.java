package com.skyriff.data.migrations;

import static org.assertj.core.api.Assertions.assertThat;

import com.skyriff.data.rules.BucketRange;
import com.skyriff.data.rules.NodeSpec;
import com.skyriff.data.rules.Rules;
import com.skyriff.data.rules.ShardSpec;
import com.skyriff.data.rules.TableSpec;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class MigrationPlannerTest {
    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-25T10:00:00Z"), ZoneOffset.UTC);
    static final Rules RULES = Rules.builder().bucketCount(4)
            .shard(ShardSpec.of("shard0", NodeSpec.of("jdbc:postgresql://h0/db", "u", "p")).withBuckets(BucketRange.of(0, 1)))
            .shard(ShardSpec.of("shard1", NodeSpec.of("jdbc:postgresql://h1/db", "u", "p")).withBuckets(BucketRange.of(2, 3)))
            .table(TableSpec.user("users", "user_id"))
            .table(TableSpec.userMonth("watch_event", "user_id", "created_at", YearMonth.of(2026, 10), 1))
            .table(TableSpec.month("audit", "at", YearMonth.of(2026, 11), 0))
            .clock(CLOCK).build();

    final MigrationPlanner planner = new MigrationPlanner(com.skyriff.data.rules.Topology.compile(RULES, CLOCK));

    static MigrationScript script(String sql) {
        return new MigrationScript("1", "test", "V1__test.sql", Path.of("V1__test.sql"), MigrationScript.checksum(sql), sql);
    }

    @Test
    void plan_createMonthlyTable_createsTemplateAndWindowMonths() {
        Set<String> existing = new HashSet<>();
        List<MigrationPlanner.Planned> plan = planner.plan(script("""
                CREATE TABLE users (user_id bigint PRIMARY KEY);
                CREATE TABLE watch_event (id bigint, user_id bigint, created_at timestamptz, PRIMARY KEY (id, created_at));
                CREATE INDEX watch_event_user_idx ON watch_event (user_id);
                """), "shard1", existing);
        assertThat(plan).extracting(MigrationPlanner.Planned::sql).containsExactly(
                "CREATE TABLE users (user_id bigint PRIMARY KEY)",
                "CREATE TABLE watch_event (id bigint, user_id bigint, created_at timestamptz, PRIMARY KEY (id, created_at))",
                "CREATE TABLE watch_event_202610 (id bigint, user_id bigint, created_at timestamptz, PRIMARY KEY (id, created_at))",
                "CREATE TABLE watch_event_202611 (id bigint, user_id bigint, created_at timestamptz, PRIMARY KEY (id, created_at))",
                "CREATE TABLE watch_event_202612 (id bigint, user_id bigint, created_at timestamptz, PRIMARY KEY (id, created_at))",
                "CREATE INDEX watch_event_user_idx ON watch_event (user_id)",
                "CREATE INDEX watch_event_202610_user_idx ON watch_event_202610 (user_id)",
                "CREATE INDEX watch_event_202611_user_idx ON watch_event_202611 (user_id)",
                "CREATE INDEX watch_event_202612_user_idx ON watch_event_202612 (user_id)");
        assertThat(existing).contains("watch_event", "watch_event_202612");
    }

    @Test
    void plan_alterMonthlyTable_reachesEveryExistingMonthOnly() {
        Set<String> existing = new HashSet<>(Set.of("watch_event", "watch_event_202509", "watch_event_202611", "other_202611"));
        assertThat(planner.plan(script("ALTER TABLE watch_event ADD COLUMN kind smallint"), "shard0", existing))
                .extracting(MigrationPlanner.Planned::table)
                .containsExactly("watch_event", "watch_event_202509", "watch_event_202611");
    }

    @Test
    void plan_monthTableOnShardThatDoesNotHoldIt_createsTemplateOnly() {
        assertThat(planner.plan(script("CREATE TABLE audit (at timestamptz)"), "shard1", new HashSet<>()))
                .extracting(MigrationPlanner.Planned::table).containsExactly("audit");
        assertThat(planner.plan(script("CREATE TABLE audit (at timestamptz)"), "shard0", new HashSet<>()))
                .extracting(MigrationPlanner.Planned::table).containsExactly("audit", "audit_202611");
    }

    @Test
    void check_badStatement_namesFileAndStatement() {
        assertThat(planner.check(script("SELECT 1; CREATE INDEX bad ON watch_event (a)")))
                .singleElement().asString().startsWith("V1__test.sql statement 2: names index/constraint 'bad'");
    }

    @Test
    void checksum_lineEndings_doNotMatter() {
        assertThat(MigrationScript.checksum("a\r\nb\r\n")).isEqualTo(MigrationScript.checksum("a\nb\n"));
        assertThat(MigrationScript.checksum("a\nb")).isNotEqualTo(MigrationScript.checksum("a\nc"));
    }

    @Test
    void ddl_scriptsFromText_expandOfflinePerShardInVersionOrder() {
        SqlPlan plan = Migrator.builder().rules(RULES).clock(CLOCK).scripts(List.of(
                MigrationScript.of("V2__kind.sql", "ALTER TABLE watch_event ADD COLUMN kind int;"),
                MigrationScript.of("V1__create.sql", "CREATE TABLE watch_event (id bigint);"))).build().ddl();
        assertThat(plan.nodes()).hasSize(2);
        assertThat(plan.nodes().get(0).units()).extracting(SqlPlan.Unit::label).containsExactly("V1 create", "V2 kind");
        assertThat(plan.nodes().get(0).units().get(1).statements()).containsExactly(
                "ALTER TABLE watch_event ADD COLUMN kind int", "ALTER TABLE watch_event_202610 ADD COLUMN kind int",
                "ALTER TABLE watch_event_202611 ADD COLUMN kind int", "ALTER TABLE watch_event_202612 ADD COLUMN kind int");
    }

    @Test
    void of_badFileName_throws() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> MigrationScript.of("create.sql", ""))
                .hasMessage("create.sql: not a versioned migration name; expected V<version>__<description>.sql such as V2__add_kind.sql");
    }
}
