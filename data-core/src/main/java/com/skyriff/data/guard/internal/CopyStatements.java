package com.skyriff.data.guard.internal;

import com.skyriff.data.guard.RefusedStatementException;
import com.skyriff.data.guard.RefusedStatementException.Reason;

/**
 * {@code COPY} through the layer is refused before it runs: ShardingSphere 5.5.2 sends it to one node (a
 * {@code COPY ... TO} file or {@code FROM} file would see one shard's rows), and the driver cannot run
 * {@code COPY ... STDIN/STDOUT} through {@code Statement.execute} at all (its error makes HikariCP evict the connection).
 * The check reads the statement's first word after whitespace and comments: a few characters per statement, no
 * allocation. Public for the layer's connection; not API. Stateless, thread-safe.
 */
public final class CopyStatements {
    static final String MESSAGE = "COPY through the layer is refused: ShardingSphere 5.5.2 would run it on one node"
            + " only (or the driver fails and the pool drops the connection); bulk-load each shard on its own: COPY into"
            + " the physical tables on each shard's primary through SkyriffData.pools() (PGConnection.getCopyAPI(); the"
            + " rules give each user's shard and, for month tables, the physical table names such as t_YYYYMM), or"
            + " batched INSERTs through the layer (addBatch/executeBatch, which route row by row)";

    private CopyStatements() {
    }

    /** Throws a {@link RefusedStatementException} if {@code sql} is a {@code COPY} statement. */
    public static void refuse(String sql) throws RefusedStatementException {
        if (sql != null && isCopy(sql)) {
            throw new RefusedStatementException(Reason.UNSUPPORTED_CONSTRUCT, null, MESSAGE);
        }
    }

    /** Whether the first word of {@code sql}, after whitespace, {@code --} and {@code /* *}{@code /} comments, is COPY. */
    static boolean isCopy(String sql) {
        int n = sql.length();
        int i = 0;
        while (i < n) {
            char c = sql.charAt(i);
            if (c <= ' ' || c == '(') {
                i++;
            } else if (c == '-' && i + 1 < n && sql.charAt(i + 1) == '-') {
                int nl = sql.indexOf('\n', i);
                i = nl < 0 ? n : nl + 1;
            } else if (c == '/' && i + 1 < n && sql.charAt(i + 1) == '*') {
                int end = sql.indexOf("*/", i + 2);
                i = end < 0 ? n : end + 2;
            } else {
                break;
            }
        }
        if (i + 4 > n || !sql.regionMatches(true, i, "copy", 0, 4)) {
            return false;
        }
        return i + 4 == n || !Character.isLetterOrDigit(sql.charAt(i + 4)) && sql.charAt(i + 4) != '_';
    }
}
