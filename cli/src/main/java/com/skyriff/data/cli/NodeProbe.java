package com.skyriff.data.cli;

import com.skyriff.data.rules.PhysicalNode;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/** Asks one node whether it answers and whether it is in recovery (a standby), to compare with its role in the rules. */
final class NodeProbe {
    /**
     * @param inRecovery null when the node did not answer
     * @param problem    null when the node answers and its role matches the rules
     */
    record Result(PhysicalNode node, Boolean inRecovery, String version, String problem) {
    }

    private NodeProbe() {
    }

    static Result probe(PhysicalNode node) {
        try (Connection c = Connections.open(node, "skyriff-validate", 10);
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT pg_is_in_recovery(), current_setting('server_version')")) {
            rs.next();
            boolean recovery = rs.getBoolean(1);
            String version = rs.getString(2);
            String problem = null;
            if (node.primary() && recovery) {
                problem = node.describe() + " is listed as the primary but is in recovery (a standby) at "
                        + node.spec().url() + "; expected a server that accepts writes";
            } else if (!node.primary() && !recovery) {
                problem = node.describe() + " is listed as a replica but is not in recovery (it accepts writes) at "
                        + node.spec().url() + "; expected a streaming standby of " + node.shard() + "'s primary";
            }
            return new Result(node, recovery, version, problem);
        } catch (SQLException e) {
            return new Result(node, null, null, node.describe() + " does not answer at " + node.spec().url() + ": "
                    + firstLine(e.getMessage()));
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
