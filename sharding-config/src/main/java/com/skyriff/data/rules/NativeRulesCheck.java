package com.skyriff.data.rules;

import java.io.StringReader;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import org.apache.shardingsphere.broadcast.yaml.config.YamlBroadcastRuleConfiguration;
import org.apache.shardingsphere.driver.yaml.YamlJDBCConfiguration;
import org.apache.shardingsphere.infra.algorithm.core.ShardingSphereAlgorithm;
import org.apache.shardingsphere.infra.algorithm.core.yaml.YamlAlgorithmConfiguration;
import org.apache.shardingsphere.infra.algorithm.keygen.core.KeyGenerateAlgorithm;
import org.apache.shardingsphere.infra.algorithm.loadbalancer.core.LoadBalanceAlgorithm;
import org.apache.shardingsphere.infra.expr.core.InlineExpressionParserFactory;
import org.apache.shardingsphere.infra.spi.ShardingSphereServiceLoader;
import org.apache.shardingsphere.infra.spi.type.typed.TypedSPI;
import org.apache.shardingsphere.infra.spi.type.typed.TypedSPILoader;
import org.apache.shardingsphere.infra.yaml.config.swapper.rule.YamlRuleConfigurationSwapper;
import org.apache.shardingsphere.readwritesplitting.transaction.TransactionalReadQueryStrategy;
import org.apache.shardingsphere.readwritesplitting.yaml.config.YamlReadwriteSplittingRuleConfiguration;
import org.apache.shardingsphere.readwritesplitting.yaml.config.rule.YamlReadwriteSplittingDataSourceGroupRuleConfiguration;
import org.apache.shardingsphere.sharding.api.sharding.ShardingAutoTableAlgorithm;
import org.apache.shardingsphere.sharding.api.sharding.complex.ComplexKeysShardingAlgorithm;
import org.apache.shardingsphere.sharding.api.sharding.hint.HintShardingAlgorithm;
import org.apache.shardingsphere.sharding.api.sharding.standard.StandardShardingAlgorithm;
import org.apache.shardingsphere.sharding.spi.ShardingAlgorithm;
import org.apache.shardingsphere.sharding.spi.ShardingAuditAlgorithm;
import org.apache.shardingsphere.sharding.yaml.config.YamlShardingRuleConfiguration;
import org.apache.shardingsphere.sharding.yaml.config.rule.YamlShardingAutoTableRuleConfiguration;
import org.apache.shardingsphere.sharding.yaml.config.rule.YamlTableRuleConfiguration;
import org.apache.shardingsphere.sharding.yaml.config.strategy.audit.YamlShardingAuditStrategyConfiguration;
import org.apache.shardingsphere.sharding.yaml.config.strategy.keygen.YamlKeyGenerateStrategyConfiguration;
import org.apache.shardingsphere.sharding.yaml.config.strategy.sharding.YamlComplexShardingStrategyConfiguration;
import org.apache.shardingsphere.sharding.yaml.config.strategy.sharding.YamlHintShardingStrategyConfiguration;
import org.apache.shardingsphere.sharding.yaml.config.strategy.sharding.YamlShardingStrategyConfiguration;
import org.apache.shardingsphere.sharding.yaml.config.strategy.sharding.YamlStandardShardingStrategyConfiguration;
import org.apache.shardingsphere.single.yaml.config.YamlSingleRuleConfiguration;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Checks a native ShardingSphere 5.5 YAML file before ShardingSphere builds it, with the rigour of the compact format:
 * every reference resolved (data sources, read/write groups, algorithms, key generators, load balancers, auditors, and
 * every data source named inside {@code actualDataNodes} once ShardingSphere's own inline-expression parser has expanded
 * it), every algorithm type checked against what is registered through ShardingSphere's SPI and its required properties
 * against ShardingSphere 5.5.2's {@code init} methods, data sources without URL, driver or pool class, unknown keys.
 * Every problem at once, each {@code file:line: key.path what is wrong; was 'value', expected [allowed]}, lines from
 * SnakeYAML's node marks. Keys, enum values and registered types are read from ShardingSphere's own classes, so the
 * allowed values are those the ShardingSphere on the class path accepts. Not thread-safe: one instance per file.
 */
final class NativeRulesCheck {
    static final List<String> TOP_KEYS = fields(YamlJDBCConfiguration.class);
    static final List<String> SHARDING_KEYS = fields(YamlShardingRuleConfiguration.class);
    static final List<String> TABLE_KEYS = fields(YamlTableRuleConfiguration.class);
    static final List<String> AUTO_TABLE_KEYS = fields(YamlShardingAutoTableRuleConfiguration.class);
    static final List<String> STRATEGY_KEYS = fields(YamlShardingStrategyConfiguration.class);
    static final List<String> STANDARD_KEYS = fields(YamlStandardShardingStrategyConfiguration.class);
    static final List<String> COMPLEX_KEYS = fields(YamlComplexShardingStrategyConfiguration.class);
    static final List<String> HINT_KEYS = fields(YamlHintShardingStrategyConfiguration.class);
    static final List<String> KEY_GENERATE_KEYS = fields(YamlKeyGenerateStrategyConfiguration.class);
    static final List<String> AUDIT_KEYS = fields(YamlShardingAuditStrategyConfiguration.class);
    static final List<String> ALGORITHM_KEYS = fields(YamlAlgorithmConfiguration.class);
    static final List<String> READWRITE_KEYS = fields(YamlReadwriteSplittingRuleConfiguration.class);
    static final List<String> GROUP_KEYS = fields(YamlReadwriteSplittingDataSourceGroupRuleConfiguration.class);
    static final List<String> BROADCAST_KEYS = fields(YamlBroadcastRuleConfiguration.class);
    static final List<String> SINGLE_KEYS = fields(YamlSingleRuleConfiguration.class);

