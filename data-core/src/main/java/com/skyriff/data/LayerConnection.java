package com.skyriff.data;

import com.skyriff.data.guard.RefusedStatementException;
import com.skyriff.data.guard.internal.Constructs;
import com.skyriff.data.guard.internal.CopyStatements;
import com.skyriff.data.health.ShardUnavailableException;
import com.skyriff.data.internal.ForwardingConnection;
import java.sql.Array;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.Objects;
import javax.sql.DataSource;
import org.apache.shardingsphere.driver.jdbc.core.connection.ShardingSphereConnection;

/**
 * A connection of the layer's data source. On the single-shard path it runs statements on the chosen node's pooled
 * connection itself; ShardingSphere's logical connection behind it is opened only when something needs it (a statement
 * the single-shard path does not take, a plain {@code Statement}, a savepoint, a catalog query, {@code unwrap}), so an
 * operation whose statements all stay on one shard never creates one.
 * <ul>
 * <li>Node connections: one per node it has used, held until it is closed (as ShardingSphere's connection holds
 * them), opened through the node's health wrapper ({@code NodeDataSource}: {@code ShardUnavailableException},
 * replica hand-over, read-your-writes and cross-shard accounting at commit). Read-only and isolation settings made
 * here are applied to each of them and to ShardingSphere's connection.</li>
 * <li>Transactions ({@code setAutoCommit(false)}): begun on a node connection at its first statement there (a shard's
 * primary: the router sends every statement of a transaction there). A statement on another shard's primary joins
 * the same logical transaction on that primary's connection; the rules' {@code cross-shard-transactions} decide
 * whether it may write there ({@code refuse}: refused naming both shards). Commit and rollback end every node's
 * part. Once ShardingSphere's connection exists (a statement only ShardingSphere runs, a savepoint), it takes the
 * transaction over: the node connections this transaction began on are lent to its connection manager, so its
 * statements on those nodes run in the same transaction, and from then on commit, rollback and auto-commit go through
 * it, as they always do when the single-shard path is off. No statement of a transaction runs in another one.</li>
 * <li>A statement that ShardingSphere 5.5.2 rejects inside its parser or binder with its own error ({@code LATERAL},
 * {@code SKIP LOCKED}, {@code UPDATE ... FROM}, {@code DELETE ... USING} on a sharded table) fails with a
 * {@link RefusedStatementException} naming the construct and what to write instead ({@link Constructs}).</li>
 * <li>{@code COPY} is refused before it runs, with a message saying how to bulk-load per shard
 * ({@link CopyStatements}).</li>
 * <li>{@code commit}, {@code rollback} and {@code setAutoCommit} throw the layer's own exception (a cross-shard
 * refusal found at commit, a {@link ShardUnavailableException}) rather than ShardingSphere's empty-message
 * {@code SQLException} that chains one exception per shard connection.</li>
 * <li>{@code getMetaData()} answers a {@link LayerDatabaseMetaData}: the per-statement questions without a
 * connection.</li>
 * </ul>
 * A SQL text with a single-shard plan is prepared as a {@link OneShardStatement}; any other as ShardingSphere's
 * prepared statement in a {@link LayerPreparedStatement}; plain statements are {@link LayerStatement}s. Every statement
 * it hands out answers {@code getConnection()} with this connection, and their result sets {@code getStatement()} with
 * the statement. {@code unwrap(ShardingSphereConnection.class)} returns ShardingSphere's connection. Not thread-safe (a
 * JDBC connection).
 */
final class LayerConnection extends ForwardingConnection {
    final Constructs constructs;
    /** The single-shard path of this connection's generation; null when the rules turn it off. */
    final OneShardRouter router;
    /** Where ShardingSphere's connection comes from; null when it was given already opened. */
    private final DataSource source;
    private ShardingSphereConnection shardingSphere;
    /** The node connections this connection opened, by node name ({@code held} of them). */
    private String[] names = new String[2];
    private Connection[] nodes = new Connection[2];
    /** Per node connection: auto-commit is off on it for this connection's transaction (and ours to end). */
    private boolean[] manual = new boolean[2];
    private int held;
    private boolean autoCommit = true;
    /** As set on this connection; null while never set (each connection keeps its pool's default). */
    private Boolean readOnly;
    private Integer isolation;
    private boolean closed;
    private LayerDatabaseMetaData metaData;

    /** A connection that opens ShardingSphere's connection from {@code source} when it needs one. */
    LayerConnection(DataSource source, Constructs constructs, OneShardRouter router) {
        super(null);
        this.source = source;
        this.constructs = constructs;
        this.router = router;
    }

    /** A connection over ShardingSphere's connection {@code opened} (opened with credentials of the caller's). */
    LayerConnection(Connection opened, Constructs constructs, OneShardRouter router) throws SQLException {
        super(opened);
        this.source = null;
        this.constructs = constructs;
        this.router = router;
        this.shardingSphere = opened.unwrap(ShardingSphereConnection.class);
    }

