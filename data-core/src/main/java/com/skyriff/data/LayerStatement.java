package com.skyriff.data;

import com.skyriff.data.guard.internal.CopyStatements;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.sql.Statement;

/**
 * A plain statement of a {@link LayerConnection}: ShardingSphere parses a plain statement's SQL when it executes it,
 * so a construct it rejects in its parser or binder fails here, and is named as the connection names it at
 * {@code prepareStatement} ({@code Constructs}). Every call that succeeds is a plain delegation; {@link #getConnection()}
 * returns the layer's connection. Not thread-safe (a JDBC statement).
 */
final class LayerStatement implements Statement {
    private final Statement delegate;
    private final LayerConnection connection;
    /** The statement that ran last: the delegate, or a physical statement of the single-shard path. */
    private Statement last;
    private Statement physical;
    private Connection physicalConnection;

    LayerStatement(Statement delegate, LayerConnection connection) {
        this.delegate = delegate;
        this.connection = connection;
        this.last = delegate;
    }

    /**
     * The physical statement {@code sql} runs on when the single-shard path takes it (a plain statement has no
     * parameters), else null (ShardingSphere runs it).
     */
    private Statement onShard(String sql) throws SQLException {
        OneShardRouter router = connection.router;
        if (router == null || sql == null) {
            last = delegate;
            return null;
        }
        OneShardPlan plan = router.plans.plan(sql);
        OneShardRouter.Decision d = router.decide(plan, NO_PARAMS);
        if (d.fallback() != null) {
            router.plans.count(false);
            last = delegate;
            return null;
        }
        String node = router.node(plan, d, !connection.getAutoCommit());
        router.plans.log(sql, node, d.sql(), NO_PARAMS);
        Connection c = router.physical(connection.shardingSphere(), node);
        if (physical == null || c != physicalConnection) {
            if (physical != null) {
                physical.close();
            }
            physical = c.createStatement();
            physicalConnection = c;
            int fetch = delegate.getFetchSize();
            if (fetch > 0) {
                physical.setFetchSize(fetch);
            }
            int max = delegate.getMaxRows();
            if (max > 0) {
                physical.setMaxRows(max);
            }
            int timeout = delegate.getQueryTimeout();
            if (timeout > 0) {
                physical.setQueryTimeout(timeout);
            }
        }
        router.plans.count(true);
        last = physical;
        pending = d.sql();
        return physical;
    }

    private static final Object[] NO_PARAMS = new Object[0];
    /** The physical SQL of the statement {@link #onShard} just chose. */
    private String pending;

    @Override
    public Connection getConnection() {
        return connection;
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
        Statement shard = onShard(a0);
        if (shard != null) {
            return shard.executeQuery(pending);
        }
        try {
            CopyStatements.refuse(a0);
            return delegate.executeQuery(a0);
        } catch (RuntimeException | SQLException e) {
            connection.constructs.refuse(e, a0);
            throw e;
        }
    }

    @Override
    public int executeUpdate(String a0) throws SQLException {
        Statement shard = onShard(a0);
        if (shard != null) {
            return shard.executeUpdate(pending);
        }
        try {
            CopyStatements.refuse(a0);
            return delegate.executeUpdate(a0);
        } catch (RuntimeException | SQLException e) {
            connection.constructs.refuse(e, a0);
            throw e;
        }
    }

    @Override
    public void close() throws SQLException {
        try {
            if (physical != null) {
                physical.close();
            }
        } finally {
            delegate.close();
        }
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
        Statement shard = onShard(a0);
        if (shard != null) {
            return shard.execute(pending);
        }
        try {
            CopyStatements.refuse(a0);
            return delegate.execute(a0);
        } catch (RuntimeException | SQLException e) {
            connection.constructs.refuse(e, a0);
            throw e;
        }
    }

    @Override
    public ResultSet getResultSet() throws SQLException {
        return last.getResultSet();
    }

    @Override
    public int getUpdateCount() throws SQLException {
        return last.getUpdateCount();
    }

    @Override
    public boolean getMoreResults() throws SQLException {
        return last.getMoreResults();
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
        try {
            CopyStatements.refuse(a0);
            delegate.addBatch(a0);
        } catch (RuntimeException | SQLException e) {
            connection.constructs.refuse(e, a0);
            throw e;
        }
    }