    /**
     * Required and known properties of ShardingSphere 5.5.2's built-in algorithms, as their {@code init(Properties)}
     * methods read them (a required one fails init when absent; a known optional one has a default). An algorithm
     * that is registered but not listed here (a custom SPI class, CLASS_BASED's own properties) is checked for its
     * type only, then by its own init.
     */
    private record Props(List<String> required, List<String> known) {
    }

    private static final Map<String, Props> PROPS = Map.ofEntries(
            Map.entry("INLINE", new Props(List.of("algorithm-expression"),
                    List.of("algorithm-expression", "allow-range-query-with-inline-sharding"))),
            Map.entry("COMPLEX_INLINE", new Props(List.of("algorithm-expression"),
                    List.of("algorithm-expression", "sharding-columns", "allow-range-query-with-inline-sharding"))),
            Map.entry("HINT_INLINE", new Props(List.of(), List.of("algorithm-expression"))),
            Map.entry("MOD", new Props(List.of("sharding-count"),
                    List.of("sharding-count", "start-offset", "stop-offset", "zero-padding"))),
            Map.entry("HASH_MOD", new Props(List.of("sharding-count"), List.of("sharding-count"))),
            Map.entry("VOLUME_RANGE", new Props(List.of("range-lower", "range-upper", "sharding-volume"),
                    List.of("range-lower", "range-upper", "sharding-volume"))),
            Map.entry("BOUNDARY_RANGE", new Props(List.of("sharding-ranges"), List.of("sharding-ranges"))),
            Map.entry("AUTO_INTERVAL", new Props(List.of("datetime-lower", "datetime-upper", "sharding-seconds"),
                    List.of("datetime-lower", "datetime-upper", "sharding-seconds"))),
            Map.entry("INTERVAL", new Props(List.of("datetime-pattern", "datetime-lower", "sharding-suffix-pattern"),
                    List.of("datetime-pattern", "datetime-lower", "datetime-upper", "sharding-suffix-pattern",
                            "datetime-interval-amount", "datetime-interval-unit"))),
            Map.entry("CLASS_BASED", new Props(List.of("strategy", "algorithmClassName"), List.of())),
            Map.entry("SNOWFLAKE", new Props(List.of(),
                    List.of("max-vibration-offset", "max-tolerate-time-difference-milliseconds"))),
            Map.entry("UUID", new Props(List.of(), List.of())),
            Map.entry("ROUND_ROBIN", new Props(List.of(), List.of())),
            Map.entry("RANDOM", new Props(List.of(), List.of())));

    /** One kind of algorithm: where it is defined in the file, its SPI interface, and how messages name it. */
    private enum Kind {
        SHARDING("shardingAlgorithms", ShardingAlgorithm.class, "sharding algorithm"),
        KEY_GENERATOR("keyGenerators", KeyGenerateAlgorithm.class, "key generator"),
        AUDITOR("auditors", ShardingAuditAlgorithm.class, "auditor"),
        LOAD_BALANCER("loadBalancers", LoadBalanceAlgorithm.class, "load balancer");

        final String section;
        final Class<? extends ShardingSphereAlgorithm> spi;
        final String noun;

        Kind(String section, Class<? extends ShardingSphereAlgorithm> spi, String noun) {
            this.section = section;
            this.spi = spi;
            this.noun = noun;
        }
    }

    /** An algorithm defined in the file: its node (for lines), its type and the registered class, if any. */
    private record Algorithm(String at, Node node, String type, Class<?> implementation, Properties props) {
    }

    private record Located(int line, String text) {
    }

    /** A table's data nodes, split into the data sources and the tables an algorithm may route to. */
    private record Targets(String at, Set<String> dataSources, Set<String> tables) {
    }

    /** Sample shard key values an INLINE expression is evaluated with (integral keys; others are skipped). */
    private static final int INLINE_SAMPLES = 256;

    private final String source;
    /** Problems in the order found; reported in file order (by line, then as found). */
    private final List<Located> problems = new ArrayList<>();
    /** Physical data sources (dataSources:), then logical ones (read/write groups), in file order. */
    private final Set<String> physical = new LinkedHashSet<>();
    private final Set<String> logical = new LinkedHashSet<>();
    private final Map<String, Algorithm> sharding = new LinkedHashMap<>();
    private final Map<String, Algorithm> keyGenerators = new LinkedHashMap<>();
    private final Map<String, Algorithm> auditors = new LinkedHashMap<>();
    private final Map<String, Algorithm> loadBalancers = new LinkedHashMap<>();
    private final Set<String> shardingTables = new LinkedHashSet<>();

    private NativeRulesCheck(String source) {
        this.source = source;
    }

    /**
     * Every problem of the file, in file order, each with its line and key and the message
     * {@code source:line: key ...}; empty if ShardingSphere may build it.
     */
    static List<RulesProblem> check(String text, String source) {
        return new NativeRulesCheck(source).run(text);
    }

