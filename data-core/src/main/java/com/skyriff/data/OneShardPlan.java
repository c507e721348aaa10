package com.skyriff.data;

import com.skyriff.data.guard.RefusedStatementException;
import com.skyriff.data.guard.internal.Constructs;
import com.skyriff.data.rules.Strategy;
import com.skyriff.data.rules.TableSpec;
import com.skyriff.data.schema.SqlLexer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.shardingsphere.sql.parser.statement.core.extractor.SubqueryExtractor;
import org.apache.shardingsphere.sql.parser.statement.core.segment.dml.assignment.ColumnAssignmentSegment;
import org.apache.shardingsphere.sql.parser.statement.core.segment.dml.assignment.InsertValuesSegment;
import org.apache.shardingsphere.sql.parser.statement.core.segment.dml.column.ColumnSegment;
import org.apache.shardingsphere.sql.parser.statement.core.segment.generic.OwnerSegment;
import org.apache.shardingsphere.sql.parser.statement.core.value.identifier.IdentifierValue;
import org.apache.shardingsphere.sql.parser.statement.core.segment.dml.expr.BetweenExpression;
import org.apache.shardingsphere.sql.parser.statement.core.segment.dml.expr.BinaryOperationExpression;
import org.apache.shardingsphere.sql.parser.statement.core.segment.dml.expr.ExpressionSegment;
import org.apache.shardingsphere.sql.parser.statement.core.segment.dml.expr.InExpression;
import org.apache.shardingsphere.sql.parser.statement.core.segment.dml.expr.ListExpression;
import org.apache.shardingsphere.sql.parser.statement.core.segment.dml.expr.TypeCastExpression;
import org.apache.shardingsphere.sql.parser.statement.core.segment.dml.expr.complex.CommonTableExpressionSegment;
import org.apache.shardingsphere.sql.parser.statement.core.segment.dml.expr.simple.LiteralExpressionSegment;
import org.apache.shardingsphere.sql.parser.statement.core.segment.dml.expr.simple.ParameterMarkerExpressionSegment;
import org.apache.shardingsphere.sql.parser.statement.core.segment.dml.expr.subquery.SubquerySegment;
import org.apache.shardingsphere.sql.parser.statement.core.segment.generic.table.JoinTableSegment;
import org.apache.shardingsphere.sql.parser.statement.core.segment.generic.table.SimpleTableSegment;
import org.apache.shardingsphere.sql.parser.statement.core.segment.generic.table.SubqueryTableSegment;
import org.apache.shardingsphere.sql.parser.statement.core.segment.generic.table.TableSegment;
import org.apache.shardingsphere.sql.parser.statement.core.statement.SQLStatement;
import org.apache.shardingsphere.sql.parser.statement.core.statement.dml.DeleteStatement;
import org.apache.shardingsphere.sql.parser.statement.core.statement.dml.InsertStatement;
import org.apache.shardingsphere.sql.parser.statement.core.statement.dml.SelectStatement;
import org.apache.shardingsphere.sql.parser.statement.core.statement.dml.UpdateStatement;

/**
 * The single-shard plan of one SQL text, made once from ShardingSphere's own PostgreSQL parse tree: whether the
 * statement can go to one shard as one physical statement (else why not), which parameters or literals carry the
 * shard keys, which carry each monthly table's time bounds, and where in the text each logical table name is to be
 * replaced by its physical table (or a {@code UNION ALL} over its month tables).
 *
 * <p>Conservative by design. A sharded table reference is pinned to a shard only by a conjunct of its own query
 * block's {@code WHERE} (or an inner join's {@code ON}, or the {@code ON} of an outer join on its nullable side):
 * {@code key = ?|literal}, {@code key IN (...)}, or {@code key = <key of a pinned reference>} (a join or a
 * correlation). Anything else ({@code OR}, {@code NOT}, functions) pins nothing, and a statement with an unpinned
 * sharded reference goes to ShardingSphere. Every name of a rules table in the text must be a table reference the
 * plan knows (a lexical cross-check), so a reference the walk missed can never run unrewritten. Immutable,
 * thread-safe.
 */
final class OneShardPlan {
    enum Kind { SELECT, INSERT, UPDATE, DELETE }

    /** A parameter ({@code param >= 0}, 0-based) or a literal value. */
    record Value(int param, Object literal) {
        Object of(Object[] params) {
            return param >= 0 ? (param < params.length ? params[param] : null) : literal;
        }
    }

    /** A bound on a monthly table's time column: {@code op} is one of {@code = >= > <= < in between}. */
    record TimeFact(String op, List<Value> values) {
    }

    /**
     * The id column an INSERT leaves out, which the layer fills with the table's ShardingSphere key generator (the
     * very generator ShardingSphere's own path uses, so ids stay unique across both paths): the physical text is the
     * statement with {@code , column} appended to its column list and {@code , ?} to its one row.
     *
     * @param table  the logical table
     * @param column the id column
     * @param text   the statement with the column and its marker added (table references keep their offsets)
     * @param marker the added marker's 0-based index among the physical statement's markers
     * @param slot   where the generated value sits in the routing values (after the statement's own parameters)
     */
    record Generated(String table, String column, String text, int marker, int slot) {
    }

    /** One reference to a rules table and where its name is in the text. */
    static final class Ref {
        final TableSpec spec;
        final int nameStart;
        final int nameStop;
        final boolean aliased;
        final String exposed;
        final List<TimeFact> times = new ArrayList<>();
        boolean pinned;

        Ref(TableSpec spec, SimpleTableSegment segment, int base) {
            this.spec = spec;
            this.nameStart = base + segment.getTableName().getStartIndex();
            this.nameStop = base + segment.getTableName().getStopIndex();
            this.aliased = segment.getAliasName().isPresent();
            this.exposed = segment.getAliasName().orElse(spec.name()).toLowerCase(Locale.ROOT);
        }
    }

