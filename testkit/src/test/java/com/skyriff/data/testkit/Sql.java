package com.skyriff.data.testkit;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.function.Predicate;

/** Plain JDBC through {@link DriverManager}, as users of the topology connect. */
final class Sql {
    private Sql() {
    }

    static Connection connect(PgNode node) throws SQLException {
        return DriverManager.getConnection(node.jdbcUrl(), node.user(), node.password());
    }

    static Object query(PgNode node, String sql) throws SQLException {
        try (Connection c = connect(node); Statement s = c.createStatement(); ResultSet rows = s.executeQuery(sql)) {
            return rows.next() ? rows.getObject(1) : null;
        }
    }

    static void execute(PgNode node, String... statements) throws SQLException {
        try (Connection c = connect(node); Statement s = c.createStatement()) {
            for (String sql : statements) {
                s.execute(sql);
            }
        }
    }

    /**
     * Polls {@code sql} on {@code node} until its value matches: replication lag is real. A table that has not reached
     * the standby yet (SQLState 42P01) counts as "not yet".
     */
    static Object await(PgNode node, String sql, Predicate<Object> until, Duration timeout) throws SQLException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Object value;
            try {
                value = query(node, sql);
            } catch (SQLException e) {
                if (!"42P01".equals(e.getSQLState()) || System.nanoTime() > deadline) {
                    throw e;
                }
                value = null;
            }
            if (until.test(value) || System.nanoTime() > deadline) {
                return value;
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return value;
            }
        }
    }
}
