package com.skyriff.data.health.internal;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.sql.Statement;

/**
 * A statement on a node's {@link NodeConnection}, as ShardingSphere sees it: every call goes straight to the
 * driver's statement; only a failure that means the connection is gone (SQLState class {@code 08}, {@code 57P01} to
 * {@code 57P03}) is looked at ({@link NodeConnection#failed}): on a primary it becomes a
 * {@code ShardUnavailableException} naming the shard and node; on a replica, outside a transaction, the statement is
 * run once more on another usable replica or the primary ({@link NodeConnection#retryConnection}), whose result the
 * caller then reads ({@link #getResultSet()}, ...).
 * {@link #isClosed()} is also true once the connection it was created on has been lost or replaced, so that
 * ShardingSphere's statement cache prepares it again on the connection's new physical connection. Not thread-safe (a
 * JDBC statement).
 */
class NodeStatement implements Statement {
    private final Statement delegate;
    final NodeConnection owner;
    final int generation;
    /** The retry of a read that failed on a replica, and its connection elsewhere; null until one happened. */
    Statement retried;
    private Connection retriedOn;

    NodeStatement(Statement delegate, NodeConnection owner, int generation) {
        this.delegate = delegate;
        this.owner = owner;
        this.generation = generation;
    }

    /** The failure the caller sees for {@code e}, or null when the read is retried elsewhere ({@link #retry}). */
    final SQLException failedOrRetry(SQLException e, boolean retryAllowed) {
        SQLException f = owner.failed(e, generation);
        return retryAllowed && owner.retryable(f) ? null : f;
    }

    /** A connection elsewhere for the retry of a read that failed with {@code cause}; replaces an earlier retry. */
    final Connection retryConnection(SQLException cause) throws SQLException {
        closeRetried();
        Connection c = owner.retryConnection(cause);
        retriedOn = c;
        return c;
    }

    final Statement retry(SQLException cause) throws SQLException {
        Statement st = retryConnection(cause).createStatement();
        retried = st;
        return st;
    }

    final void closeRetried() {
        Statement st = retried;
        Connection c = retriedOn;
        retried = null;
        retriedOn = null;
        try {
            if (st != null) {
                st.close();
            }
        } catch (SQLException e) {
            // the retry's connection is closed next
        }
        if (c != null) {
            try {
                c.close();
            } catch (SQLException e) {
                // returned to its pool or gone
            }
        }
    }

    /** The statement whose results the caller reads: the retry's, if there was one. */
    private Statement results() {
        Statement r = retried;
        return r != null ? r : delegate;
    }

    @Override
    public Connection getConnection() {
        return owner;
    }

    @Override
    public boolean isClosed() throws SQLException {
        return owner.stale(generation) || delegate.isClosed();
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        return iface.isInstance(this) ? iface.cast(this) : delegate.unwrap(iface);
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) throws SQLException {
        return iface.isInstance(this) || delegate.isWrapperFor(iface);
    }

    @Override
    public ResultSet executeQuery(String a0) throws SQLException {
        try {
            closeRetried();
            return delegate.executeQuery(a0);
        } catch (SQLException e) {
            SQLException f = failedOrRetry(e, true);
            if (f != null) {
                throw f;
            }
            return retry(e).executeQuery(a0);
        }
    }

    @Override
    public int executeUpdate(String a0) throws SQLException {
        try {
            return delegate.executeUpdate(a0);
        } catch (SQLException e) {
            throw owner.failed(e, generation);
        }
    }

    @Override
    public void close() throws SQLException {
        closeRetried();
        delegate.close();
    }

    @Override
    public int getMaxFieldSize() throws SQLException {
        return delegate.getMaxFieldSize();
    }

    @Override
    public void setMaxFieldSize(int a0) throws SQLException {
        delegate.setMaxFieldSize(a0);
    }

    @Override
    public int getMaxRows() throws SQLException {
        return delegate.getMaxRows();
    }

    @Override
    public void setMaxRows(int a0) throws SQLException {
        delegate.setMaxRows(a0);
    }

    @Override
    public void setEscapeProcessing(boolean a0) throws SQLException {
        delegate.setEscapeProcessing(a0);
    }

    @Override
    public int getQueryTimeout() throws SQLException {
        return delegate.getQueryTimeout();
    }

    @Override
    public void setQueryTimeout(int a0) throws SQLException {
        delegate.setQueryTimeout(a0);
    }

    @Override
    public void cancel() throws SQLException {
        delegate.cancel();
    }

    @Override
    public SQLWarning getWarnings() throws SQLException {
        return delegate.getWarnings();
    }

    @Override
    public void clearWarnings() throws SQLException {
        delegate.clearWarnings();
    }

    @Override
    public void setCursorName(String a0) throws SQLException {
        delegate.setCursorName(a0);
    }

    @Override
    public boolean execute(String a0) throws SQLException {
        try {
            closeRetried();
            return delegate.execute(a0);
        } catch (SQLException e) {
            SQLException f = failedOrRetry(e, true);
            if (f != null) {
                throw f;
            }
            return retry(e).execute(a0);
        }
    }

