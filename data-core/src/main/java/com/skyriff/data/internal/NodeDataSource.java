package com.skyriff.data.internal;

import com.zaxxer.hikari.HikariDataSource;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * What ShardingSphere sees of one node's pool. Deliberately not {@link AutoCloseable}: the pools belong to
 * {@code SkyriffData}, which outlives any one ShardingSphere data source (the month window is rebuilt at month
 * boundaries over the same pools). Public only because ShardingSphere reads its getters by reflection; not API.
 * Exposes the URL and user, as ShardingSphere reads them from its data sources.
 */
public final class NodeDataSource implements DataSource {
    private final HikariDataSource pool;

    public NodeDataSource(HikariDataSource pool) {
        this.pool = pool;
    }

    public HikariDataSource pool() {
        return pool;
    }

    @Override
    public Connection getConnection() throws SQLException {
        return pool.getConnection();
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        return pool.getConnection(username, password);
    }

    /** Read by ShardingSphere (as the standard {@code url} property) to learn the storage unit's URL. */
    public String getUrl() {
        return pool.getJdbcUrl();
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
        throw new SQLFeatureNotSupportedException("getParentLogger");
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        return iface.isInstance(this) ? iface.cast(this) : pool.unwrap(iface);
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) throws SQLException {
        return iface.isInstance(this) || pool.isWrapperFor(iface);
    }

    @Override
    public String toString() {
        return "NodeDataSource[" + pool.getPoolName() + "]";
    }
}
