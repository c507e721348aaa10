package com.skyriff.data.spring.boot.app;

import com.skyriff.data.testkit.LocalTopology;
import com.skyriff.data.testkit.PgNode;
import com.skyriff.data.testkit.PgShard;
import com.skyriff.data.testkit.TestDatabase;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The real local topology (testkit: 2 shards, each a primary and a streaming replica, plus Redis) with one database
 * per test class, and the Spring properties the test rules file reads its addresses and secrets from.
 */
public final class TestTopology {
    private TestTopology() {
    }

    /** Creates {@code name} on every shard with the {@code users} table, waits for the replicas. */
    public static TestDatabase database(String name) {
        TestDatabase db = LocalTopology.shared().createDatabase(name);
        for (PgShard s : db.shards()) {
            execute(s.primary(), "CREATE TABLE users (user_id bigint PRIMARY KEY, handle text NOT NULL)");
        }
        db.shards().forEach(s -> s.awaitReplicaCatchUp(Duration.ofSeconds(60)));
        return db;
    }

    /** {@code skyriff.test.*}: what rules/starter-it.yaml's placeholders name. */
    public static Map<String, String> properties(TestDatabase db) {
        Map<String, String> p = new LinkedHashMap<>();
        for (PgShard s : db.shards()) {
            p.put("skyriff.test." + s.name() + ".primary", s.primary().jdbcUrl());
            p.put("skyriff.test." + s.name() + ".replica", s.replicas().get(0).jdbcUrl());
        }
        PgNode any = db.shards().get(0).primary();
        p.put("skyriff.test.pg-user", any.user());
        p.put("skyriff.test.pg-password", any.password());
        p.put("skyriff.test.redis", LocalTopology.shared().redis().uri());
        return p;
    }

    public static void execute(PgNode node, String sql) {
        try (Connection c = connect(node); Statement st = c.createStatement()) {
            st.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(node.name() + ": " + sql + ": " + e.getMessage(), e);
        }
    }

    /** One string column of the first row, or null if there is no row; straight to the server, no layer. */
    public static String query(PgNode node, String sql, long param) {
        try (Connection c = connect(node); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setLong(1, param);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        } catch (SQLException e) {
            throw new IllegalStateException(node.name() + ": " + sql + ": " + e.getMessage(), e);
        }
    }

    private static Connection connect(PgNode node) throws SQLException {
        return DriverManager.getConnection(node.jdbcUrl(), node.user(), node.password());
    }
}
