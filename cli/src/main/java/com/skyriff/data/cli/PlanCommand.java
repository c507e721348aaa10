package com.skyriff.data.cli;

import com.skyriff.data.migrations.Progress;
import com.skyriff.data.rules.PhysicalNode;
import com.skyriff.data.rules.Rules;
import com.skyriff.data.rules.Strategy;
import com.skyriff.data.rules.TableSpec;
import com.skyriff.data.rules.Topology;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "plan", mixinStandardHelpOptions = true,
        description = {"What a change of rules means for the data: shards and tables added or removed, the physical tables "
                + "gained and lost, and, for tables split by user, which buckets change shard and which fraction of users "
                + "would have to move (exact when bucket-count is unchanged, estimated from 200000 random ids otherwise).",
                "--connect also counts, on the old rules' primaries, the rows that would have to move (it reads every "
                        + "user-id of the tables split by user: a full scan, run it off-peak)."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:planned", "1:a node could not be read (with --connect)", "2:invalid rules"})
final class PlanCommand extends BaseCommand {
    @Parameters(index = "0", paramLabel = "RULES-old.yaml", description = "The rules in force.")
    Path before;

    @Parameters(index = "1", paramLabel = "RULES-new.yaml", description = "The proposed rules.")
    Path after;

    @Option(names = "--connect", description = "Count the rows to move on the old rules' primaries.")
    boolean connect;

    /** Rows of one table on the old primaries, and how many of them the new rules place elsewhere. */
    record Rows(String table, long rows, long moving, String note) {
    }

    @Override
    int execute() {
        Rules oldRules = rules(before);
        Rules newRules = rules(after);
        Topology oldTopology = Topology.compile(oldRules, clock());
        Topology newTopology = Topology.compile(newRules, clock());
        RulesChange change = RulesChange.of(oldTopology, newTopology);
        List<Rows> rows = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        if (connect) {
            countRows(oldTopology, newTopology, rows, errors, progress());
        }
        if (json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("command", "plan");
            m.put("ok", errors.isEmpty());
            m.put("shardsAdded", change.shardsAdded);
            m.put("shardsRemoved", change.shardsRemoved);
            m.put("tablesAdded", change.tablesAdded);
            m.put("tablesRemoved", change.tablesRemoved);
            m.put("tablesChanged", change.tablesChanged);
            m.put("physicalTablesGained", List.copyOf(change.physicalGained));
            m.put("physicalTablesLost", List.copyOf(change.physicalLost));
            m.put("movingUserFraction", change.movingFraction);
            m.put("movingUserFractionEstimated", change.estimated);
            m.put("bucketMoves", change.bucketMoves.stream().map(RulesChange.BucketMove::text).toList());
            if (connect) {
                List<Map<String, Object>> r = new ArrayList<>();
                for (Rows x : rows) {
                    Map<String, Object> y = new LinkedHashMap<>();
                    y.put("table", x.table());
                    y.put("rows", x.rows());
                    y.put("moving", x.moving());
                    y.put("note", x.note());
                    r.add(y);
                }
                m.put("rows", r);
                m.put("errors", errors);
            }
            printJson(m);
        } else {
            out().println("plan: " + before + " -> " + after);
            TextTable t = new TextTable("", "");
            t.row("shards added", list(change.shardsAdded));
            t.row("shards removed", list(change.shardsRemoved));
            t.row("tables added", list(change.tablesAdded));
            t.row("tables removed", list(change.tablesRemoved));
            t.row("tables changed", list(change.tablesChanged));
            t.row("physical tables gained", change.physicalGained.size() + ": " + list(change.physicalGained));
            t.row("physical tables lost", change.physicalLost.size() + ": " + list(change.physicalLost));
            t.row("users moving", String.format(java.util.Locale.ROOT, "%.2f%% of user ids%s", change.movingFraction * 100,
                    change.estimated ? " (estimated: bucket-count changes, so every user's bucket is recomputed)" : ""));
            t.row("buckets moving", list(change.bucketMoves.stream().map(RulesChange.BucketMove::text).toList()));
            java.io.StringWriter sw = new java.io.StringWriter();
            t.print(new java.io.PrintWriter(sw, true));
            sw.toString().lines().skip(2).forEach(out()::println);
            if (connect) {
                TextTable r = new TextTable("table", "rows", "moving", "note");
                for (Rows x : rows) {
                    r.row(x.table(), x.rows(), x.moving(), x.note());
                }
                out().println();
                out().println("rows to move (counted on the old rules' primaries):");
                r.print(out());
                errors.forEach(e -> out().println("ERROR " + e));
            }
        }
        return errors.isEmpty() ? SkyriffCli.OK : SkyriffCli.FAILURE;
    }

    private void countRows(Topology oldTopology, Topology newTopology, List<Rows> out, List<String> errors,
                           Progress progress) {
        List<PhysicalNode> primaries = oldTopology.nodes().stream().filter(PhysicalNode::primary).toList();
        Map<String, long[]> counts = new LinkedHashMap<>();
        Map<String, String> notes = new LinkedHashMap<>();
        for (int i = 0; i < primaries.size(); i++) {
            PhysicalNode node = primaries.get(i);
            progress.update(node.describe(), "counting rows", i, primaries.size());
            try (Connection c = Connections.open(node, "skyriff-plan", 0)) {
                c.setAutoCommit(false);
                List<String> existing = tables(c);
                for (Topology.Table old : oldTopology.tables()) {
                    TableSpec t = old.spec();
                    Topology.Table compiled = newTopology.table(t.name());
                    TableSpec n = compiled == null ? null : compiled.spec();
                    if (!old.shards().contains(node.shard())) {
                        continue;
                    }
                    long[] count = counts.computeIfAbsent(t.name(), k -> new long[2]);
                    for (String physical : physicalTables(t, existing)) {
                        if (n == null) {
                            notes.put(t.name(), "removed from the rules");
                            count[0] += countAll(c, physical);
                        } else if (t.strategy().byUser() && n.strategy().byUser() && Objects.equals(t.keyColumn(), n.keyColumn())) {
                            long[] r = countMoving(c, physical, t.keyColumn(), newTopology, node.shard());
                            count[0] += r[0];
                            count[1] += r[1];
                            notes.put(t.name(), "rows whose user's bucket changes shard");
                        } else if (t.strategy() == Strategy.BROADCAST) {
                            long all = countAll(c, physical);
                            count[0] += all;
                            long added = compiled.shards().stream().filter(s -> !old.shards().contains(s)).count();
                            if (node.shard().equals(old.shards().get(0))) {
                                count[1] += all * added;
                            }
                            notes.put(t.name(), "broadcast: copied to each new shard");
                        } else {
                            long all = countAll(c, physical);
                            count[0] += all;
                            if (!compiled.shards().contains(node.shard()) || t.strategy() != n.strategy()) {
                                count[1] += all;
                                notes.put(t.name(), t.strategy() != n.strategy() ? "strategy changes: every row is rewritten"
                                        : "the table moves to " + compiled.shards());
                            } else {
                                notes.putIfAbsent(t.name(), "stays");
                            }
                        }
                    }
                }
                c.rollback();
            } catch (SQLException e) {
                errors.add(node.describe() + " - cannot count rows at " + node.spec().maskedUrl() + ": " + e.getMessage());
            }
        }
        progress.update("all", "rows counted", primaries.size(), primaries.size());
        for (Map.Entry<String, long[]> e : counts.entrySet()) {
            out.add(new Rows(e.getKey(), e.getValue()[0], e.getValue()[1], notes.getOrDefault(e.getKey(), "")));
        }
    }

    private static List<String> physicalTables(TableSpec t, List<String> existing) {
        List<String> out = new ArrayList<>();
        for (String name : existing) {
            if (name.equals(t.name()) || t.strategy().byMonth() && name.startsWith(t.name() + "_")
                    && name.length() == t.name().length() + 7 && name.substring(t.name().length() + 1).matches("\\d{6}")) {
                out.add(name);
            }
        }
        return out;
    }

    private static List<String> tables(Connection c) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }

    private static long countAll(Connection c, String table) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM " + quote(table))) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** [rows, rows whose key the new rules place on another shard than {@code shard}]. */
    private static long[] countMoving(Connection c, String table, String key, Topology newTopology, String shard)
            throws SQLException {
        long rows = 0;
        long moving = 0;
        try (PreparedStatement ps = c.prepareStatement("SELECT " + quote(key) + " FROM " + quote(table))) {
            ps.setFetchSize(10_000);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows++;
                    long id = rs.getLong(1);
                    if (!rs.wasNull() && !newTopology.shardName(newTopology.shardOf(id)).equals(shard)) {
                        moving++;
                    }
                }
            }
        }
        return new long[] {rows, moving};
    }

    private static String quote(String identifier) {
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }

    private static String list(Collection<String> items) {
        if (items.isEmpty()) {
            return "-";
        }
        List<String> l = List.copyOf(items);
        return l.size() <= 12 ? String.join(", ", l) : String.join(", ", l.subList(0, 12)) + " and " + (l.size() - 12) + " more";
    }
}