    @Override
    public void clearBatch() throws SQLException {
        delegate.clearBatch();
    }

    @Override
    public int[] executeBatch() throws SQLException {
        last = delegate;
        return delegate.executeBatch();
    }

    @Override
    public boolean getMoreResults(int a0) throws SQLException {
        return last.getMoreResults(a0);
    }

    @Override
    public ResultSet getGeneratedKeys() throws SQLException {
        return last.getGeneratedKeys();
    }

    @Override
    public int executeUpdate(String a0, int a1) throws SQLException {
        last = delegate;
        try {
            CopyStatements.refuse(a0);
            return delegate.executeUpdate(a0, a1);
        } catch (RuntimeException | SQLException e) {
            connection.constructs.refuse(e, a0);
            throw e;
        }
    }

    @Override
    public int executeUpdate(String a0, int[] a1) throws SQLException {
        last = delegate;
        try {
            CopyStatements.refuse(a0);
            return delegate.executeUpdate(a0, a1);
        } catch (RuntimeException | SQLException e) {
            connection.constructs.refuse(e, a0);
            throw e;
        }
    }

    @Override
    public int executeUpdate(String a0, String[] a1) throws SQLException {
        last = delegate;
        try {
            CopyStatements.refuse(a0);
            return delegate.executeUpdate(a0, a1);
        } catch (RuntimeException | SQLException e) {
            connection.constructs.refuse(e, a0);
            throw e;
        }
    }

    @Override
    public boolean execute(String a0, int a1) throws SQLException {
        last = delegate;
        try {
            CopyStatements.refuse(a0);
            return delegate.execute(a0, a1);
        } catch (RuntimeException | SQLException e) {
            connection.constructs.refuse(e, a0);
            throw e;
        }
    }

    @Override
    public boolean execute(String a0, int[] a1) throws SQLException {
        last = delegate;
        try {
            CopyStatements.refuse(a0);
            return delegate.execute(a0, a1);
        } catch (RuntimeException | SQLException e) {
            connection.constructs.refuse(e, a0);
            throw e;
        }
    }

    @Override
    public boolean execute(String a0, String[] a1) throws SQLException {
        last = delegate;
        try {
            CopyStatements.refuse(a0);
            return delegate.execute(a0, a1);
        } catch (RuntimeException | SQLException e) {
            connection.constructs.refuse(e, a0);
            throw e;
        }
    }

    @Override
    public int getResultSetHoldability() throws SQLException {
        return delegate.getResultSetHoldability();
    }

    @Override
    public boolean isClosed() throws SQLException {
        return delegate.isClosed();
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
        return last.getLargeUpdateCount();
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
        return delegate.executeLargeBatch();
    }

    @Override
    public long executeLargeUpdate(String a0) throws SQLException {
        Statement shard = onShard(a0);
        if (shard != null) {
            return shard.executeLargeUpdate(pending);
        }
        try {
            CopyStatements.refuse(a0);
            return delegate.executeLargeUpdate(a0);
        } catch (RuntimeException | SQLException e) {
            connection.constructs.refuse(e, a0);
            throw e;
        }
    }

    @Override
    public long executeLargeUpdate(String a0, int a1) throws SQLException {
        last = delegate;
        try {
            CopyStatements.refuse(a0);
            return delegate.executeLargeUpdate(a0, a1);
        } catch (RuntimeException | SQLException e) {
            connection.constructs.refuse(e, a0);
            throw e;
        }
    }

    @Override
    public long executeLargeUpdate(String a0, int[] a1) throws SQLException {
        last = delegate;
        try {
            CopyStatements.refuse(a0);
            return delegate.executeLargeUpdate(a0, a1);
        } catch (RuntimeException | SQLException e) {
            connection.constructs.refuse(e, a0);
            throw e;
        }
    }

    @Override
    public long executeLargeUpdate(String a0, String[] a1) throws SQLException {
        last = delegate;
        try {
            CopyStatements.refuse(a0);
            return delegate.executeLargeUpdate(a0, a1);
        } catch (RuntimeException | SQLException e) {
            connection.constructs.refuse(e, a0);
            throw e;
        }
    }
}