    /**
     * ShardingSphere's logical connection behind this one, opened on first use with this connection's settings; inside
     * a transaction the node connections it has begun are lent to it ({@link OneShardRouter#lend}), so it continues
     * the transaction rather than beginning another on those nodes.
     */
    ShardingSphereConnection shardingSphere() throws SQLException {
        if (shardingSphere == null) {
            checkOpen();
            Connection c = source.getConnection();
            try {
                ShardingSphereConnection ss = c.unwrap(ShardingSphereConnection.class);
                if (readOnly != null) {
                    c.setReadOnly(readOnly);
                }
                if (isolation != null) {
                    c.setTransactionIsolation(isolation);
                }
                if (!autoCommit) {
                    c.setAutoCommit(false);
                    for (int i = 0; i < held; i++) {
                        if (manual[i]) {
                            router.lend(ss, names[i], nodes[i]);
                            manual[i] = false;   // its connection manager ends the transaction now
                        }
                    }
                }
                delegate = c;
                shardingSphere = ss;
            } catch (SQLException | RuntimeException e) {
                closeQuietly(c, e);
                throw e;
            }
        }
        return shardingSphere;
    }

    /** Whether ShardingSphere's connection has been opened behind this one (for tests and diagnostics). */
    boolean holdsShardingSphereConnection() {
        return shardingSphere != null;
    }

    /**
     * The connection a single-shard statement for {@code node} (a name {@link OneShardRouter#node} chose) runs on: this
     * connection's own connection of the node, opened on first use; in a transaction with auto-commit turned off on
     * it; once ShardingSphere's connection holds the transaction, its connection of the node.
     */
    Connection node(String node) throws SQLException {
        checkOpen();
        if (!autoCommit && shardingSphere != null) {
            return router.physical(shardingSphere, node);
        }
        int i = indexOf(node);
        if (i < 0) {
            i = open(node);
        }
        if (!autoCommit && !manual[i]) {
            nodes[i].setAutoCommit(false);
            manual[i] = true;
        }
        return nodes[i];
    }

    private int indexOf(String node) {
        for (int i = 0; i < held; i++) {
            if (names[i] == node || names[i].equals(node)) {
                return i;
            }
        }
        return -1;
    }

    private int open(String node) throws SQLException {
        Connection c = router.open(node);
        try {
            if (readOnly != null) {
                c.setReadOnly(readOnly);
            }
            if (isolation != null) {
                c.setTransactionIsolation(isolation);
            }
        } catch (SQLException | RuntimeException e) {
            closeQuietly(c, e);
            throw e;
        }
        if (held == names.length) {
            names = Arrays.copyOf(names, held * 2);
            nodes = Arrays.copyOf(nodes, held * 2);
            manual = Arrays.copyOf(manual, held * 2);
        }
        names[held] = node;
        nodes[held] = c;
        manual[held] = false;
        return held++;
    }

    private static void closeQuietly(Connection c, Exception cause) {
        try {
            c.close();
        } catch (SQLException | RuntimeException e) {
            cause.addSuppressed(e);
        }
    }

