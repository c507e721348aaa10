package com.skyriff.data.guard.internal;

import com.skyriff.data.rules.Strategy;
import com.skyriff.data.schema.SqlLexer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.shardingsphere.sql.parser.statement.core.enums.AggregationType;
import org.apache.shardingsphere.sql.parser.statement.core.segment.dml.column.ColumnSegment;
import org.apache.shardingsphere.sql.parser.statement.core.segment.dml.combine.CombineSegment;
import org.apache.shardingsphere.sql.parser.statement.core.segment.dml.expr.BetweenExpression;
import org.apache.shardingsphere.sql.parser.statement.core.segment.dml.expr.BinaryOperationExpression;
import org.apache.shardingsphere.sql.parser.statement.core.segment.dml.expr.CaseWhenExpression;
import org.apache.shardingsphere.sql.parser.statement.core.segment.dml.expr.ExistsSubqueryExpression;
import org.apache.shardingsphere.sql.parser.statement.core.segment.dml.expr.ExpressionSegment;
import org.apache.shardingsphere.sql.parser.statement.core.segment.dml.expr.FunctionSegment;
import org.apache.shardingsphere.sql.parser.statement.core.segment.dml.expr.InExpression;
import org.apache.shardingsphere.sql.parser.statement.core.segment.dml.expr.ListExpression;
import org.apache.shardingsphere.sql.parser.statement.core.segment.dml.expr.NotExpression;
import org.apache.shardingsphere.sql.parser.statement.core.segment.dml.expr.TypeCastExpression;
import org.apache.shardingsphere.sql.parser.statement.core.segment.dml.expr.simple.LiteralExpressionSegment;
import org.apache.shardingsphere.sql.parser.statement.core.segment.dml.expr.simple.ParameterMarkerExpressionSegment;
import org.apache.shardingsphere.sql.parser.statement.core.segment.dml.expr.subquery.SubqueryExpressionSegment;
import org.apache.shardingsphere.sql.parser.statement.core.segment.dml.expr.subquery.SubquerySegment;
import org.apache.shardingsphere.sql.parser.statement.core.segment.dml.item.AggregationProjectionSegment;
import org.apache.shardingsphere.sql.parser.statement.core.segment.dml.item.ColumnProjectionSegment;
import org.apache.shardingsphere.sql.parser.statement.core.segment.dml.item.ExpressionProjectionSegment;
import org.apache.shardingsphere.sql.parser.statement.core.segment.dml.item.ProjectionSegment;
import org.apache.shardingsphere.sql.parser.statement.core.segment.dml.item.ShorthandProjectionSegment;
import org.apache.shardingsphere.sql.parser.statement.core.segment.dml.item.SubqueryProjectionSegment;
import org.apache.shardingsphere.sql.parser.statement.core.segment.dml.order.item.ColumnOrderByItemSegment;
import org.apache.shardingsphere.sql.parser.statement.core.segment.dml.order.item.ExpressionOrderByItemSegment;
import org.apache.shardingsphere.sql.parser.statement.core.segment.dml.order.item.IndexOrderByItemSegment;
import org.apache.shardingsphere.sql.parser.statement.core.segment.dml.order.item.OrderByItemSegment;
import org.apache.shardingsphere.sql.parser.statement.core.segment.dml.pagination.limit.LimitSegment;
import org.apache.shardingsphere.sql.parser.statement.core.segment.generic.AliasAvailable;
import org.apache.shardingsphere.sql.parser.statement.core.segment.generic.table.JoinTableSegment;
import org.apache.shardingsphere.sql.parser.statement.core.segment.generic.table.SimpleTableSegment;
import org.apache.shardingsphere.sql.parser.statement.core.segment.generic.table.SubqueryTableSegment;
import org.apache.shardingsphere.sql.parser.statement.core.segment.generic.table.TableSegment;
import org.apache.shardingsphere.sql.parser.statement.core.statement.dml.SelectStatement;

/**
 * The allow-list of SELECT shapes that ShardingSphere 5.5.2's fan-out and merge answer exactly as one PostgreSQL
 * would, decided from its parse tree: a statement that spans several shards (or several month tables of one shard)
 * runs only when every part of it is on the list; otherwise {@link #refusal} names the first construct that is not,
 * why, and what to write instead. On the list (each proven by {@code CrossShardIT} against one plain PostgreSQL):
 * <ul>
 *   <li>projections: columns, {@code *}, per-row expressions and functions, and the plain aggregates
 *       {@code count(*)}, {@code count(x)}, {@code count(DISTINCT x)}, {@code sum(x)}, {@code min(x)}, {@code max(x)}
 *       (with {@code FILTER (WHERE ...)}), each with a column name of its own;</li>
 *   <li>any {@code WHERE} without a subquery; {@code GROUP BY} columns, positions, or per-row expressions selected
 *       with an alias; {@code SELECT DISTINCT};</li>
 *   <li>{@code ORDER BY} columns, positions, per-row expressions or selected aggregates ({@code ASC}/{@code DESC},
 *       {@code NULLS FIRST/LAST}); {@code LIMIT}; {@code OFFSET} (and {@code FETCH FIRST} without OFFSET) after an
 *       ORDER BY;</li>
 *   <li>joins: inner joins of sharded tables on their user ids, joins with broadcast tables, and a {@code LEFT JOIN}
 *       whose nullable side is a broadcast table or a {@code user} table joined on the user id;
 *       {@code FOR UPDATE}/{@code FOR SHARE}.</li>
 * </ul>
 * Where 5.5.2's tree drops a clause ({@code OVER} after an aggregate, {@code DISTINCT ON}, {@code FETCH} after an
 * {@code OFFSET}, a {@code NOT EXISTS} it keeps as text), the check reads the lexer's tokens inside or right after the
 * tree node that lost it, never the statement text at large: a column named {@code window} or a literal
 * {@code 'UNION'} decides nothing. Stateless, thread-safe.
 */
