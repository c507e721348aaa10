package com.skyriff.data.cli;

import com.skyriff.data.rules.PhysicalNode;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;

/**
 * Asks one node who it is, to compare with its place in the rules: whether it answers, whether it is in recovery (a
 * standby), its cluster's system identifier ({@code pg_control_system()}: a standby has its primary's), its data
 * directory and server address (two entries on one server), the server it streams from ({@code pg_stat_wal_receiver})
 * and its clock against this machine's. What a non-superuser may not read comes back null and is simply not compared.
 */
final class NodeProbe {
    /**
     * A node's clock this far from the CLI's is a problem. The layer computes month windows and the month of a row
     * from the application's clock while rows stamped by the database ({@code DEFAULT now()}) or by other machines use
     * theirs: for as long as the skew, around every month boundary, the two disagree on which month table a row
     * belongs to. NTP keeps servers within milliseconds; two seconds means a clock is not synchronized.
     */
    static final long MAX_SKEW_MS = 2_000;

    /**
     * @param inRecovery       null when the node did not answer
     * @param systemIdentifier the cluster's system identifier; null if not readable
     * @param dataDirectory    null unless readable (superuser or pg_read_all_settings)
     * @param server           {@code inet_server_addr():inet_server_port()}; null over a Unix socket
     * @param sender           {@code host:port} the standby's WAL receiver streams from; null for a primary or if unreadable
     * @param clockSkewMs      the node's clock minus the CLI's, in ms (round trip halved); null if not measured
     * @param problem          null when the node answers and its role matches the rules
     */
    record Result(PhysicalNode node, Boolean inRecovery, String version, String systemIdentifier, String dataDirectory,
                  String server, String sender, Long clockSkewMs, String problem) {
        /** Identifies the server: its cluster and where it keeps its data (or listens); null if not known. */
        String identity() {
            if (systemIdentifier == null || dataDirectory == null && server == null) {
                return null;
            }
            return systemIdentifier + "|" + (dataDirectory != null ? dataDirectory : server);
        }
    }

    private NodeProbe() {
    }

    static Result probe(PhysicalNode node, Clock wall) {
        try (Connection c = Connections.open(node, "skyriff-validate", 10); Statement s = c.createStatement()) {
            boolean recovery;
            String version;
            String server;
            long skew;
            long before = wall.millis();
            try (ResultSet rs = s.executeQuery("SELECT pg_is_in_recovery(), current_setting('server_version'), "
                    + "host(inet_server_addr()) || ':' || inet_server_port(), "
                    + "(extract(epoch FROM clock_timestamp()) * 1000)::bigint")) {
                rs.next();
                long after = wall.millis();
                recovery = rs.getBoolean(1);
                version = rs.getString(2);
                server = rs.getString(3);
                skew = rs.getLong(4) - (before + after) / 2;
            }
            String systemIdentifier = optional(s, "SELECT system_identifier::text FROM pg_control_system()");
            String dataDirectory = optional(s, "SELECT current_setting('data_directory')");
            String sender = recovery ? optional(s, "SELECT sender_host || ':' || sender_port FROM pg_stat_wal_receiver "
                    + "WHERE sender_host IS NOT NULL") : null;
            String problem = null;
            if (node.primary() && recovery) {
                problem = node.describe() + " is listed as the primary but is in recovery (a standby) at "
                        + node.spec().maskedUrl() + "; expected a server that accepts writes";
            } else if (!node.primary() && !recovery) {
                problem = node.describe() + " is listed as a replica but is not in recovery (it accepts writes) at "
                        + node.spec().maskedUrl() + "; expected a streaming standby of " + node.shard() + "'s primary";
            } else {
                problem = skewProblem(node, skew);
            }
            return new Result(node, recovery, version, systemIdentifier, dataDirectory, server, sender, skew, problem);
        } catch (SQLException e) {
            return new Result(node, null, null, null, null, null, null, null, node.describe() + " does not answer at "
                    + node.spec().maskedUrl() + ": " + firstLine(e.getMessage()));
        }
    }

    /** A problem when the node's clock is more than {@link #MAX_SKEW_MS} off this machine's; else null. */
    static String skewProblem(PhysicalNode node, long skewMs) {
        if (Math.abs(skewMs) <= MAX_SKEW_MS) {
            return null;
        }
        return node.describe() + "'s clock is " + Math.abs(skewMs) + " ms " + (skewMs > 0 ? "ahead of" : "behind")
                + " this machine's at " + node.spec().maskedUrl() + "; expected within " + MAX_SKEW_MS + " ms (month tables are "
                + "chosen by the application's clock, rows stamped by the database's: around a month boundary they "
                + "disagree for as long as the skew); synchronize the clocks (NTP)";
    }

    /** One value, or null if the query fails (no privilege) or returns nothing. */
    private static String optional(Statement s, String sql) {
        try (ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        } catch (SQLException e) {
            return null;
        }
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "no message";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
