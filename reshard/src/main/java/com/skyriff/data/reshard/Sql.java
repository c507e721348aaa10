package com.skyriff.data.reshard;

import com.skyriff.data.rules.NodeSpec;
import com.skyriff.data.rules.PhysicalNode;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Plain JDBC to one primary, identifier quoting and the libpq connection string a subscription needs. */
final class Sql {
    static final String APPLICATION = "skyriff-reshard";
    private static final Pattern URL = Pattern.compile("jdbc:postgresql://([^/:?,]+)(?::(\\d+))?/([^?]+)(\\?.*)?");

    private Sql() {
    }

    static Connection open(PhysicalNode node) throws SQLException {
        Properties p = new Properties();
        if (node.spec().username() != null) {
            p.setProperty("user", node.spec().username());
        }
        if (!node.spec().password().isEmpty()) {
            p.setProperty("password", node.spec().password().reveal());
        }
        p.setProperty("connectTimeout", "5");
        p.setProperty("ApplicationName", APPLICATION);
        return DriverManager.getConnection(node.spec().url(), p);
    }

    static String quote(String identifier) {
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }

    static String literal(String text) {
        return "'" + text.replace("'", "''") + "'";
    }

    /** A name usable unquoted in replication objects: lower case, [a-z0-9_]. */
    static String name(String text) {
        return text.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
    }

    /**
     * The libpq connection string of a node, for {@code CREATE SUBSCRIPTION ... CONNECTION}. It holds the password:
     * PostgreSQL keeps it in pg_subscription (readable by superusers only); it is never printed.
     */
    static String conninfo(NodeSpec spec) {
        Matcher m = URL.matcher(spec.url());
        if (!m.matches()) {
            throw new IllegalArgumentException("reshard: a primary's url must be jdbc:postgresql://host[:port]/database"
                    + " (one host) for a subscription to reach it; was " + spec.maskedUrl());
        }
        StringBuilder sb = new StringBuilder();
        sb.append("host=").append(libpq(m.group(1)));
        sb.append(" port=").append(m.group(2) == null ? "5432" : m.group(2));
        sb.append(" dbname=").append(libpq(m.group(3)));
        if (spec.username() != null) {
            sb.append(" user=").append(libpq(spec.username()));
        }
        if (!spec.password().isEmpty()) {
            sb.append(" password=").append(libpq(spec.password().reveal()));
        }
        sb.append(" application_name=").append(APPLICATION);
        return sb.toString();
    }

    private static String libpq(String value) {
        return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }

    static void execute(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    static boolean exists(Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement ps = prepare(c, sql, args); ResultSet rs = ps.executeQuery()) {
            return rs.next();
        }
    }

    static String string(Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement ps = prepare(c, sql, args); ResultSet rs = ps.executeQuery()) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    static long number(Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement ps = prepare(c, sql, args); ResultSet rs = ps.executeQuery()) {
            return rs.next() ? rs.getLong(1) : 0;
        }
    }

    static List<String> strings(Connection c, String sql, Object... args) throws SQLException {
        List<String> out = new ArrayList<>();
        try (PreparedStatement ps = prepare(c, sql, args); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }

    static int update(Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement ps = prepare(c, sql, args)) {
            return ps.executeUpdate();
        }
    }

    private static PreparedStatement prepare(Connection c, String sql, Object... args) throws SQLException {
        PreparedStatement ps = c.prepareStatement(sql);
        for (int i = 0; i < args.length; i++) {
            ps.setObject(i + 1, args[i]);
        }
        return ps;
    }
}