final class CrossShard {
    /** PostgreSQL 15's built-in aggregate functions that ShardingSphere 5.5.2 does not merge (by name). */
    static final Set<String> UNMERGED_AGGREGATES = Set.of("avg", "array_agg", "string_agg", "json_agg", "jsonb_agg",
            "json_object_agg", "jsonb_object_agg", "bool_and", "bool_or", "every", "bit_and", "bit_or", "bit_xor",
            "stddev", "stddev_pop", "stddev_samp", "variance", "var_pop", "var_samp", "corr", "covar_pop",
            "covar_samp", "regr_avgx", "regr_avgy", "regr_count", "regr_intercept", "regr_r2", "regr_slope",
            "regr_sxx", "regr_sxy", "regr_syy", "mode", "percentile_cont", "percentile_disc", "xmlagg", "range_agg",
            "range_intersect_agg", "any_value", "rank", "dense_rank", "percent_rank", "cume_dist", "grouping");
    private static final Set<String> MERGED = Set.of("count", "sum", "min", "max");
    private static final Set<String> GROUPING_SETS = Set.of("rollup", "cube", "grouping");
    /** Filled by the guard: "add user_id = ? so it runs on one shard, ..." (or, for a month table, one month). */
    private static final String ONE_SHARD = "{one}";

    /**
     * What the check needs of a rules table: its strategy, shard-key column, and its columns' types (read on first use,
     * {@link ColumnTypes}); null for tables not in the rules.
     */
    record Table(Strategy strategy, String key, Supplier<Map<String, ColumnTypes.Column>> columns) {
        /** A table whose column types are not known (every compared column of it is then refused). */
        Table(Strategy strategy, String key) {
            this(strategy, key, Map::of);
        }
    }

    /** The refusal of an EXPLAIN whose statement spans several shard tables. */
    static final String EXPLAIN = refuse("EXPLAIN", "through ShardingSphere 5.5.2 it returns the plan of one shard"
            + " table's statement, not of all of them (and EXPLAIN ANALYZE of a write would run it per shard table)",
            "run EXPLAIN of each physical statement (skyriff route --sql lists them) on its node's pool from"
            + " SkyriffData.pools(), or " + ONE_SHARD);

    private CrossShard() {
    }

    /**
     * Why {@code select} cannot run across shards, as {@code "<construct> across shards is refused{span}: <why>;
     * <instead>"} with {@code {span}} and {@code {key}} left for the caller; null when every part of it is on the
     * allow-list.
     */
    static String refusal(SelectStatement select, String sql, Function<String, Table> tables) {
        return new Check(sql, tables).statement(select);
    }

    /**
     * Why an UPDATE or DELETE whose {@code expressions} (its WHERE and SET values) are given cannot run over several
     * shard tables: a subquery there is evaluated by each shard table's run over that shard table's rows only. Null
     * when it has none.
     */
    static String writeRefusal(List<ExpressionSegment> expressions, String sql, String verb) {
        Check check = new Check(sql, name -> null);
        for (ExpressionSegment e : expressions) {
            if (check.walk(e).subquery) {
                return refuse("a subquery in an UPDATE or DELETE", "ShardingSphere 5.5.2 runs the " + verb + " once per"
                        + " shard table, and each run's subquery sees only that shard table's rows", "select the"
                        + " values first, then " + verb + " by key, or " + ONE_SHARD + " and one month");
            }
        }
        return null;
    }

    private static String refuse(String construct, String why, String instead) {
        return construct + " across shards is refused{span}: " + why + "; " + instead;
    }

    private static final class Check {
        final String sql;
        final Function<String, Table> tables;
        /** The FROM tree's references, once {@link #from} accepted it. */
        List<Ref> refs = List.of();

        Check(String sql, Function<String, Table> tables) {
            this.sql = sql;
            this.tables = tables;
        }

        String statement(SelectStatement s) {
            if (s.getWithSegment().isPresent()) {
                return refuse("WITH (a common table expression)", "ShardingSphere 5.5.2 cannot route it over sharded"
                        + " tables (it fails with 'Table ... does not exist') or evaluates it per shard table",
                        ONE_SHARD + ", or inline the query");
            }
            if (s.getCombine().isPresent()) {
                CombineSegment c = s.getCombine().get();
                String op = c.getCombineType().name().replace('_', ' ');
                return refuse(op, "each shard table combines only its own rows (UNION keeps duplicates from different"
                        + " shard tables, INTERSECT loses rows, EXCEPT keeps rows another shard table removes)",
                        "run each SELECT on its own and combine the rows in the application, or " + ONE_SHARD);
            }
            ExpressionSegment where = s.getWhere().map(w -> w.getExpr()).orElse(null);
            String problem = s.getFrom().map(f -> from(f, where)).orElse(null);
            if (problem != null) {
                return problem;
            }
            if (s.getWhere().isPresent()) {
                problem = filter(s.getWhere().get().getExpr());
                if (problem != null) {
                    return problem;
                }
            }
            if (s.getHaving().isPresent()) {
                return refuse("HAVING", "ShardingSphere 5.5.2 applies it per shard table before the groups are"
                        + " merged, so groups go missing", "drop HAVING and filter the merged groups in the"
                        + " application, or " + ONE_SHARD);
            }
            if (s.getWindow().isPresent()) {
                return refuse("a WINDOW clause", "window functions are computed per shard table, not over all rows",
                        ONE_SHARD + ", or compute it in the application");
            }
            if (distinctOn(s)) {
                return refuse("DISTINCT ON", "it keeps one row per value in each shard table, not one in total",
                        "select the rows ordered and keep the first per value in the application, or " + ONE_SHARD);
            }
            for (ProjectionSegment p : s.getProjections().getProjections()) {
                problem = projection(p);
                if (problem != null) {
                    return problem;
                }
            }
            problem = names(s);
            if (problem != null) {
                return problem;
            }
            if (s.getGroupBy().isPresent()) {
                for (OrderByItemSegment item : s.getGroupBy().get().getGroupByItems()) {
                    problem = groupItem(s, item);
                    if (problem != null) {
                        return problem;
                    }
                }
            }
            boolean ordered = false;
            if (s.getOrderBy().isPresent()) {
                for (OrderByItemSegment item : s.getOrderBy().get().getOrderByItems()) {
                    ordered = true;
                    problem = orderItem(s, item);
                    if (problem != null) {
                        return problem;
                    }
                }
            }
            if (s.getLimit().isPresent()) {
                problem = limit(s.getLimit().get(), ordered);
                if (problem != null) {
                    return problem;
                }
            }
            return compared(s, ordered);
        }

        // ---- the values ShardingSphere 5.5.2 compares in Java while merging

