package com.skyriff.data.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** route on known keys, and route --sql through ShardingSphere's own kernel, offline. */
class RouteCommandTest {
    @TempDir
    Path dir;
    Path rules;
    final Cli cli = new Cli().env("PG_PASSWORD", "s3cret");

    @BeforeEach
    void writeRules() {
        rules = Cli.write(dir, "rules.yaml", Cli.RULES);
    }

    @ParameterizedTest(name = "user {0} -> bucket {1} -> {2}")
    @CsvSource({"1, 812, shard1", "42, 460, shard0", "1000, 577, shard1", "123456789, 134, shard0", "-7, 766, shard1"})
    void route_knownKey_namesBucketShardAndNodes(long key, int bucket, String shard) {
        Cli.Result r = cli.run("route", rules.toString(), "--table", "users", "--key", Long.toString(key), "--json");
        assertThat(r.code()).as(r.toString()).isZero();
        assertThat(r.out()).contains("\"bucket\": " + bucket + ",", "\"shards\": [\n    \"" + shard + "\"\n  ]",
                "\"physicalTables\": [\n    \"" + shard + ".users\"\n  ]", "\"node\": \"" + shard + " primary\"");
    }

    @Test
    void route_keyAndTime_namesMonthTableWriteAndReadNodes() {
        Cli.Result r = cli.run("route", rules.toString(), "--table", "watch_event", "--key", "42", "--time", "2026-11-25T10:00");
        assertThat(r.code()).as(r.toString()).isZero();
        assertThat(r.out()).isEqualTo(String.join(System.lineSeparator(),
                "table     watch_event (user+month, key user_id, time created_at)",
                "user id   42 -> bucket 460 of 1024 -> shard0",
                "month     2026-11-25T10:00 -> 2026-11 (window 2026-01..2027-02)",
                "physical  shard0.watch_event_202611",
                "write     shard0 primary  jdbc:postgresql://pg0:5432/skyriff",
                "read      shard0 replica 0  jdbc:postgresql://pg0-r1:5432/skyriff",
                "          shard0 replica 1  jdbc:postgresql://pg0-r2:5432/skyriff",
                "          (round-robin over 2 replicas; inside a transaction or a primary scope: the primary)", ""));
    }

    @Test
    void route_timeWithOffset_usesTheMonthInTheRulesZone() {
        Cli.Result r = cli.run("route", rules.toString(), "--table", "watch_event", "--key", "1", "--time", "2026-12-01T00:30+02:00", "--json");
        assertThat(r.out()).contains("\"month\": \"2026-11\"", "\"shard1.watch_event_202611\"");
    }

