package com.skyriff.data.health;

import java.sql.SQLTransientConnectionException;

/**
 * A shard's node cannot serve this statement: its primary is down (writes, and reads that must see the primary), or
 * no replica is usable and {@code health.when-no-replica} is {@code fail}. The message starts with the shard and says
 * what still works. A {@link SQLTransientConnectionException} (SQLState {@code 08001}), so JDBC callers keep their
 * {@code SQLException} handling and retry logic. Immutable, thread-safe.
 */
public final class ShardUnavailableException extends SQLTransientConnectionException {
    private static final long serialVersionUID = 1L;

    private final String shard;
    private final String node;

    public ShardUnavailableException(String shard, String node, String message, Throwable cause) {
        super(message, "08001", cause);
        this.shard = shard;
        this.node = node;
    }

    /** The shard name from the rules, e.g. {@code shard1}. */
    public String shard() {
        return shard;
    }

    /** The data-source name of the node that is unavailable, e.g. {@code shard1_primary}; null if no single node. */
    public String node() {
        return node;
    }
}