    private List<RulesProblem> run(String text) {
        Node root;
        try {
            root = new Yaml(new SafeConstructor(new LoaderOptions())).compose(new StringReader(text));
        } catch (MarkedYAMLException e) {
            int line = e.getProblemMark() == null ? 0 : e.getProblemMark().getLine() + 1;
            return List.of(new RulesProblem(source, line, null, null, null, source + ":" + line + ": malformed YAML: "
                    + (e.getProblem() == null ? e.getMessage() : e.getProblem())));
        } catch (YAMLException e) {
            return List.of(new RulesProblem(source, null, null, null, null, source + ": malformed YAML: " + e.getMessage()));
        }
        if (!(root instanceof MappingNode)) {
            return List.of(new RulesProblem(source, 1, null, null, null, source
                    + ":1: a native ShardingSphere file must be a YAML mapping with keys " + TOP_KEYS));
        }
        Map<String, Node> top = mapping(root, "", TOP_KEYS);
        Node ds = top.get("dataSources");
        if (ds == null || ds instanceof MappingNode m && m.getValue().isEmpty() || isNull(ds)) {
            problem(ds == null ? root : ds, "dataSources is empty; a native ShardingSphere file needs at least one");
        } else {
            dataSources(ds);
        }
        Node rules = top.get("rules");
        if (rules != null && !isNull(rules)) {
            rules(rules);
        }
        return problems.stream().sorted(java.util.Comparator.comparingInt(Located::line)).map(this::detail).toList();
    }

    // ---- dataSources

    private void dataSources(Node node) {
        if (!(node instanceof MappingNode m)) {
            problem(node, "dataSources must be a mapping of data source name to its pool settings");
            return;
        }
        for (NodeTuple t : m.getValue()) {
            String name = key(t);
            String at = "dataSources." + name;
            if (!physical.add(name)) {
                problem(t.getKeyNode(), at + " is given twice");
                continue;
            }
            if (!(t.getValueNode() instanceof MappingNode props)) {
                problem(t.getValueNode(), at + " must be a mapping of pool settings (dataSourceClassName, "
                        + "driverClassName, jdbcUrl, username, password, ...)");
                continue;
            }
            Map<String, Node> p = entries(props);
            if (blank(p.get("dataSourceClassName"))) {
                problem(t.getKeyNode(), at + ".dataSourceClassName is missing; expected the pool class, such as "
                        + "com.zaxxer.hikari.HikariDataSource");
            }
            if (blank(p.get("jdbcUrl")) && blank(p.get("url"))) {
                problem(t.getKeyNode(), at + ".jdbcUrl is missing; expected the node's JDBC URL under jdbcUrl (HikariCP) "
                        + "or url, such as jdbc:postgresql://host:5432/db");
            }
            if (blank(p.get("driverClassName"))) {
                problem(t.getKeyNode(), at + ".driverClassName is missing; expected the JDBC driver class, such as "
                        + "org.postgresql.Driver");
            }
        }
    }

    // ---- rules

    private void rules(Node node) {
        if (!(node instanceof SequenceNode seq)) {
            problem(node, "rules must be a list of tagged rules such as - !SHARDING; expected tags " + ruleTags());
            return;
        }
        Map<String, MappingNode> byTag = new LinkedHashMap<>();
        for (int i = 0; i < seq.getValue().size(); i++) {
            Node r = seq.getValue().get(i);
            String tag = r.getTag().getValue();
            if (!tag.startsWith("!") || !ruleTags().contains(tag)) {
                problem(r, "rules[" + i + "] is not a known rule" + (tag.startsWith("!") ? "" : " (no tag)") + "; was '"
                        + (tag.startsWith("!") ? tag : "") + "', expected one of " + ruleTags() + didYouMean(tag, ruleTags()));
                continue;
            }
            if (!(r instanceof MappingNode m)) {
                if (!isNull(r)) {
                    problem(r, "rules." + tag + " must be a mapping");
                }
                continue;
            }
            if (byTag.put(tag, m) != null) {
                problem(r, "rules." + tag + " is given twice; expected each rule once");
            }
        }
        // read/write groups first: they are data sources that sharding data nodes may name
        if (byTag.containsKey("!READWRITE_SPLITTING")) {
            readwriteSplitting(byTag.get("!READWRITE_SPLITTING"));
        }
        if (byTag.containsKey("!SHARDING")) {
            sharding(byTag.get("!SHARDING"));
        }
        if (byTag.containsKey("!BROADCAST")) {
            broadcast(byTag.get("!BROADCAST"));
        }
        if (byTag.containsKey("!SINGLE")) {
            single(byTag.get("!SINGLE"));
        }
    }

    private void readwriteSplitting(MappingNode node) {
        String at = "rules.!READWRITE_SPLITTING";
        Map<String, Node> m = mapping(node, at, READWRITE_KEYS);
        algorithms(m.get("loadBalancers"), at + ".loadBalancers", Kind.LOAD_BALANCER, loadBalancers);
        Node groups = m.get("dataSourceGroups");
        if (groups == null) {
            return;
        }
        if (!(groups instanceof MappingNode gm)) {
            problem(groups, at + ".dataSourceGroups must be a mapping of group name to its write and read data sources");
            return;
        }
        for (NodeTuple t : gm.getValue()) {
            String name = key(t);
            String g = at + ".dataSourceGroups." + name;
            if (physical.contains(name)) {
                problem(t.getKeyNode(), g + " has the name of a data source; was '" + name + "', expected a name that "
                        + "is not in dataSources " + physical);
            }
            if (!logical.add(name)) {
                problem(t.getKeyNode(), g + " is given twice");
            }
            Map<String, Node> gv = mapping(t.getValueNode(), g, GROUP_KEYS);
            Node write = gv.get("writeDataSourceName");
            if (write == null) {
                problem(t.getKeyNode(), g + ".writeDataSourceName is missing; expected one of " + physical);
            } else {
                physicalReference(write, g + ".writeDataSourceName");
            }
            List<Node> reads = list(gv.get("readDataSourceNames"), g + ".readDataSourceNames");
            for (int i = 0; i < reads.size(); i++) {
                physicalReference(reads.get(i), g + ".readDataSourceNames[" + i + "]");
            }
            Node strategy = gv.get("transactionalReadQueryStrategy");
            if (strategy != null) {
                List<String> allowed = Arrays.stream(TransactionalReadQueryStrategy.values()).map(Enum::name).toList();
                String v = scalar(strategy, g + ".transactionalReadQueryStrategy");
                if (v != null && !allowed.contains(v)) {
                    problem(strategy, g + ".transactionalReadQueryStrategy is not a strategy; was '" + v
                            + "', expected one of " + allowed + didYouMean(v, allowed));
                }
            }
            Node lb = gv.get("loadBalancerName");
            if (lb != null) {
                Algorithm a = reference(lb, g + ".loadBalancerName", Kind.LOAD_BALANCER, loadBalancers);
                if (a != null && "WEIGHT".equalsIgnoreCase(a.type())) {
                    weights(a, reads);
                }
            }
        }
    }

