package com.skyriff.data.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.skyriff.data.SkyriffData;
import com.skyriff.data.guard.RefusedStatementException;
import com.skyriff.data.rules.Rules;
import com.skyriff.data.rules.RulesReader;
import com.skyriff.data.rules.UserBuckets;
import com.skyriff.data.testkit.LocalTopology;
import com.skyriff.data.testkit.PgNode;
import com.skyriff.data.testkit.PgShard;
import com.skyriff.data.testkit.TestDatabase;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/** The command line against the local topology, in the order a DBA would use it. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CliIT {
    @TempDir
    static Path dir;
    static TestDatabase db;
    static Path rules;
    static Path migrations;
    static Cli cli;

    static final String V1 = """
            CREATE TABLE users (user_id bigint PRIMARY KEY, name text NOT NULL);
            CREATE TABLE watch_event (event_id bigint NOT NULL, user_id bigint NOT NULL, video_id bigint NOT NULL,
                created_at timestamptz NOT NULL, PRIMARY KEY (event_id, created_at));
            CREATE INDEX watch_event_user_idx ON watch_event (user_id, created_at);
            CREATE TABLE regions (code text PRIMARY KEY, name text NOT NULL);
            """;

    @BeforeAll
    static void start() throws IOException {
        db = LocalTopology.shared().createDatabase("cli_it");
        PgNode p = db.shards().get(0).primary();
        cli = new Cli().env("PG_USER", p.user()).env("PG_PASSWORD", p.password());
        rules = Cli.write(dir, "rules.yaml", rulesYaml(db.shards().get(0).primary().jdbcUrl(),
                db.shards().get(0).replicas().get(0).jdbcUrl()));
        migrations = Files.createDirectories(dir.resolve("db"));
        Cli.write(migrations, "V1__create.sql", V1);
    }

    static String rulesYaml(String shard0Primary, String shard0Replica) {
        PgShard s1 = db.shards().get(1);
        return """
                name: cli_it
                bucket-count: 64
                shards:
                  - name: shard0
                    buckets: 0-31
                    primary: { url: "%s", username: "${PG_USER}", password: "${PG_PASSWORD}" }
                    replicas: [ "%s" ]
                  - name: shard1
                    buckets: 32-63
                    primary: { url: "%s", username: "${PG_USER}", password: "${PG_PASSWORD}" }
                    replicas: [ "%s" ]
                tables:
                  users:       { strategy: user, key: user_id }
                  watch_event: { strategy: user+month, key: user_id, time: created_at, first-month: 2026-10, months-ahead: 1, id: event_id }
                  regions:     { strategy: broadcast }
                """.formatted(shard0Primary, shard0Replica, s1.primary().jdbcUrl(), s1.replicas().get(0).jdbcUrl());
    }

    static int closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    static void execute(PgNode n, String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(n.jdbcUrl(), n.user(), n.password()); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    static long count(PgNode n, String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(n.jdbcUrl(), n.user(), n.password());
             Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    @Order(1)
    void validateConnect_beforeMigrate_reportsTheMissingMonthTables() {
        Cli.Result r = cli.run("validate", rules.toString(), "--connect");
        assertThat(r.code()).as(r.toString()).isEqualTo(2);
        assertThat(r.out()).contains("shard0 primary", "shard1 replica 0", "rules.yaml: 2 problems",
                "  shard0: 3 month tables of tables.watch_event's window 2026-10..2026-12 do not exist: [watch_event_202610, "
                        + "watch_event_202611, watch_event_202612]; the layer will refuse to start: run 'skyriff months --ahead' "
                        + "or set create-missing-months: true");
    }

    @Test
    @Order(1)
    void months_missingMonths_exitOneUnlessTheRulesCreateThem() {
        Cli.Result r = cli.run("months", rules.toString());
        assertThat(r.code()).as(r.toString()).isEqualTo(1);
        assertThat(r.out()).contains("months of a window are missing (the layer refuses to start): run 'skyriff months "
                + rules + " --ahead N', or set create-missing-months: true");
        Path creating = Cli.write(dir, "creating.yaml", readRules().replace("bucket-count: 64", "bucket-count: 64\ncreate-missing-months: true"));
        Cli.Result waived = cli.run("months", creating.toString());
        assertThat(waived.code()).as(waived.toString()).isZero();
        assertThat(waived.out()).contains("[2026-10, 2026-11, 2026-12]", "months of a window are missing; "
                + "create-missing-months: true, so the layer creates them when it starts (exit 0)");
        assertThat(cli.run("months", creating.toString(), "--json").out()).contains("\"ok\": true", "\"createMissingMonths\": true",
                "\"missing\": [\n        \"2026-10\",");
    }

    @Test
    @Order(2)
    void validateConnect_swappedRolesAndDeadNode_areEachReported() throws IOException {
        String primary = db.shards().get(0).primary().jdbcUrl();
        String replica = db.shards().get(0).replicas().get(0).jdbcUrl();
        Path swapped = Cli.write(dir, "swapped.yaml", rulesYaml(replica, primary));
        Cli.Result r = cli.run("validate", swapped.toString(), "--connect");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.out()).contains(
                "  shard0 primary is listed as the primary but is in recovery (a standby) at " + replica
                        + "; expected a server that accepts writes",
                "  shard0 replica 0 is listed as a replica but is not in recovery (it accepts writes) at " + primary
                        + "; expected a streaming standby of shard0's primary");
        String dead = "jdbc:postgresql://127.0.0.1:" + closedPort() + "/cli_it";
        Path deadRules = Cli.write(dir, "dead.yaml", rulesYaml(primary, dead));
        Cli.Result d = cli.run("validate", deadRules.toString(), "--connect", "--json");
        assertThat(d.code()).isEqualTo(2);
        assertThat(d.out()).contains("\"shard0 replica 0 does not answer at " + dead + ": Connection to 127.0.0.1:",
                "\"answers\": false");
    }

    @Test
    @Order(2)
    void validateConnect_replicaOfTheOtherShardAndOnePrimaryTwice_areNamed() throws IOException {
        PgShard s0 = db.shards().get(0);
        PgShard s1 = db.shards().get(1);
        Path crossed = Cli.write(dir, "crossed.yaml", rulesYaml(s0.primary().jdbcUrl(), s1.replicas().get(0).jdbcUrl()));
        Cli.Result r = cli.run("validate", crossed.toString(), "--connect");
        assertThat(r.code()).as(r.toString()).isEqualTo(2);
        String sysid0 = systemIdentifier(s0.primary());
        String sysid1 = systemIdentifier(s1.primary());
        assertThat(sysid0).isNotEqualTo(sysid1);
        assertThat(r.out()).as(r.toString()).contains("  shards[0].replicas[0].url (shard0 replica 0) is a standby of shard1's "
                        + "primary, not of shard0's primary: system identifier " + sysid1 + ", shard0's primary has " + sysid0,
                "  shards[1].replicas[0].url (shard1 replica 0) is the same PostgreSQL server as shards[0].replicas[0].url "
                        + "(shard0 replica 0): system identifier " + sysid1, "', expected a server of its own for each entry");
        assertThat(r.out()).containsPattern("it streams from [^;]+:" + s1.primary().port() + "; was '"
                + java.util.regex.Pattern.quote(s1.replicas().get(0).jdbcUrl()) + "', expected a standby of shard0's primary");

        Path twice = Cli.write(dir, "twice.yaml", rulesYaml(s0.primary().jdbcUrl(), s0.replicas().get(0).jdbcUrl())
                .replace(s1.primary().jdbcUrl(), s0.primary().jdbcUrl()));
        Cli.Result t = cli.run("validate", twice.toString(), "--connect", "--json");
        assertThat(t.code()).as(t.toString()).isEqualTo(2);
        assertThat(t.out()).contains("\"key\": \"shards[1].primary.url\"",
                "\"message\": \"shards[1].primary.url (shard1 primary) is the same PostgreSQL server as shards[0].primary.url "
                        + "(shard0 primary): system identifier " + sysid0 + ", data directory ",
                "', expected a primary of its own for shard1 (two shards on one primary each see the other's rows)",
                "shards[1].replicas[0].url (shard1 replica 0) is a standby of another cluster, not of shard1's primary: "
                        + "system identifier " + sysid1 + ", shard1's primary has " + sysid0);
        assertThat(t.out()).contains("\"clockSkewMs\": ").doesNotContain("'s clock is ");
    }

    static String systemIdentifier(PgNode n) {
        try (Connection c = DriverManager.getConnection(n.jdbcUrl(), n.user(), n.password());
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT system_identifier::text FROM pg_control_system()")) {
            rs.next();
            return rs.getString(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    @Order(3)
    void ddl_offline_printsTheExpandedStatementsPerShard() {
        Cli.Result r = cli.run("ddl", rules.toString(), "--migrations", migrations.toString());
        assertThat(r.code()).as(r.toString()).isZero();
        assertThat(r.out()).contains("-- shard1 primary  " + db.shards().get(1).primary().jdbcUrl(), "-- V1 create",
                "CREATE INDEX watch_event_202612_user_idx ON watch_event_202612 (user_id, created_at);",
                "-- ddl: 20 statements on 2 databases");
    }

    @Test
    @Order(4)
    void migrate_dryRunThenTwice_secondRunIsANoOp() {
        Cli.Result dry = cli.run("migrate", rules.toString(), "-m", migrations.toString(), "--dry-run");
        assertThat(dry.code()).as(dry.toString()).isZero();
        assertThat(dry.out()).contains("CREATE TABLE watch_event_202610 (event_id bigint NOT NULL", "-- migrate: 20 statements on 2 databases");
        Cli.Result first = cli.run("migrate", rules.toString(), "-m", migrations.toString());
        assertThat(first.code()).as(first.toString()).isZero();
        assertThat(first.out()).contains("shard0 primary  done    V1 create  schema version empty -> 1", "migrate: done");
        assertThat(first.err()).contains("[migrate] shard1 primary: 10/10 (100%) done").doesNotContain("\r");
        assertThat(first.err().lines().filter(l -> l.startsWith("[migrate] shard1 primary: ")))
                .as("a line per quarter of the node's steps, not one per step").hasSizeBetween(2, 4);
        Cli.Result second = cli.run("migrate", rules.toString(), "-m", migrations.toString(), "--json");
        assertThat(second.code()).isZero();
        assertThat(second.err()).as("--json: no progress").isEmpty();
        assertThat(second.out()).contains("\"ok\": true", "\"changed\": false", "\"status\": \"UP_TO_DATE\"");
        assertThat(cli.run("validate", rules.toString(), "--connect").code()).isZero();
    }

    @Test
    @Order(5)
    void routeSql_sameStatementsThroughTheLibrary_refusedOrRoutedAlike() throws SQLException {
        long a = 1;
        long b = 2;
        while (UserBuckets.bucketOf(b, 64) < 32 == UserBuckets.bucketOf(a, 64) < 32) {
            b++;
        }
        List<String> statements = List.of(
                "SELECT count(*) FROM watch_event WHERE video_id = 7",
                "DELETE FROM users WHERE name = 'x'",
                "UPDATE users SET name = 'x' WHERE user_id IN (" + a + ", " + b + ")",
                "SELECT user_id, count(*) FROM users WHERE user_id IN (" + a + ", " + b + ") GROUP BY user_id HAVING count(*) > 1",
                "SELECT name FROM users WHERE user_id = " + a,
                "SELECT count(*) FROM watch_event WHERE user_id = " + a
                        + " AND created_at >= '2026-11-01 00:00:00+00' AND created_at < '2026-12-01 00:00:00+00'",
                "SELECT video_id FROM watch_event WHERE user_id = " + b
                        + " AND created_at >= '2026-10-15 00:00:00+00' AND created_at < '2026-12-01 00:00:00+00'",
                "UPDATE users SET name = 'y' WHERE user_id = " + b,
                "SELECT * FROM watch_event WHERE user_id = " + a,
                "UPDATE users SET user_id = user_id + 2 WHERE user_id = " + a,
                "SELECT count(*) FROM users WHERE user_id IN (" + a + ", " + b + ")");
        Rules parsed = RulesReader.parse(readRules(), "rules.yaml", Map.of("PG_USER", db.shards().get(0).primary().user(),
                "PG_PASSWORD", db.shards().get(0).primary().password())::get, Cli.CLOCK);
        int refused = 0;
        int singleShard = 0;
        try (SkyriffData data = SkyriffData.builder().rules(parsed).clock(Cli.CLOCK).build()) {
            for (String sql : statements) {
                String libraryRefusal = null;
                try (Connection c = data.dataSource().getConnection(); Statement s = c.createStatement()) {
                    s.execute(sql);
                } catch (RefusedStatementException e) {
                    libraryRefusal = e.getMessage();
                }
                Cli.Result r = cli.run("route", rules.toString(), "--sql", sql);
                if (libraryRefusal != null) {
                    refused++;
                    assertThat(r.code()).as(sql + "\n" + r).isEqualTo(2);
                    assertThat(r.err()).as(sql).isEqualTo("skyriff route: " + libraryRefusal + System.lineSeparator());
                } else {
                    assertThat(r.code()).as(sql + "\n" + r).isZero();
                    assertThat(r.out()).as(sql).contains("physical statement").doesNotContain("WARNING");
                    // the same path, shard, physical SQL and reason as the running library decides
                    com.skyriff.data.StatementRoute library = data.route(sql);
                    Cli.Result json = cli.run("route", rules.toString(), "--sql", sql, "--json");
                    if (library.path() == com.skyriff.data.StatementRoute.Path.SINGLE_SHARD) {
                        singleShard++;
                        assertThat(r.out()).as(sql).contains("path: single-shard - " + library.reason() + " ("
                                + library.shard() + ")", library.sql());
                        assertThat(json.out()).as(sql).contains("\"path\": \"single-shard\"",
                                "\"shard\": \"" + library.shard() + "\"", "\"sql\": \"" + library.sql() + "\"");
                    } else {
                        assertThat(library.path()).as(sql).isEqualTo(com.skyriff.data.StatementRoute.Path.SHARDINGSPHERE);
                        assertThat(r.out()).as(sql).contains("path: ShardingSphere - " + library.reason());
                    }
                }
            }
        }
        assertThat(refused).as("statements the library refused").isEqualTo(6);
        assertThat(singleShard).as("statements on the single-shard path").isEqualTo(4);
    }

    @Test
    @Order(6)
    void migrate_oneShardUnreachable_stopsThereAndSaysWhatWasAppliedWhere() throws IOException {
        Cli.write(migrations, "V2__add_kind.sql", "ALTER TABLE watch_event ADD COLUMN kind smallint NOT NULL DEFAULT 0;");
        String dead = "jdbc:postgresql://127.0.0.1:" + closedPort() + "/cli_it";
        Path deadShard1 = Cli.write(dir, "dead1.yaml", rulesYaml(db.shards().get(0).primary().jdbcUrl(),
                db.shards().get(0).replicas().get(0).jdbcUrl()).replace(db.shards().get(1).primary().jdbcUrl(), dead));
        Cli.Result r = cli.run("migrate", deadShard1.toString(), "-m", migrations.toString());
        assertThat(r.code()).as(r.toString()).isEqualTo(1);
        assertThat(r.out()).contains("shard0 primary  done    V2 add kind  schema version 1 -> 2",
                "shard1 primary  failed  -            shard1 primary - migration failed at " + dead + ": Connection to 127.0.0.1:",
                "migrate: stopped at the failure above");
        Cli.Result resumed = cli.run("migrate", rules.toString(), "-m", migrations.toString());
        assertThat(resumed.code()).as(resumed.toString()).isZero();
        assertThat(resumed.out()).contains("shard0 primary  up to date  -            schema version 2",
                "shard1 primary  done        V2 add kind  schema version 1 -> 2");
    }

    @Test
    @Order(7)
    void monthsAheadAndDrift_newMonthsMatchTheMigratedOnes() {
        Cli.Result status = cli.run("months", rules.toString());
        assertThat(status.code()).as(status.toString()).isZero();
        assertThat(status.out()).contains("watch_event  shard0  2026-10..2026-12  2026-10..2026-12 (3)  -");
        Cli.Result plan = cli.run("months", rules.toString(), "--ahead", "3", "--dry-run");
        assertThat(plan.out()).contains("-- watch_event_202702",
                "ALTER TABLE watch_event_202702 ADD CONSTRAINT watch_event_202702_pkey PRIMARY KEY (event_id, created_at);");
        Cli.Result done = cli.run("months", rules.toString(), "--ahead", "3");
        assertThat(done.code()).as(done.toString()).isZero();
        assertThat(done.out()).contains("shard1 primary  done    watch_event_202701, watch_event_202702");
        db.shards().forEach(s -> s.awaitReplicaCatchUp(Duration.ofSeconds(30)));
        Cli.Result drift = cli.run("drift", rules.toString());
        assertThat(drift.code()).as(drift.toString()).isZero();
        assertThat(drift.out()).startsWith("no drift: ")
                .contains("WARN watch_event: primary key watch_event_pkey (event_id, created_at) does not contain"
                        + " user_id: PostgreSQL enforces it per physical table only");
        assertThat(cli.run("drift", rules.toString(), "--json").out()).contains("\"warnings\": [")
                .contains("watch_event_pkey (event_id, created_at) does not contain user_id");
    }

    @Test
    @Order(8)
    void drift_handMadeChange_isNamedAndExitsOne() throws SQLException {
        execute(db.shards().get(1).primary(), "ALTER TABLE watch_event_202701 ADD COLUMN note text");
        db.shards().get(1).awaitReplicaCatchUp(Duration.ofSeconds(30));
        Cli.Result r = cli.run("drift", rules.toString());
        assertThat(r.code()).as(r.toString()).isEqualTo(1);
        assertThat(r.out()).containsPattern("shard1 primary +watch_event_202701 +column note +is extra +text +-")
                .containsPattern("shard1 replica 0 +watch_event_202701 +column note +is extra")
                .contains("2 differences in ");
        Cli.Result json = cli.run("drift", rules.toString(), "--json");
        assertThat(json.out()).contains("\"text\": \"shard1 primary watch_event_202701: column note is extra; was 'text'\"");
        execute(db.shards().get(1).primary(), "ALTER TABLE watch_event_202701 DROP COLUMN note");
    }

    @Test
    @Order(9)
    void monthsDropBefore_isADryRunByDefaultAndRefusedInsideTheWindow() {
        Cli.Result refused = cli.run("months", rules.toString(), "--drop-before", "2026-11");
        assertThat(refused.code()).isEqualTo(2);
        assertThat(refused.err()).startsWith("skyriff months: tables.watch_event.first-month is 2026-10, inside the months "
                + "--drop-before 2026-11 would remove");
        Path later = Cli.write(dir, "later.yaml", Files.exists(rules) ? readRules().replace("first-month: 2026-10", "first-month: 2026-11") : "");
        Cli.Result dry = cli.run("months", later.toString(), "--drop-before", "2026-11", "--archive");
        assertThat(dry.code()).as(dry.toString()).isZero();
        assertThat(dry.out()).contains("ALTER TABLE watch_event_202610 SET SCHEMA archive;",
                "-- dry run: nothing was changed; add --yes to archive these 2 tables");
        Cli.Result done = cli.run("months", later.toString(), "--drop-before", "2026-11", "--yes");
        assertThat(done.code()).as(done.toString()).isZero();
        assertThat(done.out()).contains("shard0 primary  done    watch_event_202610");
    }

    @Test
    @Order(10)
    void planConnect_countsTheRowsThatWouldMove() throws SQLException {
        for (long id = 1; id <= 200; id++) {
            String shard = com.skyriff.data.rules.UserBuckets.bucketOf(id, 64) < 32 ? "0" : "1";
            execute(db.shards().get(Integer.parseInt(shard)).primary(), "INSERT INTO users VALUES (" + id + ", 'u')");
        }
        Path after = Cli.write(dir, "after.yaml", readRules().replace("buckets: 0-31", "buckets: 0-15, 32-47")
                .replace("buckets: 32-63", "buckets: 16-31, 48-63"));
        Cli.Result r = cli.run("plan", rules.toString(), after.toString(), "--connect", "--json");
        assertThat(r.code()).as(r.toString()).isZero();
        long moving = 0;
        for (long id = 1; id <= 200; id++) {
            int b = com.skyriff.data.rules.UserBuckets.bucketOf(id, 64);
            moving += b >= 16 && b <= 47 ? 1 : 0;
        }
        assertThat(r.out()).contains("\"movingUserFraction\": 0.5,", "\"table\": \"users\",\n      \"rows\": 200,\n      \"moving\": " + moving + ",");
        assertThat(moving).isBetween(60L, 140L);
        assertThat(count(db.shards().get(0).primary(), "SELECT count(*) FROM users") + count(db.shards().get(1).primary(),
                "SELECT count(*) FROM users")).isEqualTo(200);
    }

    static String readRules() {
        try {
            return Files.readString(rules);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
