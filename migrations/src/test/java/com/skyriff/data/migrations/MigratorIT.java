package com.skyriff.data.migrations;

import static com.skyriff.data.migrations.ClusterFixture.CLOCK;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.skyriff.data.rules.Rules;
import com.skyriff.data.testkit.LocalTopology;
import com.skyriff.data.testkit.PgNode;
import com.skyriff.data.testkit.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/** One cluster evolving through the steps a DBA takes: migrate, migrate again, add a column and an index. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MigratorIT {
    @TempDir
    static Path dir;
    static TestDatabase db;
    static Rules rules;

    @BeforeAll
    static void start() {
        db = LocalTopology.shared().createDatabase("migrator_it");
        rules = ClusterFixture.rules(db);
        ClusterFixture.write(dir, "V1__create_tables.sql", ClusterFixture.V1);
    }

    static Migrator migrator(List<String> progress) {
        return Migrator.builder().rules(rules).migrations(dir).clock(CLOCK)
                .progress((where, what, done, total) -> progress.add(where + " " + what + " " + done + "/" + total)).build();
    }

    @Test
    @Order(1)
    void dryRun_emptyCluster_printsEveryStatementAndChangesNothing() throws SQLException {
        SqlPlan plan = migrator(new ArrayList<>()).dryRun();
        assertThat(plan.hasErrors()).isFalse();
        assertThat(plan.nodes()).extracting(n -> n.node().describe()).containsExactly("shard0 primary", "shard1 primary");
        assertThat(plan.nodes().get(1).units()).singleElement().satisfies(u -> {
            assertThat(u.label()).isEqualTo("V1 create tables");
            assertThat(u.statements()).contains("CREATE INDEX watch_event_202612_user_idx ON watch_event_202612 (user_id, created_at)");
        });
        assertThat(ClusterFixture.tables(db.shards().get(0).primary())).isEmpty();
    }

    @Test
    @Order(2)
    void migrate_twice_secondRunChangesNothing() throws SQLException {
        List<String> progress = new ArrayList<>();
        RunResult first = migrator(progress).migrate();
        assertThat(first.success()).isTrue();
        assertThat(first.nodes()).allSatisfy(n -> {
            assertThat(n.status()).isEqualTo(RunResult.Status.DONE);
            assertThat(n.done()).containsExactly("V1 create tables");
            assertThat(n.detail()).isEqualTo("schema version empty -> 1");
        });
        assertThat(progress).contains("shard1 primary V1 create tables: watch_event_202611 3/11");
        for (PgNode n : List.of(db.shards().get(0).primary(), db.shards().get(1).primary())) {
            assertThat(ClusterFixture.tables(n)).containsExactly("app_config", "regions", "users", "watch_event",
                    "watch_event_202610", "watch_event_202611", "watch_event_202612");
        }
        List<String> before = ClusterFixture.strings(db.shards().get(0).primary(),
                "SELECT installed_rank || ' ' || version || ' ' || checksum FROM flyway_schema_history ORDER BY 1");

        RunResult second = migrator(new ArrayList<>()).migrate();
        assertThat(second.noChange()).isTrue();
        assertThat(second.nodes()).allSatisfy(n -> assertThat(n.detail()).isEqualTo("schema version 1"));
        assertThat(ClusterFixture.strings(db.shards().get(0).primary(),
                "SELECT installed_rank || ' ' || version || ' ' || checksum FROM flyway_schema_history ORDER BY 1"))
                .isEqualTo(before);
        assertThat(migrator(new ArrayList<>()).dryRun().isEmpty()).isTrue();
    }

    @Test
    @Order(3)
    void migrate_addColumnAndIndex_reachesEveryPhysicalTableOnEveryNode() throws SQLException {
        ClusterFixture.write(dir, "V2__add_kind.sql", ClusterFixture.V2);
        RunResult r = migrator(new ArrayList<>()).migrate();
        assertThat(r.success()).isTrue();
        assertThat(r.nodes()).allSatisfy(n -> assertThat(n.done()).containsExactly("V2 add kind"));
        ClusterFixture.awaitReplicas(db);
        for (PgNode n : ClusterFixture.allNodes(db)) {
            assertThat(ClusterFixture.strings(n, """
                    SELECT table_name || ':' || data_type || ':' || is_nullable || ':' || column_default
                    FROM information_schema.columns WHERE column_name = 'kind' ORDER BY table_name"""))
                    .as(n.name()).containsExactly(
                            "watch_event:smallint:NO:0", "watch_event_202610:smallint:NO:0",
                            "watch_event_202611:smallint:NO:0", "watch_event_202612:smallint:NO:0");
            assertThat(ClusterFixture.strings(n, "SELECT indexname || ' ON ' || tablename FROM pg_indexes WHERE indexname LIKE '%kind_idx' ORDER BY 1"))
                    .as(n.name()).containsExactly(
                            "watch_event_202610_kind_idx ON watch_event_202610", "watch_event_202611_kind_idx ON watch_event_202611",
                            "watch_event_202612_kind_idx ON watch_event_202612", "watch_event_kind_idx ON watch_event");
            assertThat(ClusterFixture.strings(n, "SELECT table_name FROM information_schema.columns WHERE column_name = 'email'"))
                    .as(n.name()).containsExactly("users");
        }
        assertThat(Drift.of(rules, CLOCK, Progress.NONE).check().clean()).isTrue();
    }

    @Test
    @Order(4)
    void migrate_changedAppliedFile_failsValidationAndChangesNothing() throws Exception {
        Path v1 = dir.resolve("V1__create_tables.sql");
        String original = Files.readString(v1);
        Files.writeString(v1, original + "\n-- edited after it was applied\n");
        try {
            RunResult r = migrator(new ArrayList<>()).migrate();
            assertThat(r.success()).isFalse();
            assertThat(r.nodes().get(0).status()).isEqualTo(RunResult.Status.FAILED);
            assertThat(r.nodes().get(0).error()).startsWith("shard0 primary - migration failed at ").contains("checksum mismatch");
            assertThat(r.nodes().get(1).status()).isEqualTo(RunResult.Status.NOT_ATTEMPTED);
        } finally {
            Files.writeString(v1, original);
        }
    }

    @Test
    @Order(5)
    void build_unexpandableStatement_listsEveryProblem() {
        ClusterFixture.write(dir, "V3__bad.sql", "CREATE INDEX by_kind ON watch_event (kind);\nINSERT INTO watch_event (event_id) VALUES (1);");
        try {
            assertThatThrownBy(() -> migrator(new ArrayList<>()))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("V3__bad.sql statement 1: names index/constraint 'by_kind' of monthly table watch_event")
                    .hasMessageContaining("V3__bad.sql statement 2: inserts into monthly table watch_event");
        } finally {
            dir.resolve("V3__bad.sql").toFile().delete();
        }
    }
}
