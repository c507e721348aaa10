package com.skyriff.data;

import com.skyriff.data.guard.RefusedStatementException;
import com.skyriff.data.guard.RefusedStatementException.Reason;
import com.skyriff.data.health.internal.HealthRuntime;
import com.skyriff.data.health.internal.NodeDataSource;
import com.skyriff.data.rules.Rules;
import com.skyriff.data.rules.TableSpec;
import com.skyriff.data.rules.Topology;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;
import org.apache.shardingsphere.driver.jdbc.core.connection.ShardingSphereConnection;
import org.apache.shardingsphere.infra.algorithm.core.context.AlgorithmSQLContext;
import org.apache.shardingsphere.infra.algorithm.keygen.core.KeyGenerateAlgorithm;
import org.apache.shardingsphere.infra.database.core.type.DatabaseType;
import org.apache.shardingsphere.infra.executor.sql.execute.engine.ConnectionMode;
import org.apache.shardingsphere.infra.hint.HintManager;
import org.apache.shardingsphere.infra.metadata.database.ShardingSphereDatabase;
import org.apache.shardingsphere.infra.parser.sql.SQLStatementParserEngine;
import org.apache.shardingsphere.infra.spi.type.typed.TypedSPILoader;
import org.apache.shardingsphere.readwritesplitting.route.standard.StandardReadwriteSplittingDataSourceRouter;
import org.apache.shardingsphere.readwritesplitting.rule.ReadwriteSplittingDataSourceGroupRule;
import org.apache.shardingsphere.readwritesplitting.rule.ReadwriteSplittingRule;
import org.apache.shardingsphere.sharding.rule.ShardingRule;
import org.apache.shardingsphere.sql.parser.api.CacheOption;

/**
 * The single-shard path of one generation (a {@link Topology} and the ShardingSphere data source compiled from it):
 * plans a SQL text once ({@link OneShardPlan}, cached, bounded), and per execution binds the keys to a shard and the
 * time values to month tables with the generation's topology (the very object ShardingSphere's algorithms adapt),
 * picks the node as ShardingSphere's read/write splitting does (the health balancer, lag and read-your-writes), and
 * writes the physical SQL. A month roll-over builds a new router with the new generation. Thread-safe.
 */
final class OneShardRouter {
    static final int MAX_PLANS = 4_096;
    private static final DatabaseType POSTGRESQL = TypedSPILoader.getService(DatabaseType.class, "PostgreSQL");
    private static final org.slf4j.Logger SQL_LOG = org.slf4j.LoggerFactory.getLogger("ShardingSphere-SQL");

    /** Plans by SQL text, shared by the generations of one data source (a plan does not depend on month windows). */
    static final class Plans {
        final Map<String, OneShardPlan> cache = new ConcurrentHashMap<>();
        final SQLStatementParserEngine parser = new SQLStatementParserEngine(POSTGRESQL, new CacheOption(64, 1024),
                new CacheOption(64, 1024));
        final Map<String, TableSpec> tables;
        final boolean oneShard;
        final Counter single;
        final Counter shardingSphere;
        final boolean logSql;
        final boolean logValues;

        Plans(Rules rules, MeterRegistry registry) {
            Map<String, TableSpec> t = new HashMap<>();
            for (TableSpec spec : rules.tables().values()) {
                t.put(spec.name().toLowerCase(java.util.Locale.ROOT), spec);
            }
            this.tables = Map.copyOf(t);
            this.oneShard = rules.shards().size() == 1;
            boolean show = rules.sqlLog().map(l -> l.sqlShow())
                    .orElse(Boolean.parseBoolean(rules.props().getOrDefault("sql-show", "false")));
            boolean simple = rules.sqlLog().map(l -> l.sqlSimple())
                    .orElse(Boolean.parseBoolean(rules.props().getOrDefault("sql-simple", "false")));
            this.logSql = show;
            this.logValues = show && !simple;
            this.single = registry == null ? null : Counter.builder("skyriff.statements").tag("path", "single-shard")
                    .description("statements run by the layer, by path").register(registry);
            this.shardingSphere = registry == null ? null : Counter.builder("skyriff.statements")
                    .tag("path", "shardingsphere").description("statements run by the layer, by path")
                    .register(registry);
        }

