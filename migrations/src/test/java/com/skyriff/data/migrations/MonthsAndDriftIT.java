package com.skyriff.data.migrations;

import static com.skyriff.data.migrations.ClusterFixture.CLOCK;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.skyriff.data.rules.Rules;
import com.skyriff.data.rules.TableSpec;
import com.skyriff.data.testkit.LocalTopology;
import com.skyriff.data.testkit.PgNode;
import com.skyriff.data.testkit.TestDatabase;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/** Months created ahead are indistinguishable from migrated ones; drift finds what a hand made change broke. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MonthsAndDriftIT {
    @TempDir
    static Path dir;
    static TestDatabase db;
    static Rules rules;
    static Months months;

    @BeforeAll
    static void start() {
        db = LocalTopology.shared().createDatabase("months_drift_it");
        rules = ClusterFixture.rules(db);
        ClusterFixture.write(dir, "V1__create_tables.sql", ClusterFixture.V1 + """
                CREATE STATISTICS watch_event_user_video (ndistinct) ON user_id, video_id FROM watch_event;
                CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
                CREATE TRIGGER watch_event_touch BEFORE UPDATE ON watch_event FOR EACH ROW EXECUTE FUNCTION touch();
                CREATE ROLE months_drift_reader;
                GRANT SELECT ON watch_event TO months_drift_reader;
                """);
        ClusterFixture.write(dir, "V2__add_kind.sql", ClusterFixture.V2);
        RunResult r = Migrator.builder().rules(rules).migrations(dir).clock(CLOCK).build().migrate();
        assertThat(r.success()).as(String.valueOf(r)).isTrue();
        months = Months.of(rules, CLOCK, Progress.NONE);
    }

    static Drift.Report drift() {
        ClusterFixture.awaitReplicas(db);
        return Drift.of(rules, CLOCK, Progress.NONE).check();
    }

    @Test
    @Order(1)
    void drift_freshlyMigrated_isClean() {
        Drift.Report report = drift();
        assertThat(report.differences()).isEmpty();
        assertThat(report.clean()).isTrue();
        // per node: users, regions, app_config (shard0 only has it as single... every node has it) + 4 watch_event tables
        assertThat(report.compared()).isGreaterThanOrEqualTo(4 * 4);
    }

    @Test
    @Order(2)
    void ahead_threeMonths_plansOnlyTheMissingMonthsWithoutChangingAnything() throws SQLException {
        SqlPlan plan = months.ahead(3, null);
        assertThat(plan.nodes()).allSatisfy(n -> {
            assertThat(n.error()).isNull();
            assertThat(n.units()).extracting(SqlPlan.Unit::label).containsExactly("watch_event_202701", "watch_event_202702");
        });
        assertThat(plan.nodes().get(0).units().get(0).statements()).containsExactly(
                "CREATE TABLE watch_event_202701 (LIKE watch_event INCLUDING ALL EXCLUDING INDEXES EXCLUDING CONSTRAINTS EXCLUDING STATISTICS)",
                "ALTER TABLE watch_event_202701 ADD CONSTRAINT watch_event_202701_video_positive CHECK ((video_id > 0))",
                "ALTER TABLE watch_event_202701 ADD CONSTRAINT watch_event_202701_pkey PRIMARY KEY (event_id, created_at)",
                "ALTER TABLE watch_event_202701 ADD CONSTRAINT watch_event_202701_user_id_fkey FOREIGN KEY (user_id) REFERENCES users(user_id)",
                "CREATE INDEX watch_event_202701_kind_idx ON public.watch_event_202701 USING btree (kind) WHERE (kind > 0)",
                "CREATE INDEX watch_event_202701_user_idx ON public.watch_event_202701 USING btree (user_id, created_at)",
                "CREATE STATISTICS public.watch_event_202701_user_video (ndistinct) ON user_id, video_id FROM watch_event_202701",
                "CREATE TRIGGER watch_event_touch BEFORE UPDATE ON public.watch_event_202701 FOR EACH ROW EXECUTE FUNCTION touch()",
                "GRANT SELECT ON TABLE watch_event_202701 TO months_drift_reader");
        assertThat(ClusterFixture.tables(db.shards().get(0).primary())).doesNotContain("watch_event_202701");
    }

    @Test
    @Order(3)
    void ahead_executed_monthsMatchTheMigratedOnesExactly() throws SQLException {
        List<String> progress = new ArrayList<>();
        RunResult r = Months.of(rules, CLOCK, (w, what, d, t) -> progress.add(w + " " + what + " " + d + "/" + t))
                .execute(months.ahead(3, null));
        assertThat(r.success()).isTrue();
        assertThat(r.nodes()).allSatisfy(n -> assertThat(n.done()).containsExactly("watch_event_202701", "watch_event_202702"));
        assertThat(progress).contains("shard1 primary watch_event_202702 3/4");
        assertThat(drift().differences()).isEmpty();
        assertThat(months.ahead(3, null).isEmpty()).isTrue();
        assertThat(months.status("watch_event")).allSatisfy(s -> {
            assertThat(s.missing()).isEmpty();
            assertThat(s.existing()).containsExactly(YearMonth.of(2026, 10), YearMonth.of(2026, 11), YearMonth.of(2026, 12),
                    YearMonth.of(2027, 1), YearMonth.of(2027, 2));
        });
    }

    @Test
    @Order(4)
    void migrate_afterMonthsAhead_reachesTheNewMonthsToo() throws SQLException {
        ClusterFixture.write(dir, "V3__add_rating.sql", "ALTER TABLE watch_event ADD COLUMN rating int;\n"
                + "DROP INDEX watch_event_kind_idx;\nCREATE INDEX watch_event_kind_idx ON watch_event (kind);");
        assertThat(Migrator.builder().rules(rules).migrations(dir).clock(CLOCK).build().migrate().success()).isTrue();
        assertThat(ClusterFixture.strings(db.shards().get(1).primary(),
                "SELECT table_name FROM information_schema.columns WHERE column_name = 'rating' ORDER BY 1"))
                .containsExactly("watch_event", "watch_event_202610", "watch_event_202611", "watch_event_202612",
                        "watch_event_202701", "watch_event_202702");
        assertThat(drift().differences()).isEmpty();
    }

    @Test
    @Order(5)
    void drift_handMadeChanges_areEachNamedPrecisely() throws SQLException {
        PgNode shard1 = db.shards().get(1).primary();
        ClusterFixture.execute(shard1, "ALTER TABLE watch_event_202612 ALTER COLUMN kind TYPE integer");
        ClusterFixture.execute(shard1, "DROP INDEX watch_event_202701_user_idx");
        ClusterFixture.execute(shard1, "ALTER TABLE watch_event_202610 ADD COLUMN note text");
        ClusterFixture.execute(shard1, "ALTER TABLE watch_event_202611 ALTER COLUMN video_id DROP NOT NULL");
        ClusterFixture.execute(shard1, "ALTER TABLE watch_event_202611 ALTER COLUMN kind SET DEFAULT 1");
        ClusterFixture.execute(shard1, "ALTER TABLE regions DROP CONSTRAINT regions_pkey");
        ClusterFixture.execute(shard1, "ALTER TABLE watch_event_202702 DROP CONSTRAINT watch_event_202702_video_positive, "
                + "ADD CONSTRAINT watch_event_202702_video_positive CHECK (video_id >= 0)");
        ClusterFixture.execute(shard1, "DROP TABLE watch_event_202610");
        try {
            Drift.Report report = drift();
            assertThat(report.differences()).extracting(Drift.Difference::describe).containsExactlyInAnyOrder(
                    "shard1 primary regions: index regions_pkey is missing; expected 'CREATE UNIQUE INDEX ON public.<table> USING btree (code)'",
                    "shard1 primary regions: constraint regions_pkey is missing; expected 'PRIMARY KEY (code)'",
                    "shard1 replica 0 regions: index regions_pkey is missing; expected 'CREATE UNIQUE INDEX ON public.<table> USING btree (code)'",
                    "shard1 replica 0 regions: constraint regions_pkey is missing; expected 'PRIMARY KEY (code)'",
                    "shard1 primary watch_event_202610: table is missing",
                    "shard1 replica 0 watch_event_202610: table is missing",
                    "shard1 primary watch_event_202611: column video_id nullability differs; was 'NULL', expected 'NOT NULL'",
                    "shard1 replica 0 watch_event_202611: column video_id nullability differs; was 'NULL', expected 'NOT NULL'",
                    "shard1 primary watch_event_202611: column kind default differs; was '1', expected '0'",
                    "shard1 replica 0 watch_event_202611: column kind default differs; was '1', expected '0'",
                    "shard1 primary watch_event_202612: column kind type differs; was 'integer', expected 'smallint'",
                    "shard1 replica 0 watch_event_202612: column kind type differs; was 'integer', expected 'smallint'",
                    "shard1 primary watch_event_202701: index watch_event_202701_user_idx is missing; expected 'CREATE INDEX ON public.<table> USING btree (user_id, created_at)'",
                    "shard1 replica 0 watch_event_202701: index watch_event_202701_user_idx is missing; expected 'CREATE INDEX ON public.<table> USING btree (user_id, created_at)'",
                    "shard1 primary watch_event_202702: constraint watch_event_202702_video_positive definition differs; was 'CHECK ((video_id >= 0))', expected 'CHECK ((video_id > 0))'",
                    "shard1 replica 0 watch_event_202702: constraint watch_event_202702_video_positive definition differs; was 'CHECK ((video_id >= 0))', expected 'CHECK ((video_id > 0))'");
            assertThat(report.clean()).isFalse();
        } finally {
            ClusterFixture.execute(shard1, "ALTER TABLE regions ADD PRIMARY KEY (code)");
        }
    }

    @Test
    @Order(6)
    void drift_missingAndExtraColumns_areReportedAgainstTheReference() throws SQLException {
        ClusterFixture.execute(db.shards().get(0).primary(), "ALTER TABLE regions ADD COLUMN note text");
        ClusterFixture.execute(db.shards().get(1).primary(), "ALTER TABLE users ADD COLUMN note text NOT NULL DEFAULT 'x'");
        Drift.Report report = drift();
        assertThat(report.differences()).extracting(Drift.Difference::describe)
                .contains("shard1 primary regions: column note is missing; expected 'text'",
                        "shard1 replica 0 regions: column note is missing; expected 'text'",
                        "shard1 primary users: column note is extra; was 'text NOT NULL DEFAULT 'x'::text'")
                .noneMatch(d -> d.startsWith("shard0 replica 0 regions"));
    }

    @Test
    @Order(7)
    void dropBefore_monthsInsideTheWindow_isRefused() {
        assertThatThrownBy(() -> months.dropBefore(YearMonth.of(2026, 12), null, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("tables.watch_event.first-month is 2026-10, inside the months --drop-before 2026-12 would "
                        + "remove (window 2026-10..2026-12); was 2026-10, expected 2026-12 or later: change the rules and "
                        + "restart the services first");
    }

    @Test
    @Order(8)
    void dropBefore_archive_movesOldMonthsIntoTheArchiveSchema() throws SQLException {
        Rules later = Rules.builder().name(rules.name()).bucketCount(64).clock(CLOCK)
                .shard(rules.shards().get(0)).shard(rules.shards().get(1))
                .table(TableSpec.userMonth("watch_event", "user_id", "created_at", YearMonth.of(2026, 12), 2))
                .build();
        Months m = Months.of(later, CLOCK, Progress.NONE);
        SqlPlan plan = m.dropBefore(YearMonth.of(2026, 12), "archive", null);
        assertThat(plan.nodes().get(0).units()).extracting(SqlPlan.Unit::label)
                .containsExactly("watch_event_202610", "watch_event_202611");
        assertThat(plan.nodes().get(1).units()).extracting(SqlPlan.Unit::label).containsExactly("watch_event_202611");
        assertThat(plan.nodes().get(0).units().get(0).statements())
                .containsExactly("CREATE SCHEMA IF NOT EXISTS archive", "ALTER TABLE watch_event_202610 SET SCHEMA archive");
        assertThat(m.execute(plan).success()).isTrue();
        assertThat(ClusterFixture.strings(db.shards().get(0).primary(),
                "SELECT schemaname || '.' || tablename FROM pg_tables WHERE tablename LIKE 'watch_event_2026%' ORDER BY 1"))
                .containsExactly("archive.watch_event_202610", "archive.watch_event_202611", "public.watch_event_202612");
        SqlPlan drop = m.dropBefore(YearMonth.of(2026, 12), null, null);
        assertThat(drop.isEmpty()).isTrue();
    }

    @Test
    @Order(9)
    void drift_monthCreatedByPlainLike_reportsWhatLikeDoesNotCopy() throws SQLException {
        // what a bare CREATE TABLE .. (LIKE .. INCLUDING ALL) gives: PostgreSQL's own index names, no FOREIGN KEY,
        // no trigger; months --ahead adds those so that a later migration naming them reaches every month
        PgNode shard0 = db.shards().get(0).primary();
        ClusterFixture.execute(shard0, "CREATE TABLE watch_event_202703 (LIKE watch_event INCLUDING ALL)");
        List<String> diffs = drift().differences().stream().filter(d -> d.table().equals("watch_event_202703")
                && d.node().equals("shard0 primary")).map(Drift.Difference::describe).toList();
        assertThat(diffs).containsExactlyInAnyOrder(
                "shard0 primary watch_event_202703: index watch_event_202703_user_id_created_at_idx name differs (a later "
                        + "migration naming it will not find it here); was 'watch_event_202703_user_id_created_at_idx', "
                        + "expected 'watch_event_202703_user_idx'",
                "shard0 primary watch_event_202703: constraint watch_event_video_positive name differs (a later migration "
                        + "naming it will not find it here); was 'watch_event_video_positive', expected "
                        + "'watch_event_202703_video_positive'",
                "shard0 primary watch_event_202703: constraint watch_event_202703_user_id_fkey is missing; expected "
                        + "'FOREIGN KEY (user_id) REFERENCES users(user_id)'",
                "shard0 primary watch_event_202703: trigger watch_event_touch is missing; expected 'CREATE TRIGGER "
                        + "watch_event_touch BEFORE UPDATE ON public.<table> FOR EACH ROW EXECUTE FUNCTION touch()'");
        ClusterFixture.execute(shard0, "DROP TABLE watch_event_202703");
    }
}
