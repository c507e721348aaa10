package com.skyriff.data.cli;

import com.skyriff.data.guard.RefusedStatementException;
import com.skyriff.data.guard.internal.GuardAuditor;
import com.skyriff.data.rules.NativeRules;
import com.skyriff.data.rules.PhysicalNode;
import com.skyriff.data.rules.Rules;
import com.skyriff.data.rules.Strategy;
import com.skyriff.data.rules.TableSpec;
import com.skyriff.data.rules.Topology;
import com.skyriff.data.rules.internal.ShardingSphereRules;
import java.sql.Types;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.apache.shardingsphere.infra.binder.context.statement.SQLStatementContext;
import org.apache.shardingsphere.infra.binder.context.type.TableAvailable;
import org.apache.shardingsphere.infra.binder.context.type.WhereAvailable;
import org.apache.shardingsphere.infra.binder.engine.SQLBindEngine;
import org.apache.shardingsphere.driver.yaml.YamlJDBCConfiguration;
import org.apache.shardingsphere.infra.config.database.impl.DataSourceProvidedDatabaseConfiguration;
import org.apache.shardingsphere.infra.yaml.config.swapper.resource.YamlDataSourceConfigurationSwapper;
import org.apache.shardingsphere.infra.yaml.config.swapper.rule.YamlRuleConfigurationSwapperEngine;
import org.apache.shardingsphere.infra.config.mode.ModeConfiguration;
import org.apache.shardingsphere.infra.config.props.ConfigurationProperties;
import org.apache.shardingsphere.infra.config.rule.RuleConfiguration;
import org.apache.shardingsphere.infra.config.rule.scope.GlobalRuleConfiguration;
import org.apache.shardingsphere.infra.connection.kernel.KernelProcessor;
import org.apache.shardingsphere.infra.database.core.type.DatabaseType;
import org.apache.shardingsphere.infra.datasource.pool.props.domain.DataSourcePoolProperties;
import org.apache.shardingsphere.infra.executor.sql.context.ExecutionContext;
import org.apache.shardingsphere.infra.executor.sql.context.ExecutionUnit;
import org.apache.shardingsphere.infra.hint.HintValueContext;
import org.apache.shardingsphere.infra.hint.SQLHintUtils;
import org.apache.shardingsphere.infra.instance.ComputeNodeInstance;
import org.apache.shardingsphere.infra.instance.ComputeNodeInstanceContext;
import org.apache.shardingsphere.infra.instance.metadata.jdbc.JDBCInstanceMetaData;
import org.apache.shardingsphere.infra.lock.LockContext;
import org.apache.shardingsphere.infra.lock.LockDefinition;
import org.apache.shardingsphere.infra.metadata.ShardingSphereMetaData;
import org.apache.shardingsphere.infra.metadata.database.ShardingSphereDatabase;
import org.apache.shardingsphere.infra.metadata.database.resource.ResourceMetaData;
import org.apache.shardingsphere.infra.metadata.database.resource.node.StorageNode;
import org.apache.shardingsphere.infra.metadata.database.rule.RuleMetaData;
import org.apache.shardingsphere.infra.metadata.database.schema.model.ShardingSphereColumn;
import org.apache.shardingsphere.infra.metadata.database.schema.model.ShardingSphereSchema;
import org.apache.shardingsphere.infra.metadata.database.schema.model.ShardingSphereTable;
import org.apache.shardingsphere.infra.rule.ShardingSphereRule;
import org.apache.shardingsphere.infra.rule.builder.database.DatabaseRulesBuilder;
import org.apache.shardingsphere.infra.rule.builder.global.DefaultGlobalRuleConfigurationBuilder;
import org.apache.shardingsphere.infra.rule.builder.global.GlobalRulesBuilder;
import org.apache.shardingsphere.infra.session.connection.ConnectionContext;
import org.apache.shardingsphere.infra.session.query.QueryContext;
import org.apache.shardingsphere.infra.spi.type.ordered.OrderedSPILoader;
import org.apache.shardingsphere.infra.spi.type.typed.TypedSPILoader;
import org.apache.shardingsphere.infra.util.eventbus.EventBusContext;
import org.apache.shardingsphere.parser.rule.SQLParserRule;
import org.apache.shardingsphere.sql.parser.statement.core.segment.dml.column.ColumnSegment;
import org.apache.shardingsphere.sql.parser.statement.core.statement.SQLStatement;
import org.apache.shardingsphere.sql.parser.statement.core.statement.dml.InsertStatement;

