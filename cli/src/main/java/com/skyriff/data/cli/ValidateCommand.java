package com.skyriff.data.cli;

import com.skyriff.data.SkyriffData;
import com.skyriff.data.migrations.Months;
import com.skyriff.data.migrations.Progress;
import com.skyriff.data.rules.NativeRules;
import com.skyriff.data.rules.PhysicalNode;
import com.skyriff.data.rules.Rules;
import com.skyriff.data.rules.RulesException;
import com.skyriff.data.rules.RulesProblem;
import com.skyriff.data.rules.RulesReader;
import com.skyriff.data.rules.Topology;
import java.nio.file.Path;
import java.time.Clock;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "validate", mixinStandardHelpOptions = true,
        description = {"Checks a rules file exactly as the library would (the same reader and builder, then ShardingSphere's "
                + "own rule checks) and reports every problem at once. Works offline.",
                "Also accepts a native ShardingSphere 5.5 YAML file (dataSources: + rules:).",
                "--connect also checks the cluster against the rules: every node answers; its role matches (a primary in "
                        + "recovery or a replica that is not is an error); no two entries are the same server (system "
                        + "identifier from pg_control_system() and data directory, or server address and port), so two "
                        + "shards never share a primary; each replica is a standby of its own shard's primary (same system "
                        + "identifier; pg_stat_wal_receiver names the server it streams from); each node's clock is within "
                        + NodeProbe.MAX_SKEW_MS + " ms of this machine's (month tables are chosen by the application's clock, "
                        + "rows stamped by the database's); every month table of every window exists."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:the rules are valid (and, with --connect, match the cluster)",
                "2:problems were found (all are listed)"})
final class ValidateCommand extends BaseCommand {
    @Parameters(index = "0", paramLabel = "RULES.yaml", description = "The rules file (compact or native ShardingSphere).")
    Path file;

    @Option(names = "--connect", description = "Also connect to every node (5 s timeout each).")
    boolean connect;

    @Override
    int execute() {
        String text = read(file);
        String source = file.getFileName().toString();
        boolean nativeFile = RulesReader.isNative(text);
        List<RulesProblem> problems = new ArrayList<>();
        List<Map<String, Object>> nodes = new ArrayList<>();
        String summary;
        if (nativeFile) {
            NativeRules rules = collect(problems, () -> NativeRules.parse(text, source));
            summary = "native ShardingSphere 5.5 configuration";
            if (rules != null) {
                try {
                    OfflineRouter.checkNative(rules);
                } catch (IllegalArgumentException e) {
                    problems.add(fileProblem(source, null, source + ": " + e.getMessage()));
                    rules = null;
                }
            }
            if (rules != null && connect) {
                try {
                    SkyriffData.builder().nativeRules(rules).build().close();
                    summary += "; ShardingSphere started and connected to its data sources";
                } catch (RuntimeException e) {
                    problems.add(fileProblem(source, null, source + ": ShardingSphere failed to start with it: "
                            + OfflineRouter.rootMessage(e)));
                }
            }
        } else {
            Rules rules = collect(problems, () -> RulesReader.parse(text, source, root.env, clock()));
            summary = "";
            if (rules != null) {
                Topology topology = null;
                try {
                    topology = Topology.compile(rules, clock());
                    OfflineRouter.create(topology);
                } catch (IllegalArgumentException e) {
                    problems.add(fileProblem(source, null, source + ": " + e.getMessage()));
                }
                if (topology != null) {
                    long monthly = topology.tables().stream().filter(t -> t.strategy().byMonth()).count();
                    summary = topology.shardCount() + " shards, " + topology.nodes().size() + " nodes, "
                            + topology.tables().size() + " tables (" + monthly + " split by month)";
                    if (connect) {
                        connectChecks(source, rules, topology, problems, nodes);
                    }
                }
            }
        }
        boolean valid = problems.isEmpty();
        if (json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("command", "validate");
            m.put("file", file.toString());
            m.put("format", nativeFile ? "native" : "compact");
            m.put("valid", valid);
            m.put("summary", summary);
            m.put("problems", problems.stream().map(ValidateCommand::problemJson).toList());
            if (connect) {
                m.put("nodes", nodes);
            }
            printJson(m);
        } else {
            if (!nodes.isEmpty()) {
                TextTable t = new TextTable("node", "url", "answers", "in recovery", "version", "system identifier",
                        "streams from", "clock skew");
                for (Map<String, Object> n : nodes) {
                    t.row(n.get("node"), n.get("url"), n.get("answers"), n.get("inRecovery"), n.get("version"),
                            n.get("systemIdentifier"), n.get("streamsFrom"),
                            n.get("clockSkewMs") == null ? null : n.get("clockSkewMs") + " ms");
                }
                t.print(out());
            }
            if (valid) {
                out().println(source + ": valid" + (summary.isEmpty() ? "" : ": " + summary));
            } else {
                out().println(source + ": " + problems.size() + (problems.size() == 1 ? " problem" : " problems"));
                for (RulesProblem p : problems) {
                    out().println("  " + p.message());
                }
            }
        }
        return valid ? SkyriffCli.OK : SkyriffCli.INVALID;
    }

