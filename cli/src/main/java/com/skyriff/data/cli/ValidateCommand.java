package com.skyriff.data.cli;

import com.skyriff.data.SkyriffData;
import com.skyriff.data.migrations.Months;
import com.skyriff.data.migrations.Progress;
import com.skyriff.data.rules.NativeRules;
import com.skyriff.data.rules.PhysicalNode;
import com.skyriff.data.rules.Rules;
import com.skyriff.data.rules.RulesException;
import com.skyriff.data.rules.RulesReader;
import java.nio.file.Path;
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
                "--connect also checks that every node answers, that its role matches the rules (a primary in recovery or a "
                        + "replica that is not is an error) and that every month table of every window exists."},
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
        List<String> problems = new ArrayList<>();
        List<Map<String, Object>> nodes = new ArrayList<>();
        String summary;
        if (nativeFile) {
            NativeRules rules = collect(problems, () -> NativeRules.parse(text, source));
            summary = "native ShardingSphere 5.5 configuration";
            if (rules != null) {
                try {
                    OfflineRouter.checkNative(rules.yaml());
                } catch (IllegalArgumentException e) {
                    problems.add(source + ": " + e.getMessage());
                    rules = null;
                }
            }
            if (rules != null && connect) {
                try {
                    SkyriffData.builder().nativeRules(rules).build().close();
                    summary += "; ShardingSphere started and connected to its data sources";
                } catch (RuntimeException e) {
                    problems.add(source + ": ShardingSphere failed to start with it: " + OfflineRouter.rootMessage(e));
                }
            }
        } else {
            Rules rules = collect(problems, () -> RulesReader.parse(text, source, root.env, clock()));
            summary = "";
            if (rules != null) {
                try {
                    OfflineRouter.create(rules, clock());
                } catch (IllegalArgumentException e) {
                    problems.add(source + ": " + e.getMessage());
                }
                long monthly = rules.tables().values().stream().filter(t -> t.strategy().byMonth()).count();
                summary = rules.shards().size() + " shards, " + rules.nodes().size() + " nodes, " + rules.tables().size()
                        + " tables (" + monthly + " split by month)";
                if (connect) {
                    connectChecks(rules, problems, nodes);
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
            m.put("problems", problems);
            if (connect) {
                m.put("nodes", nodes);
            }
            printJson(m);
        } else {
            if (!nodes.isEmpty()) {
                TextTable t = new TextTable("node", "url", "answers", "in recovery", "version");
                for (Map<String, Object> n : nodes) {
                    t.row(n.get("node"), n.get("url"), n.get("answers"), n.get("inRecovery"), n.get("version"));
                }
                t.print(out());
            }
            if (valid) {
                out().println(source + ": valid" + (summary.isEmpty() ? "" : ": " + summary));
            } else {
                out().println(source + ": " + problems.size() + (problems.size() == 1 ? " problem" : " problems"));
                for (String p : problems) {
                    out().println("  " + p);
                }
            }
        }
        return valid ? SkyriffCli.OK : SkyriffCli.INVALID;
    }

    private void connectChecks(Rules rules, List<String> problems, List<Map<String, Object>> nodes) {
        boolean primariesAnswer = true;
        for (PhysicalNode n : rules.nodes()) {
            NodeProbe.Result r = NodeProbe.probe(n);
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("node", n.describe());
            m.put("url", n.spec().url());
            m.put("answers", r.inRecovery() != null);
            m.put("inRecovery", r.inRecovery());
            m.put("version", r.version());
            m.put("problem", r.problem());
            nodes.add(m);
            if (r.problem() != null) {
                problems.add(r.problem());
            }
            if (n.primary() && r.inRecovery() == null) {
                primariesAnswer = false;
            }
        }
        if (!primariesAnswer) {
            return;
        }
        for (Months.Status s : Months.of(rules, clock(), Progress.NONE).status(null)) {
            if (s.error() != null) {
                problems.add(s.error());
            } else if (!s.missing().isEmpty() && !rules.createMissingMonths()) {
                problems.add(s.shard() + ": " + s.missing().size() + " month tables of tables." + s.table()
                        + "'s window " + s.window() + " do not exist: " + abbreviate(s.missing(), s.table())
                        + "; the layer will refuse to start: run 'skyriff months --ahead' or set create-missing-months: true");
            }
        }
    }

    private static String abbreviate(List<YearMonth> months, String table) {
        List<String> names = months.stream().map(m -> com.skyriff.data.rules.MonthWindow.tableName(table, m)).toList();
        return names.size() <= 6 ? names.toString() : names.subList(0, 6) + " and " + (names.size() - 6) + " more";
    }

    private interface Step<T> {
        T run();
    }

    private static <T> T collect(List<String> problems, Step<T> step) {
        try {
            return step.run();
        } catch (RulesException e) {
            problems.addAll(e.problems());
            return null;
        }
    }
}