/**
 * ShardingSphere's own kernel (parser, binder, sharding and read/write-splitting routers, rewriter) built from the
 * rules without any database: the rule objects are the ones {@code ShardingSphereDataSourceFactory} would build, fed
 * stand-in data sources ({@link OfflineJdbc}). {@link #route} turns a logical statement into the physical statements
 * and data sources ShardingSphere would use, without executing anything. Table columns are not known offline; the
 * columns a statement names are declared on the fly (so an {@code INSERT} without a column list cannot be routed).
 * Not thread-safe (the read/write-splitting balancer rotates).
 */
final class OfflineRouter {
    private static final Pattern WORD = Pattern.compile("\"([^\"]+)\"|([A-Za-z_][A-Za-z0-9_$]*)");

    private final Rules rules;
    private final Topology topology;
    private final DatabaseType postgres;
    private final ShardingSphereMetaData metaData;
    private final RuleMetaData globalRules;
    private final ConfigurationProperties props;
    private final ShardingSphereSchema schema;
    private final Map<String, PhysicalNode> nodesByDataSource = new HashMap<>();

    /** One physical statement. */
    record Unit(String dataSource, PhysicalNode node, String sql, List<Object> parameters) {
    }

    /**
     * What ShardingSphere would do with a statement.
     *
     * @param warnings e.g. full scans: a sharded table without its shard key in the WHERE clause
     */
    record Route(String sql, String statementType, List<Unit> units, List<String> warnings) {
    }

    private OfflineRouter(Topology topology, DatabaseType postgres, ShardingSphereMetaData metaData, RuleMetaData globalRules,
                          ConfigurationProperties props, ShardingSphereSchema schema) {
        this.rules = topology.rules();
        this.topology = topology;
        this.postgres = postgres;
        this.metaData = metaData;
        this.globalRules = globalRules;
        this.props = props;
        this.schema = schema;
        for (PhysicalNode n : topology.nodes()) {
            nodesByDataSource.put(n.dataSourceName(), n);
        }
    }

    /**
     * Builds ShardingSphere's rules from {@code rules} exactly as the layer does (same compiled configurations), so
     * anything ShardingSphere itself rejects fails here.
     *
     * @throws IllegalArgumentException with ShardingSphere's reason when it rejects the compiled rules
     */
    static OfflineRouter create(Topology topology) {
        Rules rules = topology.rules();
        try {
            ShardingSphereRules compiled = ShardingSphereRules.compile(topology, null);
            Map<String, DataSourcePoolProperties> sources = new LinkedHashMap<>();
            Map<String, List<String>> singleTables = new LinkedHashMap<>();
            for (PhysicalNode n : topology.nodes()) {
                Map<String, Object> p = new HashMap<>();
                p.put("url", n.spec().url());
                p.put("username", n.spec().username() == null ? "" : n.spec().username());
                sources.put(n.dataSourceName(), new DataSourcePoolProperties("com.zaxxer.hikari.HikariDataSource", p));
                singleTables.put(n.dataSourceName(), rules.tables().values().stream()
                        .filter(t -> t.strategy() == Strategy.SINGLE && n.shard().equals(rules.defaultShard()))
                        .map(TableSpec::name).toList());
            }
            Kernel k = kernel(rules.name(), sources, singleTables, compiled.configurations(), compiled.props(), rules.workerId());
            return new OfflineRouter(topology, k.postgres, k.metaData, k.globalRules, k.props, k.schema);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("ShardingSphere 5.5.2 rejects the compiled rules: " + rootMessage(e), e);
        }
    }

    /**
     * Builds the rules of a native ShardingSphere YAML file offline, so that what ShardingSphere would reject at
     * startup (an unknown algorithm type, a data node on an unknown data source, ...) is reported without a database.
     *
     * @throws IllegalArgumentException with ShardingSphere's reason
     */
    static void checkNative(NativeRules rules) {
        try {
            YamlJDBCConfiguration cfg = rules.configuration();
            Map<String, DataSourcePoolProperties> sources = new LinkedHashMap<>();
            YamlDataSourceConfigurationSwapper swapper = new YamlDataSourceConfigurationSwapper();
            for (Map.Entry<String, Map<String, Object>> e : cfg.getDataSources().entrySet()) {
                sources.put(e.getKey(), swapper.swapToDataSourcePoolProperties(e.getValue()));
            }
            Collection<RuleConfiguration> configs = cfg.getRules() == null ? List.of()
                    : new YamlRuleConfigurationSwapperEngine().swapToRuleConfigurations(cfg.getRules());
            java.util.Properties props = cfg.getProps() == null ? new java.util.Properties() : cfg.getProps();
            kernel(cfg.getDatabaseName() == null ? "logic_db" : cfg.getDatabaseName(), sources, Map.of(), configs, props, 0);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("ShardingSphere 5.5.2 rejects the configuration: " + rootMessage(e), e);
        }
    }

