package com.skyriff.data;

import com.skyriff.data.guard.RefusedStatementException;
import com.skyriff.data.guard.internal.Constructs;
import com.skyriff.data.guard.internal.CopyStatements;
import com.skyriff.data.health.ShardUnavailableException;
import java.sql.Array;
import java.sql.Blob;
import java.sql.CallableStatement;
import java.sql.Clob;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.NClob;
import java.sql.PreparedStatement;
import java.sql.SQLClientInfoException;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.sql.SQLXML;
import java.sql.Savepoint;
import java.sql.Statement;
import java.sql.Struct;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.Executor;

/**
 * A connection of the layer's data source: ShardingSphere's logical connection, translated on the failure path only.
 * <ul>
 * <li>A statement that ShardingSphere 5.5.2 rejects inside its parser or binder with its own error ({@code LATERAL},
 * {@code SKIP LOCKED}, {@code UPDATE ... FROM}, {@code DELETE ... USING} on a sharded table) fails with a
 * {@link RefusedStatementException} naming the construct and what to write instead ({@link Constructs}).</li>
 * <li>{@code COPY} is refused before it runs, with a message saying how to bulk-load per shard
 * ({@link CopyStatements}).</li>
 * <li>{@code commit}, {@code rollback} and {@code setAutoCommit} throw the layer's own exception (a cross-shard
 * refusal found at commit, a {@link ShardUnavailableException}) rather than ShardingSphere's empty-message
 * {@code SQLException} that chains one exception per shard connection.</li>
 * </ul>
 * Every call that succeeds is a plain delegation; prepared statements are ShardingSphere's own (not wrapped), plain
 * statements are wrapped ({@link LayerStatement}) because ShardingSphere parses their SQL when it executes them.
 * {@code unwrap(ShardingSphereConnection.class)} returns ShardingSphere's connection. Not thread-safe (a JDBC
 * connection).
 */
final class LayerConnection implements Connection {
    private final Connection delegate;
    final Constructs constructs;
    /** The single-shard path of this connection's generation; null when the rules turn it off. */
    final OneShardRouter router;
    private org.apache.shardingsphere.driver.jdbc.core.connection.ShardingSphereConnection shardingSphere;

    LayerConnection(Connection delegate, Constructs constructs) {
        this(delegate, constructs, null);
    }

    LayerConnection(Connection delegate, Constructs constructs, OneShardRouter router) {
        this.delegate = delegate;
        this.constructs = constructs;
        this.router = router;
    }

    /** ShardingSphere's logical connection behind this one. */
    org.apache.shardingsphere.driver.jdbc.core.connection.ShardingSphereConnection shardingSphere() throws SQLException {
        if (shardingSphere == null) {
            shardingSphere = delegate.unwrap(org.apache.shardingsphere.driver.jdbc.core.connection.ShardingSphereConnection.class);
        }
        return shardingSphere;
    }

    /** The single-shard plan of {@code sql} if it has one (or is refused on every path); else null. */
    private OneShardPlan onShard(String sql) {
        if (router == null || sql == null) {
            return null;
        }
        OneShardPlan plan = router.plans.plan(sql);
        return plan.fallback == null ? plan : null;
    }

    @Override
    public PreparedStatement prepareStatement(String a0) throws SQLException {
        OneShardPlan plan = onShard(a0);
        if (plan != null) {
            return new OneShardStatement(this, router, plan, a0, 0, 0, null, null, null);
        }
        try {
            CopyStatements.refuse(a0);
            return delegate.prepareStatement(a0);
        } catch (RuntimeException | SQLException e) {
            constructs.refuse(e, a0);
            throw e;
        }
    }

    @Override
    public PreparedStatement prepareStatement(String a0, int a1, int a2) throws SQLException {
        OneShardPlan plan = onShard(a0);
        if (plan != null) {
            return new OneShardStatement(this, router, plan, a0, 4, 0, null, null, new int[] {a1, a2});
        }
        try {
            CopyStatements.refuse(a0);
            return delegate.prepareStatement(a0, a1, a2);
        } catch (RuntimeException | SQLException e) {
            constructs.refuse(e, a0);
            throw e;
        }
    }

    @Override
    public PreparedStatement prepareStatement(String a0, int a1, int a2, int a3) throws SQLException {
        OneShardPlan plan = onShard(a0);
        if (plan != null) {
            return new OneShardStatement(this, router, plan, a0, 4, 0, null, null, new int[] {a1, a2, a3});
        }
        try {
            CopyStatements.refuse(a0);
            return delegate.prepareStatement(a0, a1, a2, a3);
        } catch (RuntimeException | SQLException e) {
            constructs.refuse(e, a0);
            throw e;
        }
    }

