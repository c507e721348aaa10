package com.skyriff.data.health.internal;

import com.skyriff.data.internal.ForwardingPreparedStatement;
import java.math.BigDecimal;
import java.sql.Date;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Time;
import java.sql.Timestamp;
import java.sql.Types;
import java.util.Arrays;

/**
 * A prepared statement on a node's {@link NodeConnection}; see {@link NodeStatement}. On a replica it keeps the SQL
 * and the parameters bound with {@code setObject} / {@code setNull} (what ShardingSphere binds) or a scalar setter
 * ({@code setLong}, {@code setString}, {@code setTimestamp}, ...: what the single-shard path binds; replayed with
 * {@code setObject}, which pgjdbc maps back to the same setter), so that a read that fails there can be prepared and
 * run once more elsewhere; a statement bound with another setter (streams, calendars, typed setObject: the
 * {@link #otherValues()} of {@link ForwardingPreparedStatement}) is not retried. Not thread-safe.
 */
final class NodePreparedStatement extends ForwardingPreparedStatement {
    private static final Object NULL = new Object();
    private final int generation;
    /** The SQL, on a replica only (null on a primary: no retry, nothing recorded). */
    private final String sql;
    /** The retry of a read that failed on a replica; null until one happened. */
    private ReadRetry retry;
    /** Recorded values by index - 1 ({@link #NULL} for setNull or a null value), on a replica. */
    private Object[] params;
    private int[] nullTypes;
    /** The highest parameter index recorded. */
    private int count;
    /** A parameter was bound with a setter that is not recorded: this statement is not retried. */
    private boolean unrecorded;

    NodePreparedStatement(PreparedStatement delegate, NodeConnection owner, int generation, String sql) {
        super(delegate, owner);
        this.generation = generation;
        this.sql = sql;
    }

    private NodeConnection owner() {
        return (NodeConnection) connection;
    }

    private void record(int index, Object value, int nullType) {
        if (sql == null || index < 1) {
            return;
        }
        if (params == null || params.length < index) {
            params = Arrays.copyOf(params == null ? new Object[0] : params, Math.max(index, 8));
            nullTypes = Arrays.copyOf(nullTypes == null ? new int[0] : nullTypes, params.length);
        }
        params[index - 1] = value == null ? NULL : value;
        nullTypes[index - 1] = value == null && nullType == 0 ? Types.OTHER : nullType;
        count = Math.max(count, index);
    }

    /** The read prepared again elsewhere, with the recorded parameters, after it failed here with {@code cause}. */
    private PreparedStatement retryPrepared(SQLException cause) throws SQLException {
        retry = ReadRetry.prepared(owner(), cause, sql);
        PreparedStatement ps = (PreparedStatement) retry.statement;
        for (int i = 0; i < count; i++) {
            Object v = params[i];
            if (v == NULL) {
                ps.setNull(i + 1, nullTypes[i]);
            } else if (v != null) {
                ps.setObject(i + 1, v);
            }
        }
        return ps;
    }

    private boolean retryAllowed() {
        return sql != null && !unrecorded;
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
    public ResultSet executeQuery() throws SQLException {
        retry = ReadRetry.close(retry);
        try {
            return prepared.executeQuery();
        } catch (SQLException e) {
            SQLException f = ReadRetry.failedOrRetry(owner(), generation, e, retryAllowed());
            if (f != null) {
                throw f;
            }
            return retryPrepared(e).executeQuery();
        }
    }

    @Override
    public boolean execute() throws SQLException {
        retry = ReadRetry.close(retry);
        try {
            return prepared.execute();
        } catch (SQLException e) {
            SQLException f = ReadRetry.failedOrRetry(owner(), generation, e, retryAllowed());
            if (f != null) {
                throw f;
            }
            return retryPrepared(e).execute();
        }
    }

    // ---- parameters: plain values are recorded (on a replica); any other value makes the statement not retried ----

    @Override
    protected PreparedStatement otherValues() {
        unrecorded = true;
        return prepared;
    }

    @Override
    public void clearParameters() throws SQLException {
        super.clearParameters();
        count = 0;
        unrecorded = false;
    }

    @Override
    public void setNull(int parameterIndex, int sqlType) throws SQLException {
        record(parameterIndex, NULL, sqlType);
        super.setNull(parameterIndex, sqlType);
    }

    @Override
    public void setBoolean(int parameterIndex, boolean x) throws SQLException {
        record(parameterIndex, x, Types.BOOLEAN);
        super.setBoolean(parameterIndex, x);
    }

    @Override
    public void setByte(int parameterIndex, byte x) throws SQLException {
        record(parameterIndex, x, Types.TINYINT);
        super.setByte(parameterIndex, x);
    }

    @Override
    public void setShort(int parameterIndex, short x) throws SQLException {
        record(parameterIndex, x, Types.SMALLINT);
        super.setShort(parameterIndex, x);
    }

    @Override
    public void setInt(int parameterIndex, int x) throws SQLException {
        record(parameterIndex, x, Types.INTEGER);
        super.setInt(parameterIndex, x);
    }

    @Override
    public void setLong(int parameterIndex, long x) throws SQLException {
        record(parameterIndex, x, Types.BIGINT);
        super.setLong(parameterIndex, x);
    }

    @Override
    public void setFloat(int parameterIndex, float x) throws SQLException {
        record(parameterIndex, x, Types.REAL);
        super.setFloat(parameterIndex, x);
    }

    @Override
    public void setDouble(int parameterIndex, double x) throws SQLException {
        record(parameterIndex, x, Types.DOUBLE);
        super.setDouble(parameterIndex, x);
    }

    @Override
    public void setBigDecimal(int parameterIndex, BigDecimal x) throws SQLException {
        record(parameterIndex, x, Types.NUMERIC);
        super.setBigDecimal(parameterIndex, x);
    }

    @Override
    public void setString(int parameterIndex, String x) throws SQLException {
        record(parameterIndex, x, Types.VARCHAR);
        super.setString(parameterIndex, x);
    }

    @Override
    public void setBytes(int parameterIndex, byte[] x) throws SQLException {
        record(parameterIndex, x, Types.BINARY);
        super.setBytes(parameterIndex, x);
    }

    @Override
    public void setDate(int parameterIndex, Date x) throws SQLException {
        record(parameterIndex, x, Types.DATE);
        super.setDate(parameterIndex, x);
    }

    @Override
    public void setTime(int parameterIndex, Time x) throws SQLException {
        record(parameterIndex, x, Types.TIME);
        super.setTime(parameterIndex, x);
    }

    @Override
    public void setTimestamp(int parameterIndex, Timestamp x) throws SQLException {
        record(parameterIndex, x, Types.TIMESTAMP);
        super.setTimestamp(parameterIndex, x);
    }

    @Override
    public void setObject(int parameterIndex, Object x) throws SQLException {
        record(parameterIndex, x, 0);
        super.setObject(parameterIndex, x);
    }
}