    private record Kernel(DatabaseType postgres, ShardingSphereMetaData metaData, RuleMetaData globalRules,
                          ConfigurationProperties props, ShardingSphereSchema schema) {
    }

    private static Kernel kernel(String databaseName, Map<String, DataSourcePoolProperties> sources,
                                 Map<String, List<String>> singleTables, Collection<RuleConfiguration> configs,
                                 java.util.Properties properties, int workerId) {
        DatabaseType postgres = TypedSPILoader.getService(DatabaseType.class, "PostgreSQL");
        ConfigurationProperties props = new ConfigurationProperties(properties);
        Map<StorageNode, DataSource> dataSources = new LinkedHashMap<>();
        for (Map.Entry<String, DataSourcePoolProperties> e : sources.entrySet()) {
            Map<String, Object> standard = e.getValue().getConnectionPropertySynonyms().getStandardProperties();
            dataSources.put(new StorageNode(e.getKey()), OfflineJdbc.dataSource(String.valueOf(standard.get("url")),
                    String.valueOf(standard.get("username")), singleTables.getOrDefault(e.getKey(), List.of())));
        }
        DataSourceProvidedDatabaseConfiguration dbConfig = new DataSourceProvidedDatabaseConfiguration(dataSources,
                configs, sources);
        ComputeNodeInstanceContext instance = new ComputeNodeInstanceContext(
                new ComputeNodeInstance(new JDBCInstanceMetaData("skyriff-offline", databaseName)),
                new ModeConfiguration("Standalone", null), new EventBusContext());
        instance.init(p -> workerId, new NoLocks());
        ResourceMetaData resources = new ResourceMetaData(dbConfig.getDataSources(), dbConfig.getStorageUnits());
        Collection<ShardingSphereRule> built = DatabaseRulesBuilder.build(databaseName, postgres, dbConfig, instance, resources);
        ShardingSphereSchema schema = new ShardingSphereSchema("public", List.of(), List.of());
        ShardingSphereDatabase database = new ShardingSphereDatabase(databaseName, postgres, resources,
                new RuleMetaData(built), List.of(schema));
        List<RuleConfiguration> globalConfigs = new ArrayList<>();
        for (DefaultGlobalRuleConfigurationBuilder<?, ?> b : OrderedSPILoader.getServices(DefaultGlobalRuleConfigurationBuilder.class)) {
            GlobalRuleConfiguration c = b.build();
            globalConfigs.add(c);
        }
        RuleMetaData globalRules = new RuleMetaData(GlobalRulesBuilder.buildRules(globalConfigs, List.of(database), props));
        ShardingSphereMetaData metaData = new ShardingSphereMetaData(List.of(database), new ResourceMetaData(Map.of()),
                globalRules, props);
        return new Kernel(postgres, metaData, globalRules, props, schema);
    }

    /**
     * Routes one statement as ShardingSphere would, without executing it.
     *
     * @throws IllegalArgumentException with ShardingSphere's reason when it cannot parse or route the statement
     */
    Route route(String sql, List<Object> parameters) {
        declareColumns(sql);
        try {
            SQLStatement statement = globalRules.getSingleRule(SQLParserRule.class).getSQLParserEngine(postgres).parse(sql, false);
            if (statement instanceof InsertStatement insert && insert.getColumns().isEmpty()
                    && insert.getInsertSelect().isEmpty()) {
                throw new IllegalArgumentException("--sql: an INSERT without a column list cannot be routed offline "
                        + "(the column order is not known without the database); name the columns");
            }
            HintValueContext hint = SQLHintUtils.extractHint(sql);
            SQLStatementContext context = new SQLBindEngine(metaData, rules.name(), hint).bind(statement, parameters);
            ConnectionContext connection = new ConnectionContext(List::of);
            connection.setCurrentDatabaseName(rules.name());
            QueryContext query = new QueryContext(context, sql, parameters, hint, connection, metaData);
            guard(query);
            ExecutionContext execution = new KernelProcessor().generateExecutionContext(query, globalRules, props);
            List<Unit> units = new ArrayList<>();
            for (ExecutionUnit u : execution.getExecutionUnits()) {
                units.add(new Unit(u.getDataSourceName(), node(u.getDataSourceName()), u.getSqlUnit().getSql(),
                        List.copyOf(u.getSqlUnit().getParameters())));
            }
            return new Route(sql, statement.getClass().getSimpleName().replace("PostgreSQL", "").replace("Statement", ""),
                    units, fullScans(context, statement, units));
        } catch (IllegalArgumentException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("--sql: ShardingSphere cannot route the statement: " + rootMessage(e), e);
        }
    }

