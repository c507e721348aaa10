package com.skyriff.data.migrations;

import com.skyriff.data.rules.NodeSpec;
import com.skyriff.data.rules.PhysicalNode;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/** Plain JDBC to one node, with a short connect timeout so that a node that is down fails fast. */
final class Jdbc {
    static final int CONNECT_TIMEOUT_SECONDS = 5;

    private Jdbc() {
    }

    /** The node's URL with a connect timeout and an application name added unless the URL sets them. */
    static String url(NodeSpec spec, String application) {
        String url = spec.url();
        StringBuilder sb = new StringBuilder(url);
        char sep = url.indexOf('?') < 0 ? '?' : '&';
        if (!url.contains("connectTimeout=")) {
            sb.append(sep).append("connectTimeout=").append(CONNECT_TIMEOUT_SECONDS);
            sep = '&';
        }
        if (!url.contains("ApplicationName=")) {
            sb.append(sep).append("ApplicationName=").append(application);
        }
        return sb.toString();
    }

    static Connection open(PhysicalNode node, String application) throws SQLException {
        Properties p = new Properties();
        if (node.spec().username() != null) {
            p.setProperty("user", node.spec().username());
        }
        if (!node.spec().password().isEmpty()) {
            p.setProperty("password", node.spec().password().reveal());
        }
        return DriverManager.getConnection(url(node.spec(), application), p);
    }

    static List<String> strings(Connection c, String sql) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }

    /** The most specific message of a failure chain (the deepest SQLException's, if any), on one line. */
    static String message(Throwable e) {
        String last = e.getMessage();
        String sql = null;
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t.getMessage() != null) {
                last = t.getMessage();
                if (t instanceof SQLException) {
                    sql = t.getMessage();
                }
            }
        }
        String m = sql != null ? sql : last;
        if (m == null) {
            return e.getClass().getSimpleName();
        }
        StringBuilder sb = new StringBuilder();
        for (String line : m.split("\\R")) {
            String l = line.trim();
            if (l.isEmpty() || l.chars().allMatch(ch -> ch == '-')) {
                continue;
            }
            if (sb.length() > 0) {
                sb.append(' ');
            }
            sb.append(l);
        }
        return sb.toString();
    }
}
