package com.skyriff.data.rules.internal;

import com.skyriff.data.rules.LoadBalancing;
import com.skyriff.data.rules.PhysicalNode;
import com.skyriff.data.rules.Rules;
import com.skyriff.data.rules.ShardSpec;
import com.skyriff.data.rules.Strategy;
import com.skyriff.data.rules.TableSpec;
import com.skyriff.data.rules.Topology;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.StringJoiner;
import org.apache.shardingsphere.broadcast.config.BroadcastRuleConfiguration;
import org.apache.shardingsphere.infra.algorithm.core.config.AlgorithmConfiguration;
import org.apache.shardingsphere.infra.config.rule.RuleConfiguration;
import org.apache.shardingsphere.readwritesplitting.config.ReadwriteSplittingRuleConfiguration;
import org.apache.shardingsphere.readwritesplitting.config.rule.ReadwriteSplittingDataSourceGroupRuleConfiguration;
import org.apache.shardingsphere.readwritesplitting.transaction.TransactionalReadQueryStrategy;
import org.apache.shardingsphere.sharding.api.config.ShardingRuleConfiguration;
import org.apache.shardingsphere.sharding.api.config.rule.ShardingTableRuleConfiguration;
import org.apache.shardingsphere.sharding.api.config.strategy.keygen.KeyGenerateStrategyConfiguration;
import org.apache.shardingsphere.sharding.api.config.strategy.sharding.NoneShardingStrategyConfiguration;
import org.apache.shardingsphere.sharding.api.config.strategy.sharding.StandardShardingStrategyConfiguration;
import org.apache.shardingsphere.single.config.SingleRuleConfiguration;

/**
 * Compiles {@link Rules} into ShardingSphere 5.5.2 rule configurations (Java API): sharding with our bucket and month
 * algorithms, read/write splitting per shard with {@code transactionalReadQueryStrategy: PRIMARY}, broadcast and
 * single rules, all from one {@link Topology}: the month data nodes are its windows, and the algorithms adapt it. Public for the
 * other modules of this project; not API.
 */
public final class ShardingSphereRules {
    public static final String USER_ALGORITHM = "skyriff_user_buckets";
    public static final String MONTH_ALGORITHM = "skyriff_months";
    public static final String KEY_GENERATOR = "skyriff_snowflake";
    public static final String LOAD_BALANCER = "skyriff_replicas";
    /** Type of data-core's health- and lag-aware replica balancer (registered through ShardingSphere's SPI). */
    public static final String HEALTH_LOAD_BALANCER_TYPE = "SKYRIFF_HEALTH";
    /** Balancer property naming the data-core runtime whose health state the balancer reads. */
    public static final String RUNTIME_PROP = "skyriff-runtime";
    /** Balancer property: the rules' {@code load-balancer} token, applied among the usable replicas. */
    public static final String POLICY_PROP = "policy";
    /** Balancer property prefix: {@code weight.<data source>} = the replica's weight. */
    public static final String WEIGHT_PROP_PREFIX = "weight.";
    /**
     * ShardingSphere property (not settable under {@code props:}): whether it builds, keeps and persists its own copy
     * of PostgreSQL's {@code pg_catalog} and {@code information_schema} tables, from which it answered catalog
     * queries (empty, or one node's). Off: about half of its cold start less; the layer refuses catalog statements
     * ({@code SystemCatalog}), also those ShardingSphere's binder now fails on.
     */
    static final String SYSTEM_SCHEMA_METADATA = "system-schema-metadata-assembly-enabled";
    /** Algorithm property: the key of the {@link Topology} the algorithms adapt ({@link Topologies}). */
    static final String TOPOLOGY_PROP = "topology";

    private final Topology topology;
    private final List<RuleConfiguration> configurations;
    private final Properties props;
    private final Map<String, String> dataNodes;

    private ShardingSphereRules(Topology topology, List<RuleConfiguration> configurations, Properties props,
                                Map<String, String> dataNodes) {
        this.topology = topology;
        this.configurations = List.copyOf(configurations);
        this.props = props;
        this.dataNodes = Map.copyOf(dataNodes);
    }

    public static ShardingSphereRules compile(Rules rules, Clock clock) {
        return compile(Topology.compile(rules, clock), null);
    }