        /**
         * Every value the merge compares must be of a type whose Java order is PostgreSQL's: the ORDER BY items;
         * without an ORDER BY the GROUP BY items (or a DISTINCT's columns), which 5.5.2 then merges as sorted streams
         * (with an ORDER BY that differs from them it groups by equality, which is exact); min and max arguments.
         */
        private String compared(SelectStatement s, boolean ordered) {
            if (ordered) {
                for (OrderByItemSegment item : s.getOrderBy().get().getOrderByItems()) {
                    String problem = compare(item(s, item), "ORDER BY", item.getStartIndex(), item.getStopIndex());
                    if (problem != null) {
                        return problem;
                    }
                }
            } else if (s.getGroupBy().isPresent()) {
                for (OrderByItemSegment item : s.getGroupBy().get().getGroupByItems()) {
                    String problem = compare(item(s, item), "GROUP BY", item.getStartIndex(), item.getStopIndex());
                    if (problem != null) {
                        return problem;
                    }
                }
            } else if (s.getProjections().isDistinctRow()) {
                for (ProjectionSegment p : s.getProjections().getProjections()) {
                    String problem = compare(projected(p), "GROUP BY", p.getStartIndex(), p.getStopIndex());
                    if (problem != null) {
                        return problem;
                    }
                }
            }
            for (ProjectionSegment p : s.getProjections().getProjections()) {
                if (p instanceof AggregationProjectionSegment a && (a.getType() == AggregationType.MIN
                        || a.getType() == AggregationType.MAX) && !a.getParameters().isEmpty()) {
                    ExpressionSegment arg = a.getParameters().iterator().next();
                    String problem = compare(typeOf(arg), "min()", arg.getStartIndex(), arg.getStopIndex());
                    if (problem != null) {
                        return problem;
                    }
                }
            }
            return null;
        }

        private String compare(ColumnTypes.Column c, String clause, int start, int stop) {
            if (c.family() == ColumnTypes.Family.ORDERED) {
                return null;
            }
            String what = sql.substring(Math.max(0, start), Math.min(sql.length(), stop + 1)).trim()
                    + (c.source() == null ? "" : " (" + c.source() + ")");
            if (c.family() == ColumnTypes.Family.TEXT) {
                String why = what + " is text: " + ColumnTypes.why(c);
                return switch (clause) {
                    case "ORDER BY" -> refuse("ORDER BY text", why, "order by a number or time column, sort the rows"
                            + " in the application, or " + ONE_SHARD);
                    case "GROUP BY" -> refuse("GROUP BY or DISTINCT of text without ORDER BY", why + "; without an"
                            + " ORDER BY the shards' groups are merged as streams in that order, so a group can come"
                            + " back twice", "add an ORDER BY on a selected aggregate or a number column (ORDER BY n"
                            + " DESC with count(*) AS n): the groups are then merged by equality, which is exact; or "
                            + ONE_SHARD);
                    default -> refuse("min() or max() of text", why, "select the values and pick in the"
                            + " application, or " + ONE_SHARD);
                };
            }
            if (c.family() == ColumnTypes.Family.OTHER) {
                return refuse("ORDER BY, GROUP BY, min() or max() of this type", what + " " + ColumnTypes.why(c),
                        "cast it to a type whose order Java keeps (a float to ::numeric), compare another column, or "
                        + ONE_SHARD);
            }
            return refuse("ORDER BY, GROUP BY, min() or max() of an expression of unknown type", "the layer cannot"
                    + " tell the type of " + what + " (a parameter, a function it does not type, a column missing from"
                    + " the tables' metadata), so it cannot prove that ShardingSphere 5.5.2's Java comparison orders it"
                    + " as PostgreSQL does", "cast it to its type (::bigint, ::numeric, ::timestamptz), or " + ONE_SHARD);
        }

        private ColumnTypes.Column item(SelectStatement s, OrderByItemSegment item) {
            if (item instanceof ColumnOrderByItemSegment c) {
                ColumnTypes.Column alias = c.getColumn().getOwner().isPresent() ? null : alias(s,
                        c.getColumn().getIdentifier().getValue());
                return alias != null ? alias : column(c.getColumn());
            }
            if (item instanceof IndexOrderByItemSegment i) {
                int at = i.getColumnIndex() - 1;
                List<ProjectionSegment> list = new ArrayList<>(s.getProjections().getProjections());
                return at >= 0 && at < list.size() ? projected(list.get(at)) : ColumnTypes.Column.UNKNOWN;
            }
            if (item instanceof ExpressionOrderByItemSegment e && e.getExpr() != null) {
                return typeOf(e.getExpr());
            }
            return ColumnTypes.Column.UNKNOWN;
        }

        /** The type of the select-list column named {@code name} (an alias or a column's own name); null if none. */
        private ColumnTypes.Column alias(SelectStatement s, String name) {
            for (ProjectionSegment p : s.getProjections().getProjections()) {
                String own = p instanceof AliasAvailable a && a.getAliasName().isPresent() ? a.getAliasName().get()
                        : null;
                if (own != null && own.equalsIgnoreCase(name)) {
                    return projected(p);
                }
            }
            return null;
        }

        private ColumnTypes.Column projected(ProjectionSegment p) {
            if (p instanceof ColumnProjectionSegment c) {
                return column(c.getColumn());
            }
            if (p instanceof AggregationProjectionSegment a) {
                return typeOf(a);
            }
            if (p instanceof ExpressionProjectionSegment e) {
                return typeOf(e.getExpr());
            }
            return ColumnTypes.Column.UNKNOWN;
        }

        /** A column of a FROM reference: by its qualifier, else the one reference that has it. */
        private ColumnTypes.Column column(ColumnSegment c) {
            return column(c.getOwner().map(o -> o.getIdentifier().getValue().toLowerCase(Locale.ROOT)).orElse(null),
                    c.getIdentifier().getValue().toLowerCase(Locale.ROOT));
        }

        private ColumnTypes.Column column(String owner, String name) {
            ColumnTypes.Column found = null;
            for (Ref r : refs) {
                if (r.table == null || owner != null && !owner.equals(r.exposed)) {
                    continue;
                }
                ColumnTypes.Column col = r.table.columns().get().get(name);
                if (col != null) {
                    if (found != null) {
                        return ColumnTypes.Column.UNKNOWN;
                    }
                    found = col;
                }
            }
            return found != null ? found : ColumnTypes.Column.UNKNOWN;
        }