    final String sql;
    final Kind kind;
    /** Why the statement goes to ShardingSphere; null if it takes the single-shard path. */
    final String fallback;
    /** A refusal of the statement on every run (P2: a row-moving UPDATE); null if none. */
    final String refusal;
    final String refusalTable;
    final RefusedStatementException.Reason refusalReason;
    final List<Ref> refs;
    final List<Value> keys;
    /** Parameters whose array elements are shard keys ({@code key = ANY(?)}); each element pins like an IN item. */
    final List<Value> arrayKeys;
    /** The written reference (INSERT/UPDATE/DELETE target), or null for a SELECT. */
    final Ref target;
    final boolean locking;
    final boolean returning;
    /** The write has a subquery (single-month writes only; a self-reference over several months is refused). */
    final boolean writeSubquery;
    final boolean selfReference;
    final boolean shardedRefs;
    /** Whether a monthly reference is substituted (else the physical SQL is the text itself). */
    final boolean monthly;
    /** A monthly reference without a time condition on a table without allow-full-scan: refused when run. */
    Ref timeless;
    /** The INSERT's left-out id column, filled by the layer; null if none. */
    Generated generated;
    /** Whether the statement only reads ({@link #readsOnly}); set once, before the plan is cached. */
    boolean reads;

    private OneShardPlan(String sql, Kind kind, String fallback, String refusal, String refusalTable, List<Ref> refs,
                         List<Value> keys, List<Value> arrayKeys, Ref target, boolean locking, boolean returning, boolean writeSubquery,
                         boolean selfReference, RefusedStatementException.Reason refusalReason) {
        this.refusalReason = refusalReason;
        this.sql = sql;
        this.kind = kind;
        this.fallback = fallback;
        this.refusal = refusal;
        this.refusalTable = refusalTable;
        this.refs = refs;
        this.keys = keys;
        this.arrayKeys = arrayKeys;
        this.target = target;
        this.locking = locking;
        this.returning = returning;
        this.writeSubquery = writeSubquery;
        this.selfReference = selfReference;
        boolean sharded = false;
        for (Ref r : refs) {
            sharded |= r.spec.strategy().byUser();
        }
        this.shardedRefs = sharded;
        boolean m = false;
        for (Ref r : refs) {
            m |= r.spec.strategy().byMonth();
        }
        this.monthly = m;
    }

    static OneShardPlan fallback(String sql, String why) {
        return new OneShardPlan(sql, null, why, null, null, List.of(), List.of(), List.of(), null, false, false, false,
                false, null);
    }

    static OneShardPlan refused(String sql, String table, String message) {
        return new OneShardPlan(sql, null, null, message, table, List.of(), List.of(), List.of(), null, false, false,
                false, false, RefusedStatementException.Reason.UNSUPPORTED_CONSTRUCT);
    }

    boolean singleShard() {
        return fallback == null && refusal == null;
    }

    /** The text the physical SQL is written from: the statement, with a left-out id column added. */
    String physicalText() {
        return generated == null ? sql : generated.text;
    }

    /**
     * {@code physical} (written from {@link #physicalText()}) without the id column and marker a left-out id adds:
     * they sit after every substituted table name, at the same distance from the end as in the generated text.
     */
    String asWritten(String physical) {
        if (generated == null) {
            return physical;
        }
        String text = generated.text;
        int added = 2 + generated.column.length();
        int columns = common(text, 0, sql, 0);                       // ", column" goes where the column list closes
        int row = columns + added + common(text, columns + added, sql, columns);   // ", ?" where the row closes
        int c = physical.length() - (text.length() - columns);
        int m = physical.length() - (text.length() - row);
        return physical.substring(0, c) + physical.substring(c + added, m) + physical.substring(m + 3);
    }

    private static int common(String a, int from, String b, int at) {
        int n = 0;
        while (from + n < a.length() && at + n < b.length() && a.charAt(from + n) == b.charAt(at + n)) {
            n++;
        }
        return n;
    }

    /**
     * The routing values of one execution: the bound parameters, and the generated id at {@link Generated#slot}
     * when the plan fills one ({@code key} is then that id).
     */
    Object[] withGenerated(Object[] params, Object key) {
        if (generated == null) {
            return params;
        }
        Object[] out = java.util.Arrays.copyOf(params, generated.slot + 1);
        out[generated.slot] = key;
        return out;
    }

    /**
     * Whether {@code statement} (the parse of {@code sql}) only reads, as PostgreSQL's read-only transactions see it:
     * a SELECT without a locking clause or a data-modifying WITH, a SHOW, or an EXPLAIN without ANALYZE of such a
     * statement. Anything else (writes, DDL, SET, CALL, ...) is not a read.
     */
    static boolean readsOnly(SQLStatement statement, String sql) {
        if (statement instanceof SelectStatement select) {
            if (select.getLock().isPresent()) {
                return false;
            }
            Lexed lexed = Lexed.of(sql);
            return !lexed.dml && !lexed.locking;
        }
        if (statement instanceof org.apache.shardingsphere.sql.parser.statement.core.statement.dal.ShowStatement) {
            return true;
        }
        if (statement instanceof org.apache.shardingsphere.sql.parser.statement.core.statement.dal.ExplainStatement e) {
            // 5.5.2's tree does not keep EXPLAIN's options: the words between EXPLAIN and the explained statement
            for (SqlLexer.Token t : SqlLexer.tokenize(sql)) {
                if (t.kind() != SqlLexer.Kind.WORD) {
                    continue;
                }
                String w = t.text().toLowerCase(Locale.ROOT);
                if (w.equals("analyze") || w.equals("analyse")) {
                    return false;
                }
                if (!w.equals("explain") && !w.equals("verbose") && !w.equals("costs") && !w.equals("format")) {
                    break;
                }
            }
            return e.getSqlStatement().map(inner -> inner instanceof SelectStatement && !Lexed.of(sql).dml
                    && !Lexed.of(sql).locking).orElse(false);
        }
        return false;
    }

    // ---------------------------------------------------------------------------------------------------------------
    // planning

    /** One query block: a SELECT (the statement, or a subquery), its own references and its conditions. */
    private static final class Block {
        final int start;
        final int stop;
        /** Where the block's statement text starts in the whole statement (segment indexes are relative to it). */
        final int base;
        /** Parameter markers of the statement before {@link #base} (the block's marker indexes are relative). */
        int paramBase;
        final List<Ref> refs = new ArrayList<>();
        /** Names of FROM items of this block that are not rules tables (derived tables, CTE references, functions). */
        final Set<String> shadows = new HashSet<>();
        final List<Condition> conditions = new ArrayList<>();
        Block parent;

        Block(int start, int stop, int base) {
            this.start = start;
            this.stop = stop;
            this.base = base;
        }

        boolean contains(Block other) {
            return start <= other.start && other.stop <= stop && (start != other.start || stop != other.stop);
        }
    }

    /** A WHERE or ON expression and the references its conjuncts may pin (null: any of the block's). */
    private record Condition(ExpressionSegment expr, Set<Integer> targets) {
    }

