package com.skyriff.data.migrations;

import static org.assertj.core.api.Assertions.assertThat;

import com.skyriff.data.SkyriffData;
import com.skyriff.data.rules.Rules;
import com.skyriff.data.testkit.LocalTopology;
import com.skyriff.data.testkit.PgShard;
import com.skyriff.data.testkit.TestDatabase;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * A month table that data-core creates at startup ({@code create-missing-months: true}) is indistinguishable from one
 * the migrations or {@code months --ahead} create: drift finds nothing, and a later migration naming an index or a
 * constraint of the template reaches it.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DataCoreMonthsIT {
    /** A month after {@link ClusterFixture#CLOCK}: the window (2026-10, one month ahead) now reaches 2027-01. */
    static final Clock LATER = Clock.fixed(Instant.parse("2026-12-15T10:00:00Z"), ZoneOffset.UTC);
    static final String READER = "core_months_reader";
    static final List<String> MONTHS = List.of("watch_event_202610", "watch_event_202611", "watch_event_202612",
            "watch_event_202701", "watch_event_202702");

    @TempDir
    static Path dir;
    static TestDatabase db;
    static Rules later;

    @BeforeAll
    static void start() {
        db = LocalTopology.shared().createDatabase("core_months_it");
        ClusterFixture.write(dir, "V1__create_tables.sql", ClusterFixture.V1 + """
                CREATE STATISTICS watch_event_user_video (ndistinct) ON user_id, video_id FROM watch_event;
                CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
                CREATE TRIGGER watch_event_touch BEFORE UPDATE ON watch_event FOR EACH ROW EXECUTE FUNCTION touch();
                DO $$ BEGIN CREATE ROLE core_months_reader; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
                GRANT SELECT ON watch_event TO core_months_reader;
                """);
        ClusterFixture.write(dir, "V2__add_kind.sql", ClusterFixture.V2);
        // the original migration, a month earlier: it creates watch_event_202610 .. watch_event_202612
        RunResult r = Migrator.builder().rules(ClusterFixture.rules(db)).migrations(dir).clock(ClusterFixture.CLOCK)
                .build().migrate();
        assertThat(r.success()).as(String.valueOf(r)).isTrue();
        later = ClusterFixture.rules(db, LATER, true);
    }

    static Drift.Report drift() {
        ClusterFixture.awaitReplicas(db);
        return Drift.of(later, LATER, Progress.NONE).check();
    }

    @Test
    @Order(1)
    void build_createMissingMonths_createsTheNewMonthExactlyAsTheMigrationsDo() throws SQLException {
        for (PgShard s : db.shards()) {
            assertThat(ClusterFixture.tables(s.primary())).doesNotContain("watch_event_202701");
        }
        try (SkyriffData data = SkyriffData.builder().rules(later).clock(LATER).build();
             Connection c = data.dataSource().getConnection()) {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO users (user_id, name) VALUES (?, ?)")) {
                ps.setLong(1, 7);
                ps.setString(2, "seven");
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO watch_event (user_id, video_id, created_at) VALUES (?, ?, ?)")) {
                ps.setLong(1, 7);
                ps.setLong(2, 1);
                ps.setTimestamp(3, Timestamp.from(Instant.parse("2027-01-05T08:00:00Z")));
                ps.executeUpdate();
            }
        }
        long rows = 0;
        for (PgShard s : db.shards()) {
            assertThat(ClusterFixture.tables(s.primary())).contains("watch_event_202701");
            rows += Long.parseLong(ClusterFixture.strings(s.primary(), "SELECT count(*) FROM watch_event_202701").get(0));
        }
        assertThat(rows).as("the row written through the layer, in the month table data-core made").isEqualTo(1);
        Drift.Report report = drift();
        assertThat(report.differences()).isEmpty();
        assertThat(report.clean()).isTrue();
    }

    @Test
    @Order(2)
    void ahead_afterDataCoreMadeAMonth_addsOnlyTheNextOneAndNothingDiffers() throws SQLException {
        Months months = Months.of(later, LATER, Progress.NONE);
        SqlPlan plan = months.ahead(2, null);
        assertThat(plan.nodes()).allSatisfy(n -> assertThat(n.units()).extracting(SqlPlan.Unit::label)
                .containsExactly("watch_event_202702"));
        assertThat(months.execute(plan).success()).isTrue();

        Drift.Report report = drift();
        assertThat(report.differences()).isEmpty();
        assertThat(report.clean()).isTrue();
        // what drift does not compare: extended statistics and grants
        for (PgShard s : db.shards()) {
            assertThat(ClusterFixture.strings(s.primary(),
                    "SELECT stxname FROM pg_statistic_ext WHERE stxname LIKE 'watch_event%' ORDER BY 1"))
                    .containsExactly("watch_event_202610_user_video", "watch_event_202611_user_video",
                            "watch_event_202612_user_video", "watch_event_202701_user_video",
                            "watch_event_202702_user_video", "watch_event_user_video");
            assertThat(ClusterFixture.strings(s.primary(), "SELECT relname FROM pg_class WHERE relkind = 'r' "
                    + "AND relname LIKE 'watch_event_2%' AND has_table_privilege('" + READER + "', oid, 'SELECT') "
                    + "ORDER BY 1")).containsExactlyElementsOf(MONTHS);
        }
    }

    @Test
    @Order(3)
    void migrate_droppingTheTemplatesIndexAndCheck_reachesEveryMonthWhoeverMadeIt() throws SQLException {
        ClusterFixture.write(dir, "V3__drop_user_idx.sql", """
                DROP INDEX watch_event_user_idx;
                ALTER TABLE watch_event DROP CONSTRAINT watch_event_video_positive;
                """);
        RunResult r = Migrator.builder().rules(later).migrations(dir).clock(LATER).build().migrate();
        assertThat(r.success()).as(String.valueOf(r)).isTrue();

        for (PgShard s : db.shards()) {
            assertThat(ClusterFixture.strings(s.primary(),
                    "SELECT indexname FROM pg_indexes WHERE indexname LIKE 'watch_event%user_idx'")).isEmpty();
            assertThat(ClusterFixture.strings(s.primary(),
                    "SELECT conname FROM pg_constraint WHERE conname LIKE 'watch_event%video_positive'")).isEmpty();
            assertThat(ClusterFixture.strings(s.primary(),
                    "SELECT relname FROM pg_class WHERE relname LIKE 'watch_event_2%_pkey' ORDER BY 1"))
                    .containsExactlyElementsOf(MONTHS.stream().map(m -> m + "_pkey").toList());
        }
        assertThat(drift().differences()).isEmpty();
    }
}
