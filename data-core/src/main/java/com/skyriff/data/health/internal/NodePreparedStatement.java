package com.skyriff.data.health.internal;

import java.io.InputStream;
import java.io.Reader;
import java.math.BigDecimal;
import java.net.URL;
import java.sql.Array;
import java.sql.Blob;
import java.sql.Clob;
import java.sql.Connection;
import java.sql.Date;
import java.sql.NClob;
import java.sql.ParameterMetaData;
import java.sql.PreparedStatement;
import java.sql.Ref;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.RowId;
import java.sql.SQLException;
import java.sql.SQLType;
import java.sql.SQLXML;
import java.sql.Time;
import java.sql.Timestamp;
import java.util.Calendar;

/**
 * A prepared statement on a node's {@link NodeConnection}; see {@link NodeStatement}. On a replica it keeps the SQL
 * and the parameters bound with {@code setObject} / {@code setNull} (what ShardingSphere binds) or a scalar setter
 * ({@code setLong}, {@code setString}, {@code setTimestamp}, ...: what the single-shard path binds; replayed with
 * {@code setObject}, which pgjdbc maps back to the same setter), so that a read that fails there can be prepared and
 * run once more elsewhere; a statement bound with another setter (streams, calendars, typed setObject) is not retried.
 * Not thread-safe.
 */
final class NodePreparedStatement extends NodeStatement implements PreparedStatement {
    private static final Object NULL = new Object();
    private final PreparedStatement prepared;
    /** The SQL, on a replica only (null on a primary: no retry, nothing recorded). */
    private final String sql;
    /** Recorded values by index - 1 ({@link #NULL} for setNull or a null value), on a replica. */
    private Object[] params;
    private int[] nullTypes;
    /** The highest parameter index recorded. */
    private int count;
    /** A parameter was bound with a setter that is not recorded: this statement is not retried. */
    private boolean unrecorded;

    NodePreparedStatement(PreparedStatement delegate, NodeConnection owner, int generation, String sql) {
        super(delegate, owner, generation);
        this.prepared = delegate;
        this.sql = sql;
    }

    private void record(int index, Object value, int nullType) {
        if (sql == null || index < 1) {
            return;
        }
        if (params == null || params.length < index) {
            params = java.util.Arrays.copyOf(params == null ? new Object[0] : params, Math.max(index, 8));
            nullTypes = java.util.Arrays.copyOf(nullTypes == null ? new int[0] : nullTypes, params.length);
        }
        params[index - 1] = value == null ? NULL : value;
        nullTypes[index - 1] = value == null && nullType == 0 ? java.sql.Types.OTHER : nullType;
        count = Math.max(count, index);
    }

