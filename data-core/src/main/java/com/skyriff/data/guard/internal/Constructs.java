package com.skyriff.data.guard.internal;

import com.skyriff.data.guard.RefusedStatementException;
import com.skyriff.data.guard.RefusedStatementException.Reason;
import com.skyriff.data.rules.Strategy;
import com.skyriff.data.rules.TableSpec;
import com.skyriff.data.schema.SqlLexer;
import com.skyriff.data.schema.SqlLexer.Kind;
import com.skyriff.data.schema.SqlLexer.Token;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The constructs ShardingSphere 5.5.2 fails on inside its own parser or binder, before the statement guard sees the
 * statement ({@code LATERAL}, {@code ... SKIP LOCKED}, {@code UPDATE ... FROM}, {@code DELETE ... USING}): when
 * ShardingSphere throws on a statement on a sharded table, the layer's connection asks {@link #refuse} to name the
 * construct and its alternative in a {@link RefusedStatementException} instead of ShardingSphere's own error (an
 * unchecked exception, or an {@code SQLException} with its message, depending on the JDBC method). Only the failure path reads the SQL text; a statement ShardingSphere accepts costs nothing here. Public for
 * the layer's connection; not API. Immutable, thread-safe.
 */
public final class Constructs {
    /** Sharded tables ({@code user}, {@code month}, {@code user+month}) by lower-case name. */
    private final Map<String, TableSpec> sharded;

    public Constructs(Collection<TableSpec> tables) {
        Map<String, TableSpec> map = new HashMap<>();
        for (TableSpec t : tables) {
            if (t.strategy() != Strategy.BROADCAST && t.strategy() != Strategy.SINGLE) {
                map.put(t.name().toLowerCase(Locale.ROOT), t);
            }
        }
        this.sharded = Map.copyOf(map);
    }

    /**
     * Called when preparing or executing {@code sql} threw {@code failure}: if it is ShardingSphere's own (unchecked,
     * or a plain {@link SQLException} its exception transform made of it; not the driver's, not the layer's) and the
     * statement uses one of these constructs on a sharded table, throws a {@link RefusedStatementException} with
     * {@code failure} as its cause; returns otherwise, and the caller rethrows {@code failure}.
     */
    public void refuse(Exception failure, String sql) throws RefusedStatementException {
        boolean shardingSpheres = !(failure instanceof SQLException) || failure.getClass() == SQLException.class;
        if (sql == null || !shardingSpheres) {
            return;
        }
        int statements = statements(sql);
        if (statements > 1) {
            RefusedStatementException refused = new RefusedStatementException(Reason.UNSUPPORTED_CONSTRUCT, null,
                    "one SQL string holds " + statements + " statements separated by ';': ShardingSphere 5.5.2 parses"
                    + " and routes one statement per call; run each statement with its own execute (writes of one"
                    + " shape: addBatch/executeBatch)");
            refused.initCause(failure);
            throw refused;
        }
        RefusedStatementException catalog = catalog(sql);
        if (catalog != null) {
            catalog.initCause(failure);
            throw catalog;
        }
        if (sharded.isEmpty()) {
            return;
        }
        RefusedStatementException refused = refusal(sql);
        if (refused != null) {
            refused.initCause(failure);
            throw refused;
        }
    }

    /**
     * The system-catalog refusal of a statement ShardingSphere failed on ({@link SystemCatalog}; its binder may not
     * know {@code pg_catalog} when its system-schema metadata is off), from the statement's parse tree; null if none.
     */
    private static RefusedStatementException catalog(String sql) {
        try {
            String message = SystemCatalog.refusal(Parser.ENGINE.parse(sql, false));
            return message == null ? null : new RefusedStatementException(Reason.SYSTEM_CATALOG, null, message);
        } catch (RuntimeException e) {
            return null;   // not parsable: ShardingSphere's own error stands
        }
    }

    /** A PostgreSQL parser for the failure path only: created on first use. */
    private static final class Parser {
        static final org.apache.shardingsphere.infra.parser.sql.SQLStatementParserEngine ENGINE =
                new org.apache.shardingsphere.infra.parser.sql.SQLStatementParserEngine(
                        org.apache.shardingsphere.infra.spi.type.typed.TypedSPILoader.getService(
                                org.apache.shardingsphere.infra.database.core.type.DatabaseType.class, "PostgreSQL"),
                        new org.apache.shardingsphere.sql.parser.api.CacheOption(16, 256),
                        new org.apache.shardingsphere.sql.parser.api.CacheOption(16, 256));
    }