    /** WEIGHT needs a weight per read data source it balances, each a number. */
    private void weights(Algorithm a, List<Node> reads) {
        if (a.props().isEmpty()) {
            problem(a.node(), a.at() + ".props is empty; WEIGHT needs a weight for each read data source, such as "
                    + "ds_0_r: 1");
            return;
        }
        for (String k : a.props().stringPropertyNames()) {
            String v = a.props().getProperty(k);
            try {
                Double.parseDouble(v);
            } catch (NumberFormatException e) {
                problem(a.node(), a.at() + ".props." + k + " must be a number; was '" + v + "'");
            }
        }
        for (Node r : reads) {
            if (r instanceof ScalarNode s && !a.props().containsKey(s.getValue())) {
                problem(a.node(), a.at() + ".props has no weight for read data source '" + s.getValue() + "'; was "
                        + new TreeSet<>(a.props().stringPropertyNames()) + ", expected a weight for each of its groups' "
                        + "read data sources");
            }
        }
    }

    private void sharding(MappingNode node) {
        String at = "rules.!SHARDING";
        Map<String, Node> m = mapping(node, at, SHARDING_KEYS);
        algorithms(m.get("shardingAlgorithms"), at + ".shardingAlgorithms", Kind.SHARDING, sharding);
        algorithms(m.get("keyGenerators"), at + ".keyGenerators", Kind.KEY_GENERATOR, keyGenerators);
        algorithms(m.get("auditors"), at + ".auditors", Kind.AUDITOR, auditors);
        Node tables = m.get("tables");
        if (tables instanceof MappingNode tm) {
            for (NodeTuple t : tm.getValue()) {
                String name = key(t);
                String tat = at + ".tables." + name;
                if (!shardingTables.add(name)) {
                    problem(t.getKeyNode(), tat + " is given twice");
                }
                Map<String, Node> tv = mapping(t.getValueNode(), tat, TABLE_KEYS);
                List<String> nodes = tv.containsKey("actualDataNodes")
                        ? dataNodes(tv.get("actualDataNodes"), tat + ".actualDataNodes") : List.of();
                Targets targets = nodes.isEmpty() ? null : new Targets(tat + ".actualDataNodes",
                        nodes.stream().map(n -> n.substring(0, n.indexOf('.'))).collect(
                                java.util.stream.Collectors.toCollection(LinkedHashSet::new)),
                        nodes.stream().map(n -> n.substring(n.lastIndexOf('.') + 1)).collect(
                                java.util.stream.Collectors.toCollection(LinkedHashSet::new)));
                strategy(tv.get("databaseStrategy"), tat + ".databaseStrategy", false,
                        targets == null ? null : targets.dataSources(), targets == null ? null : targets.at());
                strategy(tv.get("tableStrategy"), tat + ".tableStrategy", false,
                        targets == null ? null : targets.tables(), targets == null ? null : targets.at());
                keyGenerate(tv.get("keyGenerateStrategy"), tat + ".keyGenerateStrategy");
                audit(tv.get("auditStrategy"), tat + ".auditStrategy");
            }
        } else if (tables != null && !isNull(tables)) {
            problem(tables, at + ".tables must be a mapping of logic table name to its data nodes and strategies");
        }
        Node autoTables = m.get("autoTables");
        if (autoTables instanceof MappingNode am) {
            for (NodeTuple t : am.getValue()) {
                String name = key(t);
                String tat = at + ".autoTables." + name;
                if (!shardingTables.add(name)) {
                    problem(t.getKeyNode(), tat + " is given twice (also under tables or autoTables)");
                }
                Map<String, Node> tv = mapping(t.getValueNode(), tat, AUTO_TABLE_KEYS);
                Node sources = tv.get("actualDataSources");
                if (sources != null) {
                    String v = scalar(sources, tat + ".actualDataSources");
                    if (v != null) {
                        for (String s : expand(sources, tat + ".actualDataSources", v)) {
                            if (!dataSourceNames().contains(s.trim())) {
                                undefinedDataSource(sources, tat + ".actualDataSources", s.trim(), v);
                            }
                        }
                    }
                }
                strategy(tv.get("shardingStrategy"), tat + ".shardingStrategy", true, null, null);
                keyGenerate(tv.get("keyGenerateStrategy"), tat + ".keyGenerateStrategy");
                audit(tv.get("auditStrategy"), tat + ".auditStrategy");
            }
        } else if (autoTables != null && !isNull(autoTables)) {
            problem(autoTables, at + ".autoTables must be a mapping of logic table name to its data sources and strategy");
        }
        strategy(m.get("defaultDatabaseStrategy"), at + ".defaultDatabaseStrategy", false, null, null);
        strategy(m.get("defaultTableStrategy"), at + ".defaultTableStrategy", false, null, null);
        keyGenerate(m.get("defaultKeyGenerateStrategy"), at + ".defaultKeyGenerateStrategy");
        audit(m.get("defaultAuditStrategy"), at + ".defaultAuditStrategy");
        List<Node> binding = list(m.get("bindingTables"), at + ".bindingTables");
        for (int i = 0; i < binding.size(); i++) {
            String v = scalar(binding.get(i), at + ".bindingTables[" + i + "]");
            if (v == null) {
                continue;
            }
            // "t_order,t_order_item" or, since 5.4, "name:t_order,t_order_item"
            String names = v.contains(":") ? v.substring(v.indexOf(':') + 1) : v;
            for (String table : names.split(",")) {
                String tname = table.trim();
                if (!shardingTables.contains(tname)) {
                    problem(binding.get(i), at + ".bindingTables[" + i + "] names table '" + tname + "', which is not a "
                            + "sharding table; was '" + v + "', expected tables of " + shardingTables
                            + didYouMean(tname, shardingTables));
                }
            }
        }
    }

