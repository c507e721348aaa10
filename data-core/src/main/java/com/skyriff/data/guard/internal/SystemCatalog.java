package com.skyriff.data.guard.internal;

import java.util.Locale;
import java.util.Set;
import org.apache.shardingsphere.sql.parser.statement.core.extractor.TableExtractor;
import org.apache.shardingsphere.sql.parser.statement.core.segment.dml.expr.BinaryOperationExpression;
import org.apache.shardingsphere.sql.parser.statement.core.segment.dml.expr.CaseWhenExpression;
import org.apache.shardingsphere.sql.parser.statement.core.segment.dml.expr.ExpressionSegment;
import org.apache.shardingsphere.sql.parser.statement.core.segment.dml.expr.FunctionSegment;
import org.apache.shardingsphere.sql.parser.statement.core.segment.dml.expr.InExpression;
import org.apache.shardingsphere.sql.parser.statement.core.segment.dml.expr.ListExpression;
import org.apache.shardingsphere.sql.parser.statement.core.segment.dml.expr.NotExpression;
import org.apache.shardingsphere.sql.parser.statement.core.segment.dml.expr.TypeCastExpression;
import org.apache.shardingsphere.sql.parser.statement.core.segment.dml.expr.simple.LiteralExpressionSegment;
import org.apache.shardingsphere.sql.parser.statement.core.segment.dml.expr.simple.ParameterMarkerExpressionSegment;
import org.apache.shardingsphere.sql.parser.statement.core.segment.dml.item.AggregationProjectionSegment;
import org.apache.shardingsphere.sql.parser.statement.core.segment.dml.item.ExpressionProjectionSegment;
import org.apache.shardingsphere.sql.parser.statement.core.segment.dml.item.ProjectionSegment;
import org.apache.shardingsphere.sql.parser.statement.core.segment.generic.table.SimpleTableSegment;
import org.apache.shardingsphere.sql.parser.statement.core.statement.SQLStatement;
import org.apache.shardingsphere.sql.parser.statement.core.statement.dml.SelectStatement;

/**
 * System catalog statements through the layer: a table of {@code pg_catalog} or {@code information_schema} (also the
 * unqualified {@code pg_*} tables and views PostgreSQL finds in {@code pg_catalog}), a function that reports on a
 * table ({@code pg_relation_size}, {@code pg_total_relation_size}, {@code pg_table_size}, {@code pg_indexes_size},
 * {@code pg_get_*}, {@code pg_stat_get_*}, {@code to_regclass}, {@code obj_description}, ...) or a table named by
 * a {@code '...'::regclass} cast ({@code tableoid::regclass}, a row's own table, is per row and runs). ShardingSphere 5.5.2 answers such a statement from its own metadata (or from one node), so it comes back
 * empty or describes one shard, whatever the rules hold; the layer refuses it (decided from the parse tree) and names
 * what to use instead. Public for the single-shard planner; not API. Stateless, thread-safe.
 */
public final class SystemCatalog {
    private static final Set<String> SCHEMAS = Set.of("pg_catalog", "information_schema");
    private static final Set<String> FUNCTIONS = Set.of("to_regclass", "obj_description", "col_description",
            "shobj_description", "has_table_privilege", "has_column_privilege", "has_any_column_privilege");
    private static final String INSTEAD = "query a node directly (SkyriffData.pools() gives each node's pool, by its"
            + " data-source name in rules.nodes()) or use the skyriff CLI (validate, route, drift, months) for what the"
            + " rules and every shard hold";

    private SystemCatalog() {
    }

    /** The refusal of {@code statement} when it reads the system catalog; null otherwise. */
    public static String refusal(SQLStatement statement) {
        TableExtractor extractor = new TableExtractor();
        try {
            extractor.extractTablesFromSQLStatement(statement);
        } catch (RuntimeException e) {
            return null;   // a statement shape the extractor does not know: not a catalog read it can see
        }
        for (SimpleTableSegment t : extractor.getRewriteTables()) {
            String name = t.getTableName().getIdentifier().getValue().toLowerCase(Locale.ROOT);
            String schema = t.getOwner().map(o -> o.getIdentifier().getValue().toLowerCase(Locale.ROOT)).orElse(null);
            if (schema != null && SCHEMAS.contains(schema) || schema == null && name.startsWith("pg_")) {
                return message((schema != null ? schema + "." : "") + name);
            }
        }
        if (statement instanceof SelectStatement select) {
            for (ProjectionSegment p : select.getProjections().getProjections()) {
                String found = p instanceof ExpressionProjectionSegment e ? function(e.getExpr())
                        : p instanceof AggregationProjectionSegment a ? functions(a.getParameters()) : null;
                if (found != null) {
                    return message(found);
                }
            }
            String found = select.getWhere().map(w -> function(w.getExpr())).orElse(null);
            if (found != null) {
                return message(found);
            }
        }
        return null;
    }

    private static String message(String what) {
        return what + ": a system catalog query through the layer is refused: ShardingSphere 5.5.2 answers it from"
                + " its own metadata or from one node, not from every shard, so it comes back empty or describes one"
                + " shard; " + INSTEAD;
    }

    /** A catalog function or {@code ::regclass} cast in {@code e}, as it is to be named; null if none. */
    private static String function(ExpressionSegment e) {
        if (e instanceof FunctionSegment f) {
            String name = f.getFunctionName().toLowerCase(Locale.ROOT);
            if (FUNCTIONS.contains(name) || name.startsWith("pg_relation_") || name.startsWith("pg_total_relation_")
                    || name.startsWith("pg_table_") || name.startsWith("pg_indexes_") || name.startsWith("pg_get_")
                    || name.startsWith("pg_stat_get_") || name.startsWith("pg_partition_")) {
                return name + "()";
            }
            return functions(f.getParameters());
        }
        if (e instanceof TypeCastExpression c) {
            // 'users'::regclass names a table of one node; tableoid::regclass (a row's own table) is per row
            String type = c.getDataType() == null ? "" : c.getDataType().toLowerCase(Locale.ROOT).trim();
            boolean named = c.getExpression() instanceof LiteralExpressionSegment
                    || c.getExpression() instanceof ParameterMarkerExpressionSegment;
            return named && (type.equals("regclass") || type.equals("oid")) ? "::" + type : function(c.getExpression());
        }
        if (e instanceof BinaryOperationExpression b) {
            String left = function(b.getLeft());
            return left != null ? left : function(b.getRight());
        }
        if (e instanceof NotExpression n) {
            return function(n.getExpression());
        }
        if (e instanceof InExpression in) {
            String left = function(in.getLeft());
            return left != null ? left : function(in.getRight());
        }
        if (e instanceof ListExpression l) {
            return functions(l.getItems());
        }
        if (e instanceof CaseWhenExpression c) {
            String found = function(c.getCaseExpr());
            found = found != null ? found : functions(c.getWhenExprs());
            found = found != null ? found : functions(c.getThenExprs());
            return found != null ? found : function(c.getElseExpr());
        }
        if (e instanceof AggregationProjectionSegment a) {
            return functions(a.getParameters());
        }
        return null;
    }

    private static String functions(java.util.Collection<ExpressionSegment> all) {
        for (ExpressionSegment e : all) {
            String found = function(e);
            if (found != null) {
                return found;
            }
        }
        return null;
    }
}