    @Override
    public PreparedStatement prepareStatement(String a0, int a1) throws SQLException {
        OneShardPlan plan = onShard(a0);
        if (plan != null) {
            return new OneShardStatement(this, router, plan, a0, 1, a1, null, null, null);
        }
        try {
            CopyStatements.refuse(a0);
            return delegate.prepareStatement(a0, a1);
        } catch (RuntimeException | SQLException e) {
            constructs.refuse(e, a0);
            throw e;
        }
    }

    @Override
    public PreparedStatement prepareStatement(String a0, int[] a1) throws SQLException {
        OneShardPlan plan = onShard(a0);
        if (plan != null) {
            return new OneShardStatement(this, router, plan, a0, 2, 0, a1, null, null);
        }
        try {
            CopyStatements.refuse(a0);
            return delegate.prepareStatement(a0, a1);
        } catch (RuntimeException | SQLException e) {
            constructs.refuse(e, a0);
            throw e;
        }
    }

    @Override
    public PreparedStatement prepareStatement(String a0, String[] a1) throws SQLException {
        OneShardPlan plan = onShard(a0);
        if (plan != null) {
            return new OneShardStatement(this, router, plan, a0, 3, 0, null, a1, null);
        }
        try {
            CopyStatements.refuse(a0);
            return delegate.prepareStatement(a0, a1);
        } catch (RuntimeException | SQLException e) {
            constructs.refuse(e, a0);
            throw e;
        }
    }

    @Override
    public Statement createStatement() throws SQLException {
        return new LayerStatement(delegate.createStatement(), this);
    }

    @Override
    public Statement createStatement(int a0, int a1) throws SQLException {
        return new LayerStatement(delegate.createStatement(a0, a1), this);
    }

    @Override
    public Statement createStatement(int a0, int a1, int a2) throws SQLException {
        return new LayerStatement(delegate.createStatement(a0, a1, a2), this);
    }

    @Override
    public void commit() throws SQLException {
        try {
            delegate.commit();
        } catch (SQLException e) {
            throw unchain(e);
        }
    }

    @Override
    public void rollback() throws SQLException {
        try {
            delegate.rollback();
        } catch (SQLException e) {
            throw unchain(e);
        }
    }

    @Override
    public void rollback(Savepoint a0) throws SQLException {
        try {
            delegate.rollback(a0);
        } catch (SQLException e) {
            throw unchain(e);
        }
    }

    @Override
    public void setAutoCommit(boolean a0) throws SQLException {
        try {
            delegate.setAutoCommit(a0);
        } catch (SQLException e) {
            throw unchain(e);
        }
    }