        OneShardPlan plan(String sql) {
            OneShardPlan plan = cache.get(sql);
            if (plan != null) {
                return plan;
            }
            try {
                org.apache.shardingsphere.sql.parser.statement.core.statement.SQLStatement statement =
                        parser.parse(sql, false);
                plan = OneShardPlan.plan(sql, statement, tables, oneShard, text -> parser.parse(text, false));
                plan.reads = OneShardPlan.readsOnly(statement, sql);
            } catch (RuntimeException e) {
                plan = OneShardPlan.fallback(sql, "ShardingSphere's parser: " + e.getClass().getSimpleName());
            }
            if (cache.size() < MAX_PLANS) {
                cache.putIfAbsent(sql, plan);
            }
            return plan;
        }

        /** ShardingSphere's SQL log ({@code sql-log:} / {@code sql-show}), for statements on the single-shard path. */
        void log(String logical, String node, String physical, Object[] params) {
            if (logSql) {
                SQL_LOG.info("Logic SQL: {}", logical);
                if (logValues && params.length > 0) {
                    SQL_LOG.info("Actual SQL: {} ::: {} ::: {}", node, physical, java.util.Arrays.asList(params));
                } else {
                    SQL_LOG.info("Actual SQL: {} ::: {}", node, physical);
                }
            }
        }

        void count(boolean singleShard) {
            Counter c = singleShard ? single : shardingSphere;
            if (c != null) {
                c.increment();
            }
        }
    }

    /** Where one execution goes: the shard, the physical SQL, and whether it must run on the primary. */
    record Decision(int shard, String sql, boolean primary, String fallback) {
    }

    final Plans plans;
    final DataSource source;
    /** The generation's topology: shards, buckets, month windows; the one ShardingSphere's algorithms adapt. */
    final Topology topology;
    private final String database;
    private final String[] primaries;
    private final ReadwriteSplittingDataSourceGroupRule[] groups;
    private final StandardReadwriteSplittingDataSourceRouter replicas = new StandardReadwriteSplittingDataSourceRouter();
    private final HealthRuntime health;
    /** The sharding rule whose key generators fill left-out id columns; null offline. */
    private final ShardingRule sharding;
    /** Offline only: a Snowflake for {@link SkyriffData#routeOffline}, whose ids are shown, never written. */
    private final KeyGenerateAlgorithm offlineKeys;
    /** Every node's data source as ShardingSphere holds it (the health wrapper), by data-source name; empty offline. */
    private final Map<String, DataSource> nodes;
    /** What the layer's connections answer from {@code getMetaData()} without asking a node; null until first asked. */
    private volatile LayerDatabaseMetaData.Snapshot metaData;

    /** {@code db} null: offline (no data source), for deciding only ({@link #offline}). */
    private OneShardRouter(Plans plans, Topology topology, DataSource source, ShardingSphereDatabase db) {
        this.plans = plans;
        this.source = source;
        this.topology = topology;
        this.database = db == null ? null : db.getName();
        int shards = topology.shardCount();
        this.primaries = new String[shards];
        this.groups = new ReadwriteSplittingDataSourceGroupRule[shards];
        Map<String, ReadwriteSplittingDataSourceGroupRule> byName = new HashMap<>();
        if (db != null) {
            db.getRuleMetaData().findSingleRule(ReadwriteSplittingRule.class)
                    .ifPresent(rule -> byName.putAll(rule.getDataSourceRuleGroups()));
        }
        for (int i = 0; i < shards; i++) {
            String name = topology.shardName(i);
            groups[i] = byName.get(name);
            primaries[i] = groups[i] != null ? groups[i].getWriteDataSource() : topology.nodes(i).get(0).dataSourceName();
        }
        HealthRuntime runtime = null;
        Map<String, DataSource> units = new HashMap<>();
        if (db != null) {
            for (var unit : db.getResourceMetaData().getStorageUnits().entrySet()) {
                DataSource ds = unit.getValue().getDataSource();
                units.put(unit.getKey(), ds);
                if (runtime == null && ds instanceof NodeDataSource node) {
                    runtime = node.runtime();
                }
            }
        }
        this.health = runtime;
        this.nodes = Map.copyOf(units);
        this.sharding = db == null ? null : db.getRuleMetaData().findSingleRule(ShardingRule.class).orElse(null);
        this.offlineKeys = db == null ? TypedSPILoader.getService(KeyGenerateAlgorithm.class, "SNOWFLAKE") : null;
    }