        private static final Set<String> SAME_AS_FIRST = Set.of("abs", "round", "trunc", "floor", "ceil", "ceiling",
                "sign", "mod", "coalesce", "nullif");
        private static final Set<String> INTEGERS = Set.of("length", "char_length", "character_length",
                "octet_length", "bit_length", "position", "strpos", "ascii", "extract");
        private static final Set<String> TEXTS = Set.of("lower", "upper", "substr", "substring", "concat", "concat_ws",
                "trim", "btrim", "ltrim", "rtrim", "replace", "left", "right", "lpad", "rpad", "initcap", "md5",
                "to_char", "format", "repeat", "reverse", "split_part", "translate");

        /**
         * The type of an expression 5.5.2 keeps as text ({@code user_id % 3}): numeric when its tokens are numbers,
         * arithmetic operators, parentheses and number columns only; unknown otherwise.
         */
        private ColumnTypes.Column arithmetic(int start, int stop) {
            List<SqlLexer.Token> tokens = tokens(start, stop);
            for (int i = 0; i < tokens.size(); i++) {
                SqlLexer.Token t = tokens.get(i);
                if (t.kind() == SqlLexer.Kind.NUMBER || t.kind() == SqlLexer.Kind.OTHER
                        && "+-*/%()".contains(t.text()) && t.text().length() == 1) {
                    continue;
                }
                if (t.kind() != SqlLexer.Kind.WORD) {
                    return ColumnTypes.Column.UNKNOWN;
                }
                String owner = null;
                if (i + 2 < tokens.size() && tokens.get(i + 1).text().equals(".")) {
                    owner = t.text().toLowerCase(Locale.ROOT);
                    t = tokens.get(i += 2);
                }
                if (!ColumnTypes.numeric(column(owner, t.text().toLowerCase(Locale.ROOT)).type())) {
                    return ColumnTypes.Column.UNKNOWN;
                }
            }
            return tokens.isEmpty() ? ColumnTypes.Column.UNKNOWN : ColumnTypes.Column.of("numeric");
        }

        /** The type of a per-row expression (or an aggregate), as far as it can be told from the tree. */
        private ColumnTypes.Column typeOf(ExpressionSegment e) {
            if (e instanceof ColumnSegment c) {
                return column(c);
            }
            if (e instanceof LiteralExpressionSegment l) {
                Object v = l.getLiterals();
                return v instanceof Number ? ColumnTypes.Column.of("numeric") : v instanceof String
                        ? ColumnTypes.Column.of("text") : v instanceof Boolean ? ColumnTypes.Column.of("bool")
                        : ColumnTypes.Column.UNKNOWN;
            }
            if (e instanceof TypeCastExpression cast) {
                return ColumnTypes.Column.of(cast.getDataType());
            }
            if (e instanceof AggregationProjectionSegment a) {
                if (a.getType() == AggregationType.COUNT) {
                    return ColumnTypes.Column.of("int8");
                }
                ColumnTypes.Column arg = a.getParameters().isEmpty() ? ColumnTypes.Column.UNKNOWN
                        : typeOf(a.getParameters().iterator().next());
                if (a.getType() == AggregationType.SUM) {
                    return ColumnTypes.numeric(arg.type()) ? ColumnTypes.Column.of("numeric")
                            : arg.family() == ColumnTypes.Family.UNKNOWN ? arg : ColumnTypes.Column.of(arg.type());
                }
                return arg;
            }
            if (e instanceof BinaryOperationExpression b) {
                String op = b.getOperator() == null ? "" : b.getOperator().toLowerCase(Locale.ROOT);
                switch (op) {
                    case "+", "-", "*", "/", "%" -> {
                        ColumnTypes.Column l = typeOf(b.getLeft());
                        ColumnTypes.Column r = typeOf(b.getRight());
                        return ColumnTypes.numeric(l.type()) && ColumnTypes.numeric(r.type())
                                ? ColumnTypes.Column.of("numeric") : ColumnTypes.Column.UNKNOWN;
                    }
                    case "||" -> {
                        return ColumnTypes.Column.of("text");
                    }
                    case "=", "<>", "!=", "<", ">", "<=", ">=", "and", "or", "like", "not like", "ilike", "is",
                            "is not" -> {
                        return ColumnTypes.Column.of("bool");
                    }
                    default -> {
                        return ColumnTypes.Column.UNKNOWN;
                    }
                }
            }
            if (e instanceof NotExpression || e instanceof InExpression || e instanceof BetweenExpression
                    || e instanceof ExistsSubqueryExpression) {
                return ColumnTypes.Column.of("bool");
            }
            if (e instanceof CaseWhenExpression c) {
                ColumnTypes.Column first = c.getThenExprs().isEmpty() ? ColumnTypes.Column.UNKNOWN
                        : typeOf(c.getThenExprs().iterator().next());
                return first.family() == ColumnTypes.Family.UNKNOWN && c.getElseExpr() != null
                        ? typeOf(c.getElseExpr()) : first;
            }
            if (e instanceof org.apache.shardingsphere.sql.parser.statement.core.segment.dml.expr.complex
                    .CommonExpressionSegment) {
                return arithmetic(e.getStartIndex(), e.getStopIndex());
            }
            if (e instanceof FunctionSegment f) {
                String name = f.getFunctionName().toLowerCase(Locale.ROOT);
                List<ExpressionSegment> args = new ArrayList<>(f.getParameters());
                if (SAME_AS_FIRST.contains(name) && !args.isEmpty()) {
                    return typeOf(args.get(0));
                }
                if (name.equals("date_trunc") && args.size() >= 2) {
                    return typeOf(args.get(1));
                }
                if (INTEGERS.contains(name)) {
                    return ColumnTypes.Column.of("numeric");
                }
                if (TEXTS.contains(name)) {
                    return ColumnTypes.Column.of("text");
                }
            }
            return ColumnTypes.Column.UNKNOWN;
        }

        // ---- FROM and joins

        /** One reference of the FROM tree. */
        private record Ref(String name, String exposed, Table table) {
            boolean sharded() {
                return table != null && table.strategy().byUser();
            }

            boolean monthly() {
                return table != null && table.strategy().byMonth();
            }

            boolean broadcast() {
                return table != null && table.strategy() == Strategy.BROADCAST;
            }
        }

