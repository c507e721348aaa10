package com.skyriff.data.health.internal;

import com.skyriff.data.internal.ForwardingConnection;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;

/**
 * A node's pooled connection as ShardingSphere sees it (ShardingSphere keeps it for the life of the logical
 * connection). Every call goes straight to the pool's connection ({@link ForwardingConnection}), every failure passes
 * {@link #failed}, and statements are wrapped in {@link NodeStatement}s and {@link NodePreparedStatement}s that only
 * look at failures. Besides:
 * <ul>
 * <li>(Primaries) {@code commit}, {@code rollback} and {@code setAutoCommit(true)} tell the runtime that the calling
 * thread's transaction ended on this shard (read-your-writes and cross-shard write tracking), and a commit becomes a
 * rollback when the transaction turns out to have written several shards under {@code cross-shard-transactions:
 * refuse}.</li>
 * <li>(Primaries) When the connection is lost under a statement, commit or rollback (SQLState class {@code 08},
 * {@code 57P01} to {@code 57P03}: the primary died, restarted or shut down), the caller gets a
 * {@code ShardUnavailableException} naming the shard and node instead of the driver's error, and the node is marked
 * down so the next request to the shard fails fast (not for a socket timeout: the checks decide then).</li>
 * <li>(Replicas) A read that fails with a connection-class error (the replica died, or did not answer within
 * {@code health.read-timeout-ms}) takes the replica out of the rotation until its next good check, and the statement
 * retries it once, outside a transaction, on another usable replica or the primary ({@link NodeStatement}). While the
 * replica is known down, the next statement moves to such a node at once instead of waiting on it.</li>
 * <li>(Both) A physical connection that is gone, lost or closed under us by the pool (HikariCP evicts a connection
 * after a fatal SQLState such as {@code 0A000}, and its proxy then answers every call with {@code Connection is
 * closed}), is noticed: outside a transaction the next statement takes a new physical connection from the pool (with
 * the auto-commit, read-only and isolation settings made through this wrapper; other session settings are not
 * replayed); inside one, statements are refused with a message saying the transaction's work is lost until the caller
 * rolls back (a rollback succeeds: the server already rolled it back) or commits (which fails).</li>
 * </ul>
 * Not thread-safe (a JDBC connection).
 */
final class NodeConnection extends ForwardingConnection {
    private final NodeDataSource source;
    private final HealthRuntime runtime;
    private final NodeState state;
    private final int shard;
    private final boolean primary;
    /** The node the current physical connection belongs to: a replica's connection may move to another node. */
    private NodeState physical;
    /** The current physical connection was closed by the pool (not lost with its node). */
    private boolean evicted;
    /** Counts physical connections: a statement made on an earlier one is stale. */
    private int generation;
    /** Why the current physical connection was lost; null while it works. */
    private SQLException lost;
    /** The connection was lost inside a transaction that has not been rolled back or committed yet. */
    private boolean transactionLost;
    private boolean closed;
    private boolean autoCommit;
    private Boolean readOnly;
    private Integer isolation;

    NodeConnection(Connection delegate, NodeDataSource source, HealthRuntime runtime, NodeState state,
                   boolean autoCommit) {
        super(delegate);
        this.source = source;
        this.runtime = runtime;
        this.state = state;
        this.shard = state.shard;
        this.primary = state.primary;
        this.physical = state;
        this.autoCommit = autoCommit;
    }

    /** The node data source this connection came from. */
    NodeDataSource source() {
        return source;
    }

    /** The node's name, for messages. */
    String node() {
        return state.name;
    }

    // ---- connection loss ----

    /** What became of an open transaction, for messages (the failure path only). */
    private String txLost() {
        return "; this transaction's work on " + runtime.shardName(state) + " is lost: roll back, then retry";
    }

    private String notCommitted() {
        return "; this transaction was not committed on " + runtime.shardName(state) + " (its work was lost with the"
                + " connection)";
    }

    private String commitUnknown() {
        return "; whether this commit reached " + runtime.shardName(state) + " is unknown";
    }