    /** The read prepared again elsewhere, with the recorded parameters, after it failed here with {@code cause}. */
    private PreparedStatement retryPrepared(SQLException cause) throws SQLException {
        Connection c = retryConnection(cause);
        PreparedStatement ps = c.prepareStatement(sql);
        retried = ps;
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
    public ResultSet executeQuery() throws SQLException {
        try {
            closeRetried();
            return prepared.executeQuery();
        } catch (SQLException e) {
            SQLException f = failedOrRetry(e, retryAllowed());
            if (f != null) {
                throw f;
            }
            return retryPrepared(e).executeQuery();
        }
    }

    @Override
    public int executeUpdate() throws SQLException {
        try {
            return prepared.executeUpdate();
        } catch (SQLException e) {
            throw owner.failed(e, generation);
        }
    }

    @Override
    public void setNull(int a0, int a1) throws SQLException {
        record(a0, NULL, a1);
        prepared.setNull(a0, a1);
    }

    @Override
    public void setBoolean(int a0, boolean a1) throws SQLException {
        record(a0, a1, java.sql.Types.BOOLEAN);
        prepared.setBoolean(a0, a1);
    }

    @Override
    public void setByte(int a0, byte a1) throws SQLException {
        record(a0, a1, java.sql.Types.TINYINT);
        prepared.setByte(a0, a1);
    }

    @Override
    public void setShort(int a0, short a1) throws SQLException {
        record(a0, a1, java.sql.Types.SMALLINT);
        prepared.setShort(a0, a1);
    }

    @Override
    public void setInt(int a0, int a1) throws SQLException {
        record(a0, a1, java.sql.Types.INTEGER);
        prepared.setInt(a0, a1);
    }

    @Override
    public void setLong(int a0, long a1) throws SQLException {
        record(a0, a1, java.sql.Types.BIGINT);
        prepared.setLong(a0, a1);
    }

    @Override
    public void setFloat(int a0, float a1) throws SQLException {
        record(a0, a1, java.sql.Types.REAL);
        prepared.setFloat(a0, a1);
    }

    @Override
    public void setDouble(int a0, double a1) throws SQLException {
        record(a0, a1, java.sql.Types.DOUBLE);
        prepared.setDouble(a0, a1);
    }

    @Override
    public void setBigDecimal(int a0, BigDecimal a1) throws SQLException {
        record(a0, a1, java.sql.Types.NUMERIC);
        prepared.setBigDecimal(a0, a1);
    }

    @Override
    public void setString(int a0, String a1) throws SQLException {
        record(a0, a1, java.sql.Types.VARCHAR);
        prepared.setString(a0, a1);
    }

    @Override
    public void setBytes(int a0, byte[] a1) throws SQLException {
        record(a0, a1, java.sql.Types.BINARY);
        prepared.setBytes(a0, a1);
    }

    @Override
    public void setDate(int a0, Date a1) throws SQLException {
        record(a0, a1, java.sql.Types.DATE);
        prepared.setDate(a0, a1);
    }

    @Override
    public void setTime(int a0, Time a1) throws SQLException {
        record(a0, a1, java.sql.Types.TIME);
        prepared.setTime(a0, a1);
    }

    @Override
    public void setTimestamp(int a0, Timestamp a1) throws SQLException {
        record(a0, a1, java.sql.Types.TIMESTAMP);
        prepared.setTimestamp(a0, a1);
    }

    @Override
    public void setAsciiStream(int a0, InputStream a1, int a2) throws SQLException {
        unrecorded = true;
        prepared.setAsciiStream(a0, a1, a2);
    }

    @Override
    @Deprecated
    public void setUnicodeStream(int a0, InputStream a1, int a2) throws SQLException {
        unrecorded = true;
        prepared.setUnicodeStream(a0, a1, a2);
    }

    @Override
    public void setBinaryStream(int a0, InputStream a1, int a2) throws SQLException {
        unrecorded = true;
        prepared.setBinaryStream(a0, a1, a2);
    }

    @Override
    public void clearParameters() throws SQLException {
        prepared.clearParameters();
        count = 0;
        unrecorded = false;
    }

    @Override
    public void setObject(int a0, Object a1, int a2) throws SQLException {
        unrecorded = true;
        prepared.setObject(a0, a1, a2);
    }

    @Override
    public void setObject(int a0, Object a1) throws SQLException {
        record(a0, a1, 0);
        prepared.setObject(a0, a1);
    }

    @Override
    public boolean execute() throws SQLException {
        try {
            closeRetried();
            return prepared.execute();
        } catch (SQLException e) {
            SQLException f = failedOrRetry(e, retryAllowed());
            if (f != null) {
                throw f;
            }
            return retryPrepared(e).execute();
        }
    }


    @Override
    public void addBatch() throws SQLException {
        prepared.addBatch();
    }

    @Override
    public void setCharacterStream(int a0, Reader a1, int a2) throws SQLException {
        unrecorded = true;
        prepared.setCharacterStream(a0, a1, a2);
    }

    @Override
    public void setRef(int a0, Ref a1) throws SQLException {
        unrecorded = true;
        prepared.setRef(a0, a1);
    }

    @Override
    public void setBlob(int a0, Blob a1) throws SQLException {
        unrecorded = true;
        prepared.setBlob(a0, a1);
    }

    @Override
    public void setClob(int a0, Clob a1) throws SQLException {
        unrecorded = true;
        prepared.setClob(a0, a1);
    }

    @Override
    public void setArray(int a0, Array a1) throws SQLException {
        unrecorded = true;
        prepared.setArray(a0, a1);
    }

    @Override
    public ResultSetMetaData getMetaData() throws SQLException {
        return prepared.getMetaData();
    }

    @Override
    public void setDate(int a0, Date a1, Calendar a2) throws SQLException {
        unrecorded = true;
        prepared.setDate(a0, a1, a2);
    }

    @Override
    public void setTime(int a0, Time a1, Calendar a2) throws SQLException {
        unrecorded = true;
        prepared.setTime(a0, a1, a2);
    }

    @Override
    public void setTimestamp(int a0, Timestamp a1, Calendar a2) throws SQLException {
        unrecorded = true;
        prepared.setTimestamp(a0, a1, a2);
    }

    @Override
    public void setNull(int a0, int a1, String a2) throws SQLException {
        unrecorded = true;
        prepared.setNull(a0, a1, a2);
    }

    @Override
    public void setURL(int a0, URL a1) throws SQLException {
        unrecorded = true;
        prepared.setURL(a0, a1);
    }

    @Override
    public ParameterMetaData getParameterMetaData() throws SQLException {
        return prepared.getParameterMetaData();
    }

    @Override
    public void setRowId(int a0, RowId a1) throws SQLException {
        unrecorded = true;
        prepared.setRowId(a0, a1);
    }

    @Override
    public void setNString(int a0, String a1) throws SQLException {
        unrecorded = true;
        prepared.setNString(a0, a1);
    }

    @Override
    public void setNCharacterStream(int a0, Reader a1, long a2) throws SQLException {
        unrecorded = true;
        prepared.setNCharacterStream(a0, a1, a2);
    }

    @Override
    public void setNClob(int a0, NClob a1) throws SQLException {
        unrecorded = true;
        prepared.setNClob(a0, a1);
    }

    @Override
    public void setClob(int a0, Reader a1, long a2) throws SQLException {
        unrecorded = true;
        prepared.setClob(a0, a1, a2);
    }

    @Override
    public void setBlob(int a0, InputStream a1, long a2) throws SQLException {
        unrecorded = true;
        prepared.setBlob(a0, a1, a2);
    }

    @Override
    public void setNClob(int a0, Reader a1, long a2) throws SQLException {
        unrecorded = true;
        prepared.setNClob(a0, a1, a2);
    }

    @Override
    public void setSQLXML(int a0, SQLXML a1) throws SQLException {
        unrecorded = true;
        prepared.setSQLXML(a0, a1);
    }

    @Override
    public void setObject(int a0, Object a1, int a2, int a3) throws SQLException {
        unrecorded = true;
        prepared.setObject(a0, a1, a2, a3);
    }

    @Override
    public void setAsciiStream(int a0, InputStream a1, long a2) throws SQLException {
        unrecorded = true;
        prepared.setAsciiStream(a0, a1, a2);
    }

    @Override
    public void setBinaryStream(int a0, InputStream a1, long a2) throws SQLException {
        unrecorded = true;
        prepared.setBinaryStream(a0, a1, a2);
    }

    @Override
    public void setCharacterStream(int a0, Reader a1, long a2) throws SQLException {
        unrecorded = true;
        prepared.setCharacterStream(a0, a1, a2);
    }

    @Override
    public void setAsciiStream(int a0, InputStream a1) throws SQLException {
        unrecorded = true;
        prepared.setAsciiStream(a0, a1);
    }

    @Override
    public void setBinaryStream(int a0, InputStream a1) throws SQLException {
        unrecorded = true;
        prepared.setBinaryStream(a0, a1);
    }

    @Override
    public void setCharacterStream(int a0, Reader a1) throws SQLException {
        unrecorded = true;
        prepared.setCharacterStream(a0, a1);
    }

    @Override
    public void setNCharacterStream(int a0, Reader a1) throws SQLException {
        unrecorded = true;
        prepared.setNCharacterStream(a0, a1);
    }

    @Override
    public void setClob(int a0, Reader a1) throws SQLException {
        unrecorded = true;
        prepared.setClob(a0, a1);
    }

    @Override
    public void setBlob(int a0, InputStream a1) throws SQLException {
        unrecorded = true;
        prepared.setBlob(a0, a1);
    }

    @Override
    public void setNClob(int a0, Reader a1) throws SQLException {
        unrecorded = true;
        prepared.setNClob(a0, a1);
    }

    @Override
    public void setObject(int a0, Object a1, SQLType a2, int a3) throws SQLException {
        unrecorded = true;
        prepared.setObject(a0, a1, a2, a3);
    }

    @Override
    public void setObject(int a0, Object a1, SQLType a2) throws SQLException {
        unrecorded = true;
        prepared.setObject(a0, a1, a2);
    }

    @Override
    public long executeLargeUpdate() throws SQLException {
        try {
            return prepared.executeLargeUpdate();
        } catch (SQLException e) {
            throw owner.failed(e, generation);
        }
    }
}