    /** {@link #compile(Topology, String)} of the rules' topology as of {@code clock}. */
    public static ShardingSphereRules compile(Rules rules, Clock clock, String runtimeKey) {
        return compile(Topology.compile(rules, clock), runtimeKey);
    }

    /**
     * Like {@link #compile(Rules, Clock)}, but replicas are chosen by data-core's health-aware balancer
     * ({@link #HEALTH_LOAD_BALANCER_TYPE}) bound to the runtime registered under {@code runtimeKey}; null compiles
     * ShardingSphere's own balancer. The health balancer must be on the class path (it is in data-core).
     */
    public static ShardingSphereRules compile(Topology topology, String runtimeKey) {
        Rules rules = topology.rules();
        List<RuleConfiguration> out = new ArrayList<>();
        Map<String, String> nodes = new LinkedHashMap<>();
        out.add(sharding(topology, nodes));
        ReadwriteSplittingRuleConfiguration rw = readwriteSplitting(rules, runtimeKey);
        if (!rw.getDataSourceGroups().isEmpty()) {
            out.add(rw);
        }
        List<String> broadcast = rules.tables().values().stream()
                .filter(t -> t.strategy() == Strategy.BROADCAST).map(TableSpec::name).toList();
        if (!broadcast.isEmpty()) {
            out.add(new BroadcastRuleConfiguration(broadcast));
        }
        List<String> single = rules.tables().values().stream()
                .filter(t -> t.strategy() == Strategy.SINGLE).map(t -> rules.defaultShard() + "." + t.name()).toList();
        out.add(new SingleRuleConfiguration(single, rules.defaultShard()));
        Properties props = new Properties();
        props.setProperty("worker-id", Integer.toString(rules.workerId()));
        props.setProperty(SYSTEM_SCHEMA_METADATA, "false");
        props.putAll(rules.props());
        rules.sqlLog().ifPresent(log -> {
            props.setProperty("sql-show", Boolean.toString(log.sqlShow()));
            props.setProperty("sql-simple", Boolean.toString(log.sqlSimple()));
        });
        return new ShardingSphereRules(topology, out, props, nodes);
    }

    /** The topology these configurations were compiled from; their algorithms adapt this very object. */
    public Topology topology() {
        return topology;
    }

    /**
     * The topology behind a ShardingSphere sharding rule configuration compiled here (what a running data source's
     * {@code ShardingRule.getConfiguration()} returns), or null for one compiled elsewhere (native YAML).
     */
    public static Topology topologyOf(ShardingRuleConfiguration configuration) {
        AlgorithmConfiguration user = configuration.getShardingAlgorithms().get(USER_ALGORITHM);
        String key = user == null ? null : user.getProps().getProperty(TOPOLOGY_PROP);
        return key == null ? null : Topologies.get(key);
    }

    /** The rule configurations, for {@code ShardingSphereDataSourceFactory.createDataSource}. */
    public List<RuleConfiguration> configurations() {
        return configurations;
    }

    /** A copy of the ShardingSphere properties. */
    public Properties props() {
        Properties copy = new Properties();
        copy.putAll(props);
        return copy;
    }

    /** The actual-data-nodes expression of each sharded table. */
    public Map<String, String> dataNodes() {
        return dataNodes;
    }

    /** ShardingSphere's prefix for an inline expression that is a plain comma-separated list (no Groovy). */
    static final String LITERAL = "<LITERAL>";

