package com.skyriff.data.guard.internal;

import com.google.common.collect.BoundType;
import com.google.common.collect.Range;
import com.skyriff.data.guard.RefusedStatementException;
import com.skyriff.data.guard.RefusedStatementException.Reason;
import com.skyriff.data.health.internal.HealthRuntime;
import com.skyriff.data.health.internal.Sneaky;
import com.skyriff.data.rules.MonthWindow;
import com.skyriff.data.rules.Rules;
import com.skyriff.data.rules.TableSpec;
import com.skyriff.data.rules.Topology;
import com.skyriff.data.rules.internal.ShardingSphereRules;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.shardingsphere.infra.binder.context.statement.SQLStatementContext;
import org.apache.shardingsphere.infra.binder.context.statement.SQLStatementContextFactory;
import org.apache.shardingsphere.infra.binder.context.statement.dal.ExplainStatementContext;
import org.apache.shardingsphere.infra.binder.context.statement.dml.DeleteStatementContext;
import org.apache.shardingsphere.infra.binder.context.statement.dml.InsertStatementContext;
import org.apache.shardingsphere.infra.binder.context.statement.dml.SelectStatementContext;
import org.apache.shardingsphere.infra.binder.context.statement.dml.UpdateStatementContext;
import org.apache.shardingsphere.infra.binder.context.type.TableAvailable;
import org.apache.shardingsphere.infra.metadata.database.ShardingSphereDatabase;
import org.apache.shardingsphere.infra.metadata.database.rule.RuleMetaData;
import org.apache.shardingsphere.infra.session.query.QueryContext;
import org.apache.shardingsphere.sharding.route.engine.condition.ShardingCondition;
import org.apache.shardingsphere.sharding.route.engine.condition.engine.ShardingConditionEngine;
import org.apache.shardingsphere.sharding.route.engine.condition.value.ListShardingConditionValue;
import org.apache.shardingsphere.sharding.route.engine.condition.value.RangeShardingConditionValue;
import org.apache.shardingsphere.sharding.route.engine.condition.value.ShardingConditionValue;
import org.apache.shardingsphere.sharding.rule.ShardingRule;

/**
 * The guard rails of one SkyRiff data source, run on every statement before routing: refuses statements on sharded
 * tables that have no shard key (unless the table allows full scans), time ranges wider than the table's
 * {@code max-months-per-query}, constructs ShardingSphere 5.5.2 executes wrongly when a statement spans several
 * shards or month tables, and writes to several shards where {@code cross-shard-transactions: refuse}; and tells the
 * runtime which shards each statement writes (read-your-writes). A statement whose sharded tables are each reached
 * through one {@code key = ?} marker (and one {@code time = ?}) is checked once per SQL text; its later runs only read
 * the key parameters (a bounded plan cache), so the common keyed statement costs a map lookup. The hint
 * {@code /* SHARDINGSPHERE_HINT: DISABLE_AUDIT_NAMES=skyriff_guard *}{@code /} turns the refusals off for one
 * statement. Refusals are {@link RefusedStatementException}s, which ShardingSphere hands to the caller unchanged.
 * Thread-safe.
 */
final class StatementGuard {
    /** The audit name the disable hint uses. */
    static final String NAME = "skyriff_guard";
    private final HealthRuntime runtime;
    private final ShardingConditionEngine conditions;
    private final Map<String, Table> tables = new HashMap<>();
    /** The topology of this guard's ShardingSphere database (the one its algorithms adapt): shards and windows. */
    private final Topology topology;
    private final long allShards;
    private final long defaultShard;
    private final int shardCount;
    /**
     * Statements already seen whose sharded tables are all reached through one parameter marker each ({@code key = ?},
     * and {@code time = ?} for monthly tables): their next runs skip the condition engine. Bounded.
     */
    private final Map<String, Plan> plans = new java.util.concurrent.ConcurrentHashMap<>();
    static final int MAX_PLANS = 4_096;
    /** The allow-list's verdict per SQL text of the SELECTs seen spanning several shard tables; bounded. */
    private final Map<String, String> verdicts = new java.util.concurrent.ConcurrentHashMap<>();
    /** The system-catalog verdict per SQL text of the statements that took the full path ("" for none); bounded. */
    private final Map<String, String> catalogs = new java.util.concurrent.ConcurrentHashMap<>();
    /** The rules' tables' column types and collations, read on first need (the cross-shard merge check). */
    private final ColumnTypes columnTypes;