        /** The FROM tree, with the statement's WHERE (whose equalities also join sharded tables). */
        private String from(TableSegment from, ExpressionSegment where) {
            List<Ref> refs = new ArrayList<>();
            List<ExpressionSegment> conditions = new ArrayList<>();
            List<Using> usings = new ArrayList<>();
            String problem = tree(from, refs, conditions, usings);
            if (problem != null) {
                return problem;
            }
            this.refs = refs;
            int monthly = 0;
            int sharded = 0;
            for (Ref r : refs) {
                monthly += r.monthly() ? 1 : 0;
                sharded += r.sharded() ? 1 : 0;
                if (r.table == null) {
                    return refuse("a join with a table not in the rules", "the layer cannot tell where the rows of "
                            + r.name + " are", ONE_SHARD);
                }
                boolean defaultShardOnly = r.table.strategy() == Strategy.SINGLE || r.table.strategy() == Strategy.MONTH;
                if (defaultShardOnly && refs.stream().anyMatch(o -> o != r && !o.broadcast())) {
                    return refuse("a join with a single or month table", r.name + " (" + r.table.strategy()
                            + ") lives on the default shard"
                            + " only, so the other shards join it with nothing", "read " + r.name + " on its own, or "
                            + ONE_SHARD);
                }
            }
            if (monthly > 1) {
                return refuse("a join of two month-split tables (or a self-join of one)", "ShardingSphere 5.5.2 joins"
                        + " each month table with the same month of the other, so pairs of rows from different months"
                        + " are lost", ONE_SHARD + " and one month, or join in the application");
            }
            List<ExpressionSegment> equalities = new ArrayList<>(conditions);
            if (where != null) {
                equalities.add(where);
            }
            if (sharded > 1 && !colocated(refs, equalities, usings)) {
                return refuse("a join not on the user id", "rows join only within one shard, so pairs of rows on"
                        + " different shards are lost", "join every sharded table on its user id (a.{key} = b.{key}),"
                        + " or " + ONE_SHARD);
            }
            for (ExpressionSegment on : conditions) {
                problem = filter(on);
                if (problem != null) {
                    return problem;
                }
            }
            return null;
        }

        /** Collects the references and join conditions of a FROM tree; returns a refusal for an outer-join shape. */
        private String tree(TableSegment t, List<Ref> refs, List<ExpressionSegment> conditions, List<Using> usings) {
            if (t instanceof SimpleTableSegment simple) {
                String name = simple.getTableName().getIdentifier().getValue().toLowerCase(Locale.ROOT);
                refs.add(new Ref(name, simple.getAliasName().orElse(name).toLowerCase(Locale.ROOT), tables.apply(name)));
                return null;
            }
            if (t instanceof SubqueryTableSegment) {
                return refuse("a subquery in FROM", "each shard table evaluates it over its own rows, and the outer"
                        + " query's rows are concatenated, not combined", "select the inner rows and combine them in"
                        + " the application, or " + ONE_SHARD);
            }
            if (!(t instanceof JoinTableSegment join)) {
                return refuse("a function in FROM", "it (" + t.getClass().getSimpleName() + ") is evaluated once"
                        + " per shard table", ONE_SHARD);
            }
            int before = refs.size();
            String problem = tree(join.getLeft(), refs, conditions, usings);
            if (problem != null) {
                return problem;
            }
            int middle = refs.size();
            problem = tree(join.getRight(), refs, conditions, usings);
            if (problem != null) {
                return problem;
            }
            if (join.getCondition() != null) {
                conditions.add(join.getCondition());
            }
            for (ColumnSegment using : join.getUsing()) {
                usings.add(new Using(using.getIdentifier().getValue(), List.copyOf(refs.subList(before, middle)),
                        List.copyOf(refs.subList(middle, refs.size()))));
            }
            String type = join.getJoinType() == null ? "" : join.getJoinType().toUpperCase(Locale.ROOT);
            List<Ref> left = refs.subList(before, middle);
            List<Ref> right = refs.subList(middle, refs.size());
            return switch (type) {
                case "LEFT" -> outer(left, right);
                case "RIGHT" -> outer(right, left);
                case "FULL" -> refuse("FULL JOIN", "each shard table pads its own unmatched rows, so rows are padded"
                        + " on shards that hold their match", ONE_SHARD);
                default -> null;
            };
        }

        /** An outer join is merged right when its nullable side has one table per shard and its rows' shard is known. */
        private String outer(List<Ref> preserved, List<Ref> nullable) {
            boolean shardedNullable = false;
            for (Ref r : nullable) {
                if (r.monthly()) {
                    return refuse("an outer join onto a month-split table", "every month table of "
                            + r.name + " pads the rows it does not match, so unmatched rows come back once per month",
                            "use an inner join, or " + ONE_SHARD + " and one month");
                }
                shardedNullable |= r.sharded();
            }
            if (shardedNullable && preserved.stream().noneMatch(Ref::sharded)) {
                return refuse("an outer join from a broadcast table onto a sharded table", "every shard pads the"
                        + " broadcast rows it does not match, so they come back once per shard", ONE_SHARD);
            }
            return null;
        }

        /** Whether every sharded reference is joined to every other through equalities of their user ids. */
        private boolean colocated(List<Ref> refs, List<ExpressionSegment> conditions, List<Using> usings) {
            Map<Ref, Ref> parent = new java.util.IdentityHashMap<>();
            for (Ref r : refs) {
                if (r.sharded()) {
                    parent.put(r, r);
                }
            }
            for (Using u : usings) {
                for (Ref a : u.left) {
                    for (Ref b : u.right) {
                        if (a.sharded() && b.sharded() && u.column.equalsIgnoreCase(a.table.key())
                                && u.column.equalsIgnoreCase(b.table.key())) {
                            join(parent, a, b);
                        }
                    }
                }
            }
            for (ExpressionSegment c : conditions) {
                for (ExpressionSegment conjunct : conjuncts(c)) {
                    if (conjunct instanceof BinaryOperationExpression bin && "=".equals(bin.getOperator())
                            && bin.getLeft() instanceof ColumnSegment l && bin.getRight() instanceof ColumnSegment r) {
                        Ref a = keyOf(refs, l);
                        Ref b = keyOf(refs, r);
                        if (a != null && b != null) {
                            join(parent, a, b);
                        }
                    }
                }
            }
            Ref root = null;
            for (Ref r : parent.keySet()) {
                Ref top = find(parent, r);
                if (root != null && top != root) {
                    return false;
                }
                root = top;
            }
            return true;
        }