    private void checkOpen() throws SQLException {
        if (closed) {
            throw new SQLException("connection is closed", "08003");
        }
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
    protected Connection target() throws SQLException {
        shardingSphere();
        return delegate;
    }

    @Override
    protected Connection forStatements() throws SQLException {
        return target();
    }

    @Override
    protected SQLException translate(SQLException e) {
        return unchain(e);
    }

    @Override
    protected Statement statement(Statement statement) {
        return new LayerStatement(statement, this);
    }

    @Override
    protected PreparedStatement prepared(PreparedStatement statement, String sql) {
        return new LayerPreparedStatement(statement, this);
    }

    @Override
    public PreparedStatement prepareStatement(String sql) throws SQLException {
        return prepare(sql, OneShardStatement.PLAIN, 0, null, null, 0, 0, 0);
    }

    @Override
    public PreparedStatement prepareStatement(String sql, int autoGeneratedKeys) throws SQLException {
        return prepare(sql, OneShardStatement.KEYS, autoGeneratedKeys, null, null, 0, 0, 0);
    }

    @Override
    public PreparedStatement prepareStatement(String sql, int[] columnIndexes) throws SQLException {
        return prepare(sql, OneShardStatement.COLUMN_INDEXES, 0, columnIndexes, null, 0, 0, 0);
    }

    @Override
    public PreparedStatement prepareStatement(String sql, String[] columnNames) throws SQLException {
        return prepare(sql, OneShardStatement.COLUMN_NAMES, 0, null, columnNames, 0, 0, 0);
    }

    @Override
    public PreparedStatement prepareStatement(String sql, int resultSetType, int resultSetConcurrency)
            throws SQLException {
        return prepare(sql, OneShardStatement.RESULT_SET, 0, null, null, resultSetType, resultSetConcurrency, 0);
    }

    @Override
    public PreparedStatement prepareStatement(String sql, int resultSetType, int resultSetConcurrency,
                                              int resultSetHoldability) throws SQLException {
        return prepare(sql, OneShardStatement.RESULT_SET, 0, null, null, resultSetType, resultSetConcurrency,
                resultSetHoldability);
    }

    /**
     * {@code sql} prepared the way the caller asked ({@link OneShardStatement#prepare}): on the single-shard path if
     * it has a plan there, else as ShardingSphere's prepared statement, with {@code COPY} and the constructs
     * ShardingSphere rejects refused by name.
     */
    private PreparedStatement prepare(String sql, int variant, int autoGeneratedKeys, int[] columnIndexes,
                                      String[] columnNames, int type, int concurrency, int holdability)
            throws SQLException {
        OneShardPlan plan = onShard(sql);
        if (plan != null) {
            return new OneShardStatement(this, plan, sql, variant, autoGeneratedKeys, columnIndexes, columnNames,
                    type, concurrency, holdability);
        }
        PreparedStatement statement;
        try {
            CopyStatements.refuse(sql);
            statement = OneShardStatement.prepare(target(), sql, variant, autoGeneratedKeys, columnIndexes,
                    columnNames, type, concurrency, holdability);
        } catch (RuntimeException | SQLException e) {
            constructs.refuse(e, sql);
            throw e;
        }
        return prepared(statement, sql);
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

    // ---- transactions: on the node connections, or ShardingSphere's once it exists ----

    @Override
    public boolean getAutoCommit() throws SQLException {
        checkOpen();
        return autoCommit;
    }

    @Override
    public void setAutoCommit(boolean on) throws SQLException {
        checkOpen();
        if (on == autoCommit) {
            return;   // JDBC: a no-op when the mode does not change
        }
        SQLException failure = null;
        if (shardingSphere != null) {
            try {
                delegate.setAutoCommit(on);
            } catch (SQLException e) {
                failure = e;
            }
        }
        if (on) {
            for (int i = 0; i < held; i++) {
                if (manual[i]) {
                    manual[i] = false;
                    try {
                        nodes[i].setAutoCommit(true);   // commits this node's part
                    } catch (SQLException e) {
                        failure = chain(failure, e);
                    }
                }
            }
        }
        autoCommit = on;
        if (failure != null) {
            throw unchain(failure);
        }
    }

    @Override
    public void commit() throws SQLException {
        end(true);
    }

    @Override
    public void rollback() throws SQLException {
        end(false);
    }

    /** Commits or rolls back every part of the transaction: ShardingSphere's, and each node's this connection began. */
    private void end(boolean commit) throws SQLException {
        checkOpen();
        SQLException failure = null;
        if (shardingSphere != null) {
            try {
                if (commit) {
                    delegate.commit();
                } else {
                    delegate.rollback();
                }
            } catch (SQLException e) {
                failure = e;
            }
        }
        for (int i = 0; i < held; i++) {
            if (manual[i]) {
                try {
                    if (commit) {
                        nodes[i].commit();
                    } else {
                        nodes[i].rollback();
                    }
                } catch (SQLException e) {
                    failure = chain(failure, e);
                }
            }
        }
        if (failure != null) {
            throw unchain(failure);
        }
    }

    /** {@code e} added to {@code failure} as {@link #unchain} reads ShardingSphere's: one empty-message head. */
    private static SQLException chain(SQLException failure, SQLException e) {
        SQLException head = failure != null && failure.getClass() == SQLException.class
                && (failure.getMessage() == null || failure.getMessage().isEmpty()) && failure.getNextException() != null
                ? failure : null;
        if (head == null) {
            head = new SQLException("");
            if (failure != null) {
                head.setNextException(failure);
            }
        }
        head.setNextException(e);
        return failure == null ? e : head;
    }

    @Override
    public boolean isReadOnly() throws SQLException {
        checkOpen();
        return readOnly != null ? readOnly : shardingSphere != null && delegate.isReadOnly();
    }

    @Override
    public void setReadOnly(boolean on) throws SQLException {
        checkOpen();
        for (int i = 0; i < held; i++) {
            nodes[i].setReadOnly(on);
        }
        if (shardingSphere != null) {
            delegate.setReadOnly(on);
        }
        readOnly = on;
    }

    /**
     * The isolation set here; else that of a connection this one holds; else PostgreSQL's default, read committed
     * (the level a node connection starts with unless the server's {@code default_transaction_isolation} says
     * otherwise, which the first statement's connection then answers).
     */
    @Override
    public int getTransactionIsolation() throws SQLException {
        checkOpen();
        if (isolation != null) {
            return isolation;
        }
        if (held > 0) {
            return nodes[0].getTransactionIsolation();
        }
        return shardingSphere != null ? delegate.getTransactionIsolation() : Connection.TRANSACTION_READ_COMMITTED;
    }

    @Override
    public void setTransactionIsolation(int level) throws SQLException {
        checkOpen();
        for (int i = 0; i < held; i++) {
            nodes[i].setTransactionIsolation(level);
        }
        if (shardingSphere != null) {
            delegate.setTransactionIsolation(level);
        }
        isolation = level;
    }

    // ---- life cycle and connection-level calls that need no ShardingSphere connection ----

    @Override
    public void close() throws SQLException {
        if (closed) {
            return;
        }
        closed = true;
        SQLException failure = null;
        if (delegate != null) {
            try {
                delegate.close();   // its statements, and its own node connections (lent ones stay open)
            } catch (SQLException e) {
                failure = e;
            }
        }
        for (int i = 0; i < held; i++) {
            try {
                nodes[i].close();
            } catch (SQLException e) {
                failure = chain(failure, e);
            }
            nodes[i] = null;
        }
        held = 0;
        if (failure != null) {
            throw unchain(failure);
        }
    }

    @Override
    public boolean isClosed() {
        return closed;
    }

    @Override
    public boolean isValid(int timeout) throws SQLException {
        if (closed) {
            return false;
        }
        for (int i = 0; i < held; i++) {
            if (!nodes[i].isValid(timeout)) {
                return false;
            }
        }
        return delegate == null || delegate.isValid(timeout);
    }

    @Override
    public java.sql.SQLWarning getWarnings() throws SQLException {
        checkOpen();
        return delegate == null ? null : delegate.getWarnings();
    }

    @Override
    public void clearWarnings() throws SQLException {
        checkOpen();
        if (delegate != null) {
            delegate.clearWarnings();
        }
    }

    @Override
    public void beginRequest() throws SQLException {
        if (delegate != null) {
            delegate.beginRequest();
        }
    }

    @Override
    public void endRequest() throws SQLException {
        if (delegate != null) {
            delegate.endRequest();
        }
    }

    @Override
    public void setClientInfo(String name, String value) throws java.sql.SQLClientInfoException {
        clientInfoTarget().setClientInfo(name, value);
    }

    @Override
    public void setClientInfo(java.util.Properties properties) throws java.sql.SQLClientInfoException {
        clientInfoTarget().setClientInfo(properties);
    }

    private Connection clientInfoTarget() throws java.sql.SQLClientInfoException {
        try {
            return target();
        } catch (SQLException e) {
            throw new java.sql.SQLClientInfoException(e.getMessage(), e.getSQLState(), java.util.Map.of(), e);
        }
    }

    /**
     * The layer's metadata ({@link LayerDatabaseMetaData}) on the single-shard path, answering what MyBatis and
     * Spring ask per statement without a connection; ShardingSphere's when the path is off.
     */
    @Override
    public DatabaseMetaData getMetaData() throws SQLException {
        checkOpen();
        if (router == null) {
            return target().getMetaData();
        }
        if (metaData == null) {
            metaData = new LayerDatabaseMetaData(this, router.metaData());
        }
        return metaData;
    }

    /**
     * An array made by a node connection (ShardingSphere 5.5.2's connection does not make arrays): the first node
     * connection this one holds, else the default shard's primary, opened as a statement would open it. The array
     * binds on any node's statement (PostgreSQL's driver sends its text with the type the statement's connection
     * resolves), and on ShardingSphere's. With the single-shard path off, ShardingSphere's connection is asked, and
     * refuses.
     */
    @Override
    public Array createArrayOf(String typeName, Object[] elements) throws SQLException {
        checkOpen();
        if (router == null) {
            try {
                return target().createArrayOf(typeName, elements);
            } catch (SQLFeatureNotSupportedException e) {
                throw new SQLFeatureNotSupportedException("createArrayOf is not supported by ShardingSphere 5.5.2's"
                        + " connection (single-shard-path: false); bind the Java array itself (setObject(i, new"
                        + " Long[] {...})); for a shard key write user_id IN (?, ?, ...) instead of = ANY(?)",
                        e.getSQLState(), e);
            }
        }
        Connection c = held > 0 ? nodes[0] : nodes[open(router.defaultPrimary())];
        return c.createArrayOf(typeName, elements);
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        return iface.isInstance(this) ? iface.cast(this) : target().unwrap(iface);
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) throws SQLException {
        return iface.isInstance(this) || target().isWrapperFor(iface);
    }

    @Override
    public String toString() {
        return "LayerConnection[" + (delegate != null ? delegate : held + " node connection(s)") + "]";
    }
}
