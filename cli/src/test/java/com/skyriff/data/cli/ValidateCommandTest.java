package com.skyriff.data.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.skyriff.data.rules.RulesException;
import com.skyriff.data.rules.RulesReader;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every problem {@code validate} reports, exactly as the library reports it, all at once, with exit code 2. */
class ValidateCommandTest {
    @TempDir
    Path dir;

    final Cli cli = new Cli().env("PG_PASSWORD", "s3cret");

    static String with(String old, String replacement) {
        if (!Cli.RULES.contains(old)) {
            throw new IllegalArgumentException("not in the base rules: " + old);
        }
        return Cli.RULES.replaceFirst(java.util.regex.Pattern.quote(old), java.util.regex.Matcher.quoteReplacement(replacement));
    }

    static final String SHARD1_PRIMARY = "    primary:  { url: \"jdbc:postgresql://pg1:5432/skyriff\", username: app, password: \"${PG_PASSWORD}\" }\n";

    /** Rules text and one problem line that validate must print (the start of it, where the rest lists allowed keys). */
    static Stream<Arguments> problems() {
        return Stream.of(
                Arguments.of("name: [unclosed\nshards: x\n", "rules.yaml:2: malformed YAML: expected ',' or ']', but got :"),
                Arguments.of("- a\n- b\n", "rules.yaml:1: the rules file must be a YAML mapping with keys [name, bucket-count,"),
                Arguments.of("nmae: x\n" + Cli.RULES, "rules.yaml:1: nmae is not a known key (did you mean 'name'?); expected one of [name, bucket-count,"),
                Arguments.of("name: a\n" + Cli.RULES, "rules.yaml:2: name is given twice"),
                Arguments.of(with("name: skyriff", "name: Bad-Name"),
                        "rules.yaml:1: name must be a lower-case identifier; was 'Bad-Name', expected [a-z_][a-z0-9_]*"),
                Arguments.of(with("name: skyriff", "name: [a, b]"), "rules.yaml:1: name must be a single value, not a list or mapping"),
                Arguments.of(with("bucket-count: 1024", "bucket-count: 0"),
                        "rules.yaml:2: bucket-count is out of range; was '0', expected 1..65536"),
                Arguments.of(with("bucket-count: 1024", "bucket-count: abc"), "rules.yaml:2: bucket-count must be a whole number; was 'abc'"),
                Arguments.of(with("bucket-count: 1024", "bucket-count: 99999999999"),
                        "rules.yaml:2: bucket-count is out of range; was '99999999999'"),
                Arguments.of(with("name: skyriff", "name: skyriff\nworker-id: 2000"),
                        "rules.yaml:2: worker-id is out of range; was '2000', expected 0..1023"),
                Arguments.of(with("name: skyriff", "name: skyriff\nload-balancer: fastest"),
                        "rules.yaml:2: load-balancer must be one of [round-robin, random, weight]; was 'fastest'"),
                Arguments.of(with("name: skyriff", "name: skyriff\nmonth-zone: Mars/Olympus"),
                        "rules.yaml:2: month-zone is not a time zone id; was 'Mars/Olympus'"),
                Arguments.of(with("name: skyriff", "name: skyriff\ncreate-missing-months: yes"),
                        "rules.yaml:2: create-missing-months must be one of [true, false]; was 'yes'"),
                Arguments.of(with("name: skyriff", "name: skyriff\nprops: { sql-shoow: true }"),
                        "rules.yaml:2: props.sql-shoow is not a ShardingSphere property; was 'sql-shoow', expected ["),
                Arguments.of(with("name: skyriff", "name: skyriff\nprops: [a]"), "rules.yaml:2: props must be a mapping of ShardingSphere properties"),
                Arguments.of("name: x\ntables: {}\n", "rules.yaml:1: shards is missing; at least one shard with a primary is required"),
                Arguments.of("shards: { a: b }\n", "rules.yaml:1: shards must be a list of shards"),
                Arguments.of("shards: []\n", "rules.yaml:1: shards is empty; at least one shard with a primary is required"),
                Arguments.of(with("  - name: shard1\n", "  - \n"), "rules.yaml:9: shards[1].name is missing"),
                Arguments.of(with("name: shard1", "name: Shard-1"),
                        "rules.yaml:8: shards[1].name must be a lower-case identifier; was 'Shard-1', expected [a-z_][a-z0-9_]*"),
                Arguments.of(with("name: shard1", "name: shard0"),
                        "rules.yaml:8: shards[1].name is a duplicate shard name; was 'shard0', expected a name used once"),
                Arguments.of(with(SHARD1_PRIMARY, ""), "rules.yaml:8: shards[1].primary is missing; every shard needs exactly one primary"),
                Arguments.of(with("jdbc:postgresql://pg1:5432/skyriff\"", "jdbc:mysql://pg1:3306/skyriff\""),
                        "rules.yaml:10: shards[1].primary.url is not a PostgreSQL JDBC URL; was 'jdbc:mysql://pg1:3306/skyriff', "
                                + "expected jdbc:postgresql://HOST:PORT/DB"),
                Arguments.of(with("{ url: \"jdbc:postgresql://pg1:5432/skyriff\", username: app", "{ username: app"),
                        "rules.yaml:10: shards[1].primary.url is missing"),
                Arguments.of(with("replicas: [ \"jdbc:postgresql://pg1-r1:5432/skyriff\" ]", "replicas: { a: b }"),
                        "rules.yaml:11: shards[1].replicas must be a list of nodes"),
                Arguments.of(with("replicas: [ \"jdbc:postgresql://pg1-r1:5432/skyriff\" ]",
                                "replicas: [ { url: \"jdbc:postgresql://pg1-r1:5432/skyriff\", weight: 0 } ]"),
                        "rules.yaml:11: shards[1].replicas[0].weight is out of range; was '0', expected 1..100"),
                Arguments.of(with("name: skyriff", "name: skyriff\npool: { maximum-size: 0 }"),
                        "rules.yaml:2: pool.maximum-size is out of range; was '0', expected 1..1000"),
                Arguments.of(with("name: skyriff", "name: skyriff\npool: { minimum-idle: -1 }"),
                        "rules.yaml:2: pool.minimum-idle is negative; was '-1', expected 0..maximum-size"),
                Arguments.of(with("name: skyriff", "name: skyriff\npool: { maximum-size: 4, minimum-idle: 5 }"),
                        "rules.yaml:2: pool.minimum-idle exceeds maximum-size 4; was '5', expected 0..4"),
                Arguments.of(with("name: skyriff", "name: skyriff\npool: { connection-timeout-ms: 10 }"),
                        "rules.yaml:2: pool.connection-timeout-ms is too small; was '10', expected >= 250"),
                Arguments.of(with("name: skyriff", "name: skyriff\npool: { max-size: 10 }"),
                        "rules.yaml:2: pool.max-size is not a known key (did you mean 'maximum-size'?); expected one of [maximum-size, minimum-idle,"),
                Arguments.of(with("    buckets: 512-1023\n", ""),
                        "rules.yaml:8: shards[1].buckets is missing; with 2 shards each shard must list the buckets it owns (0..1023)"),
                Arguments.of(with("buckets: 512-1023", "buckets: 512-2000"),
                        "rules.yaml:9: shards[1].buckets has a range outside the buckets; was '512-2000', expected ranges within 0-1023"),
                Arguments.of(with("buckets: 512-1023", "buckets: 500-1023"),
                        "rules.yaml:9: shards[1].buckets overlaps shards[0] at buckets 500-511; was '500-1023', expected each bucket owned by one shard"),
                Arguments.of(with("buckets: 512-1023", "buckets: 600-1023"),
                        "rules.yaml:3: shards[*].buckets leave buckets [512-599] without a shard; every bucket 0-1023 needs exactly one"),
                Arguments.of(with("buckets: 512-1023", "buckets: a-b"), "rules.yaml:9: shards[1].buckets is not a bucket range; was 'a-b'"),
                Arguments.of(with("name: skyriff", "name: skyriff\ndefault-shard: shard9"),
                        "rules.yaml:2: default-shard names no shard; was 'shard9', expected [shard0, shard1]"),
                Arguments.of(with("tables:", "tables: [a]\nxtables:"), "rules.yaml:12: tables must be a mapping of table name to its rule"),
                Arguments.of(with("  regions:     { strategy: broadcast }", "  regions:     { strategy: broadcast }\n  regions:     { strategy: single }"),
                        "rules.yaml:18: tables.regions is listed twice; was 'regions'"),
                Arguments.of(with("regions:     { strategy: broadcast }", "regions:     { }"),
                        "rules.yaml:17: tables.regions.strategy is missing; expected one of [user, month, user+month, broadcast, single]"),
                Arguments.of(with("users:       { strategy: user,", "users:       { strategy: usr,"),
                        "rules.yaml:13: tables.users.strategy must be one of [user, month, user+month, broadcast, single]; was 'usr'"),
                Arguments.of(with("users:       { strategy: user, key: user_id }", "users:       { strategy: user, key: user_id, shard: x }"),
                        "rules.yaml:13: tables.users.shard is not a known key; expected one of [strategy, key, time,"),
                Arguments.of(with("  regions:", "  Regions:"),
                        "rules.yaml:17: tables.Regions is not a lower-case table name; was 'Regions', expected [a-z_][a-z0-9_]*"),
                Arguments.of(with("users:       { strategy: user, key: user_id }", "users:       { strategy: user }"),
                        "rules.yaml:13: tables.users.key is missing; strategy user needs this column"),
                Arguments.of(with("regions:     { strategy: broadcast }", "regions:     { strategy: broadcast, key: user_id }"),
                        "rules.yaml:17: tables.regions.key does not apply to strategy broadcast; was 'user_id'"),
                Arguments.of(with("audit:       { strategy: month, time: at,", "audit:       { strategy: month,"),
                        "rules.yaml:16: tables.audit.time is missing; strategy month needs this column"),
                Arguments.of(with("users:       { strategy: user, key: user_id }", "users:       { strategy: user, key: UserId }"),
                        "rules.yaml:13: tables.users.key is not a lower-case column name; was 'UserId', expected [a-z_][a-z0-9_]*"),
                Arguments.of(with("id: video_id", "id: Video-Id"),
                        "rules.yaml:14: tables.videos.id is not a lower-case column name; was 'Video-Id', expected [a-z_][a-z0-9_]*"),
                Arguments.of(with("time: at, first-month: 2026-10,", "time: at,"),
                        "rules.yaml:16: tables.audit.first-month is missing; expected a month such as 2026-01"),
                Arguments.of(with("first-month: 2026-10, months-ahead: 1", "first-month: 2026-10"),
                        "rules.yaml:16: tables.audit.months-ahead is missing; expected 0..120"),
                Arguments.of(with("months-ahead: 1", "months-ahead: 500"),
                        "rules.yaml:16: tables.audit.months-ahead is out of range; was '500', expected 0..120"),
                Arguments.of(with("months-ahead: 1", "months-ahead: 1, last-month: 2026-01"),
                        "rules.yaml:16: tables.audit.last-month is before first-month 2026-10 (the month range runs backwards); "
                                + "was '2026-01', expected a month >= 2026-10"),
                Arguments.of(with("first-month: 2026-10, months-ahead: 1", "first-month: 2030-01, months-ahead: 0"),
                        "rules.yaml:16: tables.audit.first-month is after the window's last month 2026-11 (current month 2026-11 "
                                + "+ months-ahead 0; the month range runs backwards); was '2030-01', expected a month <= 2026-11"),
                Arguments.of(with("regions:     { strategy: broadcast }", "regions:     { strategy: broadcast, first-month: 2026-01 }"),
                        "rules.yaml:17: tables.regions.first-month applies only to strategies [month, user+month]; strategy is broadcast"),
                Arguments.of(with("first-month: 2026-10", "first-month: 2026-13"),
                        "rules.yaml:16: tables.audit.first-month is not a month; was '2026-13', expected YYYY-MM such as 2026-01"));
    }