    /** An equality {@code target.key = source.key}: the target is pinned once the source is. */
    private record Edge(Ref target, Ref source) {
    }

    static OneShardPlan plan(String sql, SQLStatement statement, Map<String, TableSpec> tables, boolean oneShard,
                             java.util.function.Function<String, SQLStatement> parser) {
        return new Planner(sql, tables, oneShard, parser).plan(statement);
    }

    private static final class Planner {
        final String sql;
        final Map<String, TableSpec> tables;
        final boolean oneShard;
        final List<Block> blocks = new ArrayList<>();
        final Set<String> cteNames = new HashSet<>();
        final Map<Integer, Ref> refsByStart = new HashMap<>();
        final Set<Integer> claimedConditions = new HashSet<>();
        final List<Value> keys = new ArrayList<>();
        final List<Value> arrayKeys = new ArrayList<>();
        final List<Edge> edges = new ArrayList<>();
        String problem;
        Ref timelessRef;
        Generated generated;

        final java.util.function.Function<String, SQLStatement> parser;

        Planner(String sql, Map<String, TableSpec> tables, boolean oneShard,
                java.util.function.Function<String, SQLStatement> parser) {
            this.parser = parser;
            this.sql = sql;
            this.tables = tables;
            this.oneShard = oneShard;
        }

        Lexed lexed;

        OneShardPlan plan(SQLStatement statement) {
            String catalog = com.skyriff.data.guard.internal.SystemCatalog.refusal(statement);
            if (catalog != null) {
                return new OneShardPlan(sql, null, null, catalog, null, List.of(), List.of(), List.of(), null, false,
                        false, false, false, RefusedStatementException.Reason.SYSTEM_CATALOG);
            }
            lexed = Lexed.of(sql);
            if (lexed.problem != null) {
                return fallback(sql, lexed.problem);
            }
            Kind kind;
            Ref target = null;
            boolean locking = lexed.locking;
            boolean writeSubquery = false;
            boolean selfReference = false;
            if (statement instanceof SelectStatement select) {
                kind = Kind.SELECT;
                if (lexed.dml) {
                    return fallback(sql, "a data-modifying statement inside a SELECT (WITH ... INSERT/UPDATE/DELETE)");
                }
                selectBlocks(select, 0, 0, sql.length(), parser);
            } else if (statement instanceof InsertStatement insert) {
                kind = Kind.INSERT;
                if (lexed.select || insert.getInsertSelect().isPresent()) {
                    return fallback(sql, "INSERT ... SELECT or a subquery in an INSERT");
                }
                Block top = new Block(0, sql.length(), 0);
                blocks.add(top);
                target = writeTarget(top, insert.getTable().orElse(null));
                if (target == null) {
                    return fallback(sql, problem != null ? problem : "the INSERT target is not a sharded table");
                }
                String refusal = insertRows(insert, target);
                if (refusal != null) {
                    return refused(sql, target.spec.name(), refusal);
                }
            } else if (statement instanceof UpdateStatement update) {
                kind = Kind.UPDATE;
                if (update.getFrom().isPresent() || lexed.updateFrom) {
                    return fallback(sql, "UPDATE ... FROM");
                }
                Block top = new Block(0, sql.length(), 0);
                blocks.add(top);
                target = writeTarget(top, update.getTable());
                if (target == null) {
                    return fallback(sql, problem != null ? problem : "the UPDATE target is not a sharded table");
                }
                for (ColumnAssignmentSegment a : update.getSetAssignment().getAssignments()) {
                    for (ColumnSegment c : a.getColumns()) {
                        String moved = Constructs.shardColumnUpdate(target.spec, c.getIdentifier().getValue());
                        if (moved != null) {
                            return refused(sql, target.spec.name(), moved);
                        }
                    }
                }
                update.getWhere().ifPresent(w -> top.conditions.add(new Condition(w.getExpr(), null)));
                writeSubquery = lexed.select;
            } else if (statement instanceof DeleteStatement delete) {
                kind = Kind.DELETE;
                if (lexed.deleteUsing) {
                    return fallback(sql, "DELETE ... USING");
                }
                Block top = new Block(0, sql.length(), 0);
                blocks.add(top);
                target = writeTarget(top, delete.getTable());
                if (target == null) {
                    return fallback(sql, problem != null ? problem : "the DELETE target is not a sharded table");
                }
                delete.getWhere().ifPresent(w -> top.conditions.add(new Condition(w.getExpr(), null)));
                writeSubquery = lexed.select;
            } else {
                return fallback(sql, "not a SELECT, INSERT, UPDATE or DELETE");
            }
            if (problem != null) {
                return fallback(sql, problem);
            }
            if (target != null && writeSubquery) {
                // a subquery on the written month table is refused over several months; anything else stays as today
                selfReference = target.spec.strategy().byMonth() && lexed.count(target.spec.name()) > 1;
                if (!selfReference) {
                    return fallback(sql, "a subquery in an " + kind);
                }
            }
            // every name of a rules table in the text is a reference the plan knows
            for (int at : lexed.tableNames(tables.keySet())) {
                if (!refsByStart.containsKey(at) && !(selfReference && at != target.nameStart)) {
                    return fallback(sql, "a rules table name at offset " + at + " that is not a plain table reference");
                }
            }
            if (lexed.quotedTable(tables.keySet())) {
                return fallback(sql, "a quoted rules table name");
            }
            if (refsByStart.isEmpty()) {
                return fallback(sql, "no sharded table");
            }
            for (Block b : blocks) {
                for (Block other : blocks) {
                    if (other != b && other.contains(b) && (b.parent == null || b.parent.contains(other))) {
                        b.parent = other;
                    }
                }
            }
            for (Block b : blocks) {
                for (Condition c : b.conditions) {
                    conjuncts(b, c.expr, c.targets);
                }
            }
            boolean changed = true;
            while (changed) {
                changed = false;
                for (Edge e : edges) {
                    if (!e.target.pinned && e.source.pinned) {
                        e.target.pinned = true;
                        changed = true;
                    }
                }
            }
            List<Ref> refs = new ArrayList<>(refsByStart.values());
            refs.sort(Comparator.comparingInt(r -> r.nameStart));
            for (Ref r : refs) {
                Strategy s = r.spec.strategy();
                if (s == Strategy.BROADCAST && target != null) {
                    return fallback(sql, "a broadcast table in a write");
                }
                if (s.byUser() && !r.pinned && !(oneShard && r.spec.allowFullScan())) {
                    return fallback(sql, r.spec.name() + ": no " + r.spec.keyColumn() + " condition pins it to one shard");
                }
                if (s.byMonth() && r.times.isEmpty() && !r.spec.allowFullScan()) {
                    // the guard rail of the ShardingSphere path, applied to every reference (subqueries included)
                    timelessRef = timelessRef == null ? r : timelessRef;
                }
            }
            boolean returning = lexed.returning;
            OneShardPlan plan = new OneShardPlan(sql, kind, null, null, null, List.copyOf(refs), List.copyOf(keys),
                    List.copyOf(arrayKeys), target, locking, returning, writeSubquery, selfReference, null);
            plan.timeless = timelessRef;
            plan.generated = generated;
            return plan;
        }