    StatementGuard(HealthRuntime runtime, RuleMetaData globalRules, ShardingSphereDatabase database) {
        this.runtime = runtime;
        Rules rules = runtime.rules();
        ShardingRule sharding = database.getRuleMetaData().findSingleRule(ShardingRule.class).orElse(null);
        this.conditions = sharding == null ? null : new ShardingConditionEngine(globalRules, database, sharding);
        Topology compiled = sharding == null ? null : ShardingSphereRules.topologyOf(sharding.getConfiguration());
        this.topology = compiled != null ? compiled : Topology.compile(rules, runtime.clock());
        this.shardCount = rules.shards().size();
        this.allShards = shardCount == 64 ? -1L : (1L << shardCount) - 1;
        this.defaultShard = 1L << runtime.shardIndex(rules.defaultShard());
        for (Topology.Table t : topology.tables()) {
            tables.put(t.name(), new Table(t.spec(), t.window(), t));
        }
        this.columnTypes = new ColumnTypes(topology, runtime.dataSources());
    }

    void audit(QueryContext query) {
        Plan cached = plans.get(query.getSql());
        if (cached != null && fast(query, cached)) {
            return;
        }
        SQLStatementContext ctx = query.getSqlStatementContext();
        String catalog = catalogs.get(query.getSql());
        if (catalog == null) {
            String found = SystemCatalog.refusal(ctx.getSqlStatement());
            catalog = found == null ? "" : found;
            if (catalogs.size() < MAX_PLANS) {
                catalogs.putIfAbsent(query.getSql(), catalog);
            }
        }
        if (!catalog.isEmpty() && !disabled(query)) {
            throw refuse(Reason.SYSTEM_CATALOG, null, catalog);
        }
        boolean inTransaction = query.getConnectionContext().getTransactionContext().isInTransaction();
        boolean explain = false;
        if (ctx instanceof ExplainStatementContext e && e.getSqlStatement().getSqlStatement().isPresent()) {
            // EXPLAIN is judged by the statement it explains (its tables, keys and months); ANALYZE runs it
            ctx = SQLStatementContextFactory.newInstance(query.getMetaData(), e.getSqlStatement().getSqlStatement()
                    .get(), query.getParameters(), query.getUsedDatabase().getName());
            explain = true;
        }
        boolean write = (ctx instanceof InsertStatementContext || ctx instanceof UpdateStatementContext
                || ctx instanceof DeleteStatementContext) && (!explain || keyword(query.getSql(), "analyze")
                || keyword(query.getSql(), "analyse"));
        long writeMask = 0;
        long crossMask = 0;
        boolean enforce = true;
        Plan plan = null;
        HealthRuntime.Deferred[] deferred = new HealthRuntime.Deferred[1];
        if (ctx instanceof TableAvailable available) {
            Collection<String> names = available.getTablesContext().getTableNames();
            List<Table> sharded = null;
            for (String name : names) {
                Table t = tables.get(name);
                if (t == null) {
                    t = tables.get(name.toLowerCase(Locale.ROOT));
                }
                if (t == null) {
                    continue;
                }
                switch (t.spec.strategy()) {
                    case BROADCAST -> writeMask |= write ? allShards : 0;
                    case SINGLE -> {
                        writeMask |= write ? defaultShard : 0;
                        crossMask |= write ? defaultShard : 0;
                    }
                    default -> {
                        if (sharded == null) {
                            sharded = new ArrayList<>(2);
                        }
                        sharded.add(t);
                    }
                }
            }
            enforce = !disabled(query);
            long fixedWrite = writeMask;
            long fixedCross = crossMask;
            if (sharded != null) {
                List<Integer> keyParams = new ArrayList<>(2);
                long mask = inspect(query, ctx, sharded, write, enforce, explain, keyParams, deferred);
                writeMask |= write ? mask : 0;
                crossMask |= write ? mask : 0;
                if (!keyParams.isEmpty() && keyParams.get(0) >= 0) {
                    plan = new Plan(write, fixedWrite, fixedCross, keyParams.stream().mapToInt(Integer::intValue).toArray());
                }
            } else {
                plan = new Plan(write, fixedWrite, fixedCross, new int[0]);
            }
        }
        long conflict = runtime.onStatement(inTransaction, writeMask, crossMask, enforce);
        if (conflict == 0 && enforce && plan != null && !explain && plans.size() < MAX_PLANS) {
            plans.putIfAbsent(query.getSql(), plan);
        }
        if (conflict != 0) {
            throw refuse(Reason.CROSS_SHARD_WRITE, null, crossShardMessage(ctx, inTransaction, conflict, crossMask));
        }
        if (deferred[0] != null) {
            runtime.defer(deferred[0], inTransaction);
        }
    }

