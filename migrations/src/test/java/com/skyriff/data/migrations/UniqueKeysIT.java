package com.skyriff.data.migrations;

import static com.skyriff.data.migrations.ClusterFixture.CLOCK;
import static org.assertj.core.api.Assertions.assertThat;

import com.skyriff.data.testkit.LocalTopology;
import com.skyriff.data.testkit.PgShard;
import com.skyriff.data.testkit.TestDatabase;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Drift warns about primary keys, unique constraints and unique indexes of sharded tables that lack the shard key
 * (they are unique per physical table only), read from the catalog of real shards; and shows it is real: the same key
 * is accepted on two shards.
 */
class UniqueKeysIT {
    @TempDir
    static Path dir;
    static TestDatabase db;

    @BeforeAll
    static void start() {
        db = LocalTopology.shared().createDatabase("unique_keys_it");
        ClusterFixture.write(dir, "V1__create_tables.sql", ClusterFixture.V1 + """
                ALTER TABLE users ADD COLUMN email text;
                CREATE UNIQUE INDEX users_email_key ON users (email);
                CREATE UNIQUE INDEX users_handle_key ON users (user_id, lower(name));
                """);
        RunResult r = Migrator.builder().rules(ClusterFixture.rules(db)).migrations(dir).clock(CLOCK).build().migrate();
        assertThat(r.success()).as(String.valueOf(r)).isTrue();
    }

    @Test
    void drift_uniqueKeysWithoutTheShardKey_warnsEachWithTheWayOut() throws SQLException {
        ClusterFixture.awaitReplicas(db);
        Drift.Report report = Drift.of(ClusterFixture.rules(db), CLOCK, Progress.NONE).check();
        List<String> w = report.warnings();
        assertThat(w).containsExactlyInAnyOrder(
                "watch_event: primary key watch_event_pkey (event_id, created_at) does not contain user_id: PostgreSQL"
                        + " enforces it per physical table only, so rows on different shards can hold the same key and"
                        + " ON CONFLICT does not see the other shard; add user_id to it, and leave event_id to the"
                        + " layer's Snowflake ids (tables.watch_event.id), unique across shards",
                "users: unique index users_email_key (email) does not contain user_id: PostgreSQL enforces it per"
                        + " physical table only, so rows on different shards can hold the same key and ON CONFLICT does"
                        + " not see the other shard; add user_id to it, or let the layer generate the id (tables.users.id:"
                        + " a Snowflake id, unique across shards and months)");
        assertThat(w).as("a unique index with user_id (and an expression) is fine").noneMatch(x -> x.contains("users_handle_key"));
        assertThat(report.clean()).as("warnings are not drift").isTrue();
        // and it is real: the same email is accepted on both shards
        int i = 0;
        for (PgShard s : db.shards()) {
            ClusterFixture.execute(s.primary(), "INSERT INTO users (user_id, name, email) VALUES (" + (1000 + i)
                    + ", 'x', 'same@example.com')");
            i++;
        }
    }
}