    private void broadcast(MappingNode node) {
        String at = "rules.!BROADCAST";
        Map<String, Node> m = mapping(node, at, BROADCAST_KEYS);
        List<Node> tables = list(m.get("tables"), at + ".tables");
        Set<String> seen = new LinkedHashSet<>();
        for (int i = 0; i < tables.size(); i++) {
            String v = scalar(tables.get(i), at + ".tables[" + i + "]");
            if (v == null) {
                continue;
            }
            if (!seen.add(v)) {
                problem(tables.get(i), at + ".tables[" + i + "] is listed twice; was '" + v + "'");
            } else if (shardingTables.contains(v)) {
                problem(tables.get(i), at + ".tables[" + i + "] is also a sharding table; was '" + v + "', expected a "
                        + "table that is in one rule only");
            }
        }
    }

    private void single(MappingNode node) {
        String at = "rules.!SINGLE";
        Map<String, Node> m = mapping(node, at, SINGLE_KEYS);
        List<Node> tables = list(m.get("tables"), at + ".tables");
        for (int i = 0; i < tables.size(); i++) {
            String v = scalar(tables.get(i), at + ".tables[" + i + "]");
            if (v == null) {
                continue;
            }
            String ds = v.contains(".") ? v.substring(0, v.indexOf('.')) : "";
            if (!v.contains(".") || ds.isEmpty()) {
                problem(tables.get(i), at + ".tables[" + i + "] is not a data node; was '" + v + "', expected "
                        + "data_source.table, data_source.*, *.* or data_source.schema.table");
            } else if (!"*".equals(ds) && !dataSourceNames().contains(ds)) {
                undefinedDataSource(tables.get(i), at + ".tables[" + i + "]", ds, v);
            }
        }
        Node def = m.get("defaultDataSource");
        if (def != null) {
            String v = scalar(def, at + ".defaultDataSource");
            if (v != null && !dataSourceNames().contains(v)) {
                undefinedDataSource(def, at + ".defaultDataSource", v, v);
            }
        }
    }

    // ---- sharding pieces

    /** Every data node ShardingSphere will expand the expression to must name a data source of this file. */
    /**
     * The expanded data nodes ({@code ds.table}), each checked; empty if any is wrong, so that a strategy is not
     * checked against nodes already reported.
     */
    private List<String> dataNodes(Node node, String at) {
        String v = scalar(node, at);
        if (v == null) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        Set<String> seen = new LinkedHashSet<>();
        Set<String> reported = new LinkedHashSet<>();
        boolean bad = false;
        for (String dataNode : expand(node, at, v)) {
            String n = dataNode.trim();
            int dot = n.indexOf('.');
            if (dot <= 0 || dot == n.length() - 1) {
                problem(node, at + " has a data node that is not data_source.table; was '" + v + "', expanded to '" + n
                        + "', expected such as ds_${0..1}.t_order_${0..15}");
                bad = true;
                continue;
            }
            if (!seen.add(n)) {
                problem(node, at + " names data node '" + n + "' twice; was '" + v + "'");
                bad = true;
            }
            String ds = n.substring(0, dot);
            if (!dataSourceNames().contains(ds)) {
                bad = true;
                if (reported.add(ds)) {
                    undefinedDataSource(node, at, ds, v);
                }
            }
            out.add(n);
        }
        return bad ? List.of() : out;
    }

    /** ShardingSphere's own expansion ({@code ds_${0..1}}, {@code <GROOVY>}, {@code <LITERAL>}); empty on failure. */
    private List<String> expand(Node node, String at, String expression) {
        try {
            return InlineExpressionParserFactory.newInstance(expression).splitAndEvaluate();
        } catch (RuntimeException e) {
            problem(node, at + " is not an inline expression ShardingSphere can expand; was '" + expression + "': "
                    + rootMessage(e));
            return List.of();
        }
    }

    private void undefinedDataSource(Node node, String at, String name, String was) {
        boolean expanded = was.contains("${") || was.contains("$->{") || was.startsWith("<");
        problem(node, at + (expanded ? " expands to" : " names") + " data source '" + name + "', which is not defined; was '"
                + was + "', expected " + (dataSourceNames().isEmpty() ? "a data source of dataSources (none is defined)"
                : "one of " + dataSourceNames()) + didYouMean(name, dataSourceNames()));
    }

