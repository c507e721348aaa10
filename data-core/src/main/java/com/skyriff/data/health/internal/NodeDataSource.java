package com.skyriff.data.health.internal;

import com.skyriff.data.rules.NodeSpec;
import com.skyriff.data.internal.ForwardingConnection;
import com.zaxxer.hikari.HikariDataSource;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Statement;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * One node's pool as ShardingSphere sees it. For a primary: fails at once with a {@code ShardUnavailableException}
 * naming the shard while the checks see it down, turns a failed connection attempt into one, and wraps connections in
 * {@link NodeConnection} (which turns the loss of an open connection into one too). For a replica: a connection
 * attempt that fails takes the replica out of the rotation and the read goes to another usable replica or the primary
 * instead (also when its pool timed out waiting for a connection: a hung replica), so a replica's death costs no
 * request past the pool's connection timeout, and a replica known down is never waited on; its connections are
 * wrapped in {@link NodeConnection} too, which retries a read that fails there once elsewhere. The pool behind it can
 * be swapped when a reloaded rules file moves the node. Thread-safe.
 *
 * <p>The getters ({@link #getJdbcUrl()}, {@link #getUsername()}) are read by ShardingSphere's storage-unit metadata;
 * there is deliberately no password getter.
 */
public final class NodeDataSource implements DataSource {
    /** A connection {@link #lend} hands to the next {@link #getConnection()} of its node on this thread; else null. */
    private static final ThreadLocal<NodeConnection> LENT = new ThreadLocal<>();
    private final HealthRuntime runtime;
    private final NodeState state;
    private volatile HikariDataSource pool;

    NodeDataSource(HealthRuntime runtime, NodeState state, HikariDataSource pool) {
        this.runtime = runtime;
        this.state = state;
        this.pool = pool;
    }

    /** The runtime this node belongs to (the guard finds its runtime through ShardingSphere's data sources). */
    public HealthRuntime runtime() {
        return runtime;
    }

    /** The current pool. */
    public HikariDataSource pool() {
        return pool;
    }

    HikariDataSource swap(HikariDataSource next) {
        HikariDataSource old = pool;
        pool = next;
        return old;
    }

    /** What {@link #lend} runs: a call that takes one connection of the lent connection's node. */
    @FunctionalInterface
    public interface Borrower {
        Connection borrow() throws SQLException;
    }

    /**
     * Runs {@code borrower}, during which the first {@link #getConnection()} of {@code connection}'s node on this
     * thread answers a view of {@code connection} instead of a new pooled one: the view forwards everything (statements,
     * auto-commit, commit, rollback, savepoints) but its {@code close()} leaves {@code connection} open, for its owner to
     * close. This is how a transaction begun on a node connection of the layer is handed to ShardingSphere's connection
     * manager (which then commits it with the rest). Returns what {@code borrower} returned.
     *
     * @throws IllegalStateException if {@code connection} is not one of this runtime's node connections, or the
     *                               borrower did not take it (its connection manager already held one of the node)
     */
    public static Connection lend(Connection connection, Borrower borrower) throws SQLException {
        if (!(connection instanceof NodeConnection node)) {
            throw new IllegalStateException("lend: not a node connection of the layer: " + connection);
        }
        LENT.set(node);
        try {
            Connection got = borrower.borrow();
            if (LENT.get() != null) {
                throw new IllegalStateException("lend: " + node.node() + " - the borrower already held a connection of"
                        + " the node, so the transaction would run on two connections; not lent");
            }
            return got;
        } finally {
            LENT.remove();
        }
    }

    @Override
    public Connection getConnection() throws SQLException {
        NodeConnection lent = LENT.get();
        if (lent != null && lent.source() == this) {
            LENT.remove();
            return new LentConnection(lent);
        }
        if (state.primary) {
            HikariDataSource p = pool;
            return new NodeConnection(primaryConnection(p), this, runtime, state, p.isAutoCommit());
        }
        SQLException failure = null;
        if (state.up) {
            HikariDataSource p = pool;
            try {
                return new NodeConnection(p.getConnection(), this, runtime, state, p.isAutoCommit());
            } catch (SQLException e) {
                if (!cannotConnect(e)) {
                    throw e;
                }
                runtime.suspect(state, e);
                failure = e;
            }
        }
        return runtime.readFallback(state, failure).getConnection();
    }

    /**
     * Whether a failed {@code getConnection()} of a pool means its node cannot be reached: a connection-class error,
     * or the pool's own timeout while waiting for a connection (a hung node that accepts TCP but never answers).
     */
    static boolean cannotConnect(SQLException e) {
        return e instanceof java.sql.SQLTransientConnectionException || HealthRuntime.isConnectFailure(e);
    }

    /** What the checks know about this node. */
    NodeState state() {
        return state;
    }

    /** A pooled connection of this node, unwrapped (a primary's fails at once while it is down). */
    Connection rawConnection() throws SQLException {
        HikariDataSource p = pool;
        if (state.primary) {
            return primaryConnection(p);
        }
        try {
            return p.getConnection();
        } catch (SQLException e) {
            if (cannotConnect(e)) {
                runtime.suspect(state, e);
            }
            throw e;
        }
    }

    /**
     * A pooled connection of this primary (unwrapped): fails at once while the primary is down, and takes it out when
     * the connection attempt fails. Also used by {@link NodeConnection} to replace a lost connection.
     */
    Connection primaryConnection(HikariDataSource p) throws SQLException {
        if (!state.up) {
            throw runtime.primaryUnavailable(state, null);
        }
        try {
            return p.getConnection();
        } catch (SQLException e) {
            if (HealthRuntime.isConnectFailure(e)) {
                runtime.suspect(state, e);
                throw runtime.primaryUnavailable(state, e);
            }
            throw e;
        }
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        throw new SQLFeatureNotSupportedException(state.name + ": connections use the credentials of the rules");
    }

    /** The node's JDBC URL with any {@code password=} masked (for ShardingSphere's metadata). */
    public String getJdbcUrl() {
        return NodeSpec.maskUrl(pool.getJdbcUrl());
    }

    /** Same as {@link #getJdbcUrl()}. */
    public String getUrl() {
        return getJdbcUrl();
    }

    public String getUsername() {
        return pool.getUsername();
    }

    @Override
    public PrintWriter getLogWriter() throws SQLException {
        return pool.getLogWriter();
    }

    @Override
    public void setLogWriter(PrintWriter out) throws SQLException {
        pool.setLogWriter(out);
    }

    @Override
    public void setLoginTimeout(int seconds) throws SQLException {
        pool.setLoginTimeout(seconds);
    }

    @Override
    public int getLoginTimeout() throws SQLException {
        return pool.getLoginTimeout();
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        throw new SQLFeatureNotSupportedException("java.util.logging is not used");
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        return iface.isInstance(this) ? iface.cast(this) : pool.unwrap(iface);
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) throws SQLException {
        return iface.isInstance(this) || pool.isWrapperFor(iface);
    }

    /**
     * A {@link NodeConnection} as its borrower sees it: every call forwarded, statements as the node connection makes
     * them, but closing it leaves the node connection to its owner. Not thread-safe (a JDBC connection).
     */
    private static final class LentConnection extends ForwardingConnection {
        private boolean closed;

        LentConnection(NodeConnection owner) {
            super(owner);
        }

        @Override
        protected Statement statement(Statement statement) {
            return statement;
        }

        @Override
        protected PreparedStatement prepared(PreparedStatement statement, String sql) {
            return statement;
        }

        @Override
        public void close() {
            closed = true;
        }

        @Override
        public boolean isClosed() throws SQLException {
            return closed || delegate.isClosed();
        }
    }

    @Override
    public String toString() {
        return "NodeDataSource[" + state.name + (state.up ? "" : ", down") + "]";
    }
}