    /** How many statements {@code sql} holds: ';'-separated parts with anything but whitespace and comments. */
    static int statements(String sql) {
        int count = 0;
        boolean content = false;
        for (Token t : SqlLexer.tokenize(sql)) {
            if (t.kind() == Kind.SEMICOLON) {
                count += content ? 1 : 0;
                content = false;
            } else if (t.kind() != Kind.SPACE && t.kind() != Kind.COMMENT) {
                content = true;
            }
        }
        return count + (content ? 1 : 0);
    }

    /** The refusal for {@code sql}, or null if it uses none of these constructs on a sharded table. */
    RefusedStatementException refusal(String sql) {
        List<Token> tokens = new ArrayList<>();
        for (Token t : SqlLexer.tokenize(sql)) {
            if (t.kind() != Kind.SPACE && t.kind() != Kind.COMMENT) {
                tokens.add(t);
            }
        }
        TableSpec table = null;
        String verb = null;
        String lock = null;
        boolean lateral = false;
        boolean updateFrom = false;
        boolean deleteUsing = false;
        int depth = 0;
        for (int i = 0; i < tokens.size(); i++) {
            Token t = tokens.get(i);
            if (t.kind() == Kind.OTHER) {
                depth += t.text().equals("(") ? 1 : t.text().equals(")") ? -1 : 0;
                continue;
            }
            if (t.kind() == Kind.QUOTED) {
                String name = t.text().substring(1, Math.max(1, t.text().length() - 1)).replace("\"\"", "\"");
                table = table != null ? table : sharded.get(name.toLowerCase(Locale.ROOT));
                continue;
            }
            if (t.kind() != Kind.WORD) {
                continue;
            }
            String word = t.text().toLowerCase(Locale.ROOT);
            table = table != null ? table : sharded.get(word);
            if (depth == 0 && verb == null && (word.equals("select") || word.equals("insert") || word.equals("update")
                    || word.equals("delete"))) {
                verb = word;
            } else if (word.equals("lateral")) {
                lateral = true;
            } else if (word.equals("skip") && isWord(tokens, i + 1, "locked")) {
                lock = lockClause(tokens, i);
            } else if (depth == 0 && "update".equals(verb) && word.equals("from") && !isWord(tokens, i - 1, "distinct")) {
                updateFrom = true;   // not IS [NOT] DISTINCT FROM
            } else if (depth == 0 && "delete".equals(verb) && word.equals("using")) {
                deleteUsing = true;
            }
        }
        if (table == null) {
            return null;
        }
        String message;
        if (lock != null) {
            message = skipLocked(table, lock);
        } else if (lateral) {
            message = lateral(table);
        } else if (deleteUsing) {
            message = deleteUsing(table);
        } else if (updateFrom) {
            message = updateFrom(table);
        } else {
            return null;
        }
        return new RefusedStatementException(Reason.UNSUPPORTED_CONSTRUCT, table.name(), message);
    }

    static String lateral(TableSpec t) {
        return t.name() + ": LATERAL on a sharded table is refused: ShardingSphere 5.5.2 cannot bind a LATERAL subquery"
                + " that refers to the outer query, nor a LATERAL function (it fails with 'Unknown column ...'), even"
                + " for one user; join the tables on " + key(t) + " instead (GROUP BY for aggregates), or run the inner"
                + " query per row in the application";
    }

    static String skipLocked(TableSpec t, String clause) {
        return t.name() + ": SELECT ... " + clause + " on a sharded table is refused: ShardingSphere 5.5.2's PostgreSQL"
                + " parser rejects SKIP LOCKED (a syntax error), even for one user; use FOR UPDATE NOWAIT (a locked"
                + " row fails the statement with SQLState 55P03 instead of being skipped) or FOR UPDATE, with "
                + key(t) + " = ?";
    }

    /** Also used by the statement guard, which sees the UPDATE ... FROM statements ShardingSphere binds. */
    static String updateFrom(TableSpec t) {
        return t.name() + ": UPDATE ... FROM on a sharded table is refused: ShardingSphere 5.5.2 rejects an UPDATE that"
                + " joins other tables ('DML operation with multiple tables'), even for one user; select the values"
                + " first (with " + key(t) + " = ?), then UPDATE by key (WHERE " + key(t) + " = ?) with those values";
    }

