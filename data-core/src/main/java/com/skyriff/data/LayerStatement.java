package com.skyriff.data;

import com.skyriff.data.guard.internal.CopyStatements;
import com.skyriff.data.internal.ForwardingStatement;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * A plain statement of a {@link LayerConnection}. A SQL text with a single-shard plan runs as one physical statement on
 * the chosen node's connection ({@link LayerConnection#node}); any other runs
 * on ShardingSphere's statement, which parses its SQL when it executes it, so a construct it rejects in its parser or
 * binder fails here and is named as the connection names it at {@code prepareStatement} ({@code Constructs}).
 * Everything else is a plain delegation ({@link ForwardingStatement}); results are read from the statement that ran,
 * {@link #getConnection()} answers the layer's connection and result sets answer {@code getStatement()} with this
 * statement. Not thread-safe (a JDBC statement).
 */
final class LayerStatement extends ForwardingStatement {
    private static final Object[] NO_PARAMS = new Object[0];
    private final LayerConnection layer;
    /** The statement that ran last: the delegate, or a physical statement of the single-shard path. */
    private Statement last;
    private Statement physical;
    private Connection physicalConnection;
    /** The physical SQL of the statement {@link #onShard} just chose. */
    private String pending;

    LayerStatement(Statement delegate, LayerConnection connection) {
        super(delegate, connection);
        this.layer = connection;
        this.last = delegate;
    }

    /**
     * The physical statement {@code sql} runs on when the single-shard path takes it (a plain statement has no
     * parameters), else null (ShardingSphere runs it, after the {@code COPY} check).
     */
    private Statement onShard(String sql) throws SQLException {
        OneShardRouter router = layer.router;
        if (router == null || sql == null) {
            return viaShardingSphere(sql);
        }
        OneShardPlan plan = router.plans.plan(sql);
        OneShardRouter.Decision d = router.decide(plan, NO_PARAMS);
        if (d.fallback() != null) {
            router.plans.count(false);
            return viaShardingSphere(sql);
        }
        String node = router.node(plan, d, !layer.getAutoCommit());
        router.plans.log(sql, node, d.sql(), NO_PARAMS);
        Connection c = layer.node(node);
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

    /** {@code sql} goes to ShardingSphere's statement: refused first if it is a {@code COPY}; returns null. */
    private Statement viaShardingSphere(String sql) throws SQLException {
        last = delegate;
        CopyStatements.refuse(sql);
        return null;
    }

    /** A failure of ShardingSphere's statement running {@code sql}: a construct it rejects, refused by name. */
    private void refuseConstruct(Exception e, String sql) throws SQLException {
        layer.constructs.refuse(e, sql);
    }

    @Override
    protected Statement current() {
        return last;
    }

    @Override
    protected ResultSet results(ResultSet resultSet) {
        return LayerResultSet.of(resultSet, this);
    }

    @Override
    public ResultSet executeQuery(String sql) throws SQLException {
        Statement shard = onShard(sql);
        if (shard != null) {
            return results(shard.executeQuery(pending));
        }
        try {
            return super.executeQuery(sql);
        } catch (RuntimeException | SQLException e) {
            refuseConstruct(e, sql);
            throw e;
        }
    }

    @Override
    public int executeUpdate(String sql) throws SQLException {
        Statement shard = onShard(sql);
        if (shard != null) {
            return shard.executeUpdate(pending);
        }
        try {
            return super.executeUpdate(sql);
        } catch (RuntimeException | SQLException e) {
            refuseConstruct(e, sql);
            throw e;
        }
    }

    @Override
    public long executeLargeUpdate(String sql) throws SQLException {
        Statement shard = onShard(sql);
        if (shard != null) {
            return shard.executeLargeUpdate(pending);
        }
        try {
            return super.executeLargeUpdate(sql);
        } catch (RuntimeException | SQLException e) {
            refuseConstruct(e, sql);
            throw e;
        }
    }

    @Override
    public boolean execute(String sql) throws SQLException {
        Statement shard = onShard(sql);
        if (shard != null) {
            return shard.execute(pending);
        }
        try {
            return super.execute(sql);
        } catch (RuntimeException | SQLException e) {
            refuseConstruct(e, sql);
            throw e;
        }
    }

    // ---- the forms with generated keys, and batches, always go through ShardingSphere ----

    @Override
    public int executeUpdate(String sql, int autoGeneratedKeys) throws SQLException {
        viaShardingSphere(sql);
        try {
            return super.executeUpdate(sql, autoGeneratedKeys);
        } catch (RuntimeException | SQLException e) {
            refuseConstruct(e, sql);
            throw e;
        }
    }

    @Override
    public int executeUpdate(String sql, int[] columnIndexes) throws SQLException {
        viaShardingSphere(sql);
        try {
            return super.executeUpdate(sql, columnIndexes);
        } catch (RuntimeException | SQLException e) {
            refuseConstruct(e, sql);
            throw e;
        }
    }

    @Override
    public int executeUpdate(String sql, String[] columnNames) throws SQLException {
        viaShardingSphere(sql);
        try {
            return super.executeUpdate(sql, columnNames);
        } catch (RuntimeException | SQLException e) {
            refuseConstruct(e, sql);
            throw e;
        }
    }

    @Override
    public long executeLargeUpdate(String sql, int autoGeneratedKeys) throws SQLException {
        viaShardingSphere(sql);
        try {
            return super.executeLargeUpdate(sql, autoGeneratedKeys);
        } catch (RuntimeException | SQLException e) {
            refuseConstruct(e, sql);
            throw e;
        }
    }

    @Override
    public long executeLargeUpdate(String sql, int[] columnIndexes) throws SQLException {
        viaShardingSphere(sql);
        try {
            return super.executeLargeUpdate(sql, columnIndexes);
        } catch (RuntimeException | SQLException e) {
            refuseConstruct(e, sql);
            throw e;
        }
    }

    @Override
    public long executeLargeUpdate(String sql, String[] columnNames) throws SQLException {
        viaShardingSphere(sql);
        try {
            return super.executeLargeUpdate(sql, columnNames);
        } catch (RuntimeException | SQLException e) {
            refuseConstruct(e, sql);
            throw e;
        }
    }

    @Override
    public boolean execute(String sql, int autoGeneratedKeys) throws SQLException {
        viaShardingSphere(sql);
        try {
            return super.execute(sql, autoGeneratedKeys);
        } catch (RuntimeException | SQLException e) {
            refuseConstruct(e, sql);
            throw e;
        }
    }

    @Override
    public boolean execute(String sql, int[] columnIndexes) throws SQLException {
        viaShardingSphere(sql);
        try {
            return super.execute(sql, columnIndexes);
        } catch (RuntimeException | SQLException e) {
            refuseConstruct(e, sql);
            throw e;
        }
    }

    @Override
    public boolean execute(String sql, String[] columnNames) throws SQLException {
        viaShardingSphere(sql);
        try {
            return super.execute(sql, columnNames);
        } catch (RuntimeException | SQLException e) {
            refuseConstruct(e, sql);
            throw e;
        }
    }

    @Override
    public void addBatch(String sql) throws SQLException {
        CopyStatements.refuse(sql);
        try {
            super.addBatch(sql);
        } catch (RuntimeException | SQLException e) {
            refuseConstruct(e, sql);
            throw e;
        }
    }

    @Override
    public int[] executeBatch() throws SQLException {
        last = delegate;
        return super.executeBatch();
    }

    @Override
    public long[] executeLargeBatch() throws SQLException {
        last = delegate;
        return super.executeLargeBatch();
    }

    @Override
    public void close() throws SQLException {
        try {
            if (physical != null) {
                physical.close();
            }
        } finally {
            super.close();
        }
    }
}
