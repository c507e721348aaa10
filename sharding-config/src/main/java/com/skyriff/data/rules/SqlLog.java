package com.skyriff.data.rules;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * What ShardingSphere's SQL log ({@code sql-log:}) shows; logger {@code ShardingSphere-SQL} at INFO. Immutable,
 * thread-safe.
 */
public enum SqlLog {
    /** No SQL log. */
    NONE("none", false, false),
    /** Each statement as written and the nodes it ran on, without bound parameter values. */
    STATEMENTS("statements", true, true),
    /** Each statement as sent to each node, with its bound parameter values. */
    VALUES("values", true, false);

    private final String token;
    private final boolean show;
    private final boolean simple;

    SqlLog(String token, boolean show, boolean simple) {
        this.token = token;
        this.show = show;
        this.simple = simple;
    }

    public String token() {
        return token;
    }

    /** ShardingSphere's {@code sql-show}. */
    public boolean sqlShow() {
        return show;
    }

    /** ShardingSphere's {@code sql-simple}: no parameter values. */
    public boolean sqlSimple() {
        return simple;
    }

    public static List<String> tokens() {
        return Arrays.stream(values()).map(SqlLog::token).toList();
    }

    public static Optional<SqlLog> fromToken(String token) {
        return Arrays.stream(values()).filter(v -> v.token.equals(token)).findFirst();
    }

    @Override
    public String toString() {
        return token;
    }
}