    /**
     * A new id for the left-out id column of {@code plan}'s INSERT, from the table's key generator in the rules
     * ShardingSphere runs (the generator its own path uses, so ids stay unique whichever path inserts).
     */
    Object generateKey(OneShardPlan plan) {
        OneShardPlan.Generated g = plan.generated;
        AlgorithmSQLContext context = new AlgorithmSQLContext(database, "public", g.table(), g.column());
        Collection<? extends Comparable<?>> keys = sharding != null ? sharding.generateKeys(context, 1)
                : offlineKeys.generateKeys(context, 1);
        return keys.iterator().next();
    }

    /** The router of {@code source}, a ShardingSphere data source the layer compiled from {@code topology}. */
    static OneShardRouter of(Plans plans, Topology topology, DataSource source) {
        try (Connection c = source.getConnection()) {
            ShardingSphereConnection ss = c.unwrap(ShardingSphereConnection.class);
            ShardingSphereDatabase db = ss.getContextManager().getDatabase(ss.getCurrentDatabaseName());
            return new OneShardRouter(plans, topology, source, db);
        } catch (SQLException e) {
            throw new SkyriffDataException(topology.rules().name() + " - single-shard path: cannot read the"
                    + " ShardingSphere rules: " + e.getMessage(), e);
        }
    }

    /** A router that only decides ({@link #decide}), without any data source: for the CLI's offline route. */
    static OneShardRouter offline(Plans plans, Topology topology) {
        return new OneShardRouter(plans, topology, null, null);
    }

    String shardName(int shard) {
        return topology.shardName(shard);
    }

