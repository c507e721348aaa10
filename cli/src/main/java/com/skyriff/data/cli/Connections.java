package com.skyriff.data.cli;

import com.skyriff.data.rules.PhysicalNode;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;

/** Plain JDBC connections to one node with short timeouts, for the commands that talk to a live cluster. */
final class Connections {
    static final int CONNECT_TIMEOUT_SECONDS = 5;

    private Connections() {
    }

    static Connection open(PhysicalNode node, String application, int socketTimeoutSeconds) throws SQLException {
        Properties p = new Properties();
        if (node.spec().username() != null) {
            p.setProperty("user", node.spec().username());
        }
        if (!node.spec().password().isEmpty()) {
            p.setProperty("password", node.spec().password().reveal());
        }
        p.setProperty("connectTimeout", Integer.toString(CONNECT_TIMEOUT_SECONDS));
        p.setProperty("socketTimeout", Integer.toString(socketTimeoutSeconds));
        p.setProperty("ApplicationName", application);
        return DriverManager.getConnection(node.spec().url(), p);
    }
}