        /** The sharded reference whose user id {@code c} is; null if it is none or not certain. */
        private static Ref keyOf(List<Ref> refs, ColumnSegment c) {
            String column = c.getIdentifier().getValue();
            Ref found = null;
            for (Ref r : refs) {
                if (!r.sharded() || !column.equalsIgnoreCase(r.table.key())) {
                    continue;
                }
                if (c.getOwner().isPresent() && !c.getOwner().get().getIdentifier().getValue()
                        .equalsIgnoreCase(r.exposed)) {
                    continue;
                }
                if (found != null) {
                    return null;
                }
                found = r;
            }
            return found;
        }

        private static void join(Map<Ref, Ref> parent, Ref a, Ref b) {
            parent.put(find(parent, a), find(parent, b));
        }

        private static Ref find(Map<Ref, Ref> parent, Ref r) {
            Ref at = r;
            while (parent.get(at) != at) {
                at = parent.get(at);
            }
            return at;
        }

        private static List<ExpressionSegment> conjuncts(ExpressionSegment e) {
            List<ExpressionSegment> out = new ArrayList<>();
            if (e instanceof BinaryOperationExpression bin && "AND".equalsIgnoreCase(bin.getOperator())) {
                out.addAll(conjuncts(bin.getLeft()));
                out.addAll(conjuncts(bin.getRight()));
            } else if (e != null) {
                out.add(e);
            }
            return out;
        }

        // ---- expressions

        /** A WHERE or ON condition: any per-row expression without a subquery. */
        private String filter(ExpressionSegment e) {
            Found f = walk(e);
            if (f.subquery) {
                return subquery();
            }
            if (f.problem != null) {
                return f.problem;
            }
            return null;
        }

        private static String subquery() {
            return refuse("a subquery", "each shard table evaluates it over its own rows only", "run the subquery on"
                    + " its own and pass its values (IN (?, ?, ...)), join the tables on {key}, or " + ONE_SHARD);
        }

        private String projection(ProjectionSegment p) {
            if (p instanceof ShorthandProjectionSegment || p instanceof ColumnProjectionSegment) {
                return null;
            }
            if (p instanceof SubqueryProjectionSegment) {
                return subquery();
            }
            if (p instanceof AggregationProjectionSegment a) {
                return aggregate(a, true);
            }
            if (p instanceof ExpressionProjectionSegment e) {
                return expression(e.getExpr());
            }
            return opaqueExpression(p.getStartIndex(), p.getStopIndex());
        }

        /** A select-list or ORDER BY expression that is not a plain aggregate: per-row only. */
        private String expression(ExpressionSegment e) {
            if (e instanceof AggregationProjectionSegment a) {
                return aggregate(a, true);
            }
            Found f = walk(e);
            if (f.window) {
                return window();
            }
            if (f.subquery) {
                return subquery();
            }
            if (f.problem != null) {
                return f.problem;
            }
            if (f.aggregate != null) {
                return f.aggregate;
            }
            return null;
        }

        private static String window() {
            return refuse("a window function", "it is computed per shard table, not over all rows", ONE_SHARD
                    + ", or compute it in the application");
        }

        /** A plain aggregate at the top of a projection or ORDER BY item. */
        private String aggregate(AggregationProjectionSegment a, boolean top) {
            if (windowed(a.getStartIndex(), a.getStopIndex())) {
                return window();
            }
            AggregationType type = a.getType();
            String name = type.name().toLowerCase(Locale.ROOT);
            if (!MERGED.contains(name)) {
                return name.equals("avg") ? refuse("avg()", "ShardingSphere 5.5.2 rounds the merged average to 4"
                        + " decimal places", "select sum(x) and count(x) and divide (in SQL on one shard, or in the"
                        + " application)") : unmerged(name);
            }
            if (!top) {
                return inExpression();
            }
            if (a instanceof org.apache.shardingsphere.sql.parser.statement.core.segment.dml.item
                    .AggregationDistinctProjectionSegment && type == AggregationType.COUNT) {
                ColumnTypes.Column arg = a.getParameters().isEmpty() ? ColumnTypes.Column.UNKNOWN
                        : typeOf(a.getParameters().iterator().next());
                if (!arg.type().equalsIgnoreCase("int8") && !arg.type().equalsIgnoreCase("bigint")) {
                    return refuse("count(DISTINCT x) of a non-bigint x", "ShardingSphere 5.5.2 counts the shards'"
                            + " distinct values of x and answers with x's type (" + arg.type() + ": an Integer, int4"
                            + " metadata) where PostgreSQL's count is a bigint", "cast the argument, count(DISTINCT"
                            + " x::bigint), or " + ONE_SHARD);
                }
            }
            for (ExpressionSegment param : a.getParameters()) {
                Found f = walk(param);
                if (f.subquery) {
                    return subquery();
                }
                if (f.window || f.aggregate != null) {
                    return inExpression();
                }
                if (f.problem != null) {
                    return f.problem;
                }
            }
            return null;
        }

        private static String unmerged(String name) {
            return refuse(name + "()", "ShardingSphere 5.5.2 merges only count, sum, min and max, so it returns one"
                    + " row per shard table", ONE_SHARD + ", or aggregate the rows in the application");
        }

        private static String inExpression() {
            return refuse("an aggregate inside an expression", "ShardingSphere 5.5.2 merges only a plain count, sum,"
                    + " min or max, so it returns one row per shard table", "select the plain aggregate and compute"
                    + " the expression in the application, or " + ONE_SHARD);
        }

        private String groupItem(SelectStatement s, OrderByItemSegment item) {
            if (item instanceof ColumnOrderByItemSegment || item instanceof IndexOrderByItemSegment) {
                return null;
            }
            if (item instanceof ExpressionOrderByItemSegment e) {
                if (e.getExpr() instanceof FunctionSegment f
                        && GROUPING_SETS.contains(f.getFunctionName().toLowerCase(Locale.ROOT))) {
                    return refuse("GROUP BY ROLLUP, CUBE or GROUPING SETS", "ShardingSphere 5.5.2 merges "
                            + f.getFunctionName().toUpperCase(Locale.ROOT) + " as plain groups", "run one GROUP BY per"
                            + " grouping set, or " + ONE_SHARD);
                }
                Found f = e.getExpr() == null ? opaque(item.getStartIndex(), item.getStopIndex()) : walk(e.getExpr());
                if (f.subquery) {
                    return subquery();
                }
                if (f.window || f.aggregate != null) {
                    return refuse("an aggregate or window function in GROUP BY", "PostgreSQL rejects it",
                            "group by columns or per-row expressions");
                }
                if (f.problem != null) {
                    return f.problem;
                }
                if (!selectedWithAlias(s, item.getStartIndex(), item.getStopIndex())) {
                    return refuse("GROUP BY an expression not selected with an alias", "ShardingSphere 5.5.2 cannot"
                            + " find the group's column in the shard tables' rows (it fails with 'Can't find index')",
                            "select the expression with an alias (date_trunc('month', t) AS m) and GROUP BY the same"
                            + " expression");
                }
                return null;
            }
            Found f = opaque(item.getStartIndex(), item.getStopIndex());
            return f.subquery ? subquery() : f.window ? window() : f.problem;
        }