    /**
     * Where {@code plan} runs with {@code params}, or why it goes to ShardingSphere ({@link Decision#fallback()}).
     *
     * @throws RefusedStatementException for a statement that is refused on every path
     */
    Decision decide(OneShardPlan plan, Object[] params) throws RefusedStatementException {
        if (plan.refusal != null) {
            throw new RefusedStatementException(plan.refusalReason, plan.refusalTable, plan.refusal);
        }
        if (plan.fallback != null) {
            return new Decision(-1, null, false, plan.fallback);
        }
        if (plan.generated != null && params.length <= plan.generated.slot()) {
            return new Decision(-1, null, false, "an INSERT without the " + plan.generated.column() + " column as a"
                    + " plain Statement (ShardingSphere's Snowflake fills it)");
        }
        if (HintManager.isInstantiated() && hinted(plan)) {
            return new Decision(-1, null, false, "a ShardingSphere HintManager with sharding values");
        }
        int shard = -1;
        for (OneShardPlan.Value k : plan.keys) {
            shard = withKey(shard, k.of(params));
            if (shard < 0) {
                return KEY_FALLBACKS[-shard - 1];
            }
        }
        for (OneShardPlan.Value k : plan.arrayKeys) {
            Object[] elements = elements(k.of(params));
            if (elements == null) {
                return new Decision(-1, null, false, "a shard-key array (= ANY(?)) that is NULL or not an array");
            }
            for (Object v : elements) {
                shard = withKey(shard, v);
                if (shard < 0) {
                    return KEY_FALLBACKS[-shard - 1];
                }
            }
        }
        int defaultShard = topology.defaultShard();
        if (shard < 0) {
            shard = plan.shardedRefs ? 0 : defaultShard;
        }
        if (plan.timeless != null) {
            TableSpec t = plan.timeless.spec;
            Topology.Table tt = topology.table(t.name());
            String span = tt == null || tt.monthCount() == 0 ? "" : " (" + tt.monthCount() + " months " + tt.window()
                    + ")";
            throw new RefusedStatementException(Reason.FULL_SCAN, t.name(), t.name() + ": " + plan.kind + " without a "
                    + t.timeColumn() + " range would read every month table" + span + "; add " + t.timeColumn()
                    + " >= ? AND " + t.timeColumn() + " < ?" + (plan.refs.size() > 1 ? " to each query block that"
                    + " reads " + t.name() + " (subqueries included)" : "") + ", or set tables." + t.name()
                    + ".allow-full-scan: true for admin jobs");
        }
        boolean primary = plan.kind != OneShardPlan.Kind.SELECT || plan.locking;
        if (!plan.monthly) {
            for (OneShardPlan.Ref r : plan.refs) {
                if (!r.spec.strategy().byUser() && r.spec.strategy() != com.skyriff.data.rules.Strategy.BROADCAST
                        && shard != defaultShard) {
                    return new Decision(-1, null, false, r.spec.name() + " lives on the default shard, the keys on"
                            + " another");
                }
            }
            return new Decision(shard, plan.physicalText(), primary, null);   // physical names are the logical ones
        }
        String text = plan.physicalText();
        StringBuilder sql = new StringBuilder(text.length() + 64);
        int from = 0;
        for (OneShardPlan.Ref r : plan.refs) {
            TableSpec t = r.spec;
            if (!t.strategy().byUser() && t.strategy() != com.skyriff.data.rules.Strategy.BROADCAST
                    && shard != defaultShard) {
                return new Decision(-1, null, false, t.name() + " lives on the default shard, the keys on another");
            }
            if (!t.strategy().byMonth()) {
                continue;
            }
            Topology.Table window = topology.table(t.name());
            if (window == null || window.monthCount() == 0) {
                return new Decision(-1, null, false, t.name() + " has no month tables in this generation");
            }
            List<YearMonth> touched;
            try {
                touched = r == plan.target && plan.kind == OneShardPlan.Kind.INSERT ? insertMonth(r, params, window)
                        : touched(r, params, window);
            } catch (IllegalArgumentException | ClassCastException e) {
                return new Decision(-1, null, false, t.name() + "." + t.timeColumn() + ": a value that is not a time");
            }
            if (touched == null) {
                return new Decision(-1, null, false, t.name() + ": rows of several months, or outside the window");
            }
            Integer max = t.maxMonthsPerQuery();
            if (max != null && touched.size() > max) {
                return new Decision(-1, null, false, t.name() + ": more months than max-months-per-query");
            }
            if (r == plan.target && touched.size() != 1 || plan.writeSubquery) {
                if (touched.size() > 1 && (plan.selfReference || plan.returning)) {
                    throw new RefusedStatementException(Reason.UNSUPPORTED_CONSTRUCT, t.name(), t.name() + ": "
                            + plan.kind + (plan.selfReference ? " with a subquery on " + t.name() : " ... RETURNING")
                            + " over " + touched.size() + " months is refused: it would run once per month table, each"
                            + " run seeing only its own month; narrow " + t.timeColumn() + " to one month, or select"
                            + " the rows first and write them by key");
                }
                if (touched.size() > 1 || plan.writeSubquery) {
                    return new Decision(-1, null, false, t.name() + ": a write over several month tables");
                }
            }
            if (touched.size() > 1 && plan.locking) {
                return new Decision(-1, null, false, "FOR UPDATE over several month tables");
            }
            sql.append(text, from, r.nameStart);
            from = r.nameStop + 1;
            if (touched.isEmpty()) {
                if (r == plan.target) {
                    sql.append(window.monthTable(0));
                } else {
                    sql.append("(SELECT * FROM ").append(window.monthTable(0)).append(" WHERE false)");
                }
            } else if (touched.size() == 1) {
                sql.append(window.monthTable(window.monthIndex(touched.get(0))));
            } else {
                sql.append('(');
                for (int i = 0; i < touched.size(); i++) {
                    sql.append(i == 0 ? "SELECT * FROM " : " UNION ALL SELECT * FROM ")
                            .append(window.monthTable(window.monthIndex(touched.get(i))));
                }
                sql.append(')');
            }
            if (!r.aliased) {
                sql.append(" AS ").append(t.name());
            }
        }
        sql.append(text, from, text.length());
        return new Decision(shard, sql.toString(), primary, null);
    }