    /**
     * The layer's own guard ({@code StatementGuard}, as a service's statement meets it outside a transaction): a
     * statement the library refuses is refused here with the library's message.
     *
     * @throws Refused with {@link RefusedStatementException}'s message and reason
     */
    private void guard(QueryContext query) {
        try {
            // the guard reads its shards and month windows from the database's compiled rules: this topology; the clock
            // is its health runtime's, which offline never runs
            GuardAuditor.auditOffline(rules, Clock.systemUTC(), query, globalRules, metaData.getDatabase(rules.name()));
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            if (e instanceof RefusedStatementException r) {
                throw new Refused(r);
            }
            throw new IllegalStateException(e);
        }
    }

    /** The library would refuse the statement; the message is the library's, unchanged. Exit code 2 (invalid input). */
    static final class Refused extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;
        private final transient RefusedStatementException refusal;

        Refused(RefusedStatementException refusal) {
            super(refusal.getMessage(), refusal);
            this.refusal = refusal;
        }

        RefusedStatementException refusal() {
            return refusal;
        }
    }

    /** The physical node behind a data-source name; a shard name (no replicas) is its primary. */
    PhysicalNode node(String dataSource) {
        PhysicalNode n = nodesByDataSource.get(dataSource);
        if (n != null) {
            return n;
        }
        return topology.nodes().stream().filter(x -> x.primary() && x.shard().equals(dataSource)).findFirst().orElse(null);
    }

    private List<String> fullScans(SQLStatementContext context, SQLStatement statement, List<Unit> units) {
        List<String> out = new ArrayList<>();
        if (statement instanceof InsertStatement || !(context instanceof TableAvailable tables)) {
            return out;
        }
        Set<String> whereColumns = new LinkedHashSet<>();
        if (context instanceof WhereAvailable where) {
            for (ColumnSegment c : where.getColumnSegments()) {
                whereColumns.add(c.getIdentifier().getValue().toLowerCase(Locale.ROOT));
            }
        }
        for (String name : tables.getTablesContext().getTableNames()) {
            Topology.Table compiled = topology.table(name);
            if (compiled == null) {
                continue;
            }
            TableSpec t = compiled.spec();
            if (t.strategy().byUser() && !whereColumns.contains(t.keyColumn())) {
                out.add("full scan: " + t.name() + " has no shard key " + t.keyColumn() + " in the WHERE clause, so the "
                        + "statement runs on every shard (" + compiled.shards().size() + ")");
            }
            if (t.strategy().byMonth() && !whereColumns.contains(t.timeColumn())) {
                out.add("full scan: " + t.name() + " has no " + t.timeColumn() + " in the WHERE clause, so the statement "
                        + "runs on every month table of the window (" + compiled.monthCount()
                        + " per shard)");
            }
        }
        return out;
    }

    /** Declares, for every rules table, its rule columns and every word of the statement as a column. */
    private void declareColumns(String sql) {
        Set<String> words = new LinkedHashSet<>();
        Matcher m = WORD.matcher(sql.replaceAll("'(?:[^']|'')*'", "''"));
        while (m.find()) {
            words.add(m.group(1) != null ? m.group(1) : m.group(2).toLowerCase(Locale.ROOT));
        }
        for (TableSpec t : rules.tables().values()) {
            Map<String, ShardingSphereColumn> columns = new LinkedHashMap<>();
            for (String c : new String[] {t.keyColumn(), t.timeColumn(), t.idColumn()}) {
                if (c != null) {
                    columns.put(c, column(c, c.equals(t.idColumn())));
                }
            }
            for (String w : words) {
                columns.putIfAbsent(w, column(w, w.equals(t.idColumn())));
            }
            schema.putTable(new ShardingSphereTable(t.name(), columns.values(), List.of(), List.of()));
        }
    }

    private static ShardingSphereColumn column(String name, boolean generated) {
        return new ShardingSphereColumn(name, Types.OTHER, false, generated, false, true, false, true);
    }

    static String rootMessage(Throwable e) {
        String last = e.getMessage();
        for (Throwable t = e.getCause(); t != null && t != t.getCause(); t = t.getCause()) {
            if (t.getMessage() != null) {
                last = t.getMessage();
            }
        }
        return last == null ? e.getClass().getSimpleName() : last.strip();
    }

    /** Offline there is nothing to lock. */
    private static final class NoLocks implements LockContext {
        @Override
        public boolean tryLock(LockDefinition definition, long timeoutMillis) {
            return true;
        }

        @Override
        public void unlock(LockDefinition definition) {
        }
    }

}