        /**
         * The query blocks of a SELECT whose text starts at {@code base} in the statement: the SELECT itself and
         * every subquery. {@code NOT EXISTS (...)}, which ShardingSphere 5.5.2's PostgreSQL parser keeps as opaque
         * text, is parsed on its own and its blocks placed at their offset in the statement.
         */
        private void selectBlocks(SelectStatement select, int base, int start, int stop,
                                  java.util.function.Function<String, SQLStatement> parser) {
            Block top = new Block(start, stop, base);
            top.paramBase = lexed.markersBefore(base);
            blocks.add(top);
            collectCtes(select);
            List<org.apache.shardingsphere.sql.parser.statement.core.segment.dml.expr.complex.CommonExpressionSegment>
                    opaque = new ArrayList<>();
            Collection<SubquerySegment> subqueries = subqueries(select, opaque);
            for (SubquerySegment sub : subqueries) {
                collectCtes(sub.getSelect());
            }
            List<Object[]> selects = new ArrayList<>();
            selects.add(new Object[] {top, select});
            for (SubquerySegment sub : subqueries) {
                Block b = new Block(base + sub.getStartIndex(), base + sub.getStopIndex(), base);
                b.paramBase = top.paramBase;
                blocks.add(b);
                selects.add(new Object[] {b, sub.getSelect()});
            }
            // innermost blocks claim shared segments first (a UNION's left branch shares the statement's FROM)
            selects.sort(Comparator.comparingInt(o -> ((Block) o[0]).stop - ((Block) o[0]).start));
            for (Object[] o : selects) {
                block((Block) o[0], (SelectStatement) o[1]);
            }
            for (var e : opaque) {
                int at = base + e.getStartIndex();
                String text = sql.substring(at, Math.min(sql.length(), base + e.getStopIndex() + 1));
                int open = text.indexOf('(');
                int close = text.lastIndexOf(')');
                String head = open < 0 ? "" : text.substring(0, open).trim().toUpperCase(Locale.ROOT).replaceAll("\\s+", " ");
                if (!head.equals("NOT EXISTS") || close < open) {
                    continue;   // the lexical cross-check refuses the statement if it hides a table reference
                }
                String inner = text.substring(open + 1, close);
                SQLStatement parsed;
                try {
                    parsed = parser.apply(inner);
                } catch (RuntimeException ex) {
                    continue;
                }
                if (parsed instanceof SelectStatement sub) {
                    selectBlocks(sub, at + open + 1, at + open, at + close, parser);
                }
            }
        }

        /**
         * Every subquery of a SELECT: ShardingSphere's extractor, plus the ones it does not reach (under NOT, in
         * function arguments, in CASE); the lexical cross-check catches any still missed.
         */
        private static Collection<SubquerySegment> subqueries(SelectStatement top, List<
                org.apache.shardingsphere.sql.parser.statement.core.segment.dml.expr.complex.CommonExpressionSegment> opaque) {
            Map<Integer, SubquerySegment> found = new java.util.LinkedHashMap<>();
            java.util.ArrayDeque<SelectStatement> work = new java.util.ArrayDeque<>();
            work.push(top);
            while (!work.isEmpty()) {
                SelectStatement s = work.pop();
                List<SubquerySegment> here = new ArrayList<>(SubqueryExtractor.extractSubquerySegments(s, true));
                s.getWhere().ifPresent(w -> expressionSubqueries(w.getExpr(), here, opaque));
                s.getHaving().ifPresent(h -> expressionSubqueries(h.getExpr(), here, opaque));
                s.getFrom().ifPresent(f -> joinSubqueries(f, here, opaque));
                for (SubquerySegment q : here) {
                    if (found.putIfAbsent(q.getStartIndex(), q) == null) {
                        work.push(q.getSelect());
                    }
                }
            }
            return found.values();
        }

        private static void joinSubqueries(TableSegment t, List<SubquerySegment> out, List<
                org.apache.shardingsphere.sql.parser.statement.core.segment.dml.expr.complex.CommonExpressionSegment> opaque) {
            if (t instanceof JoinTableSegment j) {
                joinSubqueries(j.getLeft(), out, opaque);
                joinSubqueries(j.getRight(), out, opaque);
                if (j.getCondition() != null) {
                    expressionSubqueries(j.getCondition(), out, opaque);
                }
            }
        }

        private static void expressionSubqueries(ExpressionSegment e, List<SubquerySegment> out, List<
                org.apache.shardingsphere.sql.parser.statement.core.segment.dml.expr.complex.CommonExpressionSegment> opaque) {
            if (e == null) {
                return;
            }
            if (e instanceof org.apache.shardingsphere.sql.parser.statement.core.segment.dml.expr.complex
                    .CommonExpressionSegment c) {
                opaque.add(c);
                return;
            }
            if (e instanceof org.apache.shardingsphere.sql.parser.statement.core.segment.dml.expr.ExistsSubqueryExpression x) {
                out.add(x.getSubquery());
            } else if (e instanceof org.apache.shardingsphere.sql.parser.statement.core.segment.dml.expr.subquery
                    .SubqueryExpressionSegment x) {
                out.add(x.getSubquery());
            } else if (e instanceof org.apache.shardingsphere.sql.parser.statement.core.segment.dml.expr.NotExpression n) {
                expressionSubqueries(n.getExpression(), out, opaque);
            } else if (e instanceof BinaryOperationExpression b) {
                expressionSubqueries(b.getLeft(), out, opaque);
                expressionSubqueries(b.getRight(), out, opaque);
            } else if (e instanceof InExpression in) {
                expressionSubqueries(in.getLeft(), out, opaque);
                expressionSubqueries(in.getRight(), out, opaque);
            } else if (e instanceof BetweenExpression b) {
                expressionSubqueries(b.getLeft(), out, opaque);
                expressionSubqueries(b.getBetweenExpr(), out, opaque);
                expressionSubqueries(b.getAndExpr(), out, opaque);
            } else if (e instanceof ListExpression l) {
                l.getItems().forEach(i -> expressionSubqueries(i, out, opaque));
            } else if (e instanceof TypeCastExpression c) {
                expressionSubqueries(c.getExpression(), out, opaque);
            } else if (e instanceof org.apache.shardingsphere.sql.parser.statement.core.segment.dml.expr.FunctionSegment f) {
                f.getParameters().forEach(p -> expressionSubqueries(p, out, opaque));
            } else if (e instanceof org.apache.shardingsphere.sql.parser.statement.core.segment.dml.expr.CaseWhenExpression c) {
                expressionSubqueries(c.getCaseExpr(), out, opaque);
                c.getWhenExprs().forEach(x -> expressionSubqueries(x, out, opaque));
                c.getThenExprs().forEach(x -> expressionSubqueries(x, out, opaque));
                expressionSubqueries(c.getElseExpr(), out, opaque);
            }
        }