    /**
     * The exception the caller sees for {@code e}, a failure of this connection or of a statement made on its
     * physical connection number {@code statementGeneration}: {@code e} itself unless it means the connection is
     * gone; then a {@code ShardUnavailableException}, and the first such failure of a physical connection marks it
     * lost (and the node down).
     */
    SQLException failed(SQLException e, int statementGeneration) {
        if (closed) {
            return e;
        }
        if (HealthRuntime.isFence(e)) {
            return runtime.fenced(e, state);
        }
        if (!HealthRuntime.isConnectionLoss(e)) {
            if (lost == null && statementGeneration == generation && delegateClosed()) {
                // the pool closed it under us (HikariCP evicts on 0A000, 57P0x, ...): not the node's failure
                lost = e;
                evicted = true;
                transactionLost = !autoCommit;
            }
            return e;
        }
        if (!primary) {
            if (lost == null && statementGeneration == generation) {
                lost = e;
                transactionLost = !autoCommit;
                runtime.replicaFailed(physical, e);
            }
            return e;
        }
        if (lost == null && statementGeneration == generation) {
            lost = e;
            transactionLost = !autoCommit;
            runtime.connectionLost(state, e);
        }
        return runtime.primaryLost(state, lost != null ? lost : e, transactionLost ? txLost() : "");
    }

    /** The failure for a statement while the physical connection is lost: typed for the node, or for the pool. */
    private SQLException lostError(String consequence) {
        if (evicted || !primary) {
            return runtime.connectionClosed(physical, lost, consequence);
        }
        return runtime.primaryLost(state, lost, consequence);
    }

    private boolean delegateClosed() {
        try {
            return delegate.isClosed();
        } catch (SQLException | RuntimeException e) {
            return true;
        }
    }

    /**
     * Whether a read that failed with {@code e} on a statement of this connection is retried once elsewhere: a
     * replica's connection, outside a transaction, and a connection-class failure (the replica died or did not answer
     * within {@code health.read-timeout-ms}).
     */
    boolean retryable(SQLException e) {
        return !primary && autoCommit && !closed && HealthRuntime.isConnectionLoss(e);
    }

    /**
     * A pooled connection of another usable replica of the shard, or of its primary, for the one retry of a read that
     * failed here with {@code cause}; the caller closes it.
     */
    Connection retryConnection(SQLException cause) throws SQLException {
        try {
            return runtime.readFallback(physical, cause).rawConnection();
        } catch (SQLException e) {
            e.addSuppressed(cause);
            throw e;
        }
    }

    /** Whether statements made on physical connection number {@code statementGeneration} can no longer be used. */
    boolean stale(int statementGeneration) {
        return statementGeneration != generation || lost != null;
    }

    /** The physical connection for a new statement; replaces a lost one first. */
    private Connection live() throws SQLException {
        if (lost == null && (!physical.up && !primary && autoCommit || delegate.isClosed())) {
            // closed by the pool without a failure we saw, or a replica known down: do not wait on it
            lost = new SQLException(physical.name + " - connection closed by its pool", "08003");
            evicted = physical.up;
            transactionLost = !autoCommit;
        }
        if (lost != null) {
            replace();
        }
        return delegate;
    }

    private void replace() throws SQLException {
        if (transactionLost) {
            throw lostError(txLost());
        }
        NodeState target = state;
        Connection fresh;
        if (primary) {
            fresh = source.primaryConnection(source.pool());
        } else {
            NodeDataSource ds = state.up ? source : runtime.readFallback(state, lost);
            try {
                fresh = ds.rawConnection();
            } catch (SQLException e) {
                if (ds != source || !NodeDataSource.cannotConnect(e)) {
                    throw e;
                }
                runtime.suspect(state, e);
                ds = runtime.readFallback(state, e);
                fresh = ds.rawConnection();
            }
            target = ds.state();
        }
        try {
            if (fresh.getAutoCommit() != autoCommit) {
                fresh.setAutoCommit(autoCommit);
            }
            if (readOnly != null) {
                fresh.setReadOnly(readOnly);
            }
            if (isolation != null) {
                fresh.setTransactionIsolation(isolation);
            }
        } catch (SQLException | RuntimeException e) {
            closeQuietly(fresh);
            throw e;
        }
        closeQuietly(delegate);
        delegate = fresh;
        physical = target;
        lost = null;
        evicted = false;
        generation++;
    }

    private static void closeQuietly(Connection c) {
        try {
            c.close();
        } catch (SQLException | RuntimeException e) {
            // a lost connection: the pool has evicted it already
        }
    }

    // ---- transactions ----

