package com.skyriff.data.health.internal;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The one retry of a read that failed on a replica's connection: the statement that ran it again on another usable
 * replica or the primary, and that statement's pooled connection. The caller reads the retry's results; closing it
 * returns the connection to its pool. Made on the failure path only. Not thread-safe.
 */
final class ReadRetry {
    final Statement statement;
    private final Connection connection;

    private ReadRetry(Statement statement, Connection connection) {
        this.statement = statement;
        this.connection = connection;
    }

    /**
     * Whether a read of {@code owner} that failed with {@code e} is retried elsewhere: null when it is, else the
     * failure the caller sees ({@link NodeConnection#failed}).
     */
    static SQLException failedOrRetry(NodeConnection owner, int generation, SQLException e, boolean retryAllowed) {
        SQLException f = owner.failed(e, generation);
        return retryAllowed && owner.retryable(f) ? null : f;
    }

    /** A plain statement elsewhere for the retry of a read of {@code owner} that failed with {@code cause}. */
    static ReadRetry statement(NodeConnection owner, SQLException cause) throws SQLException {
        Connection c = owner.retryConnection(cause);
        try {
            return new ReadRetry(c.createStatement(), c);
        } catch (SQLException | RuntimeException e) {
            closeQuietly(c);
            throw e;
        }
    }

    /** {@code sql} prepared elsewhere for the retry of a read of {@code owner} that failed with {@code cause}. */
    static ReadRetry prepared(NodeConnection owner, SQLException cause, String sql) throws SQLException {
        Connection c = owner.retryConnection(cause);
        try {
            return new ReadRetry(c.prepareStatement(sql), c);
        } catch (SQLException | RuntimeException e) {
            closeQuietly(c);
            throw e;
        }
    }

    /** Closes {@code retry} if there is one; returns null (no retry any more). */
    static ReadRetry close(ReadRetry retry) {
        if (retry != null) {
            try {
                retry.statement.close();
            } catch (SQLException e) {
                // the retry's connection is closed next
            }
            closeQuietly(retry.connection);
        }
        return null;
    }

    private static void closeQuietly(Connection c) {
        try {
            c.close();
        } catch (SQLException e) {
            // returned to its pool or gone
        }
    }
}