        private void collectCtes(SelectStatement select) {
            select.getWithSegment().ifPresent(with -> {
                for (CommonTableExpressionSegment cte : with.getCommonTableExpressions()) {
                    cte.getAliasName().ifPresent(n -> {
                        String name = n.toLowerCase(Locale.ROOT);
                        if (tables.containsKey(name)) {
                            problem = "a WITH query named like the rules table " + name;
                        }
                        cteNames.add(name);
                    });
                }
            });
        }

        private void block(Block b, SelectStatement select) {
            select.getFrom().ifPresent(from -> from(b, from));
            select.getWhere().ifPresent(w -> {
                if (claimedConditions.add(b.base + w.getStartIndex())) {
                    b.conditions.add(new Condition(w.getExpr(), null));
                }
            });
        }

        /** The FROM tree of a block: its references, and the ON conditions with the references each may pin. */
        private Set<Integer> from(Block b, TableSegment t) {
            if (t instanceof SimpleTableSegment simple) {
                Set<Integer> mine = new HashSet<>();
                if (simple.getOwner().isPresent()) {
                    problem = "a schema-qualified table";
                    return mine;
                }
                String name = simple.getTableName().getIdentifier().getValue().toLowerCase(Locale.ROOT);
                TableSpec spec = tables.get(name);
                int at = b.base + simple.getTableName().getStartIndex();
                if (spec == null) {
                    if (!cteNames.contains(name)) {
                        problem = "table " + name + " is not in the rules";
                    }
                    b.shadows.add(simple.getAliasName().orElse(name).toLowerCase(Locale.ROOT));
                    return mine;
                }
                Ref ref = refsByStart.get(at);
                if (ref == null) {
                    ref = new Ref(spec, simple, b.base);
                    refsByStart.put(at, ref);
                    b.refs.add(ref);
                }
                mine.add(at);
                return mine;
            }
            if (t instanceof JoinTableSegment join) {
                Set<Integer> left = from(b, join.getLeft());
                Set<Integer> right = from(b, join.getRight());
                Set<Integer> all = new HashSet<>(left);
                all.addAll(right);
                ExpressionSegment on = join.getCondition();
                String type = join.getJoinType() == null ? "" : join.getJoinType().toUpperCase(Locale.ROOT);
                if (on != null && claimedConditions.add(b.base + on.getStartIndex())) {
                    switch (type) {
                        case "INNER", "CROSS", "COMMA", "" -> b.conditions.add(new Condition(on, null));
                        case "LEFT" -> b.conditions.add(new Condition(on, right));
                        case "RIGHT" -> b.conditions.add(new Condition(on, left));
                        default -> {
                            // FULL: an ON condition restricts neither side
                        }
                    }
                }
                return all;
            }
            if (t instanceof SubqueryTableSegment sub) {
                sub.getAliasName().ifPresent(a -> b.shadows.add(a.toLowerCase(Locale.ROOT)));
                return new HashSet<>();
            }
            // a function or other FROM item: it may expose any name
            problem = problem != null ? problem : "a FROM item of type " + t.getClass().getSimpleName();
            return new HashSet<>();
        }

        private Ref writeTarget(Block top, TableSegment table) {
            if (!(table instanceof SimpleTableSegment simple)) {
                problem = "a write on a joined or derived table";
                return null;
            }
            from(top, simple);
            Ref ref = refsByStart.get(simple.getTableName().getStartIndex());
            if (ref == null || ref.spec.strategy() == Strategy.BROADCAST) {
                return null;
            }
            return ref;
        }

        /** An INSERT's rows: keys and time values from each row; a row-moving ON CONFLICT update is refused. */
        private String insertRows(InsertStatement insert, Ref target) {
            TableSpec t = target.spec;
            List<String> columns = new ArrayList<>();
            for (ColumnSegment c : insert.getColumns()) {
                columns.add(c.getIdentifier().getValue().toLowerCase(Locale.ROOT));
            }
            if (insert.getOnDuplicateKeyColumns().isPresent()) {
                for (ColumnAssignmentSegment a : insert.getOnDuplicateKeyColumns().get().getColumns()) {
                    for (ColumnSegment c : a.getColumns()) {
                        String moved = Constructs.shardColumnUpdate(t, c.getIdentifier().getValue());
                        if (moved != null) {
                            return moved;
                        }
                    }
                }
            }
            if (columns.isEmpty()) {
                problem = "an INSERT without a column list";
                return null;
            }
            Collection<InsertValuesSegment> rows = insert.getValues();
            if (rows.isEmpty()) {
                problem = "an INSERT without VALUES";
                return null;
            }
            if (t.idColumn() != null && !columns.contains(t.idColumn().toLowerCase(Locale.ROOT))) {
                generated = rows.size() == 1 ? generated(insert, rows.iterator().next(), t, columns.size()) : null;
                if (generated == null) {
                    problem = (rows.size() == 1 ? "an INSERT without the " + t.idColumn() + " column whose column"
                            + " list and row are not plain (...) groups" : "an INSERT of several rows without the "
                            + t.idColumn() + " column") + " (ShardingSphere's Snowflake fills it)";
                    return null;
                }
            }
            int key = t.keyColumn() == null ? -1 : columns.indexOf(t.keyColumn().toLowerCase(Locale.ROOT));
            int time = t.timeColumn() == null ? -1 : columns.indexOf(t.timeColumn().toLowerCase(Locale.ROOT));
            boolean generatedKey = key < 0 && generated != null && t.keyColumn() != null
                    && t.keyColumn().equalsIgnoreCase(t.idColumn());
            if (t.strategy().byUser() && key < 0 && !generatedKey || t.strategy().byMonth() && time < 0) {
                problem = "an INSERT without the key or time column";
                return null;
            }
            if (generatedKey) {
                keys.add(new Value(generated.slot, null));
            }
            for (InsertValuesSegment row : rows) {
                List<ExpressionSegment> values = row.getValues();
                if (values.size() != columns.size()) {
                    problem = "an INSERT row with " + values.size() + " values for " + columns.size() + " columns";
                    return null;
                }
                if (key >= 0) {
                    Value v = value(values.get(key));
                    if (v == null) {
                        problem = "an INSERT whose " + t.keyColumn() + " is an expression";
                        return null;
                    }
                    keys.add(v);
                }
                if (time >= 0) {
                    Value v = value(values.get(time));
                    if (v == null) {
                        problem = "an INSERT whose " + t.timeColumn() + " is an expression";
                        return null;
                    }
                    target.times.add(new TimeFact("=", List.of(v)));
                }
            }
            target.pinned = true;
            return null;
        }