    /**
     * The elements of a value bound for {@code = ANY(?)}: a {@link java.sql.Array}, an object array or a primitive
     * whole-number array; null for anything else.
     */
    private static Object[] elements(Object v) {
        if (v instanceof java.sql.Array a) {
            try {
                v = a.getArray();
            } catch (SQLException e) {
                return null;
            }
        }
        if (v instanceof Object[] o) {
            return o;
        }
        if (v instanceof long[] l) {
            return java.util.Arrays.stream(l).boxed().toArray();
        }
        if (v instanceof int[] i) {
            return java.util.Arrays.stream(i).boxed().toArray();
        }
        if (v instanceof short[] sh) {
            Object[] out = new Object[sh.length];
            for (int i = 0; i < sh.length; i++) {
                out[i] = sh[i];
            }
            return out;
        }
        return null;
    }

    /** Why a key sends the statement to ShardingSphere, by {@code -1 - }{@link #withKey}'s negative result. */
    private static final Decision[] KEY_FALLBACKS = {
        new Decision(-1, null, false, "a NULL shard key"),
        new Decision(-1, null, false, "a shard key that is not a whole number"),
        new Decision(-1, null, false, "keys of several shards")};

    /**
     * The shard of the keys so far ({@code shard}, -1 for none yet) and key {@code v}; or -1, -2, -3 for a NULL key, a
     * key that is not a whole number, or a key of another shard ({@link #KEY_FALLBACKS}).
     */
    private int withKey(int shard, Object v) {
        if (v == null) {
            return -1;
        }
        long id;
        try {
            id = Topology.userId("key", "value", v);
        } catch (IllegalArgumentException e) {
            return -2;
        }
        int s = topology.shardOf(id);
        return shard >= 0 && s != shard ? -3 : s;
    }

    /** Whether the thread's HintManager carries more than write-route-only (a PrimaryScope): ShardingSphere decides. */
    private static boolean hinted(OneShardPlan plan) {
        if (HintManager.getDataSourceName().isPresent() || HintManager.isDatabaseShardingOnly()) {
            return true;
        }
        for (OneShardPlan.Ref r : plan.refs) {
            if (!HintManager.getDatabaseShardingValues(r.spec.name()).isEmpty()
                    || !HintManager.getTableShardingValues(r.spec.name()).isEmpty()) {
                return true;
            }
        }
        return false;
    }

    /** The one month of an INSERT's rows; null if they span several months or fall outside the window. */
    private List<YearMonth> insertMonth(OneShardPlan.Ref r, Object[] params, Topology.Table window) {
        YearMonth month = null;
        for (OneShardPlan.TimeFact f : r.times) {
            YearMonth m = month(window, f.values().get(0).of(params));
            if (month != null && !month.equals(m)) {
                return null;
            }
            month = m;
        }
        if (month == null || window.monthIndex(month) < 0) {
            return null;
        }
        return List.of(month);
    }

    /** The months (of the window) a reference's time conditions leave, oldest first. */
    private List<YearMonth> touched(OneShardPlan.Ref r, Object[] params, Topology.Table window) {
        YearMonth lo = window.month(0);
        YearMonth hi = window.month(window.monthCount() - 1);
        TreeSet<YearMonth> in = null;
        for (OneShardPlan.TimeFact f : r.times) {
            switch (f.op()) {
                case "=" -> {
                    YearMonth m = month(window, f.values().get(0).of(params));
                    lo = max(lo, m);
                    hi = min(hi, m);
                }
                case ">=", ">" -> lo = max(lo, month(window, f.values().get(0).of(params)));
                case "<=" -> hi = min(hi, month(window, f.values().get(0).of(params)));
                case "<" -> {
                    Object v = f.values().get(0).of(params);
                    if (v == null) {
                        throw new IllegalArgumentException("null");
                    }
                    Topology.Months span = topology.monthsTouched(window, null, v, false);
                    if (span.isEmpty()) {
                        return List.of();
                    }
                    hi = min(hi, window.month(span.last()));
                }
                case "between" -> {
                    lo = max(lo, month(window, f.values().get(0).of(params)));
                    hi = min(hi, month(window, f.values().get(1).of(params)));
                }
                case "in" -> {
                    TreeSet<YearMonth> set = new TreeSet<>();
                    for (OneShardPlan.Value v : f.values()) {
                        set.add(month(window, v.of(params)));
                    }
                    if (in != null) {
                        set.retainAll(in);
                    }
                    in = set;
                }
                default -> throw new IllegalStateException(f.op());
            }
        }
        List<YearMonth> out = new ArrayList<>();
        for (YearMonth m = lo; !m.isAfter(hi); m = m.plusMonths(1)) {   // the touched months only, not the window
            if (in == null || in.contains(m)) {
                out.add(m);
            }
        }
        return out;
    }