    /** Runs a cached plan; false if its parameters do not fit it (the full path then decides). */
    private boolean fast(QueryContext query, Plan plan) {
        long shards = 0;
        if (plan.keyParams.length > 0) {   // also for reads: a key that is no user id takes the full path's refusal
            List<Object> params = query.getParameters();
            for (int index : plan.keyParams) {
                if (index >= params.size()) {
                    return false;
                }
                int shard = shardOf(params.get(index));
                if (shard < 0) {
                    return false;
                }
                shards |= 1L << shard;
            }
            if (!plan.write && Long.bitCount(shards) > 1) {
                return false;   // tables keyed to different shards: the allow-list decides on the full path
            }
        }
        boolean inTransaction = query.getConnectionContext().getTransactionContext().isInTransaction();
        boolean enforce = !disabled(query);
        long writeMask = plan.write ? plan.fixedWrite | shards : 0;
        long crossMask = plan.write ? plan.fixedCross | shards : 0;
        long conflict = runtime.onStatement(inTransaction, writeMask, crossMask, enforce);
        if (conflict != 0) {
            throw refuse(Reason.CROSS_SHARD_WRITE, null, crossShardMessage(query.getSqlStatementContext(), inTransaction,
                    conflict, crossMask));
        }
        return true;
    }

    private static boolean disabled(QueryContext query) {
        Collection<String> names = query.getHintValueContext().getDisableAuditNames();
        if (names.isEmpty()) {
            return false;
        }
        for (String n : names) {
            if (NAME.equalsIgnoreCase(n)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Checks the sharded tables of one statement; returns the shards it touches. Adds to {@code keyParams} the
     * parameter index of each table's key when every table is reached through exactly one marker per key (and one per
     * time column), else adds -1.
     */
    private long inspect(QueryContext query, SQLStatementContext ctx, List<Table> sharded, boolean write, boolean enforce,
                         boolean explain, List<Integer> keyParams, HealthRuntime.Deferred[] deferred) {
        String verb = verb(ctx);
        Table first = sharded.get(0);
        if (enforce && ctx instanceof InsertStatementContext insert) {
            if (insert.getInsertSelectContext() != null) {
                throw refuse(Reason.UNSUPPORTED_CONSTRUCT, first.spec.name(), first.spec.name() + ": INSERT ... SELECT"
                        + " into a sharded table is refused: ShardingSphere 5.5.2 runs it on every shard (duplicate or"
                        + " misplaced rows) or rejects it; select the rows, then insert them with INSERT ... VALUES"
                        + " (a JDBC batch)");
            }
        }
        String moved = movedRow(ctx, query.getSql());
        if (moved != null) {
            throw refuse(Reason.UNSUPPORTED_CONSTRUCT, first.spec.name(), moved);
        }
        if (enforce && ctx instanceof UpdateStatementContext update && update.getSqlStatement().getFrom().isPresent()) {
            // refused here, before ShardingSphere's own check rejects it after routing ('DML operation with multiple
            // tables'); the forms its binder already rejects are named by the layer's connection (Constructs)
            throw refuse(Reason.UNSUPPORTED_CONSTRUCT, first.spec.name(), Constructs.updateFrom(first.spec));
        }
        if (enforce && write && (returning(ctx) || keyword(query.getSql(), "returning"))) {
            throw refuse(Reason.UNSUPPORTED_CONSTRUCT, first.spec.name(), first.spec.name() + ": " + verb
                    + " ... RETURNING on a sharded table is refused: through ShardingSphere 5.5.2 execute() returns no"
                    + " result set (MyBatis gets null); use generated keys (Statement.RETURN_GENERATED_KEYS, MyBatis"
                    + " useGeneratedKeys with the table's id column) or read the row back by its key");
        }
        if (ctx instanceof InsertStatementContext insert) {
            return inspectInsert(insert, sharded.get(0), enforce, keyParams, deferred);
        }
        List<ShardingCondition> found = conditions == null ? List.of()
                : conditions.createShardingConditions(ctx, query.getParameters());
        boolean planned = found.size() == 1 && !returning(ctx) && !(ctx instanceof SelectStatementContext s
                && (s.getSqlStatement().getWithSegment().isPresent() || s.isContainsHaving()
                || s.containsTableSubquery()));
        long touched = 0;
        long widest = 0;
        Table widestTable = first;
        for (Table t : sharded) {
            String name = t.spec.name();
            long shards;
            boolean keyless = false;
            if (t.spec.strategy().byUser()) {
                shards = 0;
                keyless = found.isEmpty();
                if (planned) {
                    int marker = singleMarker(value(found.get(0), name, t.spec.keyColumn()));
                    planned = marker >= 0;
                    keyParams.add(marker);
                }
                for (ShardingCondition c : found) {
                    ShardingConditionValue v = value(c, name, t.spec.keyColumn());
                    if (!(v instanceof ListShardingConditionValue<?> list)) {
                        keyless = true;
                        break;
                    }
                    for (Object key : list.getValues()) {
                        int shard = shardOf(key);
                        if (shard < 0 && key != null && enforce) {
                            throw refuse(Reason.KEY_NOT_INTEGER, name, notInteger(verb, t, key));
                        }
                        if (shard < 0) {
                            keyless = true;
                            break;
                        }
                        shards |= 1L << shard;
                    }
                }
                if (keyless) {
                    shards = allShards;
                }
            } else {
                shards = defaultShard;
                planned = false;   // plans carry key parameters only
            }
            long months = 1;
            boolean timeless = false;
            BitSet monthSet = null;
            if (t.window != null) {
                planned = planned && singleMarker(value(found.get(0), name, t.spec.timeColumn())) >= 0;
                monthSet = new BitSet(t.window.size());
                timeless = found.isEmpty();
                for (ShardingCondition c : found) {
                    if (!months(t, value(c, name, t.spec.timeColumn()), monthSet)) {
                        timeless = true;
                        break;
                    }
                }
                months = timeless ? t.window.size() : Math.max(1, monthSet.cardinality());
            }
            if (enforce && !t.spec.allowFullScan() && (keyless || timeless)) {
                String why = keyless ? keylessCause(ctx, query.getSql(), t, !found.isEmpty()) : null;
                throw refuse(Reason.FULL_SCAN, name, why != null ? why : fullScanMessage(ctx, t, keyless, timeless,
                        months));
            }
            Integer max = t.spec.maxMonthsPerQuery();
            if (enforce && max != null && months > max) {
                throw refuse(Reason.MONTH_RANGE, name, name + ": " + verb + " spans " + months + " months of "
                        + t.spec.timeColumn() + " (" + span(t, monthSet, timeless) + "), more than tables." + name
                        + ".max-months-per-query " + max + "; narrow the " + t.spec.timeColumn()
                        + " range or split the query");
            }
            long units = Long.bitCount(shards) * months;
            if (units > widest) {
                widest = units;
                widestTable = t;
            }
            touched |= shards;
        }
        if (!planned) {
            keyParams.clear();
            keyParams.add(-1);
        }
        if (enforce && widest > 1 && explain) {
            throw refuse(Reason.UNSUPPORTED_CONSTRUCT, widestTable.spec.name(), crossShardMessage(widestTable,
                    CrossShard.EXPLAIN, widest, Long.bitCount(touched), verb));
        }
        if (enforce && widest > 1 && ctx instanceof SelectStatementContext select) {
            String problem = crossShard(select, query.getSql());
            if (problem != null) {
                throw refuse(Reason.UNSUPPORTED_CONSTRUCT, widestTable.spec.name(), crossShardMessage(widestTable,
                        problem, widest, Long.bitCount(touched), verb));
            }
        }
        if (enforce && widest > 1 && (ctx instanceof UpdateStatementContext || ctx instanceof DeleteStatementContext)) {
            List<org.apache.shardingsphere.sql.parser.statement.core.segment.dml.expr.ExpressionSegment> parts =
                    new ArrayList<>();
            if (ctx instanceof UpdateStatementContext u) {
                u.getSqlStatement().getWhere().ifPresent(w -> parts.add(w.getExpr()));
                u.getSqlStatement().getSetAssignment().getAssignments().forEach(a -> parts.add(a.getValue()));
            } else {
                ((DeleteStatementContext) ctx).getSqlStatement().getWhere().ifPresent(w -> parts.add(w.getExpr()));
            }
            String problem = CrossShard.writeRefusal(parts, query.getSql(), verb);
            if (problem != null) {
                throw refuse(Reason.UNSUPPORTED_CONSTRUCT, widestTable.spec.name(), crossShardMessage(widestTable,
                        problem, widest, Long.bitCount(touched), verb));
            }
        }
        return touched;
    }

    /**
     * An INSERT's shards, read from its rows: ShardingSphere's condition engine must not run here, as for a generated
     * shard key it generates (and keeps) a second key. A generated key's shard is known only after routing, so it is
     * handed to the runtime as a deferred write.
     */
    private long inspectInsert(InsertStatementContext insert, Table t, boolean enforce, List<Integer> keyParams,
                               HealthRuntime.Deferred[] deferred) {
        String name = t.spec.name();
        List<String> columns = insert.getColumnNames();
        List<org.apache.shardingsphere.infra.binder.context.segment.insert.values.InsertValueContext> rows =
                insert.getInsertValueContexts();
        if (t.spec.strategy().byMonth()) {
            int time = indexOf(columns, t.spec.timeColumn());
            if (time < 0 && !generated(insert, t.spec.timeColumn()) && enforce && !t.spec.allowFullScan()) {
                throw refuse(Reason.FULL_SCAN, name, name + ": INSERT without a " + t.spec.timeColumn() + " value in"
                        + " every row cannot be routed to one month table; set " + t.spec.timeColumn() + " in every row");
            }
        }
        if (!t.spec.strategy().byUser()) {
            keyParams.add(-1);
            return defaultShard;
        }
        String key = t.spec.keyColumn();
        int index = indexOf(columns, key);
        if (index < 0) {
            if (!generated(insert, key)) {
                if (enforce && !t.spec.allowFullScan()) {
                    throw refuse(Reason.FULL_SCAN, name, name + ": INSERT without a " + key + " value in every row"
                            + " cannot be routed to one shard; set " + key + " in every row");
                }
                keyParams.add(-1);
                return allShards;
            }
            if (enforce && rows.size() > 1 && runtimeRefusesCrossShard()) {
                throw refuse(Reason.CROSS_SHARD_WRITE, name, "cross-shard-transactions: refuse - INSERT " + name + " of "
                        + rows.size() + " rows with a generated " + key + " may write to several shards in one"
                        + " statement; insert one row per statement (or a JDBC batch), or set cross-shard-transactions:"
                        + " allow");
            }
            org.apache.shardingsphere.infra.binder.context.segment.insert.keygen.GeneratedKeyContext generatedKeys =
                    insert.getGeneratedKeyContext().orElseThrow();
            deferred[0] = () -> {
                long shards = 0;
                for (Comparable<?> value : generatedKeys.getGeneratedValues()) {
                    int shard = shardOf(value);
                    shards |= shard < 0 ? allShards : 1L << shard;
                }
                return shards;
            };
            keyParams.add(-1);
            return 0;
        }
        long shards = 0;
        int marker = -1;
        int rowNumber = 0;
        for (var row : rows) {
            rowNumber++;
            Object value = index < row.getValueExpressions().size() ? row.getLiteralValue(index).orElse(null) : null;
            if (value == null && enforce && !t.spec.allowFullScan() && nullValue(row, index)) {
                throw refuse(Reason.FULL_SCAN, name, nullKeyMessage(t, rowNumber, rows.size()));
            }
            int shard = value == null ? -1 : shardOf(value);
            if (shard < 0 && value != null && enforce) {
                throw refuse(Reason.KEY_NOT_INTEGER, name, notInteger("INSERT", t, value));
            }
            shards |= shard < 0 ? allShards : 1L << shard;
            if (rows.size() == 1 && row.getValueExpressions().get(index)
                    instanceof org.apache.shardingsphere.sql.parser.statement.core.segment.dml.expr.simple
                            .ParameterMarkerExpressionSegment p) {
                marker = p.getParameterMarkerIndex();
            }
        }
        keyParams.add(t.spec.strategy().byMonth() ? -1 : marker);
        return shards;
    }

    /** The refusal of an UPDATE / ON CONFLICT DO UPDATE that sets its table's shard key or month column; or null. */
    private String movedRow(SQLStatementContext ctx, String sql) {
        if (ctx instanceof InsertStatementContext i && i.getSqlStatement().getTable().isPresent()) {
            Table t = tables.get(i.getSqlStatement().getTable().get().getTableName().getIdentifier().getValue()
                    .toLowerCase(Locale.ROOT));
            return t == null || !keyword(sql, "conflict") ? null : Constructs.upsertMovesRow(t.spec, sql);
        }
        if (!(ctx instanceof UpdateStatementContext u)
                || !(u.getSqlStatement().getTable() instanceof org.apache.shardingsphere.sql.parser.statement.core
                .segment.generic.table.SimpleTableSegment simple)) {
            return null;
        }
        Table t = tables.get(simple.getTableName().getIdentifier().getValue().toLowerCase(Locale.ROOT));
        if (t == null) {
            return null;
        }
        for (var assignment : u.getSqlStatement().getSetAssignment().getAssignments()) {
            for (var column : assignment.getColumns()) {
                String moved = Constructs.shardColumnUpdate(t.spec, column.getIdentifier().getValue());
                if (moved != null) {
                    return moved;
                }
            }
        }
        return null;
    }

    private boolean runtimeRefusesCrossShard() {
        return runtime.rules().crossShardWrites() == com.skyriff.data.rules.CrossShardWrites.REFUSE;
    }

    private static boolean generated(InsertStatementContext insert, String column) {
        return insert.getGeneratedKeyContext().filter(g -> g.isGenerated() && g.getColumnName().equalsIgnoreCase(column))
                .isPresent();
    }

    private static int indexOf(List<String> columns, String column) {
        for (int i = 0; i < columns.size(); i++) {
            if (columns.get(i).equalsIgnoreCase(column)) {
                return i;
            }
        }
        return -1;
    }

    /** The parameter index of a one-value {@code column = ?} condition; -1 for anything else. */
    private static int singleMarker(ShardingConditionValue v) {
        if (v instanceof ListShardingConditionValue<?> list && list.getValues().size() == 1
                && list.getParameterMarkerIndexes().size() == 1) {
            return list.getParameterMarkerIndexes().get(0);
        }
        return -1;
    }

    private static ShardingConditionValue value(ShardingCondition c, String table, String column) {
        for (ShardingConditionValue v : c.getValues()) {
            if (v.getColumnName().equalsIgnoreCase(column) && v.getTableName().equalsIgnoreCase(table)) {
                return v;
            }
        }
        return null;
    }

    /**
     * The refusal of a shard-key value that is not a whole number (a fraction, text): the one key conversion of
     * every path ({@link Topology#userId}) names the column and the value; a key is never truncated.
     */
    private static String notInteger(String verb, Table t, Object key) {
        String why;
        try {
            Topology.userId(t.spec.name(), t.spec.keyColumn(), key);
            why = t.spec.name() + "." + t.spec.keyColumn() + " is not a whole number";
        } catch (IllegalArgumentException e) {
            why = e.getMessage();
        }
        return t.spec.name() + ": " + verb + " refused: the " + t.spec.keyColumn() + " value is not an integer ("
                + why + "); user ids are whole numbers: bind a long (or a digit string), never a fraction or text";
    }

    /** The shard index of a key value through the one key conversion of every path; -1 if it is no user id. */
    private int shardOf(Object key) {
        long id;
        try {
            id = Topology.userId("", "", key);
        } catch (IllegalArgumentException e) {
            return -1;
        }
        return topology.shardOf(id);
    }

    /** Adds the months a time condition touches; false if there is none (or it cannot be read). */
    @SuppressWarnings("unchecked")
    private boolean months(Table t, ShardingConditionValue v, BitSet into) {
        try {
            if (v instanceof ListShardingConditionValue<?> list) {
                for (Object value : list.getValues()) {
                    int m = t.compiled.monthIndex(topology.month(t.compiled, value));
                    if (m >= 0) {
                        into.set(m);
                    }
                }
                return true;
            }
            if (v instanceof RangeShardingConditionValue<?> range) {
                Range<Comparable<?>> r = (Range<Comparable<?>>) (Range<?>) range.getValueRange();
                Topology.Months span = topology.monthsTouched(t.compiled, r.hasLowerBound() ? r.lowerEndpoint() : null,
                        r.hasUpperBound() ? r.upperEndpoint() : null,
                        !r.hasUpperBound() || r.upperBoundType() == BoundType.CLOSED);
                if (!span.isEmpty()) {
                    into.set(span.first(), span.last() + 1);
                }
                return true;
            }
        } catch (IllegalArgumentException e) {
            return true;   // not a timestamp: ShardingSphere's routing reports it with the column's name
        }
        return false;
    }

    private static String span(Table t, BitSet months, boolean all) {
        if (all || months == null || months.isEmpty()) {
            return t.window.first() + ".." + t.window.last();
        }
        return t.window.first().plusMonths(months.nextSetBit(0)) + ".." + t.window.first().plusMonths(months.length() - 1);
    }

    private String fullScanMessage(SQLStatementContext ctx, Table t, boolean keyless, boolean timeless, long months) {
        String name = t.spec.name();
        String verb = verb(ctx);
        String allow = "or set tables." + name + ".allow-full-scan: true for admin jobs";
        if (ctx instanceof InsertStatementContext) {
            String column = keyless ? t.spec.keyColumn() : t.spec.timeColumn();
            return name + ": INSERT without a " + column + " value in every row cannot be routed to one "
                    + (keyless ? "shard" : "month table") + "; set " + column + " in every row";
        }
        if (keyless) {
            return name + ": " + verb + " without a " + t.spec.keyColumn() + " condition would run on every shard ("
                    + shardCount + " shards" + (t.window != null ? " x " + months + " months" : "") + "); add "
                    + t.spec.keyColumn() + " = ? or " + t.spec.keyColumn() + " IN (...), " + allow;
        }
        return name + ": " + verb + " without a " + t.spec.timeColumn() + " range would read every month table ("
                + t.window.size() + " months " + t.window + "); add " + t.spec.timeColumn() + " >= ? AND "
                + t.spec.timeColumn() + " < ?, " + allow;
    }

    // ---- messages that name the real cause of a missing shard key (issue 13; small methods, failure path only) ----

    /** Whether row value {@code index} is a NULL: a literal NULL, or a parameter bound to null. */
    private static boolean nullValue(org.apache.shardingsphere.infra.binder.context.segment.insert.values
            .InsertValueContext row, int index) {
        if (index >= row.getValueExpressions().size()) {
            return false;
        }
        var e = row.getValueExpressions().get(index);
        return e instanceof org.apache.shardingsphere.sql.parser.statement.core.segment.dml.expr.simple
                .ParameterMarkerExpressionSegment
                || e instanceof org.apache.shardingsphere.sql.parser.statement.core.segment.dml.expr.simple
                .LiteralExpressionSegment l && l.getLiterals() == null;
    }

    private static String nullKeyMessage(Table t, int row, int rows) {
        String key = t.spec.keyColumn();
        return t.spec.name() + ": INSERT with a NULL " + key + (rows > 1 ? " in row " + row : "") + " cannot be"
                + " routed to a shard (a user's rows live on the shard of its " + key + "); set a non-null " + key
                + " in every row";
    }

    /**
     * Why a SELECT / UPDATE / DELETE names no key for {@code t} when the plain "without a key condition" would mislead:
     * the key bound through {@code = ANY(?)} (an array), or {@code t} read in a subquery whose key comes from the outer
     * query (correlated, EXISTS); null otherwise.
     */
    private String keylessCause(SQLStatementContext ctx, String sql, Table t, boolean otherKeys) {
        String name = t.spec.name();
        String key = t.spec.keyColumn();
        String allow = "or set tables." + name + ".allow-full-scan: true for admin jobs";
        if (keyEqualsAny(sql, key)) {
            return name + ": " + key + " = ANY(?) cannot be routed by ShardingSphere 5.5.2: it sees no " + key
                    + " values in an array parameter, so the " + verb(ctx) + " would run on every shard (" + shardCount
                    + " shards); write " + key + " IN (?, ?, ...) with one marker per user id (MyBatis: <foreach>), "
                    + allow;
        }
        if (otherKeys && ctx instanceof SelectStatementContext select && inSubquery(select, name)) {
            return name + ": " + verb(ctx) + " reads " + name + " in a subquery (EXISTS, IN or a correlated subquery)"
                    + " whose " + key + " comes from the outer query; ShardingSphere 5.5.2 routes every table by its"
                    + " own conditions and does not carry the outer " + key + " into the subquery, so " + name
                    + " would be read on every shard (" + shardCount + " shards); JOIN the tables on " + key
                    + " with the condition on each table (a." + key + " = ? AND b." + key + " = ?, the same value;"
                    + " SELECT DISTINCT for EXISTS, GROUP BY for a counted subquery), or run the subquery alone with "
                    + key + " = ?, " + allow;
        }
        return null;
    }

    private static boolean inSubquery(SelectStatementContext select, String table) {
        for (SelectStatementContext sub : select.getSubqueryContexts().values()) {
            for (String n : sub.getTablesContext().getTableNames()) {
                if (n.equalsIgnoreCase(table)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Whether {@code sql} compares {@code key} (optionally qualified) with {@code = ANY (} outside literals. */
    static boolean keyEqualsAny(String sql, String key) {
        List<com.skyriff.data.schema.SqlLexer.Token> words = new ArrayList<>();
        for (com.skyriff.data.schema.SqlLexer.Token tk : com.skyriff.data.schema.SqlLexer.tokenize(sql)) {
            if (tk.kind() != com.skyriff.data.schema.SqlLexer.Kind.SPACE
                    && tk.kind() != com.skyriff.data.schema.SqlLexer.Kind.COMMENT) {
                words.add(tk);
            }
        }
        for (int i = 2; i < words.size(); i++) {
            if (words.get(i).text().equalsIgnoreCase("any") && words.get(i - 1).text().equals("=")
                    && words.get(i - 2).text().equalsIgnoreCase(key)) {
                return true;
            }
        }
        return false;
    }

    private String crossShardMessage(SQLStatementContext ctx, boolean inTransaction, long conflict, long statement) {
        String what = verb(ctx) + (ctx instanceof TableAvailable a ? " " + String.join(", ",
                a.getTablesContext().getTableNames()) : "");
        if (!inTransaction || Long.bitCount(statement) > 1) {
            return "cross-shard-transactions: refuse - " + what + " writes to " + Long.bitCount(statement) + " shards "
                    + runtime.shardNames(statement) + " in one statement; ShardingSphere commits each shard separately,"
                    + " so a failure can leave some shards committed; write one shard per statement (one user per"
                    + " statement), or set cross-shard-transactions: allow";
        }
        return "cross-shard-transactions: refuse - " + what + " would make this transaction write to shards "
                + runtime.shardNames(conflict) + "; ShardingSphere's LOCAL transactions commit each shard separately,"
                + " so a failure can half-commit; write one shard per transaction, or set cross-shard-transactions:"
                + " allow";
    }

    /**
     * The allow-list's verdict on a SELECT that spans several shard tables ({@link CrossShard}): null when every part
     * of it merges correctly, else the refusal with {@code {span}}, {@code {one}} and {@code {key}} to fill. It
     * depends on the SQL text only, so it is kept per text (bounded), beside the parse ShardingSphere caches.
     */
    private String crossShard(SelectStatementContext select, String sql) {
        String verdict = verdicts.get(sql);
        if (verdict == null) {
            String problem = CrossShard.refusal(select.getSqlStatement(), sql, this::crossShardTable);
            verdict = problem == null ? "" : problem;
            if (verdicts.size() < MAX_PLANS) {
                verdicts.putIfAbsent(sql, verdict);
            }
        }
        return verdict.isEmpty() ? null : verdict;
    }

    private CrossShard.Table crossShardTable(String name) {
        Table t = tables.get(name);
        if (t == null) {
            t = tables.get(name.toLowerCase(Locale.ROOT));
        }
        if (t == null) {
            return null;
        }
        String table = t.spec.name();
        return new CrossShard.Table(t.spec.strategy(), t.spec.keyColumn(), () -> columnTypes.of(table));
    }

    private String crossShardMessage(Table t, String problem, long widest, int shards, String verb) {
        String key = t.spec.keyColumn();
        String span = " (the " + verb + " spans " + widest + " shard tables: " + shards + (shards == 1 ? " shard" : " shards")
                + (t.window != null ? " x " + Math.max(1, widest / Math.max(1, shards)) + " months of " + t.spec.name()
                : "") + ")";
        String one = key != null ? "add " + key + " = ? so it runs on one shard, where PostgreSQL computes it"
                : "narrow " + t.spec.timeColumn() + " to one month, so it runs on one table";
        return t.spec.name() + ": " + problem.replace("{span}", span).replace("{one}", one)
                .replace("{key}", key != null ? key : "id");
    }

    /**
     * Whether {@code sql} has {@code word} (lower case) as a keyword outside string literals, quoted identifiers and
     * comments (ShardingSphere 5.5.2's PostgreSQL parser drops {@code RETURNING} of an UPDATE or DELETE).
     */
    static boolean keyword(String sql, String word) {
        int n = sql.length();
        int i = 0;
        while (i < n) {
            char c = sql.charAt(i);
            if (c == '\'' || c == '"') {
                int end = sql.indexOf(c, i + 1);
                i = end < 0 ? n : end + 1;
            } else if (c == '-' && i + 1 < n && sql.charAt(i + 1) == '-') {
                int end = sql.indexOf('\n', i);
                i = end < 0 ? n : end + 1;
            } else if (c == '/' && i + 1 < n && sql.charAt(i + 1) == '*') {
                int end = sql.indexOf("*/", i + 2);
                i = end < 0 ? n : end + 2;
            } else if (Character.isLetter(c) || c == '_') {
                int start = i;
                while (i < n && (Character.isLetterOrDigit(sql.charAt(i)) || sql.charAt(i) == '_')) {
                    i++;
                }
                if (i - start == word.length() && sql.regionMatches(true, start, word, 0, word.length())) {
                    return true;
                }
            } else {
                i++;
            }
        }
        return false;
    }

    private static boolean returning(SQLStatementContext ctx) {
        if (ctx instanceof InsertStatementContext i) {
            return i.getSqlStatement().getReturningSegment().isPresent();
        }
        if (ctx instanceof UpdateStatementContext u) {
            return u.getSqlStatement().getReturningSegment().isPresent();
        }
        if (ctx instanceof DeleteStatementContext d) {
            return d.getSqlStatement().getReturningSegment().isPresent();
        }
        return false;
    }

    private static String verb(SQLStatementContext ctx) {
        if (ctx instanceof SelectStatementContext) {
            return "SELECT";
        }
        if (ctx instanceof InsertStatementContext) {
            return "INSERT";
        }
        if (ctx instanceof UpdateStatementContext) {
            return "UPDATE";
        }
        if (ctx instanceof DeleteStatementContext) {
            return "DELETE";
        }
        return "statement";
    }

    private static RuntimeException refuse(Reason reason, String table, String message) {
        return Sneaky.raise(new RefusedStatementException(reason, table, message));
    }

    /**
     * What a statement needs on its next runs: whether it writes, the shards of its single and broadcast tables, and
     * the parameter index of each sharded table's key (its shard is read from that parameter).
     */
    private record Plan(boolean write, long fixedWrite, long fixedCross, int[] keyParams) {
    }

    /** A logical table and, for monthly tables, its month window; {@code compiled} is the topology's table. */
    private record Table(TableSpec spec, MonthWindow window, Topology.Table compiled) {
    }
}