        /**
         * The left-out id column of a one-row INSERT, added after the last column and after the row's last value; null
         * if the text around them is not {@code column)} and {@code value)} (then ShardingSphere fills the id).
         */
        private Generated generated(InsertStatement insert, InsertValuesSegment row, TableSpec t, int columnCount) {
            List<ColumnSegment> columns = new ArrayList<>(insert.getColumns());
            List<ExpressionSegment> values = row.getValues();
            if (columns.size() != columnCount || values.size() != columnCount || columnCount == 0) {
                return null;
            }
            int[][] groups = lexed.columnsAndRow();
            if (groups == null) {
                return null;
            }
            int columnsEnd = groups[0][1];
            int rowEnd = groups[1][1];
            int lastColumn = columns.get(columns.size() - 1).getStopIndex();
            int lastValue = values.get(values.size() - 1).getStopIndex();
            if (!(groups[0][0] < lastColumn && lastColumn < columnsEnd && groups[1][0] < lastValue && lastValue < rowEnd)) {
                return null;
            }
            String text = sql.substring(0, columnsEnd) + ", " + t.idColumn() + sql.substring(columnsEnd, rowEnd) + ", ?"
                    + sql.substring(rowEnd);
            return new Generated(t.name(), t.idColumn(), text, lexed.markersBefore(rowEnd),
                    lexed.markersBefore(sql.length()));
        }

        /** Splits a top-level AND and records the pinning facts of each conjunct. */
        private void conjuncts(Block b, ExpressionSegment e, Set<Integer> targets) {
            if (e instanceof BinaryOperationExpression bin && "AND".equalsIgnoreCase(bin.getOperator())) {
                conjuncts(b, bin.getLeft(), targets);
                conjuncts(b, bin.getRight(), targets);
                return;
            }
            if (e instanceof BinaryOperationExpression bin) {
                String op = bin.getOperator();
                if (bin.getLeft() instanceof ColumnSegment l && bin.getRight() instanceof ColumnSegment r) {
                    if ("=".equals(op)) {
                        equality(b, l, r, targets);
                        equality(b, r, l, targets);
                    }
                    return;
                }
                ColumnSegment column;
                ExpressionSegment other;
                if (bin.getLeft() instanceof ColumnSegment l) {
                    column = l;
                    other = bin.getRight();
                } else if (bin.getRight() instanceof ColumnSegment r) {
                    column = r;
                    other = bin.getLeft();
                    op = flip(op);
                } else {
                    return;
                }
                Value v = value(other, b.paramBase);
                if (v == null || op == null) {
                    return;
                }
                switch (op) {
                    case "=" -> fact(b, column, targets, "=", List.of(v));
                    case ">", ">=", "<", "<=" -> fact(b, column, targets, op, List.of(v));
                    default -> {
                        // no pinning fact
                    }
                }
                return;
            }
            if (e instanceof InExpression in && !in.isNot() && in.getLeft() instanceof ColumnSegment column
                    && in.getRight() instanceof ListExpression list) {
                List<Value> values = new ArrayList<>();
                for (ExpressionSegment item : list.getItems()) {
                    Value v = value(item, b.paramBase);
                    if (v == null) {
                        return;
                    }
                    values.add(v);
                }
                if (!values.isEmpty()) {
                    fact(b, column, targets, "in", values);
                }
                return;
            }
            if (e instanceof BetweenExpression between && !between.isNot()
                    && between.getLeft() instanceof ColumnSegment column) {
                Value lo = value(between.getBetweenExpr(), b.paramBase);
                Value hi = value(between.getAndExpr(), b.paramBase);
                if (lo != null && hi != null) {
                    fact(b, column, targets, "between", List.of(lo, hi));
                }
                return;
            }
            if (e instanceof org.apache.shardingsphere.sql.parser.statement.core.segment.dml.expr.complex
                    .CommonExpressionSegment opaque) {
                anyOfArray(b, opaque, targets);
            }
        }

