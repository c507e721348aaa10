package com.skyriff.data.cli;

import com.skyriff.data.SkyriffData;
import com.skyriff.data.StatementRoute;
import com.skyriff.data.rules.MonthWindow;
import com.skyriff.data.rules.PhysicalNode;
import com.skyriff.data.rules.Rules;
import com.skyriff.data.rules.Strategy;
import com.skyriff.data.rules.TableSpec;
import com.skyriff.data.rules.Topology;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.YearMonth;
import java.time.ZonedDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "route", mixinStandardHelpOptions = true,
        description = {"Where a key or a statement goes. Works offline, from the rules alone.",
                "--table T --key K [--time TS]: the shard, the physical table, and the nodes that answer a write and a read.",
                "--sql STATEMENT [--param V ...]: the path the library takes for the statement and why, decided by the "
                        + "library's own code (nothing is executed): the single-shard path (one physical statement on one "
                        + "node of one shard, month tables substituted), ShardingSphere (the reason; the physical "
                        + "statements computed by ShardingSphere 5.5.2's own parser, router and rewriter, after the layer's "
                        + "statement guard), or refused (the library's message, exit code 2). A full scan the rules allow "
                        + "(allow-full-scan) or a statement with the guard's disable hint is routed and flagged WARNING.",
                "Reads outside a transaction go to a replica (the balancer rotates; the one shown is one of them); inside a "
                        + "transaction or a primary scope everything goes to the primary."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:routed", "2:invalid rules, arguments or statement, or the library would refuse the statement"})
final class RouteCommand extends BaseCommand {
    @Parameters(index = "0", paramLabel = "RULES.yaml", description = "The compact rules file.")
    Path file;

    @Option(names = "--table", paramLabel = "T", description = "A logical table of the rules.")
    String table;

    @Option(names = "--key", paramLabel = "K", description = "The user id (tables split by user).")
    Long key;

    @Option(names = "--time", paramLabel = "TS", description = "The row's time, e.g. 2026-11-25T10:00 (in the rules' month-zone), "
            + "2026-11-25T10:00Z or 2026-11-25 (tables split by month).")
    String time;

    @Option(names = "--sql", paramLabel = "STATEMENT", description = "A statement against logical tables.")
    String sql;

    @Option(names = "--param", paramLabel = "V", description = "A value for each ? of --sql, in order (whole numbers are bound as bigint).")
    List<String> params = new ArrayList<>();

    @Override
    int execute() {
        if ((sql == null) == (table == null)) {
            throw new IllegalArgumentException("route needs either --table (with --key/--time) or --sql; was "
                    + (sql == null ? "neither" : "both"));
        }
        Rules rules = rules(file);
        return sql != null ? routeSql(rules) : routeKey(rules);
    }

    private int routeKey(Rules rules) {
        Topology topology = Topology.compile(rules, clock());
        Topology.Table compiled = topology.table(table);
        if (compiled == null) {
            throw new IllegalArgumentException("route --table names no table of the rules; was '" + table
                    + "', expected one of " + rules.tables().keySet());
        }
        TableSpec t = compiled.spec();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("command", "route");
        m.put("table", t.name());
        m.put("strategy", t.strategy().token());
        List<String> shards;
        if (t.strategy().byUser()) {
            if (key == null) {
                throw new IllegalArgumentException("route --key is missing; table " + t.name() + " (strategy "
                        + t.strategy() + ") is split by user id column " + t.keyColumn());
            }
            int bucket = topology.bucketOf(key);
            String shard = topology.shardName(topology.shardOf(key));
            m.put("keyColumn", t.keyColumn());
            m.put("key", key);
            m.put("bucket", bucket);
            m.put("bucketCount", rules.bucketCount());
            shards = List.of(shard);
        } else {
            shards = compiled.shards();
        }
        List<String> physical = compiled.physicalTables();
        if (t.strategy().byMonth()) {
            MonthWindow window = compiled.window();
            m.put("timeColumn", t.timeColumn());
            m.put("window", window.toString());
            if (time != null) {
                YearMonth month = monthOf(time, rules);
                if (!window.contains(month)) {
                    throw new IllegalArgumentException(t.name() + "." + t.timeColumn() + " value '" + time + "' falls in month "
                            + month + ", outside the table's month window " + window + " (rules: tables." + t.name()
                            + ".first-month / months-ahead)");
                }
                m.put("time", time);
                m.put("month", month.toString());
                physical = List.of(t.monthTable(month));
            }
        }
        m.put("shards", shards);
        List<String> qualified = new ArrayList<>();
        for (String s : shards) {
            for (String p : physical) {
                qualified.add(s + "." + p);
            }
        }
        m.put("physicalTables", qualified);
        List<PhysicalNode> writes = new ArrayList<>();
        List<PhysicalNode> reads = new ArrayList<>();
        for (String s : shards) {
            List<PhysicalNode> shardNodes = topology.nodes(topology.shardIndex(s));
            writes.add(shardNodes.get(0));
            List<PhysicalNode> replicas = shardNodes.stream().filter(n -> !n.primary()).toList();
            reads.addAll(replicas.isEmpty() ? List.of(shardNodes.get(0)) : replicas);
        }
        m.put("write", nodes(writes));
        m.put("read", nodes(reads));
        m.put("loadBalancer", rules.loadBalancing().toString());
        String readNote = t.strategy() == Strategy.BROADCAST ? "one of these answers a read (any shard holds the whole table)"
                : reads.size() > 1 ? rules.loadBalancing() + " over " + reads.size() + " replicas"
                : reads.get(0).primary() ? "no replica: the primary answers reads" : "the only replica";
        m.put("readNote", readNote);
        if (json) {
            printJson(m);
            return SkyriffCli.OK;
        }
        TextTable out = new TextTable("", "");
        out.row("table", t.name() + " (" + t.strategy() + (t.keyColumn() == null ? "" : ", key " + t.keyColumn())
                + (t.timeColumn() == null ? "" : ", time " + t.timeColumn()) + ")");
        if (t.strategy().byUser()) {
            out.row("user id", key + " -> bucket " + m.get("bucket") + " of " + rules.bucketCount() + " -> " + shards.get(0));
        } else {
            out.row("shards", String.join(", ", shards));
        }
        if (t.strategy().byMonth()) {
            out.row("month", time == null ? "no --time: every month table of the window " + m.get("window")
                    : time + " -> " + m.get("month") + " (window " + m.get("window") + ")");
        }
        out.row("physical", String.join(", ", qualified));
        for (int i = 0; i < writes.size(); i++) {
            out.row(i == 0 ? "write" : "", writes.get(i).describe() + "  " + writes.get(i).spec().maskedUrl());
        }
        for (int i = 0; i < reads.size(); i++) {
            out.row(i == 0 ? "read" : "", reads.get(i).describe() + "  " + reads.get(i).spec().maskedUrl());
        }
        out.row("", "(" + readNote + "; inside a transaction or a primary scope: the primary)");
        printPairs(out);
        return SkyriffCli.OK;
    }

    private int routeSql(Rules rules) {
        List<Object> values = new ArrayList<>();
        for (String p : params) {
            values.add(p.matches("-?\\d{1,18}") ? (Object) Long.valueOf(p) : p);
        }
        Topology topology = Topology.compile(rules, clock());
        StatementRoute decision = SkyriffData.routeOffline(topology, sql, values.toArray());
        if (decision.path() == StatementRoute.Path.REFUSED) {
            return refused(decision.reason(), null, null);
        }
        if (decision.path() == StatementRoute.Path.SINGLE_SHARD) {
            return singleShard(topology, decision, values);
        }
        OfflineRouter.Route route;
        try {
            route = OfflineRouter.create(topology).route(sql, values);
        } catch (OfflineRouter.Refused refused) {
            if (!json) {
                throw refused;
            }
            return refused(refused.getMessage(), refused.refusal().reason().toString(), refused.refusal().table());
        }
        if (json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("command", "route");
            m.put("sql", route.sql());
            m.put("path", "shardingsphere");
            m.put("reason", decision.reason());
            m.put("statementType", route.statementType());
            List<Map<String, Object>> units = new ArrayList<>();
            for (OfflineRouter.Unit u : route.units()) {
                Map<String, Object> x = new LinkedHashMap<>();
                x.put("dataSource", u.dataSource());
                x.put("node", u.node() == null ? null : u.node().describe());
                x.put("url", u.node() == null ? null : u.node().spec().maskedUrl());
                x.put("sql", u.sql());
                x.put("parameters", u.parameters().stream().map(String::valueOf).toList());
                units.add(x);
            }
            m.put("units", units);
            m.put("fullScan", !route.warnings().isEmpty());
            m.put("warnings", route.warnings());
            printJson(m);
            return SkyriffCli.OK;
        }
        out().println(route.sql());
        out().println("path: ShardingSphere - " + decision.reason());
        TextTable t = new TextTable("node", "data source", "physical statement");
        for (OfflineRouter.Unit u : route.units()) {
            t.row(u.node() == null ? "?" : u.node().describe(), u.dataSource(),
                    u.sql() + (u.parameters().isEmpty() ? "" : "  -- " + u.parameters()));
        }
        t.print(out());
        out().println(route.units().size() + (route.units().size() == 1 ? " physical statement" : " physical statements"));
        for (String w : route.warnings()) {
            out().println("WARNING " + w);
        }
        return SkyriffCli.OK;
    }

    /** The library refuses the statement: its message unchanged, exit code 2 (as for invalid input). */
    private int refused(String message, String reason, String refusedTable) {
        if (!json) {
            throw new IllegalArgumentException(message);
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("command", "route");
        m.put("ok", false);
        m.put("exitCode", SkyriffCli.INVALID);
        m.put("sql", sql);
        m.put("path", "refused");
        m.put("refused", reason);
        m.put("table", refusedTable);
        m.put("error", message);
        printJson(m);
        return SkyriffCli.INVALID;
    }

    /**
     * The single-shard path: one physical statement on one node of the shard; a write or locking read on the primary,
     * a read on a replica the balancer picks (the first is shown), the primary inside a transaction.
     */
    private int singleShard(Topology topology, StatementRoute decision, List<Object> values) {
        List<PhysicalNode> shardNodes = topology.nodes(topology.shardIndex(decision.shard()));
        PhysicalNode primary = shardNodes.get(0);
        List<PhysicalNode> replicas = shardNodes.stream().filter(n -> !n.primary()).toList();
        boolean onPrimary = StatementRoute.ON_PRIMARY.equals(decision.reason()) || replicas.isEmpty();
        PhysicalNode node = onPrimary ? primary : replicas.get(0);
        String note = onPrimary ? (replicas.isEmpty() ? "no replica: the primary answers" : "writes and locking reads run on"
                + " the primary") : topology.rules().loadBalancing() + " over " + replicas.size()
                + (replicas.size() == 1 ? " replica" : " replicas") + "; inside a transaction or a primary scope: "
                + primary.describe();
        if (json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("command", "route");
            m.put("sql", sql);
            m.put("path", "single-shard");
            m.put("reason", decision.reason());
            m.put("shard", decision.shard());
            Map<String, Object> x = new LinkedHashMap<>();
            x.put("dataSource", node.dataSourceName());
            x.put("node", node.describe());
            x.put("url", node.spec().maskedUrl());
            x.put("sql", decision.sql());
            x.put("parameters", values.stream().map(String::valueOf).toList());
            m.put("units", List.of(x));
            m.put("nodeNote", note);
            m.put("generated", decision.generated());
            m.put("fullScan", false);
            m.put("warnings", List.of());
            printJson(m);
            return SkyriffCli.OK;
        }
        out().println(sql);
        out().println("path: single-shard - " + decision.reason() + " (" + decision.shard() + ")");
        TextTable t = new TextTable("node", "data source", "physical statement");
        t.row(node.describe(), node.dataSourceName(), decision.sql() + (values.isEmpty() ? "" : "  -- " + values));
        t.print(out());
        out().println("1 physical statement (" + note + ")");
        if (decision.generated() != null) {
            out().println("generated: " + decision.generated() + " (left out of the INSERT: the layer adds the column"
                    + " and fills it per execution from the table's key generator, as ShardingSphere would)");
        }
        return SkyriffCli.OK;
    }

    private void printPairs(TextTable t) {
        java.io.StringWriter sw = new java.io.StringWriter();
        java.io.PrintWriter pw = new java.io.PrintWriter(sw);
        t.print(pw);
        pw.flush();
        // drop the (empty) header and its rule
        sw.toString().lines().skip(2).forEach(out()::println);
    }

    private static List<Map<String, Object>> nodes(List<PhysicalNode> nodes) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (PhysicalNode n : nodes) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("node", n.describe());
            m.put("dataSource", n.dataSourceName());
            m.put("url", n.spec().maskedUrl());
            out.add(m);
        }
        return out;
    }

    static YearMonth monthOf(String text, Rules rules) {
        String s = text.trim();
        try {
            if (s.endsWith("Z") || s.matches(".*[+-]\\d{2}:\\d{2}$")) {
                return YearMonth.from(OffsetDateTime.parse(s).atZoneSameInstant(rules.monthZone()));
            }
            if (s.length() == 10) {
                return YearMonth.from(LocalDate.parse(s));
            }
            ZonedDateTime z = LocalDateTime.parse(s).atZone(rules.monthZone());
            return YearMonth.from(z);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("route --time is not a time; was '" + text
                    + "', expected e.g. 2026-11-25T10:00, 2026-11-25T10:00Z or 2026-11-25");
        }
    }
}