    /**
     * A table's (or default) sharding strategy. {@code targets}, when known, are the names its algorithm may route to
     * (the data sources, or the tables, of the table's data nodes, listed at {@code targetsAt}).
     */
    private void strategy(Node node, String at, boolean auto, Set<String> targets, String targetsAt) {
        if (node == null || isNull(node)) {
            return;
        }
        Map<String, Node> m = mapping(node, at, STRATEGY_KEYS);
        if (m.size() > 1) {
            problem(node, at + " has more than one strategy; was " + m.keySet() + ", expected one of " + STRATEGY_KEYS);
        }
        for (Map.Entry<String, Node> e : m.entrySet()) {
            String sat = at + "." + e.getKey();
            Class<?> needs;
            Map<String, Node> sv;
            switch (e.getKey()) {
                case "standard" -> {
                    sv = mapping(e.getValue(), sat, STANDARD_KEYS);
                    needs = StandardShardingAlgorithm.class;
                }
                case "complex" -> {
                    sv = mapping(e.getValue(), sat, COMPLEX_KEYS);
                    needs = ComplexKeysShardingAlgorithm.class;
                }
                case "hint" -> {
                    sv = mapping(e.getValue(), sat, HINT_KEYS);
                    needs = HintShardingAlgorithm.class;
                }
                default -> {
                    continue;
                }
            }
            Node name = sv.get("shardingAlgorithmName");
            if (name == null) {
                problem(e.getValue(), sat + ".shardingAlgorithmName is missing; expected one of " + sharding.keySet());
                continue;
            }
            Algorithm a = reference(name, sat + ".shardingAlgorithmName", Kind.SHARDING, sharding);
            if (a == null || a.implementation() == null) {
                continue;
            }
            if (!needs.isAssignableFrom(a.implementation()) && !"CLASS_BASED".equalsIgnoreCase(a.type())) {
                problem(name, sat + ".shardingAlgorithmName names a " + a.type() + " algorithm, which a " + e.getKey()
                        + " strategy cannot use; was '" + ((ScalarNode) name).getValue() + "', expected one of "
                        + typesOf(needs));
            } else if (auto && !ShardingAutoTableAlgorithm.class.isAssignableFrom(a.implementation())) {
                problem(name, sat + ".shardingAlgorithmName names a " + a.type() + " algorithm, which an auto table "
                        + "cannot use; was '" + ((ScalarNode) name).getValue() + "', expected one of "
                        + typesOf(ShardingAutoTableAlgorithm.class));
            } else if (targets != null && "standard".equals(e.getKey()) && "INLINE".equalsIgnoreCase(a.type())) {
                inlineTargets(name, sat, a, sv.get("shardingColumn"), targets, targetsAt);
            }
        }
    }

    /**
     * Evaluates an INLINE algorithm's expression with ShardingSphere's own parser for shard key values 0..255 and reports
     * the first value it routes outside the table's data nodes (which fails or misroutes only at that value's first
     * statement). Skipped when the expression does not evaluate on a whole number (a string or date key).
     */
    private void inlineTargets(Node name, String at, Algorithm a, Node columnNode, Set<String> targets, String targetsAt) {
        String expression = a.props().getProperty("algorithm-expression");
        String column = columnNode instanceof ScalarNode s ? s.getValue() : null;
        if (expression == null || column == null || column.isBlank()) {
            return;
        }
        org.apache.shardingsphere.infra.expr.spi.InlineExpressionParser parser;
        try {
            parser = InlineExpressionParserFactory.newInstance(expression.trim());
        } catch (RuntimeException e) {
            return;
        }
        for (long v = 0; v < INLINE_SAMPLES; v++) {
            String target;
            try {
                target = parser.evaluateWithArgs(Map.of(column, v));
            } catch (RuntimeException | LinkageError e) {
                return;
            }
            if (target != null && !targets.contains(target)) {
                problem(name, at + ".shardingAlgorithmName routes " + column + " = " + v + " to '" + target + "', which "
                        + "is not in " + targetsAt + "; was '" + expression + "' (" + a.at() + ".props.algorithm-expression)"
                        + ", expected one of " + targets);
                return;
            }
        }
    }

    private void keyGenerate(Node node, String at) {
        if (node == null || isNull(node)) {
            return;
        }
        Map<String, Node> m = mapping(node, at, KEY_GENERATE_KEYS);
        if (blank(m.get("column"))) {
            problem(node, at + ".column is missing; expected the column whose values are generated");
        }
        Node name = m.get("keyGeneratorName");
        if (name == null) {
            problem(node, at + ".keyGeneratorName is missing; expected one of " + keyGenerators.keySet());
        } else {
            reference(name, at + ".keyGeneratorName", Kind.KEY_GENERATOR, keyGenerators);
        }
    }

    private void audit(Node node, String at) {
        if (node == null || isNull(node)) {
            return;
        }
        Map<String, Node> m = mapping(node, at, AUDIT_KEYS);
        List<Node> names = list(m.get("auditorNames"), at + ".auditorNames");
        for (int i = 0; i < names.size(); i++) {
            reference(names.get(i), at + ".auditorNames[" + i + "]", Kind.AUDITOR, auditors);
        }
    }

    // ---- algorithms