        /**
         * {@code column = ANY(?)} or {@code = SOME(?)}, the marker optionally cast ({@code ?::bigint[]}), which
         * ShardingSphere 5.5.2's PostgreSQL parser keeps as opaque text: a fact whose values are the elements of the
         * array bound to that marker. Any other text (a literal array, {@code ARRAY[...]}, a subquery, {@code ALL})
         * records nothing.
         */
        private void anyOfArray(Block b, org.apache.shardingsphere.sql.parser.statement.core.segment.dml.expr.complex
                .CommonExpressionSegment e, Set<Integer> targets) {
            int at = b.base + e.getStartIndex();
            if (at < 0 || b.base + e.getStopIndex() >= sql.length()) {
                return;
            }
            List<SqlLexer.Token> t = new ArrayList<>();
            for (SqlLexer.Token token : SqlLexer.tokenize(sql.substring(at, b.base + e.getStopIndex() + 1))) {
                if (token.kind() != SqlLexer.Kind.SPACE && token.kind() != SqlLexer.Kind.COMMENT) {
                    t.add(token);
                }
            }
            int i = 0;
            String owner = null;
            if (t.size() > 2 && t.get(1).text().equals(".")) {
                if (t.get(0).kind() != SqlLexer.Kind.WORD) {
                    return;
                }
                owner = t.get(0).text();
                i = 2;
            }
            if (t.size() < i + 6 || t.get(i).kind() != SqlLexer.Kind.WORD || !t.get(i + 1).text().equals("=")
                    || !isAny(t.get(i + 2)) || !t.get(i + 3).text().equals("(") || !t.get(i + 4).text().equals("?")
                    || !t.get(t.size() - 1).text().equals(")")) {
                return;
            }
            for (int k = i + 5; k < t.size() - 1; k++) {   // only a cast may follow the marker: ::name, ::name[]
                String x = t.get(k).text();
                if (!(x.equals(":") || x.equals("[") || x.equals("]") || t.get(k).kind() == SqlLexer.Kind.WORD)) {
                    return;
                }
            }
            ColumnSegment column = new ColumnSegment(e.getStartIndex(), e.getStopIndex(),
                    new IdentifierValue(t.get(i).text()));
            if (owner != null) {
                column.setOwner(new OwnerSegment(e.getStartIndex(), e.getStopIndex(), new IdentifierValue(owner)));
            }
            int marker = lexed.markersBefore(at + sql.substring(at).indexOf('?'));
            fact(b, column, targets, "any", List.of(new Value(marker, null)));
        }

        private static boolean isAny(SqlLexer.Token t) {
            return t.kind() == SqlLexer.Kind.WORD && (t.text().equalsIgnoreCase("any") || t.text().equalsIgnoreCase("some"));
        }

        private static String flip(String op) {
            return switch (op) {
                case "=" -> "=";
                case ">" -> "<";
                case ">=" -> "<=";
                case "<" -> ">";
                case "<=" -> ">=";
                default -> null;
            };
        }

        private void fact(Block b, ColumnSegment column, Set<Integer> targets, String op, List<Value> values) {
            String name = column.getIdentifier().getValue().toLowerCase(Locale.ROOT);
            Ref ref = resolveHere(b, column, name);
            if (ref == null || targets != null && !targets.contains(ref.nameStart)) {
                return;
            }
            TableSpec t = ref.spec;
            if (t.strategy().byUser() && name.equalsIgnoreCase(t.keyColumn()) && (op.equals("=") || op.equals("in"))) {
                keys.addAll(values);
                ref.pinned = true;
            } else if (t.strategy().byUser() && name.equalsIgnoreCase(t.keyColumn()) && op.equals("any")) {
                arrayKeys.addAll(values);
                ref.pinned = true;
            } else if (op.equals("any")) {
                return;   // e.g. created_at = ANY(?): no time bound
            } else if (t.strategy().byMonth() && name.equalsIgnoreCase(t.timeColumn())) {
                ref.times.add(new TimeFact(op, values));
            }
        }

        private void equality(Block b, ColumnSegment target, ColumnSegment source, Set<Integer> targets) {
            String tName = target.getIdentifier().getValue().toLowerCase(Locale.ROOT);
            Ref t = resolveHere(b, target, tName);
            if (t == null || targets != null && !targets.contains(t.nameStart) || !t.spec.strategy().byUser()
                    || !tName.equalsIgnoreCase(t.spec.keyColumn())) {
                return;
            }
            String sName = source.getIdentifier().getValue().toLowerCase(Locale.ROOT);
            Ref s = source.getOwner().isPresent() ? resolveUp(b, source.getOwner().get().getIdentifier().getValue())
                    : resolveHere(b, source, sName);
            if (s == null || s == t || !s.spec.strategy().byUser() || !sName.equalsIgnoreCase(s.spec.keyColumn())) {
                return;
            }
            edges.add(new Edge(t, s));
        }

        /** The reference of this block a column belongs to; null if not certain. */
        private Ref resolveHere(Block b, ColumnSegment column, String name) {
            if (column.getOwner().isPresent()) {
                if (column.getOwner().get().getOwner().isPresent()) {
                    return null;
                }
                String owner = column.getOwner().get().getIdentifier().getValue().toLowerCase(Locale.ROOT);
                if (b.shadows.contains(owner)) {
                    return null;
                }
                Ref found = null;
                for (Ref r : b.refs) {
                    if (r.exposed.equals(owner)) {
                        if (found != null) {
                            return null;
                        }
                        found = r;
                    }
                }
                return found;
            }
            Ref found = null;
            for (Ref r : b.refs) {
                if (name.equalsIgnoreCase(r.spec.keyColumn()) || name.equalsIgnoreCase(r.spec.timeColumn())) {
                    if (found != null) {
                        return null;
                    }
                    found = r;
                }
            }
            return found;
        }

        /** The reference an owner name means in this block or, when it names nothing here, an enclosing one. */
        private Ref resolveUp(Block b, String ownerName) {
            String owner = ownerName.toLowerCase(Locale.ROOT);
            for (Block at = b; at != null; at = at.parent) {
                if (at.shadows.contains(owner)) {
                    return null;
                }
                Ref found = null;
                int count = 0;
                for (Ref r : at.refs) {
                    if (r.exposed.equals(owner)) {
                        found = r;
                        count++;
                    }
                }
                if (count > 1) {
                    return null;
                }
                if (found != null) {
                    return found;
                }
            }
            return null;
        }

        /** A parameter marker, a literal, or a literal cast to a type ({@code TIMESTAMPTZ '...'}); else null. */
        private static Value value(ExpressionSegment e) {
            return value(e, 0);
        }

        private static Value value(ExpressionSegment e, int paramBase) {
            if (e instanceof ParameterMarkerExpressionSegment p) {
                return new Value(paramBase + p.getParameterMarkerIndex(), null);
            }
            if (e instanceof LiteralExpressionSegment l) {
                return l.getLiterals() == null ? new Value(-1, null) : new Value(-1, l.getLiterals());
            }
            if (e instanceof TypeCastExpression cast && cast.getExpression() instanceof ParameterMarkerExpressionSegment p
                    && castable(cast.getDataType())) {
                return new Value(paramBase + p.getParameterMarkerIndex(), null);
            }
            if (e instanceof TypeCastExpression cast && cast.getExpression() instanceof LiteralExpressionSegment l
                    && l.getLiterals() != null && castable(cast.getDataType())) {
                return new Value(-1, l.getLiterals());
            }
            return null;
        }

