package com.skyriff.data.migrations;

import static com.skyriff.data.migrations.ClusterFixture.CLOCK;
import static org.assertj.core.api.Assertions.assertThat;

import com.skyriff.data.rules.Rules;
import com.skyriff.data.testkit.LocalTopology;
import com.skyriff.data.testkit.PgShard;
import com.skyriff.data.testkit.TestDatabase;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/** A migration that fails on one shard stops there, says what was applied where, and a re-run continues. */
@Tag("slow")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class InterruptedMigrationIT {
    @TempDir
    static Path dir;
    static TestDatabase db;
    static Rules rules;

    @BeforeAll
    static void start() {
        db = LocalTopology.shared().createDatabase("interrupted_it");
        rules = ClusterFixture.rules(db);
        ClusterFixture.write(dir, "V1__create_tables.sql", ClusterFixture.V1);
        assertThat(migrator().migrate().success()).isTrue();
    }

    static Migrator migrator() {
        return Migrator.builder().rules(rules).migrations(dir).clock(CLOCK).build();
    }

    static String versions(int shard) throws SQLException {
        return String.join(",", ClusterFixture.strings(db.shards().get(shard).primary(),
                "SELECT version FROM flyway_schema_history WHERE success ORDER BY installed_rank"));
    }

    @Test
    @Order(1)
    void migrate_shardDown_stopsThereReportsWhatWasAppliedWhereAndResumes() throws SQLException {
        ClusterFixture.write(dir, "V2__add_kind.sql", ClusterFixture.V2);
        PgShard shard1 = db.shards().get(1);
        shard1.stopPrimary();
        RunResult failed;
        try {
            failed = migrator().migrate();
        } finally {
            shard1.startPrimary();
        }
        assertThat(failed.success()).isFalse();
        assertThat(failed.nodes().get(0).status()).isEqualTo(RunResult.Status.DONE);
        assertThat(failed.nodes().get(0).done()).containsExactly("V2 add kind");
        assertThat(failed.nodes().get(1).status()).isEqualTo(RunResult.Status.FAILED);
        assertThat(failed.nodes().get(1).done()).isEmpty();
        assertThat(failed.nodes().get(1).error())
                .startsWith("shard1 primary - migration failed at " + shard1.primary().jdbcUrl() + ": ")
                .contains("refused");
        assertThat(versions(0)).isEqualTo("1,2");
        assertThat(versions(1)).isEqualTo("1");

        RunResult resumed = migrator().migrate();
        assertThat(resumed.success()).isTrue();
        assertThat(resumed.nodes().get(0).status()).isEqualTo(RunResult.Status.UP_TO_DATE);
        assertThat(resumed.nodes().get(1).status()).isEqualTo(RunResult.Status.DONE);
        assertThat(resumed.nodes().get(1).done()).containsExactly("V2 add kind");
        assertThat(versions(1)).isEqualTo("1,2");
        shard1.awaitReplicaCatchUp(Duration.ofSeconds(60));
        assertThat(Drift.of(rules, CLOCK, Progress.NONE).check().differences()).isEmpty();
    }

    @Test
    @Order(2)
    void migrate_statementFailsOnOneShard_rollsThatShardBackAndResumesAfterTheFix() throws SQLException {
        // someone created the index by hand on one month table of shard1: V3 fails there
        ClusterFixture.execute(db.shards().get(1).primary(), "CREATE INDEX watch_event_202611_video_idx ON watch_event_202611 (video_id)");
        ClusterFixture.write(dir, "V3__video_index.sql", """
                ALTER TABLE regions ADD COLUMN sort int;
                CREATE INDEX watch_event_video_idx ON watch_event (video_id);
                """);
        RunResult failed = migrator().migrate();
        assertThat(failed.nodes().get(0).status()).isEqualTo(RunResult.Status.DONE);
        assertThat(failed.nodes().get(1).status()).isEqualTo(RunResult.Status.FAILED);
        assertThat(failed.nodes().get(1).failed()).isEqualTo("V3 video index");
        assertThat(failed.nodes().get(1).error()).isEqualTo("shard1 primary - V3__video_index.sql statement 2 on "
                + "watch_event_202611 failed: ERROR: relation \"watch_event_202611_video_idx\" already exists "
                + "(this migration was rolled back on this node)");
        assertThat(ClusterFixture.strings(db.shards().get(1).primary(),
                "SELECT column_name FROM information_schema.columns WHERE table_name = 'regions' AND column_name = 'sort'")).isEmpty();
        assertThat(versions(1)).isEqualTo("1,2");

        ClusterFixture.execute(db.shards().get(1).primary(), "DROP INDEX watch_event_202611_video_idx");
        RunResult resumed = migrator().migrate();
        assertThat(resumed.success()).isTrue();
        assertThat(resumed.nodes()).extracting(RunResult.NodeResult::status)
                .containsExactly(RunResult.Status.UP_TO_DATE, RunResult.Status.DONE);
        assertThat(versions(1)).isEqualTo("1,2,3");
    }
}