    /** Reads {@code name: {type, props}} entries: registered type, required and known properties, then its own init. */
    private void algorithms(Node node, String at, Kind kind, Map<String, Algorithm> into) {
        if (node == null || isNull(node)) {
            return;
        }
        if (!(node instanceof MappingNode m)) {
            problem(node, at + " must be a mapping of " + kind.noun + " name to its type and props");
            return;
        }
        for (NodeTuple t : m.getValue()) {
            String name = key(t);
            String aat = at + "." + name;
            Map<String, Node> v = mapping(t.getValueNode(), aat, ALGORITHM_KEYS);
            Properties props = new Properties();
            Node propsNode = v.get("props");
            if (propsNode instanceof MappingNode pm) {
                for (NodeTuple p : pm.getValue()) {
                    String pv = p.getValueNode() instanceof ScalarNode s ? s.getValue() : null;
                    if (pv == null) {
                        problem(p.getValueNode(), aat + ".props." + key(p) + " must be a single value");
                    } else {
                        props.setProperty(key(p), pv);
                    }
                }
            } else if (propsNode != null && !isNull(propsNode)) {
                problem(propsNode, aat + ".props must be a mapping of property name to value");
            }
            Node typeNode = v.get("type");
            String type = typeNode == null ? null : scalar(typeNode, aat + ".type");
            if (type == null || type.isBlank()) {
                if (typeNode == null || typeNode instanceof ScalarNode) {
                    problem(typeNode == null ? t.getKeyNode() : typeNode, aat + ".type is missing; expected one of "
                            + typesOf(kind.spi));
                }
                into.put(name, new Algorithm(aat, t.getKeyNode(), null, null, props));
                continue;
            }
            TypedSPI impl = registered(kind.spi, type);
            if (impl == null) {
                problem(typeNode, aat + ".type is not a registered " + kind.noun + "; was '" + type + "', expected one of "
                        + typesOf(kind.spi) + didYouMean(type, typesOf(kind.spi)));
                into.put(name, new Algorithm(aat, t.getKeyNode(), type, null, props));
                continue;
            }
            String canonical = String.valueOf(impl.getType());
            into.put(name, new Algorithm(aat, t.getKeyNode(), canonical, impl.getClass(), props));
            Props expected = PROPS.get(canonical.toUpperCase(Locale.ROOT));
            boolean ok = true;
            if (expected != null) {
                Node where = propsNode == null ? t.getKeyNode() : propsNode;
                for (String req : expected.required()) {
                    if (props.getProperty(req) == null || props.getProperty(req).isBlank()) {
                        problem(where, aat + ".props is missing " + req + "; was " + new TreeSet<>(props.stringPropertyNames())
                                + ", expected " + canonical + "'s required properties " + expected.required());
                        ok = false;
                    }
                }
                if (!expected.known().isEmpty() || expected.required().isEmpty()) {
                    for (String k : props.stringPropertyNames()) {
                        if (!expected.known().contains(k)) {
                            problem(where, aat + ".props." + k + " is not a property of " + canonical + "; was '" + k
                                    + "', expected one of " + expected.known() + didYouMean(k, expected.known()));
                            ok = false;
                        }
                    }
                }
            }
            if (ok && kind != Kind.LOAD_BALANCER) {
                // the values: ShardingSphere's own init (a datetime-lower that does not match datetime-pattern, a
                // sharding-count that is not a number, an inline expression Groovy cannot parse, ...)
                try {
                    TypedSPILoader.getService(kind.spi, type, props);
                } catch (RuntimeException | LinkageError e) {
                    problem(propsNode == null ? t.getKeyNode() : propsNode, aat + ".props are rejected by " + canonical
                            + ": " + rootMessage(e));
                }
            }
        }
    }

    /** A name that must be one of the algorithms of its kind defined in this file; the algorithm or null. */
    private Algorithm reference(Node node, String at, Kind kind, Map<String, Algorithm> defined) {
        String v = scalar(node, at);
        if (v == null) {
            return null;
        }
        Algorithm a = defined.get(v);
        if (a == null) {
            problem(node, at + " names no " + kind.noun + "; was '" + v + "', expected "
                    + (defined.isEmpty() ? "a name defined under " + kind.section + " (none is defined)"
                    : "one of " + defined.keySet()) + didYouMean(v, defined.keySet()));
        }
        return a;
    }

    private void physicalReference(Node node, String at) {
        String v = scalar(node, at);
        if (v != null && !physical.contains(v)) {
            problem(node, at + " names data source '" + v + "', which is not defined; was '" + v + "', expected "
                    + (physical.isEmpty() ? "a data source of dataSources (none is defined)" : "one of " + physical)
                    + didYouMean(v, physical));
        }
    }

    private Set<String> dataSourceNames() {
        Set<String> all = new LinkedHashSet<>(physical);
        all.addAll(logical);
        return all;
    }

    private static TypedSPI registered(Class<? extends ShardingSphereAlgorithm> spi, String type) {
        for (ShardingSphereAlgorithm a : ShardingSphereServiceLoader.getServiceInstances(spi)) {
            if (String.valueOf(a.getType()).equalsIgnoreCase(type) || a.getTypeAliases().contains(type)) {
                return a;
            }
        }
        return null;
    }

