package com.skyriff.data.guard;

import java.sql.SQLNonTransientException;

/**
 * The layer refused a statement before it ran: it would scan every shard or too many months, use a construct that
 * ShardingSphere 5.5.2 executes wrongly across shards, or write to several shards where the rules refuse that. The
 * message names the table, the construct or key, and what to write instead (docs/reliability.md lists every case).
 * SQLState {@code 42000}; retrying cannot help. Immutable, thread-safe.
 */
public final class RefusedStatementException extends SQLNonTransientException {
    private static final long serialVersionUID = 1L;

    /** Which guard refused the statement. */
    public enum Reason {
        /** No shard key (or no time range) on a table that does not allow full scans. */
        FULL_SCAN,
        /** A time range wider than the table's {@code max-months-per-query}. */
        MONTH_RANGE,
        /** A construct ShardingSphere would execute with a wrong result (or not at all) here. */
        UNSUPPORTED_CONSTRUCT,
        /** Writes to more than one shard in one transaction or statement. */
        CROSS_SHARD_WRITE,
        /** A shard-key value that is not a whole number (a fraction or text): it names no user, and is never truncated. */
        KEY_NOT_INTEGER,
        /** A system catalog statement: through the layer it would answer from one node or from ShardingSphere's metadata. */
        SYSTEM_CATALOG
    }

    private final Reason reason;
    private final String table;

    public RefusedStatementException(Reason reason, String table, String message) {
        super(message, "42000");
        this.reason = reason;
        this.table = table;
    }

    public Reason reason() {
        return reason;
    }

    /** The logical table the refusal is about; null for a cross-shard transaction. */
    public String table() {
        return table;
    }
}