    @ParameterizedTest(name = "[{index}] {1}")
    @MethodSource("problems")
    void validate_invalidRules_reportsTheLibrarysProblemWithExitCode2(String rules, String expected) {
        Path file = Cli.write(dir, "rules.yaml", rules);
        Cli.Result r = cli.run("validate", file.toString());
        assertThat(r.code()).as(r.toString()).isEqualTo(2);
        assertThat(r.out().lines()).as(r.toString()).anyMatch(l -> l.startsWith("  " + expected));
        RulesException library = catchThrowableOfType(RulesException.class,
                () -> RulesReader.parse(rules, "rules.yaml", Map.of("PG_PASSWORD", "s3cret")::get, Cli.CLOCK));
        assertThat(r.out().lines().filter(l -> l.startsWith("  ")).map(String::strip))
                .as("validate reports exactly what the library reports").containsExactlyElementsOf(library.problems());
    }

    @Test
    void validate_severalProblems_reportsAllAtOnce() {
        Path file = Cli.write(dir, "rules.yaml", with("bucket-count: 1024", "bucket-count: 0")
                .replace("strategy: usr", "x").replace("users:       { strategy: user,", "users:       { strategy: usr,"));
        Cli.Result r = cli.run("validate", file.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.out()).startsWith("rules.yaml: 2 problems" + System.lineSeparator())
                .contains("  rules.yaml:2: bucket-count is out of range; was '0', expected 1..65536")
                .contains("  rules.yaml:13: tables.users.strategy must be one of [user, month, user+month, broadcast, single]; was 'usr'");
    }

