package com.skyriff.data.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/**
 * The corpus of broken native ShardingSphere files in {@code src/test/resources/native/}: each is {@code valid.yaml} with
 * one kind of mistake (or two, reported together), and each asserts every problem reported, in full.
 */
class NativeRulesTest {
    static Path corpus(String name) {
        try {
            return Path.of(NativeRulesTest.class.getResource("/native/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static Stream<Arguments> brokenFiles() {
        return Stream.of(
                Arguments.of("broken-data-node-undefined-data-source.yaml", List.of(
                        "broken-data-node-undefined-data-source.yaml:47: rules.!SHARDING.tables.t_order.actualDataNodes names data source 'ds_2', which is not defined; was 'ds_0.t_order, ds_2.t_order', expected one of [ds_0_w, ds_0_r, ds_1_w, ds_1_r, ds_0, ds_1]; did you mean 'ds_0'?")),
                Arguments.of("broken-data-source-without-url.yaml", List.of(
                        "broken-data-source-without-url.yaml:16: dataSources.ds_1_w.jdbcUrl is missing; expected the node's JDBC URL under jdbcUrl (HikariCP) or url, such as jdbc:postgresql://host:5432/db")),
                Arguments.of("broken-inline-expression-undefined-data-source.yaml", List.of(
                        "broken-inline-expression-undefined-data-source.yaml:56: rules.!SHARDING.tables.t_event.actualDataNodes expands to data source 'ds_2', which is not defined; was 'ds_${0..2}.t_event_${['202601', '202602']}', expected one of [ds_0_w, ds_0_r, ds_1_w, ds_1_r, ds_0, ds_1]; did you mean 'ds_0'?")),
                Arguments.of("broken-inline-algorithm-routes-outside-data-nodes.yaml", List.of(
                        "broken-inline-algorithm-routes-outside-data-nodes.yaml:51: rules.!SHARDING.tables.t_order.databaseStrategy.standard.shardingAlgorithmName routes user_id = 2 to 'ds_2', which is not in rules.!SHARDING.tables.t_order.actualDataNodes; was 'ds_${user_id % 4}' (rules.!SHARDING.shardingAlgorithms.by_user.props.algorithm-expression), expected one of [ds_0, ds_1]",
                        "broken-inline-algorithm-routes-outside-data-nodes.yaml:60: rules.!SHARDING.tables.t_event.databaseStrategy.standard.shardingAlgorithmName routes user_id = 2 to 'ds_2', which is not in rules.!SHARDING.tables.t_event.actualDataNodes; was 'ds_${user_id % 4}' (rules.!SHARDING.shardingAlgorithms.by_user.props.algorithm-expression), expected one of [ds_0, ds_1]")),
                Arguments.of("broken-interval-bad-value.yaml", List.of(
                        "broken-interval-bad-value.yaml:73: rules.!SHARDING.shardingAlgorithms.by_month.props are rejected by INTERVAL: Invalid datetime-lower, datetime pattern should be 'yyyy-MM-dd HH:mm:ss', value is '2026-01-01'.")),
                Arguments.of("broken-interval-missing-datetime-lower.yaml", List.of(
                        "broken-interval-missing-datetime-lower.yaml:73: rules.!SHARDING.shardingAlgorithms.by_month.props is missing datetime-lower; was [datetime-interval-unit, datetime-pattern, datetime-upper, sharding-suffix-pattern], expected INTERVAL's required properties [datetime-pattern, datetime-lower, sharding-suffix-pattern]")),
                Arguments.of("broken-key-generator-undefined.yaml", List.of(
                        "broken-key-generator-undefined.yaml:54: rules.!SHARDING.tables.t_order.keyGenerateStrategy.keyGeneratorName names no key generator; was 'snowflake_id', expected one of [snowflake]")),
                Arguments.of("broken-load-balancer-undefined.yaml", List.of(
                        "broken-load-balancer-undefined.yaml:40: rules.!READWRITE_SPLITTING.dataSourceGroups.ds_1.loadBalancerName names no load balancer; was 'round_robin', expected one of [rr]")),
                Arguments.of("broken-mod-missing-sharding-count.yaml", List.of(
                        "broken-mod-missing-sharding-count.yaml:69: rules.!SHARDING.shardingAlgorithms.by_user.props is missing sharding-count; was [sharding-cnt], expected MOD's required properties [sharding-count]",
                        "broken-mod-missing-sharding-count.yaml:69: rules.!SHARDING.shardingAlgorithms.by_user.props.sharding-cnt is not a property of MOD; was 'sharding-cnt', expected one of [sharding-count, start-offset, stop-offset, zero-padding]; did you mean 'sharding-count'?")),
                Arguments.of("broken-readwrite-group-undefined-data-source.yaml", List.of(
                        "broken-readwrite-group-undefined-data-source.yaml:38: rules.!READWRITE_SPLITTING.dataSourceGroups.ds_1.readDataSourceNames[0] names data source 'ds_1_replica', which is not defined; was 'ds_1_replica', expected one of [ds_0_w, ds_0_r, ds_1_w, ds_1_r]")),
                Arguments.of("broken-strategy-undefined-algorithm.yaml", List.of(
                        "broken-strategy-undefined-algorithm.yaml:64: rules.!SHARDING.tables.t_event.tableStrategy.standard.shardingAlgorithmName names no sharding algorithm; was 'by_months', expected one of [by_user, by_month]; did you mean 'by_month'?")),
                Arguments.of("broken-two-mistakes.yaml", List.of(
                        "broken-two-mistakes.yaml:33: rules.!READWRITE_SPLITTING.dataSourceGroups.ds_0.readDataSourceNames[0] names data source 'ds_0_read', which is not defined; was 'ds_0_read', expected one of [ds_0_w, ds_0_r, ds_1_w, ds_1_r]",
                        "broken-two-mistakes.yaml:80: rules.!SHARDING.keyGenerators.snowflake.type is not a registered key generator; was 'SNOWFLAK', expected one of [SNOWFLAKE, UUID]; did you mean 'SNOWFLAKE'?")),
                Arguments.of("broken-unknown-algorithm-type.yaml", List.of(
                        "broken-unknown-algorithm-type.yaml:67: rules.!SHARDING.shardingAlgorithms.by_user.type is not a registered sharding algorithm; was 'INLINEE', expected one of [AUTO_INTERVAL, BOUNDARY_RANGE, CLASS_BASED, COMPLEX_INLINE, HASH_MOD, HINT_INLINE, INLINE, INTERVAL, MOD, VOLUME_RANGE]; did you mean 'INLINE'?")),
                Arguments.of("broken-unknown-rule-key.yaml", List.of(
                        "broken-unknown-rule-key.yaml:47: rules.!SHARDING.tables.t_order.actualDataNode is not a known key; was 'actualDataNode', expected one of [logicTable, actualDataNodes, databaseStrategy, tableStrategy, keyGenerateStrategy, auditStrategy]; did you mean 'actualDataNodes'?")),
                Arguments.of("broken-unknown-top-level-key.yaml", List.of(
                        "broken-unknown-top-level-key.yaml:3: prop is not a known key; was 'prop', expected one of [databaseName, dataSources, rules, mode, authority, sqlParser, transaction, globalClock, sqlFederation, sqlTranslator, logging, props]; did you mean 'props'?")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("brokenFiles")
    void read_brokenNativeFile_reportsEveryProblemWithFileLineKeyAndAllowedValues(String file, List<String> expected) {
        RulesException e = catchThrowableOfType(RulesException.class, () -> NativeRules.read(corpus(file)));
        assertThat(e).as(file + " must be refused").isNotNull();
        assertThat(e.problems()).containsExactlyElementsOf(expected);
        assertThat(e.getMessage()).startsWith(file + ": " + expected.size() + (expected.size() == 1 ? " problem" : " problems"));
    }

    @Test
    void read_validNativeFile_isAcceptedUnchanged() {
        NativeRules rules = NativeRules.read(corpus("valid.yaml"));
        assertThat(rules.source()).isEqualTo("valid.yaml");
        assertThat(new String(rules.yaml(), java.nio.charset.StandardCharsets.UTF_8)).contains("type: INTERVAL");
    }

    @Test
    void parse_emptyDataSources_saysSoWithTheLine() {
        RulesException e = catchThrowableOfType(RulesException.class,
                () -> NativeRules.parse("databaseName: x\ndataSources:\nrules: []\n", "n.yaml"));
        assertThat(e.problems()).containsExactly("n.yaml:2: dataSources is empty; a native ShardingSphere file needs at least one");
    }

    @Test
    void parse_unknownRuleTag_listsTheRegisteredTags() {
        String text = "dataSources:\n  ds: {dataSourceClassName: x, driverClassName: y, jdbcUrl: z}\nrules:\n- !SHARDNG\n  tables: {}\n";
        RulesException e = catchThrowableOfType(RulesException.class, () -> NativeRules.parse(text, "n.yaml"));
        assertThat(e.problems()).hasSize(1);
        assertThat(e.problems().get(0)).startsWith("n.yaml:4: rules[0] is not a known rule; was '!SHARDNG', expected one of [")
                .contains("!READWRITE_SPLITTING", "!SHARDING", "!BROADCAST", "!SINGLE").endsWith("; did you mean '!SHARDING'?");
    }

    @Test
    void parse_standardStrategyOnHintAlgorithm_isRefused() {
        String text = NativeRulesTestFiles.with("type: INLINE\n      props:\n        algorithm-expression: ds_${user_id % 2}",
                "type: HINT_INLINE\n      props:\n        algorithm-expression: ds_${value % 2}");
        RulesException e = catchThrowableOfType(RulesException.class, () -> NativeRules.parse(text, "n.yaml"));
        assertThat(e.problems()).containsExactly(
                "n.yaml:52: rules.!SHARDING.tables.t_order.databaseStrategy.standard.shardingAlgorithmName names a HINT_INLINE "
                        + "algorithm, which a standard strategy cannot use; was 'by_user', expected one of [AUTO_INTERVAL, "
                        + "BOUNDARY_RANGE, CLASS_BASED, HASH_MOD, INLINE, INTERVAL, MOD, VOLUME_RANGE]",
                "n.yaml:61: rules.!SHARDING.tables.t_event.databaseStrategy.standard.shardingAlgorithmName names a HINT_INLINE "
                        + "algorithm, which a standard strategy cannot use; was 'by_user', expected one of [AUTO_INTERVAL, "
                        + "BOUNDARY_RANGE, CLASS_BASED, HASH_MOD, INLINE, INTERVAL, MOD, VOLUME_RANGE]");
    }

    @Test
    void parse_algorithmWithEmptyType_isMissingWithTheRegisteredTypes() {
        String text = NativeRulesTestFiles.with("      type: SNOWFLAKE", "      type:");
        RulesException e = catchThrowableOfType(RulesException.class, () -> NativeRules.parse(text, "n.yaml"));
        assertThat(e.problems()).containsExactly(
                "n.yaml:81: rules.!SHARDING.keyGenerators.snowflake.type is missing; expected one of [SNOWFLAKE, UUID]");
    }

    @Test
    void parse_tableStrategyInlineRoutingToAnUnlistedTable_isRefused() {
        String text = NativeRulesTestFiles.with("actualDataNodes: ds_${0..1}.t_order\n",
                "actualDataNodes: ds_${0..1}.t_order_${0..1}\n      tableStrategy:\n        standard:\n"
                        + "          shardingColumn: order_id\n          shardingAlgorithmName: by_order\n")
                .replace("  shardingAlgorithms:\n", "  shardingAlgorithms:\n    by_order:\n      type: INLINE\n      props:\n"
                        + "        algorithm-expression: t_order_${order_id % 3}\n");
        RulesException e = catchThrowableOfType(RulesException.class, () -> NativeRules.parse(text, "n.yaml"));
        assertThat(e.problems()).containsExactly("n.yaml:52: rules.!SHARDING.tables.t_order.tableStrategy.standard."
                + "shardingAlgorithmName routes order_id = 2 to 't_order_2', which is not in "
                + "rules.!SHARDING.tables.t_order.actualDataNodes; was 't_order_${order_id % 3}' "
                + "(rules.!SHARDING.shardingAlgorithms.by_order.props.algorithm-expression), expected one of [t_order_0, t_order_1]");
    }

    @Test
    void parse_brokenFile_givesEachProblemAsAValueWithLineKeyValueAndExpected() {
        RulesException e = catchThrowableOfType(RulesException.class,
                () -> NativeRules.read(corpus("broken-unknown-algorithm-type.yaml")));
        RulesProblem p = e.details().get(0);
        assertThat(p.file()).isEqualTo("broken-unknown-algorithm-type.yaml");
        assertThat(p.line()).isEqualTo(67);
        assertThat(p.key()).isEqualTo("rules.!SHARDING.shardingAlgorithms.by_user.type");
        assertThat(p.value()).isEqualTo("INLINEE");
        assertThat(p.expected()).isEqualTo("one of [AUTO_INTERVAL, BOUNDARY_RANGE, CLASS_BASED, COMPLEX_INLINE, HASH_MOD, "
                + "HINT_INLINE, INLINE, INTERVAL, MOD, VOLUME_RANGE]");
        assertThat(p.message()).isEqualTo(e.problems().get(0));
    }

    @Test
    void parse_secretsInTheFile_neverAppearInMessages() {
        String text = NativeRulesTestFiles.with("type: INLINE", "type: INLINEE");
        RulesException e = catchThrowableOfType(RulesException.class, () -> NativeRules.parse(text, "n.yaml"));
        assertThat(e.getMessage()).doesNotContain("secret");
    }
}