    @Override
    public ResultSet getResultSet() throws SQLException {
        return results().getResultSet();
    }

    @Override
    public int getUpdateCount() throws SQLException {
        return results().getUpdateCount();
    }

    @Override
    public boolean getMoreResults() throws SQLException {
        return results().getMoreResults();
    }

    @Override
    public void setFetchDirection(int a0) throws SQLException {
        delegate.setFetchDirection(a0);
    }

    @Override
    public int getFetchDirection() throws SQLException {
        return delegate.getFetchDirection();
    }

    @Override
    public void setFetchSize(int a0) throws SQLException {
        delegate.setFetchSize(a0);
    }

    @Override
    public int getFetchSize() throws SQLException {
        return delegate.getFetchSize();
    }

    @Override
    public int getResultSetConcurrency() throws SQLException {
        return delegate.getResultSetConcurrency();
    }

    @Override
    public int getResultSetType() throws SQLException {
        return delegate.getResultSetType();
    }

    @Override
    public void addBatch(String a0) throws SQLException {
        delegate.addBatch(a0);
    }

    @Override
    public void clearBatch() throws SQLException {
        delegate.clearBatch();
    }

    @Override
    public int[] executeBatch() throws SQLException {
        try {
            return delegate.executeBatch();
        } catch (SQLException e) {
            throw owner.failed(e, generation);
        }
    }

    @Override
    public boolean getMoreResults(int a0) throws SQLException {
        return results().getMoreResults(a0);
    }

    @Override
    public ResultSet getGeneratedKeys() throws SQLException {
        return delegate.getGeneratedKeys();
    }

    @Override
    public int executeUpdate(String a0, int a1) throws SQLException {
        try {
            return delegate.executeUpdate(a0, a1);
        } catch (SQLException e) {
            throw owner.failed(e, generation);
        }
    }

    @Override
    public int executeUpdate(String a0, int[] a1) throws SQLException {
        try {
            return delegate.executeUpdate(a0, a1);
        } catch (SQLException e) {
            throw owner.failed(e, generation);
        }
    }

    @Override
    public int executeUpdate(String a0, String[] a1) throws SQLException {
        try {
            return delegate.executeUpdate(a0, a1);
        } catch (SQLException e) {
            throw owner.failed(e, generation);
        }
    }

    @Override
    public boolean execute(String a0, int a1) throws SQLException {
        try {
            return delegate.execute(a0, a1);
        } catch (SQLException e) {
            throw owner.failed(e, generation);
        }
    }

    @Override
    public boolean execute(String a0, int[] a1) throws SQLException {
        try {
            return delegate.execute(a0, a1);
        } catch (SQLException e) {
            throw owner.failed(e, generation);
        }
    }

    @Override
    public boolean execute(String a0, String[] a1) throws SQLException {
        try {
            return delegate.execute(a0, a1);
        } catch (SQLException e) {
            throw owner.failed(e, generation);
        }
    }

    @Override
    public int getResultSetHoldability() throws SQLException {
        return delegate.getResultSetHoldability();
    }

    @Override
    public void setPoolable(boolean a0) throws SQLException {
        delegate.setPoolable(a0);
    }

    @Override
    public boolean isPoolable() throws SQLException {
        return delegate.isPoolable();
    }

    @Override
    public void closeOnCompletion() throws SQLException {
        delegate.closeOnCompletion();
    }

    @Override
    public boolean isCloseOnCompletion() throws SQLException {
        return delegate.isCloseOnCompletion();
    }

    @Override
    public long getLargeUpdateCount() throws SQLException {
        return results().getLargeUpdateCount();
    }

    @Override
    public void setLargeMaxRows(long a0) throws SQLException {
        delegate.setLargeMaxRows(a0);
    }

    @Override
    public long getLargeMaxRows() throws SQLException {
        return delegate.getLargeMaxRows();
    }

    @Override
    public long[] executeLargeBatch() throws SQLException {
        try {
            return delegate.executeLargeBatch();
        } catch (SQLException e) {
            throw owner.failed(e, generation);
        }
    }

    @Override
    public long executeLargeUpdate(String a0) throws SQLException {
        try {
            return delegate.executeLargeUpdate(a0);
        } catch (SQLException e) {
            throw owner.failed(e, generation);
        }
    }

    @Override
    public long executeLargeUpdate(String a0, int a1) throws SQLException {
        try {
            return delegate.executeLargeUpdate(a0, a1);
        } catch (SQLException e) {
            throw owner.failed(e, generation);
        }
    }

    @Override
    public long executeLargeUpdate(String a0, int[] a1) throws SQLException {
        try {
            return delegate.executeLargeUpdate(a0, a1);
        } catch (SQLException e) {
            throw owner.failed(e, generation);
        }
    }

    @Override
    public long executeLargeUpdate(String a0, String[] a1) throws SQLException {
        try {
            return delegate.executeLargeUpdate(a0, a1);
        } catch (SQLException e) {
            throw owner.failed(e, generation);
        }
    }
}
