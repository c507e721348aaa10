package com.skyriff.data.health.internal;

import com.skyriff.data.internal.ForwardingStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * A statement on a node's {@link NodeConnection}, as ShardingSphere sees it: every call goes straight to the
 * driver's statement ({@link ForwardingStatement}); only a failure that means the connection is gone (SQLState class
 * {@code 08}, {@code 57P01} to {@code 57P03}) is looked at ({@link NodeConnection#failed}): on a primary it becomes a
 * {@code ShardUnavailableException} naming the shard and node; on a replica, outside a transaction, a read is run once
 * more on another usable replica or the primary ({@link ReadRetry}), whose result the caller then reads
 * ({@link #getResultSet()}, ...). {@link #isClosed()} is also true once the connection it was created on has been lost
 * or replaced, so that ShardingSphere's statement cache prepares it again on the connection's new physical
 * connection. {@link NodePreparedStatement} does the same for prepared statements. Not thread-safe (a JDBC
 * statement).
 */
final class NodeStatement extends ForwardingStatement {
    private final int generation;
    /** The retry of a read that failed on a replica; null until one happened. */
    private ReadRetry retry;

    NodeStatement(Statement delegate, NodeConnection owner, int generation) {
        super(delegate, owner);
        this.generation = generation;
    }

    private NodeConnection owner() {
        return (NodeConnection) connection;
    }

    @Override
    protected SQLException translate(SQLException e) {
        return owner().failed(e, generation);
    }

    @Override
    protected Statement current() {
        ReadRetry r = retry;
        return r != null ? r.statement : delegate;
    }

    @Override
    public boolean isClosed() throws SQLException {
        return owner().stale(generation) || super.isClosed();
    }

    @Override
    public void close() throws SQLException {
        retry = ReadRetry.close(retry);
        super.close();
    }

    @Override
    public ResultSet executeQuery(String sql) throws SQLException {
        retry = ReadRetry.close(retry);
        try {
            return delegate.executeQuery(sql);
        } catch (SQLException e) {
            SQLException f = ReadRetry.failedOrRetry(owner(), generation, e, true);
            if (f != null) {
                throw f;
            }
            retry = ReadRetry.statement(owner(), e);
            return retry.statement.executeQuery(sql);
        }
    }

    @Override
    public boolean execute(String sql) throws SQLException {
        retry = ReadRetry.close(retry);
        try {
            return delegate.execute(sql);
        } catch (SQLException e) {
            SQLException f = ReadRetry.failedOrRetry(owner(), generation, e, true);
            if (f != null) {
                throw f;
            }
            retry = ReadRetry.statement(owner(), e);
            return retry.statement.execute(sql);
        }
    }
}