        private String orderItem(SelectStatement s, OrderByItemSegment item) {
            if (item instanceof ColumnOrderByItemSegment || item instanceof IndexOrderByItemSegment) {
                return null;
            }
            if (item instanceof ExpressionOrderByItemSegment e && e.getExpr() instanceof AggregationProjectionSegment a) {
                String problem = aggregate(a, true);
                if (problem == null && !selectedAggregate(s, a)) {
                    return refuse("ORDER BY an aggregate not in the select list", "ShardingSphere 5.5.2 orders the"
                            + " merged groups by the shard tables' values, not by the merged aggregate",
                            "select the aggregate with an alias and ORDER BY the alias");
                }
                return problem;
            }
            if (item instanceof ExpressionOrderByItemSegment e && e.getExpr() != null) {
                return expression(e.getExpr());
            }
            Found f = opaque(item.getStartIndex(), item.getStopIndex());
            return f.subquery ? subquery() : f.window ? window() : f.aggregate != null ? f.aggregate : f.problem;
        }

        /**
         * Aggregates must each have a column name of their own: 5.5.2 finds a merged column by its name, so
         * {@code count(*), count(x)} (both named {@code count}) merge the one into the other.
         */
        private String names(SelectStatement s) {
            Map<String, Integer> seen = new java.util.HashMap<>();
            List<String> aggregates = new ArrayList<>();
            for (ProjectionSegment p : s.getProjections().getProjections()) {
                String name = p instanceof AliasAvailable a && a.getAliasName().isPresent() ? a.getAliasName().get()
                        : p instanceof ColumnProjectionSegment c ? c.getColumn().getIdentifier().getValue()
                        : p instanceof AggregationProjectionSegment a ? a.getType().name()
                        : p instanceof ExpressionProjectionSegment e && e.getExpr() instanceof FunctionSegment f
                        ? f.getFunctionName() : null;
                if (name == null) {
                    continue;
                }
                name = name.toLowerCase(Locale.ROOT);
                seen.merge(name, 1, Integer::sum);
                if (p instanceof AggregationProjectionSegment) {
                    aggregates.add(name);
                }
            }
            for (String name : aggregates) {
                if (seen.get(name) > 1) {
                    return refuse("two columns of one name with an aggregate", "ShardingSphere 5.5.2 finds a merged"
                            + " column by its name, so two columns named " + name + " merge into one another",
                            "give each aggregate an alias of its own (count(*) AS n, count(x) AS nx)");
                }
            }
            return null;
        }

        /** Whether the select list has an expression with an alias whose text is {@code sql[start..stop]}'s. */
        private boolean selectedWithAlias(SelectStatement s, int start, int stop) {
            String text = normalized(start, stop);
            for (ProjectionSegment p : s.getProjections().getProjections()) {
                if (p instanceof ExpressionProjectionSegment e && e.getAliasName().isPresent()
                        && normalized(e.getExpr().getStartIndex(), e.getExpr().getStopIndex()).equals(text)) {
                    return true;
                }
            }
            return false;
        }

        /** Whether the select list has the aggregate {@code a} (the same text). */
        private boolean selectedAggregate(SelectStatement s, AggregationProjectionSegment a) {
            String text = normalized(a.getStartIndex(), a.getStopIndex());
            for (ProjectionSegment p : s.getProjections().getProjections()) {
                if (p instanceof AggregationProjectionSegment other
                        && normalized(other.getStartIndex(), other.getStopIndex()).equals(text)) {
                    return true;
                }
            }
            return false;
        }

        /** The tokens of {@code sql[start..stop]}, words in lower case, one space between tokens. */
        private String normalized(int start, int stop) {
            StringBuilder b = new StringBuilder();
            for (SqlLexer.Token t : tokens(start, stop)) {
                b.append(t.kind() == SqlLexer.Kind.WORD ? t.text().toLowerCase(Locale.ROOT) : t.text()).append(' ');
            }
            return b.toString();
        }

        private String limit(LimitSegment limit, boolean ordered) {
            if (limit.getOffset().isEmpty()) {
                return null;
            }
            if (!ordered) {
                return refuse("OFFSET without ORDER BY", "each shard table skips its own first rows, so pages"
                        + " overlap or miss rows", "add an ORDER BY that ends in a unique key (e.g. ORDER BY {key}, id)");
            }
            if (limit.getRowCount().isEmpty()) {
                // 5.5.2 keeps OFFSET n ROWS FETCH FIRST m ROWS ONLY as an offset alone: a FETCH after the offset value
                int from = limit.getOffset().get().getStopIndex() + 1;
                for (SqlLexer.Token t : tokens(from, limit.getStopIndex())) {
                    if (t.kind() == SqlLexer.Kind.WORD && !t.isWord("row", "rows")) {
                        return refuse("OFFSET n ROWS FETCH FIRST m ROWS ONLY", "ShardingSphere 5.5.2 loses the row"
                                + " count and returns the wrong number of rows", "write LIMIT m OFFSET n");
                    }
                }
            }
            return null;
        }

        // ---- the tree walk

        /** What a walk over one expression found. */
        private static final class Found {
            boolean subquery;
            boolean window;
            String aggregate;
            String problem;
        }

        private Found walk(ExpressionSegment e) {
            Found f = new Found();
            walk(e, f);
            return f;
        }