    @Test
    void validate_unsetEnvironmentVariable_namesTheKey() {
        Path file = Cli.write(dir, "rules.yaml", Cli.RULES);
        Cli.Result r = new Cli().run("validate", file.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.out()).contains("  rules.yaml:6: shards[0].primary.password: ${PG_PASSWORD} is not set in the environment",
                "  rules.yaml:10: shards[1].primary.password: ${PG_PASSWORD} is not set in the environment");
    }

    @Test
    void validate_validRules_exitsZeroWithASummary() {
        Path file = Cli.write(dir, "rules.yaml", Cli.RULES);
        Cli.Result r = cli.run("validate", file.toString());
        assertThat(r.code()).as(r.toString()).isZero();
        assertThat(r.out()).isEqualTo("rules.yaml: valid: 2 shards, 5 nodes, 6 tables (2 split by month)" + System.lineSeparator());
    }

    @Test
    void validate_json_listsProblemsForAutomation() {
        Path file = Cli.write(dir, "rules.yaml", with("bucket-count: 1024", "bucket-count: 0"));
        Cli.Result r = cli.run("validate", file.toString(), "--json");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.out()).contains("\"valid\": false", "\"format\": \"compact\"", """
                  "problems": [
                    {
                      "file": "rules.yaml",
                      "line": 2,
                      "key": "bucket-count",
                      "value": "0",
                      "expected": "1..65536",
                      "message": "rules.yaml:2: bucket-count is out of range; was '0', expected 1..65536"
                    }
                  ]""".indent(2).stripTrailing());
    }

    @Test
    void validate_jsonUnknownKey_objectCarriesKeyValueAndSuggestion() {
        Path file = Cli.write(dir, "rules.yaml", with("users:       { strategy: user, key: user_id }",
                "users:       { stratgy: user, strategy: user, key: user_id }"));
        Cli.Result r = cli.run("validate", file.toString(), "--json");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.out()).contains("\"line\": 13", "\"key\": \"tables.users.stratgy\"", "\"value\": \"stratgy\"",
                "\"expected\": \"one of [strategy, key, time,",
                "\"message\": \"rules.yaml:13: tables.users.stratgy is not a known key (did you mean 'strategy'?); expected one of [");
    }

    @Test
    void validate_everyUnsetVariable_isNamedAtOnce() {
        Path file = Cli.write(dir, "rules.yaml", Cli.RULES.replace("jdbc:postgresql://pg1-r1:5432/skyriff", "${PG1_REPLICA_URL}"));
        Cli.Result r = new Cli().run("validate", file.toString(), "--json");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.out()).contains("shards[0].primary.password: ${PG_PASSWORD} is not set in the environment",
                "shards[1].primary.password: ${PG_PASSWORD} is not set in the environment",
                "shards[1].replicas[0]: ${PG1_REPLICA_URL} is not set in the environment");
    }

    static final Path EXAMPLE_RULES = Path.of("..", "examples", "rules");

    static java.util.SortedSet<String> variables(String text) {
        java.util.SortedSet<String> out = new java.util.TreeSet<>();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\$\\{([A-Z0-9_]+)}").matcher(text);
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }

    @ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.ValueSource(strings = {"phase1.yaml", "phase2.yaml", "phase3.yaml", "phase4.yaml"})
    void validate_exampleRulesWithoutEnvironment_namesEveryVariableAtOnceAndEachIsDocumented(String name) throws Exception {
        String text = java.nio.file.Files.readString(EXAMPLE_RULES.resolve(name));
        java.util.SortedSet<String> needed = variables(text);
        assertThat(needed).isNotEmpty();
        Cli.Result r = new Cli().run("validate", EXAMPLE_RULES.resolve(name).toString());
        assertThat(r.code()).as(r.toString()).isEqualTo(2);
        java.util.SortedSet<String> named = new java.util.TreeSet<>();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\$\\{([A-Z0-9_]+)} is not set in the environment")
                .matcher(r.out());
        while (m.find()) {
            named.add(m.group(1));
        }
        assertThat(named).as("validate names every unset variable in one run\n" + r).isEqualTo(needed);
        String readme = java.nio.file.Files.readString(EXAMPLE_RULES.resolve("README.md"));
        for (String v : needed) {
            assertThat(readme).as("examples/rules/README.md documents " + v).containsPattern("`" + v + "`[^\\n]*\\| [^|]*"
                    + name.replace(".yaml", ""));
        }
    }

    @Test
    void topologyChecks_withoutDataDirectoryPrivilege_comparesServerAddressesInstead() {
        com.skyriff.data.rules.Rules rules = RulesReader.parse(Cli.RULES, "rules.yaml", Map.of("PG_PASSWORD", "s3cret")::get, Cli.CLOCK);
        com.skyriff.data.rules.Topology topology = com.skyriff.data.rules.Topology.compile(rules, Cli.CLOCK);
        java.util.List<com.skyriff.data.rules.PhysicalNode> n = topology.nodes();   // shard0 primary, r0, r1, shard1 primary, r0
        java.util.List<NodeProbe.Result> results = java.util.List.of(
                new NodeProbe.Result(n.get(0), false, "15", "100", null, "10.0.0.1:5432", null, 0L, null),
                new NodeProbe.Result(n.get(1), true, "15", "100", null, "10.0.0.2:5432", "10.0.0.1:5432", 0L, null),
                new NodeProbe.Result(n.get(2), true, "15", "300", null, "10.0.0.3:5432", "10.0.0.9:5432", 0L, null),
                new NodeProbe.Result(n.get(3), false, "15", "100", null, "10.0.0.1:5432", null, 0L, null),
                new NodeProbe.Result(n.get(4), true, "15", null, null, null, null, null, null));
        java.util.List<com.skyriff.data.rules.RulesProblem> problems = new java.util.ArrayList<>();
        ValidateCommand.topologyChecks("rules.yaml", topology, results, problems);
        assertThat(problems).extracting(com.skyriff.data.rules.RulesProblem::message).containsExactly(
                "shards[1].primary.url (shard1 primary) is the same PostgreSQL server as shards[0].primary.url (shard0 primary): "
                        + "system identifier 100, listening at 10.0.0.1:5432; was 'jdbc:postgresql://pg1:5432/skyriff', expected a "
                        + "primary of its own for shard1 (two shards on one primary each see the other's rows)",
                "shards[0].replicas[1].url (shard0 replica 1) is a standby of another cluster, not of shard0's primary: system "
                        + "identifier 300, shard0's primary has 100; it streams from 10.0.0.9:5432; was "
                        + "'jdbc:postgresql://pg0-r2:5432/skyriff', expected a standby of shard0's primary (10.0.0.1:5432)");
        assertThat(problems.get(0).key()).isEqualTo("shards[1].primary.url");
        assertThat(problems.get(1).expected()).isEqualTo("shard0's primary");
    }

    @Test
    void skewProblem_pastTheThreshold_namesTheNodeTheSkewAndWhy() {
        com.skyriff.data.rules.Rules rules = RulesReader.parse(Cli.RULES, "rules.yaml", Map.of("PG_PASSWORD", "s3cret")::get, Cli.CLOCK);
        com.skyriff.data.rules.PhysicalNode n = rules.nodes().get(1);
        assertThat(NodeProbe.skewProblem(n, NodeProbe.MAX_SKEW_MS)).isNull();
        assertThat(NodeProbe.skewProblem(n, -NodeProbe.MAX_SKEW_MS)).isNull();
        assertThat(NodeProbe.skewProblem(n, -5_300)).isEqualTo("shard0 replica 0's clock is 5300 ms behind this machine's at "
                + "jdbc:postgresql://pg0-r1:5432/skyriff; expected within 2000 ms (month tables are chosen by the application's "
                + "clock, rows stamped by the database's: around a month boundary they disagree for as long as the skew); "
                + "synchronize the clocks (NTP)");
        assertThat(NodeProbe.skewProblem(n, 2_001)).startsWith("shard0 replica 0's clock is 2001 ms ahead of this machine's");
    }

    @Test
    void validate_missingFile_exitsTwoNamingIt() {
        Cli.Result r = cli.run("validate", dir.resolve("nope.yaml").toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).isEqualTo("skyriff validate: " + dir.resolve("nope.yaml") + ": 1 problem" + System.lineSeparator()
                + "  " + dir.resolve("nope.yaml") + ": no such rules file" + System.lineSeparator());
    }

    static final String NATIVE = """
            dataSources:
              ds_0:
                dataSourceClassName: com.zaxxer.hikari.HikariDataSource
                driverClassName: org.postgresql.Driver
                jdbcUrl: jdbc:postgresql://pg0:5432/skyriff
                username: app
                password: secret
            rules:
              - !SHARDING
                tables:
                  t_order:
                    actualDataNodes: ds_0.t_order_${0..1}
                    tableStrategy:
                      standard:
                        shardingColumn: order_id
                        shardingAlgorithmName: t_order_inline
                shardingAlgorithms:
                  t_order_inline:
                    type: INLINE
                    props:
                      algorithm-expression: t_order_${order_id % 2}
            """;

    @Test
    void validate_nativeShardingSphereFile_isAccepted() {
        Path file = Cli.write(dir, "native.yaml", NATIVE);
        Cli.Result r = cli.run("validate", file.toString());
        assertThat(r.code()).as(r.toString()).isZero();
        assertThat(r.out()).isEqualTo("native.yaml: valid: native ShardingSphere 5.5 configuration" + System.lineSeparator());
    }

    @Test
    void validate_brokenNativeFile_reportsEveryProblemWithLineKeyAndAllowedValues() {
        Path file = Cli.write(dir, "native.yaml", NATIVE.replace("type: INLINE", "type: INLINEE")
                .replace("    dataSourceClassName", "    x: y\n    dataSourceClassName")
                .replace("actualDataNodes: ds_0.t_order_${0..1}", "actualDataNodes: ds_${0..1}.t_order_${0..1}"));
        Cli.Result r = cli.run("validate", file.toString());
        assertThat(r.code()).as(r.toString()).isEqualTo(2);
        String nl = System.lineSeparator();
        assertThat(r.out()).isEqualTo("native.yaml: 2 problems" + nl
                + "  native.yaml:13: rules.!SHARDING.tables.t_order.actualDataNodes expands to data source 'ds_1', which is "
                + "not defined; was 'ds_${0..1}.t_order_${0..1}', expected one of [ds_0]; did you mean 'ds_0'?" + nl
                + "  native.yaml:20: rules.!SHARDING.shardingAlgorithms.t_order_inline.type is not a registered sharding "
                + "algorithm; was 'INLINEE', expected one of [AUTO_INTERVAL, BOUNDARY_RANGE, CLASS_BASED, COMPLEX_INLINE, "
                + "HASH_MOD, HINT_INLINE, INLINE, INTERVAL, MOD, VOLUME_RANGE]; did you mean 'INLINE'?" + nl);
    }

    @Test
    void validate_brokenNativeFileJson_givesLineKeyValueAndExpected() {
        Path file = Cli.write(dir, "native.yaml", NATIVE.replace("type: INLINE", "type: INLINEE"));
        Cli.Result r = cli.run("validate", file.toString(), "--json");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.out()).contains("\"format\": \"native\"", "\"line\": 19",
                "\"key\": \"rules.!SHARDING.shardingAlgorithms.t_order_inline.type\"", "\"value\": \"INLINEE\"",
                "\"expected\": \"one of [AUTO_INTERVAL, BOUNDARY_RANGE,",
                "\"message\": \"native.yaml:19: rules.!SHARDING.shardingAlgorithms.t_order_inline.type is not a registered");
    }

    @Test
    void validate_nativeFileWithoutDataSources_saysSo() {
        Path file = Cli.write(dir, "native.yaml", "dataSources: {}\nrules: []\n");
        Cli.Result r = cli.run("validate", file.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.out()).contains("  native.yaml:1: dataSources is empty; a native ShardingSphere file needs at least one");
    }

    @Test
    void otherCommands_nativeFile_areRefusedWithTheReason() {
        Path file = Cli.write(dir, "native.yaml", NATIVE);
        Cli.Result r = cli.run("route", file.toString(), "--table", "t_order", "--key", "1");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).isEqualTo("skyriff route: " + file + ": is a native ShardingSphere file; only 'skyriff validate' "
                + "accepts one, 'route' needs the compact rules format" + System.lineSeparator());
    }

    @Test
    void noSubcommand_printsUsageAndExitsTwo() {
        Cli.Result r = cli.run();
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("Missing subcommand", "validate", "route", "ddl", "migrate", "months", "drift", "plan", "demo");
    }

    @Test
    void help_everySubcommand_hasHelp() {
        for (String c : new String[] {"validate", "route", "ddl", "migrate", "months", "drift", "plan", "demo"}) {
            Cli.Result r = cli.run(c, "--help");
            assertThat(r.code()).as(c).isZero();
            assertThat(r.out()).as(c).startsWith("Usage: skyriff " + c);
        }
        assertThat(cli.run("demo", "--help").out()).as("without the examples module: where the demo's flags are")
                .contains("./bin/skyriff demo --help", "--apply-schema");
    }
}
