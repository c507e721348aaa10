package com.skyriff.data.testkit;

import java.sql.Connection;
import java.sql.Driver;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Properties;

/** Short JDBC helpers for the topology's own checks, straight through the PostgreSQL driver. Thread-safe. */
final class Jdbc {
    private static final Driver DRIVER = new org.postgresql.Driver();

    private Jdbc() {
    }

    static Connection connect(PgNode node) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", node.user());
        properties.setProperty("password", node.password());
        properties.setProperty("connectTimeout", "5");
        properties.setProperty("socketTimeout", "120");
        properties.setProperty("ApplicationName", "skyriff-testkit");
        Connection connection = DRIVER.connect(node.jdbcUrl(), properties);
        if (connection == null) {
            throw new SQLException("the PostgreSQL driver does not accept " + node.jdbcUrl());
        }
        return connection;
    }

    static void execute(PgNode node, String sql) {
        try (Connection connection = connect(node); Statement statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw failure(node, sql, e);
        }
    }

    /** First column of the first row, as text (null if no row). */
    static String queryString(PgNode node, String sql, String... params) {
        try (Connection connection = connect(node); PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                statement.setString(i + 1, params[i]);
            }
            try (ResultSet rows = statement.executeQuery()) {
                return rows.next() ? rows.getString(1) : null;
            }
        } catch (SQLException e) {
            throw failure(node, sql, e);
        }
    }

    /** Waits until {@code node} accepts a login and answers {@code SELECT 1}. */
    static void awaitReady(PgNode node, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        SQLException last;
        do {
            try (Connection connection = connect(node); Statement statement = connection.createStatement()) {
                statement.execute("SELECT 1");
                return;
            } catch (SQLException e) {
                last = e;
            }
            sleep(50);
        } while (System.nanoTime() < deadline);
        throw new TopologyException(node.name() + " - not accepting connections on " + node.host() + ":" + node.port()
                + " after " + timeout.toMillis() + " ms: " + last.getMessage(), last);
    }

    static TopologyException failure(PgNode node, String sql, SQLException e) {
        return new TopologyException(node.name() + " - " + sql + " failed on " + node.host() + ":" + node.port() + "/"
                + node.database() + ": " + e.getMessage() + " (SQLState " + e.getSQLState() + ")", e);
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TopologyException("interrupted while waiting", e);
        }
    }
}