    static String deleteUsing(TableSpec t) {
        return t.name() + ": DELETE ... USING on a sharded table is refused: ShardingSphere 5.5.2 cannot bind the USING"
                + " tables (it fails with 'Unknown column ...'), even for one user; select the keys of the rows to"
                + " delete first (with " + key(t) + " = ?), then DELETE ... WHERE " + key(t) + " = ? AND <id> IN"
                + " (...)";
    }

    /**
     * The refusal message of an UPDATE (or ON CONFLICT ... DO UPDATE) of table {@code t} that sets {@code column},
     * when it is the table's shard key or month column; null otherwise. Such an update would leave the row on the
     * wrong shard or in the wrong month table, whatever the new value is. Used by both statement paths.
     */
    public static String shardColumnUpdate(TableSpec t, String column) {
        if (t == null || column == null) {
            return null;
        }
        boolean key = column.equalsIgnoreCase(t.keyColumn());
        boolean time = column.equalsIgnoreCase(t.timeColumn());
        if (!key && !time) {
            return null;
        }
        return t.name() + ": UPDATE ... SET " + column + " is refused: " + column + " is the table's "
                + (key ? "shard key" : "month column") + ", and an UPDATE cannot move the row to the "
                + (key ? "shard" : "month table") + " of its new value (it would stay where it is, unreachable by its"
                + " own " + (key ? "key" : "month") + "); DELETE the row and INSERT it with the new " + column
                + " instead (in one transaction)";
    }

    /**
     * {@link #shardColumnUpdate} for the {@code ON CONFLICT ... DO UPDATE SET} of an INSERT, read from the text
     * (ShardingSphere 5.5.2's binder drops the clause from the statement it hands to auditors).
     */
    public static String upsertMovesRow(TableSpec t, String sql) {
        List<Token> tokens = new ArrayList<>();
        for (Token tk : SqlLexer.tokenize(sql)) {
            if (tk.kind() != Kind.SPACE && tk.kind() != Kind.COMMENT) {
                tokens.add(tk);
            }
        }
        for (int i = 0; i + 2 < tokens.size(); i++) {
            if (isWord(tokens, i, "do") && isWord(tokens, i + 1, "update") && isWord(tokens, i + 2, "set")) {
                int depth = 0;
                for (int j = i + 3; j < tokens.size(); j++) {
                    Token tk = tokens.get(j);
                    if (tk.kind() == Kind.OTHER && tk.text().equals("(")) {
                        depth++;
                    } else if (tk.kind() == Kind.OTHER && tk.text().equals(")")) {
                        depth--;
                    } else if (depth == 0 && (isWord(tokens, j, "where") || isWord(tokens, j, "returning"))) {
                        break;
                    } else if (depth == 0 && (tk.kind() == Kind.WORD || tk.kind() == Kind.QUOTED)
                            && j + 1 < tokens.size() && tokens.get(j + 1).text().equals("=")
                            && (j == i + 3 || tokens.get(j - 1).text().equals(","))) {
                        String column = tk.kind() == Kind.QUOTED ? tk.text().substring(1, tk.text().length() - 1)
                                : tk.text();
                        String moved = shardColumnUpdate(t, column);
                        if (moved != null) {
                            return moved;
                        }
                    }
                }
            }
        }
        return null;
    }

    private static String key(TableSpec t) {
        return t.keyColumn() != null ? t.keyColumn() : t.timeColumn();
    }

    private static boolean isWord(List<Token> tokens, int i, String lowerCase) {
        return i >= 0 && i < tokens.size() && tokens.get(i).kind() == Kind.WORD
                && tokens.get(i).text().equalsIgnoreCase(lowerCase);
    }

    /** e.g. {@code FOR UPDATE SKIP LOCKED}, {@code FOR NO KEY UPDATE SKIP LOCKED}, from the words before SKIP. */
    private static String lockClause(List<Token> tokens, int skip) {
        int start = skip;
        while (start > 0 && !isWord(tokens, start, "for")) {
            start--;
        }
        if (!isWord(tokens, start, "for")) {
            return "SKIP LOCKED";
        }
        StringBuilder sb = new StringBuilder();
        for (int i = start; i < skip; i++) {
            Token t = tokens.get(i);
            if (t.kind() != Kind.WORD || t.text().equalsIgnoreCase("of")) {
                break;
            }
            sb.append(t.text().toUpperCase(Locale.ROOT)).append(' ');
        }
        return sb.append("SKIP LOCKED").toString();
    }
}