        private static boolean castable(String type) {
            if (type == null) {
                return false;
            }
            String t = type.toLowerCase(Locale.ROOT).replace(" ", "");
            return t.equals("timestamptz") || t.equals("timestamp") || t.equals("timestampwithtimezone")
                    || t.equals("date") || t.equals("bigint") || t.equals("int8") || t.equals("integer")
                    || t.equals("int") || t.equals("int4") || t.equals("smallint");
        }
    }

    /** What a lexical pass over the text says: rules-table names, locking and a few keywords. */
    private static final class Lexed {
        final List<SqlLexer.Token> tokens = new ArrayList<>();
        final List<Integer> offsets = new ArrayList<>();
        String problem;
        boolean locking;
        /** INSERT, UPDATE or DELETE after the statement's first word (a data-modifying WITH). */
        boolean dml;
        boolean select;
        boolean returning;
        boolean updateFrom;
        boolean deleteUsing;

        static Lexed of(String sql) {
            Lexed l = new Lexed();
            int at = 0;
            String verb = null;
            int depth = 0;
            for (SqlLexer.Token t : SqlLexer.tokenize(sql)) {
                int start = at;
                at += t.text().length();
                if (t.kind() == SqlLexer.Kind.SPACE || t.kind() == SqlLexer.Kind.COMMENT) {
                    if (t.kind() == SqlLexer.Kind.COMMENT && t.text().toUpperCase(Locale.ROOT).contains("SHARDINGSPHERE_HINT")) {
                        l.problem = "a ShardingSphere hint comment";
                    }
                    continue;
                }
                if (t.kind() == SqlLexer.Kind.SEMICOLON) {
                    l.problem = l.problem != null ? l.problem : "a semicolon (one statement per call)";
                    continue;
                }
                if (t.kind() == SqlLexer.Kind.OTHER) {
                    depth += t.text().equals("(") ? 1 : t.text().equals(")") ? -1 : 0;
                }
                l.tokens.add(t);
                l.offsets.add(start);
                if (t.kind() != SqlLexer.Kind.WORD) {
                    continue;
                }
                String w = t.text().toLowerCase(Locale.ROOT);
                int n = l.tokens.size();
                if (verb == null) {
                    verb = w;
                } else if (w.equals("select")) {
                    l.select = true;
                }
                switch (w) {
                    case "returning" -> l.returning = true;
                    case "lateral", "locked" -> l.problem = l.problem != null ? l.problem : "LATERAL or SKIP LOCKED";
                    case "tableoid", "ctid", "xmin", "xmax", "cmin", "cmax" -> l.problem = l.problem != null ? l.problem
                            : "a system column (" + w + "), which a UNION ALL over month tables does not have";
                    case "update", "share" -> {
                        boolean lock = n >= 2 && l.tokens.get(n - 2).isWord("for", "key", "no");
                        l.locking |= lock;
                        l.dml |= !lock && w.equals("update") && n > 1 && !l.tokens.get(n - 2).isWord("do");
                    }
                    case "insert", "delete" -> l.dml |= n > 1;
                    case "from" -> l.updateFrom |= depth == 0 && "update".equals(verb)
                            && !(n >= 2 && l.tokens.get(n - 2).isWord("distinct"));
                    case "using" -> l.deleteUsing |= depth == 0 && "delete".equals(verb);
                    default -> {
                    }
                }
                if (verb.equals("with") && w.equals("select")) {
                    verb = "select";
                }
            }
            if (sql.length() != at) {
                l.problem = "text the lexer does not cover";
            }
            return l;
        }

        /** Offsets of bare words that name a rules table (not a column qualifier, not qualified). */
        List<Integer> tableNames(Set<String> names) {
            List<Integer> out = new ArrayList<>();
            for (int i = 0; i < tokens.size(); i++) {
                SqlLexer.Token t = tokens.get(i);
                if (t.kind() != SqlLexer.Kind.WORD || !names.contains(t.text().toLowerCase(Locale.ROOT))) {
                    continue;
                }
                boolean qualifier = i + 1 < tokens.size() && tokens.get(i + 1).text().equals(".");
                boolean qualified = i > 0 && tokens.get(i - 1).text().equals(".");
                if (qualifier && !qualified) {
                    continue;   // watch_event.user_id: a column of the reference exposed as watch_event
                }
                out.add(offsets.get(i));
            }
            return out;
        }

        /**
         * The first two parenthesised groups at the statement's top level as {@code {open, close}} offsets, if the
         * second follows the word {@code VALUES} (an INSERT's column list and its one row); else null.
         */
        int[][] columnsAndRow() {
            int[][] groups = new int[2][];
            int found = 0;
            int depth = 0;
            int open = -1;
            for (int i = 0; i < tokens.size() && found < 2; i++) {
                String text = tokens.get(i).text();
                if (tokens.get(i).kind() != SqlLexer.Kind.OTHER) {
                    continue;
                }
                if (text.equals("(") && depth++ == 0) {
                    open = i;
                } else if (text.equals(")") && --depth == 0) {
                    groups[found++] = new int[] {offsets.get(open), offsets.get(i), open};
                }
            }
            if (found < 2 || groups[1][2] == 0 || !tokens.get(groups[1][2] - 1).isWord("values")) {
                return null;
            }
            return groups;
        }

        /** Parameter markers ({@code ?}) before text offset {@code at}. */
        int markersBefore(int at) {
            int n = 0;
            for (int i = 0; i < tokens.size() && offsets.get(i) < at; i++) {
                if (tokens.get(i).kind() == SqlLexer.Kind.OTHER && tokens.get(i).text().equals("?")) {
                    n++;
                }
            }
            return n;
        }

        int count(String name) {
            int n = 0;
            for (int i = 0; i < tokens.size(); i++) {
                SqlLexer.Token t = tokens.get(i);
                boolean qualifier = i + 1 < tokens.size() && tokens.get(i + 1).text().equals(".");
                if (t.kind() == SqlLexer.Kind.WORD && !qualifier && t.text().equalsIgnoreCase(name)) {
                    n++;
                }
            }
            return n;
        }

        boolean quotedTable(Set<String> names) {
            for (SqlLexer.Token t : tokens) {
                if (t.kind() == SqlLexer.Kind.QUOTED && t.text().length() >= 2
                        && names.contains(t.text().substring(1, t.text().length() - 1).toLowerCase(Locale.ROOT))) {
                    return true;
                }
            }
            return false;
        }
    }
}