    static Map<String, Object> problemJson(RulesProblem p) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("file", p.file());
        m.put("line", p.line());
        m.put("key", p.key());
        m.put("value", p.value());
        m.put("expected", p.expected());
        m.put("message", p.message());
        return m;
    }

    private static RulesProblem fileProblem(String source, String key, String message) {
        return new RulesProblem(source, null, key, null, null, message);
    }

    /** The rules key of a node's url, e.g. {@code shards[1].replicas[0].url}. */
    private static String urlKey(Topology topology, PhysicalNode n) {
        return "shards[" + topology.shardIndex(n.shard()) + "]." + (n.primary() ? "primary" : "replicas[" + n.replicaIndex() + "]") + ".url";
    }

    private void connectChecks(String source, Rules rules, Topology topology, List<RulesProblem> problems,
                               List<Map<String, Object>> nodes) {
        boolean primariesAnswer = true;
        List<NodeProbe.Result> results = new ArrayList<>();
        for (PhysicalNode n : topology.nodes()) {
            NodeProbe.Result r = NodeProbe.probe(n, Clock.systemUTC());
            results.add(r);
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("node", n.describe());
            m.put("url", n.spec().maskedUrl());
            m.put("answers", r.inRecovery() != null);
            m.put("inRecovery", r.inRecovery());
            m.put("version", r.version());
            m.put("systemIdentifier", r.systemIdentifier());
            m.put("dataDirectory", r.dataDirectory());
            m.put("server", r.server());
            m.put("streamsFrom", r.sender());
            m.put("clockSkewMs", r.clockSkewMs());
            m.put("problem", r.problem());
            nodes.add(m);
            if (r.problem() != null) {
                problems.add(new RulesProblem(source, null, urlKey(topology, n), n.spec().maskedUrl(), null, r.problem()));
            }
            if (n.primary() && r.inRecovery() == null) {
                primariesAnswer = false;
            }
        }
        topologyChecks(source, topology, results, problems);
        if (!primariesAnswer) {
            return;
        }
        for (Months.Status s : Months.of(rules, clock(), Progress.NONE).status(null)) {
            if (s.error() != null) {
                problems.add(fileProblem(source, null, s.error()));
            } else if (!s.missing().isEmpty() && !rules.createMissingMonths()) {
                problems.add(new RulesProblem(source, null, "tables." + s.table(), null, s.window().toString(),
                        s.shard() + ": " + s.missing().size() + " month tables of tables." + s.table()
                        + "'s window " + s.window() + " do not exist: " + abbreviate(s.missing(), s.table())
                        + "; the layer will refuse to start: run 'skyriff months --ahead' or set create-missing-months: true"));
            }
        }
    }

    /**
     * Who is who: two entries on one server (the same primary for two shards, a replica that is its primary), and a
     * replica that is a standby of another shard's primary or of another cluster (its system identifier is not its
     * primary's; pg_stat_wal_receiver names the server it streams from).
     */
    static void topologyChecks(String source, Topology topology, List<NodeProbe.Result> results,
                               List<RulesProblem> problems) {
        Map<String, NodeProbe.Result> byIdentity = new LinkedHashMap<>();
        for (NodeProbe.Result r : results) {
            String id = r.identity();
            if (id == null) {
                continue;
            }
            NodeProbe.Result first = byIdentity.putIfAbsent(id, r);
            if (first != null) {
                PhysicalNode a = first.node();
                PhysicalNode b = r.node();
                String why = a.primary() && b.primary()
                        ? ", expected a primary of its own for " + b.shard() + " (two shards on one primary each see the "
                        + "other's rows)"
                        : ", expected a server of its own for each entry";
                problems.add(new RulesProblem(source, null, urlKey(topology, b), b.spec().maskedUrl(), "a server other than "
                        + a.describe() + "'s", urlKey(topology, b) + " (" + b.describe() + ") is the same PostgreSQL server as "
                        + urlKey(topology, a) + " (" + a.describe() + "): system identifier " + r.systemIdentifier() + ", "
                        + (r.dataDirectory() != null ? "data directory " + r.dataDirectory() : "listening at " + r.server())
                        + "; was '" + b.spec().maskedUrl() + "'" + why));
            }
        }
        Map<String, NodeProbe.Result> primaries = new LinkedHashMap<>();
        for (NodeProbe.Result r : results) {
            if (r.node().primary()) {
                primaries.put(r.node().shard(), r);
            }
        }
        for (NodeProbe.Result r : results) {
            PhysicalNode n = r.node();
            NodeProbe.Result primary = primaries.get(n.shard());
            if (n.primary() || r.systemIdentifier() == null || !Boolean.TRUE.equals(r.inRecovery()) || primary == null
                    || primary.systemIdentifier() == null || primary.systemIdentifier().equals(r.systemIdentifier())) {
                continue;
            }
            String owner = primaries.values().stream().filter(p -> r.systemIdentifier().equals(p.systemIdentifier()))
                    .map(p -> p.node().shard() + "'s primary").findFirst().orElse(null);
            problems.add(new RulesProblem(source, null, urlKey(topology, n), n.spec().maskedUrl(), n.shard() + "'s primary",
                    urlKey(topology, n) + " (" + n.describe() + ") is a standby of "
                    + (owner != null ? owner : "another cluster") + ", not of " + n.shard() + "'s primary: system identifier "
                    + r.systemIdentifier() + ", " + n.shard() + "'s primary has " + primary.systemIdentifier()
                    + (r.sender() != null ? "; it streams from " + r.sender() : "") + "; was '" + n.spec().maskedUrl()
                    + "', expected a standby of " + n.shard() + "'s primary"
                    + (primary.server() != null ? " (" + primary.server() + ")" : "")));
        }
    }

    private static String abbreviate(List<YearMonth> months, String table) {
        List<String> names = months.stream().map(m -> com.skyriff.data.rules.MonthWindow.tableName(table, m)).toList();
        return names.size() <= 6 ? names.toString() : names.subList(0, 6) + " and " + (names.size() - 6) + " more";
    }

    private interface Step<T> {
        T run();
    }

    private static <T> T collect(List<RulesProblem> problems, Step<T> step) {
        try {
            return step.run();
        } catch (RulesException e) {
            problems.addAll(e.details());
            return null;
        }
    }
}