    private static ShardingRuleConfiguration sharding(Topology topology, Map<String, String> nodes) {
        ShardingRuleConfiguration cfg = new ShardingRuleConfiguration();
        String key = Topologies.register(topology);
        Properties userProps = new Properties();
        userProps.setProperty("strategy", "STANDARD");
        userProps.setProperty("algorithmClassName", UserBucketShardingAlgorithm.class.getName());
        userProps.setProperty(TOPOLOGY_PROP, key);
        cfg.getShardingAlgorithms().put(USER_ALGORITHM, new AlgorithmConfiguration("CLASS_BASED", userProps));
        Properties monthProps = new Properties();
        monthProps.setProperty("strategy", "STANDARD");
        monthProps.setProperty("algorithmClassName", MonthShardingAlgorithm.class.getName());
        monthProps.setProperty(TOPOLOGY_PROP, key);
        cfg.getShardingAlgorithms().put(MONTH_ALGORITHM, new AlgorithmConfiguration("CLASS_BASED", monthProps));
        cfg.getKeyGenerators().put(KEY_GENERATOR, new AlgorithmConfiguration("SNOWFLAKE", new Properties()));
        for (Topology.Table table : topology.tables()) {
            TableSpec t = table.spec();
            if (t.strategy() == Strategy.BROADCAST || t.strategy() == Strategy.SINGLE) {
                continue;
            }
            StringJoiner dn = new StringJoiner(",");
            for (String shard : table.shards()) {
                for (String physical : table.physicalTables()) {
                    dn.add(shard + "." + physical);
                }
            }
            nodes.put(t.name(), dn.toString());
            // <LITERAL>: the list as written; without it ShardingSphere compiles every node name as a Groovy script
            ShardingTableRuleConfiguration tr = new ShardingTableRuleConfiguration(t.name(), LITERAL + dn);
            tr.setDatabaseShardingStrategy(t.strategy().byUser()
                    ? new StandardShardingStrategyConfiguration(t.keyColumn(), USER_ALGORITHM)
                    : new NoneShardingStrategyConfiguration());
            tr.setTableShardingStrategy(t.strategy().byMonth()
                    ? new StandardShardingStrategyConfiguration(t.timeColumn(), MONTH_ALGORITHM)
                    : new NoneShardingStrategyConfiguration());
            if (t.idColumn() != null) {
                tr.setKeyGenerateStrategy(new KeyGenerateStrategyConfiguration(t.idColumn(), KEY_GENERATOR));
            }
            cfg.getTables().add(tr);
        }
        return cfg;
    }

    private static ReadwriteSplittingRuleConfiguration readwriteSplitting(Rules rules, String runtimeKey) {
        List<ReadwriteSplittingDataSourceGroupRuleConfiguration> groups = new ArrayList<>();
        Map<String, AlgorithmConfiguration> balancers = new LinkedHashMap<>();
        // ShardingSphere's own WEIGHT balancer checks that every data source it has a weight for is a read data
        // source of the group it serves (as written): one per group, and bare read names
        boolean plainWeight = runtimeKey == null && rules.loadBalancing() == LoadBalancing.WEIGHT;
        Properties weights = new Properties();
        for (ShardSpec s : rules.shards()) {
            if (s.replicas().isEmpty()) {
                continue;
            }
            List<String> reads = new ArrayList<>();
            Properties groupWeights = new Properties();
            for (PhysicalNode n : rules.nodes()) {
                if (n.shard().equals(s.name()) && !n.primary()) {
                    // ShardingSphere evaluates each name as an inline expression: without <LITERAL> it compiles one
                    // Groovy script per name (about 1,000 more classes loaded at a cold start)
                    reads.add(plainWeight ? n.dataSourceName() : LITERAL + n.dataSourceName());
                    groupWeights.setProperty(n.dataSourceName(), Integer.toString(n.spec().weight()));
                }
            }
            weights.putAll(groupWeights);
            String balancer = plainWeight ? LOAD_BALANCER + "_" + s.name() : LOAD_BALANCER;
            if (plainWeight) {
                balancers.put(balancer, new AlgorithmConfiguration(LoadBalancing.WEIGHT.shardingSphereType(),
                        groupWeights));
            }
            groups.add(new ReadwriteSplittingDataSourceGroupRuleConfiguration(LITERAL + s.name(),
                    LITERAL + s.primaryDataSourceName(), reads, TransactionalReadQueryStrategy.PRIMARY, balancer));
        }
        if (runtimeKey != null) {
            Properties health = new Properties();
            health.setProperty(RUNTIME_PROP, runtimeKey);
            health.setProperty(POLICY_PROP, rules.loadBalancing().token());
            weights.forEach((ds, w) -> health.setProperty(WEIGHT_PROP_PREFIX + ds, (String) w));
            balancers.put(LOAD_BALANCER, new AlgorithmConfiguration(HEALTH_LOAD_BALANCER_TYPE, health));
        } else if (!plainWeight) {
            balancers.put(LOAD_BALANCER, new AlgorithmConfiguration(rules.loadBalancing().shardingSphereType(),
                    new Properties()));
        }
        return new ReadwriteSplittingRuleConfiguration(groups, balancers);
    }
}