    /**
     * ShardingSphere runs commit, rollback and auto-commit changes on every shard connection and throws one
     * {@code SQLException} with an empty message whose {@link SQLException#getNextException() next exceptions} are
     * the connections' failures. Returns the failure the caller should see: the layer's own exception in the chain
     * (a {@link RefusedStatementException}, a {@link ShardUnavailableException}), else the first chained failure; the
     * other chained failures are added as suppressed. Any other exception is returned unchanged.
     */
    static SQLException unchain(SQLException e) {
        if (e.getClass() != SQLException.class || (e.getMessage() != null && !e.getMessage().isEmpty())
                || e.getNextException() == null) {
            return e;
        }
        SQLException chosen = null;
        for (SQLException next = e.getNextException(); next != null; next = next.getNextException()) {
            if (next instanceof RefusedStatementException || next instanceof ShardUnavailableException) {
                chosen = next;
                break;
            }
        }
        if (chosen == null) {
            chosen = e.getNextException();
        }
        int depth = 0;
        for (SQLException next = e.getNextException(); next != null && depth < 64; next = next.getNextException()) {
            depth++;
            if (next != chosen && !(next.getClass() == chosen.getClass()
                    && Objects.equals(next.getMessage(), chosen.getMessage()))) {
                chosen.addSuppressed(next);
            }
        }
        return chosen;
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
    public String toString() {
        return delegate.toString();
    }

    @Override
    public CallableStatement prepareCall(String a0) throws SQLException {
        return delegate.prepareCall(a0);
    }

    @Override
    public String nativeSQL(String a0) throws SQLException {
        return delegate.nativeSQL(a0);
    }

    @Override
    public boolean getAutoCommit() throws SQLException {
        return delegate.getAutoCommit();
    }

    @Override
    public void close() throws SQLException {
        delegate.close();
    }

    @Override
    public boolean isClosed() throws SQLException {
        return delegate.isClosed();
    }

    @Override
    public DatabaseMetaData getMetaData() throws SQLException {
        return delegate.getMetaData();
    }

    @Override
    public void setReadOnly(boolean a0) throws SQLException {
        delegate.setReadOnly(a0);
    }

    @Override
    public boolean isReadOnly() throws SQLException {
        return delegate.isReadOnly();
    }

    @Override
    public void setCatalog(String a0) throws SQLException {
        delegate.setCatalog(a0);
    }

    @Override
    public String getCatalog() throws SQLException {
        return delegate.getCatalog();
    }

    @Override
    public void setTransactionIsolation(int a0) throws SQLException {
        delegate.setTransactionIsolation(a0);
    }

    @Override
    public int getTransactionIsolation() throws SQLException {
        return delegate.getTransactionIsolation();
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
    public CallableStatement prepareCall(String a0, int a1, int a2) throws SQLException {
        return delegate.prepareCall(a0, a1, a2);
    }

    @Override
    public Map<String, Class<?>> getTypeMap() throws SQLException {
        return delegate.getTypeMap();
    }

    @Override
    public void setTypeMap(Map<String, Class<?>> a0) throws SQLException {
        delegate.setTypeMap(a0);
    }

    @Override
    public void setHoldability(int a0) throws SQLException {
        delegate.setHoldability(a0);
    }

    @Override
    public int getHoldability() throws SQLException {
        return delegate.getHoldability();
    }

    @Override
    public Savepoint setSavepoint() throws SQLException {
        return delegate.setSavepoint();
    }

    @Override
    public Savepoint setSavepoint(String a0) throws SQLException {
        return delegate.setSavepoint(a0);
    }

    @Override
    public void releaseSavepoint(Savepoint a0) throws SQLException {
        delegate.releaseSavepoint(a0);
    }

    @Override
    public CallableStatement prepareCall(String a0, int a1, int a2, int a3) throws SQLException {
        return delegate.prepareCall(a0, a1, a2, a3);
    }

    @Override
    public Clob createClob() throws SQLException {
        return delegate.createClob();
    }

    @Override
    public Blob createBlob() throws SQLException {
        return delegate.createBlob();
    }

    @Override
    public NClob createNClob() throws SQLException {
        return delegate.createNClob();
    }

    @Override
    public SQLXML createSQLXML() throws SQLException {
        return delegate.createSQLXML();
    }

    @Override
    public boolean isValid(int a0) throws SQLException {
        return delegate.isValid(a0);
    }

    @Override
    public void setClientInfo(String a0, String a1) throws SQLClientInfoException {
        delegate.setClientInfo(a0, a1);
    }

    @Override
    public void setClientInfo(Properties a0) throws SQLClientInfoException {
        delegate.setClientInfo(a0);
    }

    @Override
    public String getClientInfo(String a0) throws SQLException {
        return delegate.getClientInfo(a0);
    }

    @Override
    public Properties getClientInfo() throws SQLException {
        return delegate.getClientInfo();
    }

    @Override
    public Array createArrayOf(String a0, Object[] a1) throws SQLException {
        try {
            return delegate.createArrayOf(a0, a1);
        } catch (java.sql.SQLFeatureNotSupportedException e) {
            throw new java.sql.SQLFeatureNotSupportedException("createArrayOf is not supported by ShardingSphere 5.5.2's"
                    + " connection; bind the Java array itself (setObject(i, new Long[] {...})); for a shard key write"
                    + " user_id IN (?, ?, ...) instead of = ANY(?), which cannot be routed", e.getSQLState(), e);
        }
    }

    @Override
    public Struct createStruct(String a0, Object[] a1) throws SQLException {
        return delegate.createStruct(a0, a1);
    }

    @Override
    public void setSchema(String a0) throws SQLException {
        delegate.setSchema(a0);
    }

    @Override
    public String getSchema() throws SQLException {
        return delegate.getSchema();
    }

    @Override
    public void abort(Executor a0) throws SQLException {
        delegate.abort(a0);
    }

    @Override
    public void setNetworkTimeout(Executor a0, int a1) throws SQLException {
        delegate.setNetworkTimeout(a0, a1);
    }

    @Override
    public int getNetworkTimeout() throws SQLException {
        return delegate.getNetworkTimeout();
    }
}