    @Test
    void route_timeOutsideWindow_isRefusedNamingTheWindow() {
        Cli.Result r = cli.run("route", rules.toString(), "--table", "watch_event", "--key", "42", "--time", "2027-05-01");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).isEqualTo("skyriff route: watch_event.created_at value '2027-05-01' falls in month 2027-05, outside "
                + "the table's month window 2026-01..2027-02 (rules: tables.watch_event.first-month / months-ahead)" + System.lineSeparator());
    }

    @Test
    void route_broadcastAndSingleTables_nameTheirShards() {
        assertThat(cli.run("route", rules.toString(), "--table", "regions", "--json").out())
                .contains("\"shards\": [\n    \"shard0\",\n    \"shard1\"\n  ]", "\"readNote\": \"one of these answers a read");
        assertThat(cli.run("route", rules.toString(), "--table", "app_config", "--json").out())
                .contains("\"physicalTables\": [\n    \"shard0.app_config\"\n  ]");
    }

    @Test
    void route_badArguments_exitTwoWithTheReason() {
        assertThat(cli.run("route", rules.toString(), "--table", "users").err())
                .isEqualTo("skyriff route: route --key is missing; table users (strategy user) is split by user id column user_id"
                        + System.lineSeparator());
        assertThat(cli.run("route", rules.toString(), "--table", "nope", "--key", "1").err())
                .startsWith("skyriff route: route --table names no table of the rules; was 'nope', expected one of [users,");
        assertThat(cli.run("route", rules.toString()).err())
                .isEqualTo("skyriff route: route needs either --table (with --key/--time) or --sql; was neither" + System.lineSeparator());
        assertThat(cli.run("route", rules.toString(), "--table", "watch_event", "--key", "1", "--time", "yesterday").err())
                .isEqualTo("skyriff route: route --time is not a time; was 'yesterday', expected e.g. 2026-11-25T10:00, "
                        + "2026-11-25T10:00Z or 2026-11-25" + System.lineSeparator());
        assertThat(cli.run("route", rules.toString(), "--table", "users").code()).isEqualTo(2);
    }

    @ParameterizedTest(name = "user {0}")
    @CsvSource({"1, shard1", "42, shard0", "1000, shard1", "123456789, shard0"})
    void routeSql_singleShardPath_agreesWithTheKeyRoute(long key, String shard) {
        Cli.Result r = cli.run("route", rules.toString(), "--sql",
                "UPDATE watch_event SET video_id = 7 WHERE user_id = ? AND created_at = '2026-11-25 10:00:00'",
                "--param", Long.toString(key), "--json");
        assertThat(r.code()).as(r.toString()).isZero();
        assertThat(r.out()).contains("\"path\": \"single-shard\"", "\"reason\": \"one shard; runs on its primary\"",
                "\"shard\": \"" + shard + "\"", "\"node\": \"" + shard + " primary\"",
                "\"sql\": \"UPDATE watch_event_202611 AS watch_event SET video_id = 7 WHERE user_id = ? AND created_at = "
                        + "'2026-11-25 10:00:00'\"", "\"fullScan\": false");
        assertThat(r.out().split("\"dataSource\"", -1)).hasSize(2);
    }

    @Test
    void routeSql_eachPath_isNamedWithItsReason() {
        Cli.Result single = cli.run("route", rules.toString(), "--sql", "SELECT video_id FROM watch_event WHERE user_id = ?"
                + " AND created_at >= ? AND created_at < ?", "--param", "42", "--param", "2026-10-15", "--param", "2026-12-01");
        assertThat(single.code()).as(single.toString()).isZero();
        assertThat(single.out()).contains("path: single-shard - one shard; a replica unless in a transaction (shard0)",
                "SELECT video_id FROM (SELECT * FROM watch_event_202610 UNION ALL SELECT * FROM watch_event_202611) AS "
                        + "watch_event WHERE user_id = ? AND created_at >= ? AND created_at < ?  -- [42, 2026-10-15, 2026-12-01]",
                "1 physical statement (round-robin over 2 replicas; inside a transaction or a primary scope: shard0 primary)")
                .containsPattern("shard0 replica 0 +shard0_replica_0 +SELECT");
        Cli.Result fanOut = cli.run("route", rules.toString(), "--sql", "SELECT count(*) FROM users WHERE user_id IN (1, 42)");
        assertThat(fanOut.code()).as(fanOut.toString()).isZero();
        assertThat(fanOut.out()).contains("path: ShardingSphere - keys of several shards", "2 physical statements");
        Cli.Result json = cli.run("route", rules.toString(), "--sql", "SELECT count(*) FROM users WHERE user_id IN (1, 42)",
                "--json");
        assertThat(json.out()).contains("\"path\": \"shardingsphere\"", "\"reason\": \"keys of several shards\"");
    }

    @Test
    void routeSql_refusedOnTheSingleShardPath_exitsTwoWithTheLibrarysMessage() {
        Cli.Result timeless = cli.run("route", rules.toString(), "--sql", "SELECT * FROM watch_event WHERE user_id = 42");
        assertThat(timeless.code()).as(timeless.toString()).isEqualTo(2);
        assertThat(timeless.out()).isEmpty();
        assertThat(timeless.err()).startsWith("skyriff route: watch_event: SELECT without a created_at range would read every"
                + " month table (14 months 2026-01..2027-02); add created_at >= ? AND created_at < ?");
        Cli.Result moved = cli.run("route", rules.toString(), "--sql", "UPDATE users SET user_id = user_id + 2 WHERE user_id = 5",
                "--json");
        assertThat(moved.code()).as(moved.toString()).isEqualTo(2);
        assertThat(moved.out()).contains("\"ok\": false", "\"path\": \"refused\"", "\"error\": \"")
                .containsIgnoringCase("delete");
    }

    @Test
    void routeSql_keyNotAWholeNumber_isRefusedNeverTruncated() {
        Cli.Result r = cli.run("route", rules.toString(), "--sql", "SELECT name FROM users WHERE user_id = ?", "--param", "5.5");
        // refused as the library refuses it, naming the column and that the value is not an integer; never routed as 5
        assertThat(r.code()).as(r.toString()).isEqualTo(2);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).startsWith("skyriff route: users: SELECT refused: the user_id value is not an integer"
                + " (users.user_id must be a whole-number user id; was ").contains("5.5")
                .doesNotContain("without a user_id condition");
        Cli.Result whole = cli.run("route", rules.toString(), "--sql", "SELECT name FROM users WHERE user_id = ?", "--param", "5");
        assertThat(whole.code()).as(whole.toString()).isZero();
        assertThat(whole.out()).contains("path: single-shard");
    }

    @Test
    void routeSql_insertWithoutId_showsTheStatementAsWrittenAndNamesTheGeneratedColumn() {
        Cli.Result r = cli.run("route", rules.toString(), "--sql",
                "INSERT INTO watch_event (user_id, video_id, created_at) VALUES (?, 7, '2026-11-25 10:00:00')",
                "--param", "42");
        assertThat(r.code()).as(r.toString()).isZero();
        assertThat(r.out()).contains("path: single-shard").containsPattern("shard0 primary +shard0_primary +INSERT INTO"
                + " watch_event_202611 AS watch_event \\(user_id, video_id, created_at\\) VALUES \\(\\?, 7,"
                + " '2026-11-25 10:00:00'\\)  -- \\[42\\]")
                .contains("generated: event_id (left out of the INSERT: the layer adds the column and fills it per"
                        + " execution from the table's key generator")
                .doesNotContain("event_id)").doesNotContain("', ?)");
        Cli.Result json = cli.run("route", rules.toString(), "--json", "--sql",
                "INSERT INTO watch_event (user_id, video_id, created_at) VALUES (42, 7, '2026-11-25 10:00:00')");
        assertThat(json.out()).contains("\"generated\": \"event_id\"").contains("VALUES (42, 7, '2026-11-25 10:00:00')\"");
        Cli.Result keyed = cli.run("route", rules.toString(), "--sql", "SELECT name FROM users WHERE user_id = 42");
        assertThat(keyed.out()).doesNotContain("generated:");
    }

    @Test
    void routeSql_readWithKey_goesToAReplicaOfItsShard() {
        Cli.Result r = cli.run("route", rules.toString(), "--sql", "SELECT name FROM users WHERE user_id = 42");
        assertThat(r.out()).containsPattern("shard0 replica [01] +shard0_replica_[01] +SELECT name FROM users WHERE user_id = 42")
                .contains("1 physical statement").doesNotContain("WARNING");
    }

    @Test
    void routeSql_noShardKey_isRefusedWithTheLibrarysMessage() {
        Cli.Result r = cli.run("route", rules.toString(), "--sql", "SELECT count(*) FROM watch_event WHERE video_id = 7");
        assertThat(r.code()).as(r.toString()).isEqualTo(2);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).isEqualTo("skyriff route: watch_event: SELECT without a user_id condition would run on every "
                + "shard (2 shards x 14 months); add user_id = ? or user_id IN (...), or set "
                + "tables.watch_event.allow-full-scan: true for admin jobs" + System.lineSeparator());
        Cli.Result json = cli.run("route", rules.toString(), "--sql", "DELETE FROM users WHERE name = 'x'", "--json");
        assertThat(json.code()).isEqualTo(2);
        assertThat(json.out()).contains("\"ok\": false", "\"exitCode\": 2", "\"refused\": \"FULL_SCAN\"", "\"table\": \"users\"",
                "\"error\": \"users: DELETE without a user_id condition would run on every shard (2 shards)");
    }

    @Test
    void routeSql_fullScanTheRulesAllow_isRoutedAndFlagged() {
        Path allowing = Cli.write(dir, "allowing.yaml", Cli.RULES.replace(
                "watch_event: { strategy: user+month,", "watch_event: { allow-full-scan: true, strategy: user+month,"));
        Cli.Result r = cli.run("route", allowing.toString(), "--sql", "SELECT count(*) FROM watch_event WHERE video_id = 7");
        assertThat(r.code()).as(r.toString()).isZero();
        assertThat(r.out()).contains(
                "WARNING full scan: watch_event has no shard key user_id in the WHERE clause, so the statement runs on every shard (2)",
                "WARNING full scan: watch_event has no created_at in the WHERE clause, so the statement runs on every month table "
                        + "of the window (14 per shard)");
        assertThat(r.out()).contains("shard1 replica 0", "watch_event_202601", "watch_event_202702");
        Cli.Result hinted = cli.run("route", rules.toString(), "--sql",
                "/* SHARDINGSPHERE_HINT: DISABLE_AUDIT_NAMES=skyriff_guard */ DELETE FROM users WHERE name = 'x'", "--json");
        assertThat(hinted.code()).as(hinted.toString()).isZero();
        assertThat(hinted.out()).contains("\"fullScan\": true", "\"node\": \"shard0 primary\"", "\"node\": \"shard1 primary\"");
    }

    @Test
    void routeSql_crossShardWriteAndUnmergeableConstruct_areRefusedAsTheLibraryDoes() {
        Cli.Result cross = cli.run("route", rules.toString(), "--sql", "UPDATE users SET name = 'x' WHERE user_id IN (1, 42)");
        assertThat(cross.code()).as(cross.toString()).isEqualTo(2);
        assertThat(cross.err()).startsWith("skyriff route: cross-shard-transactions: refuse - UPDATE users writes to 2 shards "
                + "[shard0, shard1] in one statement");
        Cli.Result having = cli.run("route", rules.toString(), "--sql",
                "SELECT user_id, count(*) FROM users WHERE user_id IN (1, 42) GROUP BY user_id HAVING count(*) > 1");
        assertThat(having.code()).as(having.toString()).isEqualTo(2);
        assertThat(having.err()).startsWith("skyriff route: users: HAVING across shards is refused (the SELECT spans 2"
                + " shard tables");
    }

    @Test
    void routeSql_unknownTableOrInsertWithoutColumns_exitTwoWithShardingSpheresReason() {
        Cli.Result unknown = cli.run("route", rules.toString(), "--sql", "SELECT * FROM nosuch");
        assertThat(unknown.code()).isEqualTo(2);
        assertThat(unknown.err()).isEqualTo("skyriff route: --sql: ShardingSphere cannot route the statement: "
                + "Table or view 'nosuch' does not exist." + System.lineSeparator());
        Cli.Result insert = cli.run("route", rules.toString(), "--sql", "INSERT INTO users VALUES (1, 'x')");
        assertThat(insert.code()).isEqualTo(2);
        assertThat(insert.err()).startsWith("skyriff route: --sql: an INSERT without a column list cannot be routed offline");
    }
}