        private void walk(ExpressionSegment e, Found f) {
            if (e == null || e instanceof ColumnSegment || e instanceof LiteralExpressionSegment
                    || e instanceof ParameterMarkerExpressionSegment) {
                return;
            }
            if (e instanceof SubqueryExpressionSegment || e instanceof ExistsSubqueryExpression
                    || e instanceof SubquerySegment) {
                f.subquery = true;
            } else if (e instanceof AggregationProjectionSegment a) {
                String problem = aggregate(a, false);
                if (problem != null && problem.startsWith("a window function")) {
                    f.window = true;
                } else if (f.aggregate == null) {
                    f.aggregate = problem;
                }
                for (ExpressionSegment p : a.getParameters()) {
                    walk(p, f);
                }
            } else if (e instanceof FunctionSegment fn) {
                String name = fn.getFunctionName().toLowerCase(Locale.ROOT);
                if (windowed(fn.getStartIndex(), fn.getStopIndex())) {
                    f.window = true;
                } else if (UNMERGED_AGGREGATES.contains(name) && f.aggregate == null) {
                    f.aggregate = name.equals("avg") ? refuse("avg()", "ShardingSphere 5.5.2 rounds the merged"
                            + " average to 4 decimal places", "select sum(x) and count(x) and divide")
                            : unmerged(name);
                } else if (MERGED.contains(name) && f.aggregate == null) {
                    f.aggregate = inExpression();
                }
                for (ExpressionSegment p : fn.getParameters()) {
                    walk(p, f);
                }
            } else if (e instanceof BinaryOperationExpression b) {
                walk(b.getLeft(), f);
                walk(b.getRight(), f);
            } else if (e instanceof NotExpression n) {
                walk(n.getExpression(), f);
            } else if (e instanceof InExpression in) {
                walk(in.getLeft(), f);
                walk(in.getRight(), f);
            } else if (e instanceof BetweenExpression b) {
                walk(b.getLeft(), f);
                walk(b.getBetweenExpr(), f);
                walk(b.getAndExpr(), f);
            } else if (e instanceof ListExpression l) {
                l.getItems().forEach(i -> walk(i, f));
            } else if (e instanceof TypeCastExpression c) {
                walk(c.getExpression(), f);
            } else if (e instanceof CaseWhenExpression c) {
                walk(c.getCaseExpr(), f);
                c.getWhenExprs().forEach(x -> walk(x, f));
                c.getThenExprs().forEach(x -> walk(x, f));
                walk(c.getElseExpr(), f);
            } else {
                // a node 5.5.2 keeps as text (NOT EXISTS (...), some operators) or one this walk does not know:
                // its own tokens decide
                Found o = opaque(e.getStartIndex(), e.getStopIndex());
                f.subquery |= o.subquery;
                f.window |= o.window;
                f.aggregate = f.aggregate != null ? f.aggregate : o.aggregate;
                f.problem = f.problem != null ? f.problem : o.problem;
            }
        }

        /** The tokens of one tree node that 5.5.2 keeps as text: a SELECT in it, OVER, or an aggregate call. */
        private Found opaque(int start, int stop) {
            Found f = new Found();
            List<SqlLexer.Token> tokens = tokens(start, stop);
            for (int i = 0; i < tokens.size(); i++) {
                SqlLexer.Token t = tokens.get(i);
                if (t.kind() != SqlLexer.Kind.WORD) {
                    continue;
                }
                String w = t.text().toLowerCase(Locale.ROOT);
                boolean call = i + 1 < tokens.size() && tokens.get(i + 1).text().equals("(");
                if (w.equals("select")) {
                    f.subquery = true;
                } else if (w.equals("over") && i > 0 && tokens.get(i - 1).text().equals(")")) {
                    f.window = true;
                } else if (call && f.aggregate == null && (MERGED.contains(w) || UNMERGED_AGGREGATES.contains(w))) {
                    f.aggregate = MERGED.contains(w) ? inExpression() : unmerged(w);
                }
            }
            return f;
        }

        private String opaqueExpression(int start, int stop) {
            Found f = opaque(start, stop);
            return f.subquery ? subquery() : f.window ? window() : f.aggregate != null ? f.aggregate : f.problem;
        }

        /** Whether the SELECT's DISTINCT is followed by ON: the tokens between its start and its first projection. */
        private boolean distinctOn(SelectStatement s) {
            int first = s.getProjections().getStopIndex();
            for (ProjectionSegment p : s.getProjections().getProjections()) {
                first = Math.min(first, p.getStartIndex());
            }
            List<SqlLexer.Token> tokens = tokens(0, first - 1);   // the top-level SELECT: its head
            for (int i = 0; i + 1 < tokens.size(); i++) {
                if (tokens.get(i).isWord("distinct") && tokens.get(i + 1).isWord("on")) {
                    return true;
                }
            }
            return false;
        }

        /**
         * Whether the call at {@code [start, stop]} is a window function: {@code OVER} after its argument list (and
         * after a {@code FILTER (...)}), inside the node when 5.5.2 keeps the clause in the node's text, else right
         * after the node.
         */
        private boolean windowed(int start, int stop) {
            List<SqlLexer.Token> inside = tokens(start, stop);
            int close = closing(inside, 0);
            List<SqlLexer.Token> after = close >= 0 && close + 1 < inside.size() ? inside.subList(close + 1, inside.size())
                    : tokens(stop + 1, sql.length() - 1);
            int at = 0;
            if (at < after.size() && after.get(at).isWord("filter")) {
                at = closing(after, at + 1) + 1;
                if (at <= 0) {
                    return false;
                }
            }
            return at < after.size() && after.get(at).isWord("over");
        }

        /** The index of the ')' closing the first '(' at or after {@code from}; -1 if none. */
        private static int closing(List<SqlLexer.Token> tokens, int from) {
            int depth = 0;
            for (int i = from; i < tokens.size(); i++) {
                String t = tokens.get(i).text();
                if (t.equals("(")) {
                    depth++;
                } else if (t.equals(")") && --depth == 0) {
                    return i;
                }
            }
            return -1;
        }

        /** The significant tokens of {@code sql[start..stop]} (inclusive). */
        private List<SqlLexer.Token> tokens(int start, int stop) {
            List<SqlLexer.Token> out = new ArrayList<>();
            int from = Math.max(0, start);
            int to = Math.min(sql.length(), stop + 1);
            if (from >= to) {
                return out;
            }
            for (SqlLexer.Token t : SqlLexer.tokenize(sql.substring(from, to))) {
                if (t.kind() != SqlLexer.Kind.SPACE && t.kind() != SqlLexer.Kind.COMMENT) {
                    out.add(t);
                }
            }
            return out;
        }
    }

    /** A {@code JOIN ... USING (column)} between the references of its two sides. */
    private record Using(String column, List<Check.Ref> left, List<Check.Ref> right) {
    }
}