    /** The registered types of an SPI (or of the sharding algorithms implementing {@code api}), sorted. */
    private static List<String> typesOf(Class<?> api) {
        Class<? extends ShardingSphereAlgorithm> spi = ShardingSphereAlgorithm.class.isAssignableFrom(api)
                && (api == ShardingAlgorithm.class || api == KeyGenerateAlgorithm.class || api == LoadBalanceAlgorithm.class
                || api == ShardingAuditAlgorithm.class) ? api.asSubclass(ShardingSphereAlgorithm.class) : ShardingAlgorithm.class;
        Set<String> out = new TreeSet<>();
        for (ShardingSphereAlgorithm a : ShardingSphereServiceLoader.getServiceInstances(spi)) {
            if (api.isInstance(a)) {
                out.add(String.valueOf(a.getType()));
            }
        }
        return List.copyOf(out);
    }

    private static List<String> ruleTags() {
        Set<String> tags = new TreeSet<>();
        for (YamlRuleConfigurationSwapper<?, ?> s : ShardingSphereServiceLoader.getServiceInstances(YamlRuleConfigurationSwapper.class)) {
            tags.add("!" + s.getRuleTagName());
        }
        return List.copyOf(tags);
    }

    // ---- YAML helpers

    /** The entries of a mapping, reporting unknown and duplicate keys; empty (and a problem) if it is not a mapping. */
    private Map<String, Node> mapping(Node n, String at, List<String> allowed) {
        if (!(n instanceof MappingNode mn)) {
            if (!isNull(n)) {
                problem(n, (at.isEmpty() ? "the file" : at) + " must be a mapping with keys " + allowed);
            }
            return Map.of();
        }
        Map<String, Node> out = new LinkedHashMap<>();
        for (NodeTuple t : mn.getValue()) {
            String k = key(t);
            String path = at.isEmpty() ? k : at + "." + k;
            if (!allowed.contains(k)) {
                problem(t.getKeyNode(), path + " is not a known key; was '" + k + "', expected one of " + allowed
                        + didYouMean(k, allowed));
            } else if (out.put(k, t.getValueNode()) != null) {
                problem(t.getKeyNode(), path + " is given twice");
            }
        }
        return out;
    }

    private static Map<String, Node> entries(MappingNode mn) {
        Map<String, Node> out = new LinkedHashMap<>();
        for (NodeTuple t : mn.getValue()) {
            out.put(key(t), t.getValueNode());
        }
        return out;
    }

    /** A list, or one scalar taken as a list of one (ShardingSphere reads both); comma lists are not split here. */
    private List<Node> list(Node n, String at) {
        if (n == null || isNull(n)) {
            return List.of();
        }
        if (n instanceof SequenceNode s) {
            return s.getValue();
        }
        if (n instanceof ScalarNode) {
            return List.of(n);
        }
        problem(n, at + " must be a list");
        return List.of();
    }

    private String scalar(Node n, String at) {
        if (!(n instanceof ScalarNode s)) {
            problem(n, at + " must be a single value, not a list or mapping");
            return null;
        }
        return isNull(n) ? null : s.getValue();
    }

    private static boolean isNull(Node n) {
        return n instanceof ScalarNode s && "tag:yaml.org,2002:null".equals(s.getTag().getValue());
    }

    private static boolean blank(Node n) {
        return n == null || isNull(n) || n instanceof ScalarNode s && s.getValue().isBlank();
    }

    private static String key(NodeTuple t) {
        return t.getKeyNode() instanceof ScalarNode s ? s.getValue() : String.valueOf(t.getKeyNode());
    }

    /**
     * The problem as a value: its key is the text's first word (every text starts with the key path), the value the
     * first {@code was '...'}, the expected values what follows {@code expected } up to a did-you-mean.
     */
    private RulesProblem detail(Located p) {
        String text = p.text().substring(p.text().indexOf(": ") + 2);
        int space = text.indexOf(' ');
        String key = space < 0 ? text : text.substring(0, space);
        String value = null;
        int was = text.indexOf("; was '");
        if (was >= 0) {
            int end = text.indexOf('\'', was + 7);
            value = end < 0 ? null : text.substring(was + 7, end);
        }
        String expected = null;
        int exp = text.lastIndexOf("expected ");
        if (exp >= 0) {
            int mean = text.indexOf("; did you mean", exp);
            expected = text.substring(exp + 9, mean < 0 ? text.length() : mean);
        }
        return new RulesProblem(source, p.line() == 0 ? null : p.line(), key, value, expected, p.text());
    }

    private void problem(Node n, String text) {
        int line = n == null || n.getStartMark() == null ? 0 : n.getStartMark().getLine() + 1;
        problems.add(new Located(line, source + (line == 0 ? "" : ":" + line) + ": " + text));
    }

    /** {@code ; did you mean 'X'?} for the closest allowed value within two edits (case ignored), else nothing. */
    static String didYouMean(String value, Collection<String> allowed) {
        if (value == null) {
            return "";
        }
        String best = null;
        int bestDistance = 3;
        for (String a : allowed) {
            int d = distance(value.toLowerCase(Locale.ROOT), a.toLowerCase(Locale.ROOT));
            if (d < bestDistance && d > 0) {
                best = a;
                bestDistance = d;
            }
        }
        return best == null ? "" : "; did you mean '" + best + "'?";
    }

    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return String.valueOf(root.getMessage());
    }

    /** The YAML keys of one of ShardingSphere's YAML configuration classes: its (and its superclasses') fields. */
    private static List<String> fields(Class<?> yamlClass) {
        List<String> out = new ArrayList<>();
        for (Class<?> c = yamlClass; c != null && c != Object.class; c = c.getSuperclass()) {
            for (Field f : c.getDeclaredFields()) {
                if (!Modifier.isStatic(f.getModifiers()) && !f.isSynthetic()) {
                    out.add(f.getName());
                }
            }
        }
        return List.copyOf(out);
    }
}