    private YearMonth month(Topology.Table window, Object value) {
        if (value == null) {
            throw new IllegalArgumentException("null");
        }
        return topology.month(window, value);
    }

    private static YearMonth max(YearMonth a, YearMonth b) {
        return a.isAfter(b) ? a : b;
    }

    private static YearMonth min(YearMonth a, YearMonth b) {
        return a.isBefore(b) ? a : b;
    }

    /**
     * Reports the statement to read-your-writes and cross-shard accounting as the statement guard does for the
     * ShardingSphere path, then picks the node: the shard's primary for writes, locking reads, transactions and
     * primary scopes; else the replica ShardingSphere's load balancer (the health balancer) picks.
     */
    String node(OneShardPlan plan, Decision d, boolean inTransaction) throws RefusedStatementException {
        boolean write = plan.kind != OneShardPlan.Kind.SELECT;
        if (health != null) {
            long mask = write ? 1L << health.shardIndex(topology.shardName(d.shard())) : 0;
            long conflict = health.onStatement(inTransaction, mask, mask, true);
            if (conflict != 0) {
                throw new RefusedStatementException(Reason.CROSS_SHARD_WRITE, null, "cross-shard-transactions: refuse"
                        + " - " + plan.kind + " " + plan.target.spec.name() + " would make this transaction write to"
                        + " shards " + health.shardNames(conflict)
                        + "; ShardingSphere's LOCAL transactions commit each shard separately, so a failure can"
                        + " half-commit; write one shard per transaction, or set cross-shard-transactions: allow");
            }
        }
        ReadwriteSplittingDataSourceGroupRule group = groups[d.shard()];
        if (group == null || d.primary() || inTransaction || HintManager.isInstantiated() && HintManager.isWriteRouteOnly()) {
            return primaries[d.shard()];
        }
        return replicas.route(group);
    }

    /**
     * A new pooled connection of {@code node} (a name {@link #node} returned), through the node's health wrapper as
     * ShardingSphere would open it: a primary known down fails at once with a {@code ShardUnavailableException}, a
     * replica that cannot be reached hands over to another usable node of its shard.
     */
    Connection open(String node) throws SQLException {
        DataSource ds = nodes.get(node);
        if (ds == null) {
            throw new IllegalStateException("single-shard path: no data source for node " + node + "; expected one of "
                    + new TreeSet<>(nodes.keySet()));
        }
        return ds.getConnection();
    }

    /** The name of the default shard's primary: where a connection-level call that needs some node goes. */
    String defaultPrimary() {
        return primaries[topology.defaultShard()];
    }

    /**
     * Hands {@code connection}, a connection of {@code node} this layer connection opened and began a transaction on,
     * to ShardingSphere's connection manager {@code ss}, which from then on holds it as its connection for the node
     * (its statements on the node run in that transaction, and its commit and rollback end it).
     */
    void lend(ShardingSphereConnection ss, String node, Connection connection) throws SQLException {
        NodeDataSource.lend(connection, () -> ss.getDatabaseConnectionManager().getConnections(database, node, 0, 1,
                ConnectionMode.MEMORY_STRICTLY).get(0));
    }

    /** The metadata answers of this generation's nodes, read once through a ShardingSphere connection of its own. */
    LayerDatabaseMetaData.Snapshot metaData() throws SQLException {
        LayerDatabaseMetaData.Snapshot m = metaData;
        if (m == null) {
            try (Connection c = source.getConnection()) {
                m = LayerDatabaseMetaData.Snapshot.of(c.getMetaData());
            }
            metaData = m;
        }
        return m;
    }

    /** The physical connection ShardingSphere's own connection holds (or opens) for {@code node}: one transaction. */
    Connection physical(ShardingSphereConnection ss, String node) throws SQLException {
        if (!ss.getAutoCommit()) {
            ss.beginTransactionIfNeededWhenAutoCommitFalse();
        }
        return ss.getDatabaseConnectionManager().getConnections(database, node, 0, 1, ConnectionMode.MEMORY_STRICTLY)
                .get(0);
    }

    Collection<String> shardNames() {
        return topology.shardNames();
    }
}