    @Override
    public void commit() throws SQLException {
        if (lost != null) {
            boolean wasOpen = transactionLost;
            transactionLost = false;
            rolledBack();
            if (wasOpen) {
                throw lostError(notCommitted());
            }
            return;
        }
        if (!primary) {
            try {
                delegate.commit();
            } catch (SQLException e) {
                throw failed(e, generation);
            }
            return;
        }
        long refused = runtime.beforeCommit();
        if (refused != 0) {
            delegate.rollback();
            runtime.rolledBack(shard);
            throw runtime.refusedCommit(refused);
        }
        try {
            delegate.commit();
        } catch (SQLException e) {
            if (failed(e, generation) == e) {
                throw e;
            }
            transactionLost = false;
            runtime.committed(shard);   // it may have committed: read-your-writes keeps the session on the primary
            throw lostError(commitUnknown());
        }
        runtime.committed(shard);
    }

    @Override
    public void rollback() throws SQLException {
        if (lost == null) {
            try {
                delegate.rollback();
            } catch (SQLException e) {
                if (failed(e, generation) == e) {
                    throw e;
                }
                // the connection is gone, and the server rolled back whatever was open on it
            }
        }
        transactionLost = false;
        rolledBack();
    }

    private void rolledBack() {
        if (primary) {
            runtime.rolledBack(shard);
        }
    }

    @Override
    public void rollback(Savepoint savepoint) throws SQLException {
        if (lost != null) {
            throw lostError(transactionLost ? txLost() : "");
        }
        try {
            delegate.rollback(savepoint);
        } catch (SQLException e) {
            throw failed(e, generation);
        }
    }

    @Override
    public void setAutoCommit(boolean on) throws SQLException {
        boolean wasManual = !autoCommit;
        if (lost != null) {
            autoCommit = on;
            if (on && wasManual) {
                boolean wasOpen = transactionLost;
                transactionLost = false;
                rolledBack();
                if (wasOpen) {
                    throw lostError(notCommitted());
                }
            }
            return;
        }
        if (on && wasManual && primary) {
            long refused = runtime.beforeCommit();
            if (refused != 0) {
                delegate.rollback();
                runtime.rolledBack(shard);
                delegate.setAutoCommit(true);
                autoCommit = true;
                throw runtime.refusedCommit(refused);
            }
        }
        try {
            delegate.setAutoCommit(on);
        } catch (SQLException e) {
            if (failed(e, generation) == e) {
                throw e;
            }
            autoCommit = on;
            if (!primary) {
                transactionLost = false;
                throw e;
            }
            if (on && wasManual) {
                transactionLost = false;
                runtime.committed(shard);
                throw lostError(commitUnknown());
            }
            throw lostError(transactionLost ? txLost() : "");
        }
        autoCommit = on;
        if (on && wasManual && primary) {
            runtime.committed(shard);   // JDBC: switching auto-commit on commits the open transaction
        }
    }

    @Override
    public boolean getAutoCommit() {
        return autoCommit;
    }

    @Override
    public void setReadOnly(boolean readOnly) throws SQLException {
        if (lost == null) {
            delegate.setReadOnly(readOnly);
        }
        this.readOnly = readOnly;
    }

    @Override
    public void setTransactionIsolation(int level) throws SQLException {
        if (lost == null) {
            delegate.setTransactionIsolation(level);
        }
        isolation = level;
    }

    // ---- statements ----

    @Override
    protected SQLException translate(SQLException e) {
        return failed(e, generation);
    }

    /** A new statement is made on the live physical connection: a lost one is replaced first. */
    @Override
    protected Connection forStatements() throws SQLException {
        return live();
    }

    @Override
    protected Statement statement(Statement statement) {
        return new NodeStatement(statement, this, generation);
    }

    @Override
    protected PreparedStatement prepared(PreparedStatement statement, String sql) {
        return new NodePreparedStatement(statement, this, generation, primary ? null : sql);
    }

    // ---- life cycle ----

    @Override
    public void close() throws SQLException {
        closed = true;
        delegate.close();
    }

    /** Closed once {@link #close()} was called; a lost or evicted physical connection is replaced when next used. */
    @Override
    public boolean isClosed() throws SQLException {
        return closed;
    }

    @Override
    public boolean isValid(int timeout) throws SQLException {
        return lost == null && delegate.isValid(timeout);
    }
}
