package com.skyriff.data.cli;

import com.skyriff.data.migrations.Drift;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "drift", mixinStandardHelpOptions = true,
        description = {"Compares, for each logical table, the columns (type, nullability, default, identity, generated, "
                + "collation, order), indexes, constraints and triggers of all its physical tables on all shards, "
                + "primaries and replicas, with the logical (template) table on the first shard's primary, and reports "
                + "each difference. Names are compared without their table's name (watch_event_202611_pkey = "
                + "watch_event_pkey). Month tables of a window that do not exist are reported too."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:no difference", "1:differences found, or a node could not be read", "2:invalid rules"})
final class DriftCommand extends BaseCommand {
    @Parameters(index = "0", paramLabel = "RULES.yaml", description = "The compact rules file.")
    Path file;

    @Override
    int execute() {
        Drift.Report report = Drift.of(rules(file), clock(), progress()).check();
        if (json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("command", "drift");
            m.put("ok", report.clean());
            m.put("compared", report.compared());
            m.put("reference", report.reference());
            m.put("unreachable", report.unreachable());
            List<Map<String, Object>> diffs = new ArrayList<>();
            for (Drift.Difference d : report.differences()) {
                Map<String, Object> x = new LinkedHashMap<>();
                x.put("node", d.node());
                x.put("table", d.table());
                x.put("logicalTable", d.logicalTable());
                x.put("kind", d.kind());
                x.put("name", d.name());
                x.put("problem", d.problem());
                x.put("expected", d.expected());
                x.put("actual", d.actual());
                x.put("text", d.describe());
                diffs.add(x);
            }
            m.put("differences", diffs);
            m.put("warnings", report.warnings());
            printJson(m);
        } else {
            for (String u : report.unreachable()) {
                out().println("ERROR " + u);
            }
            if (!report.differences().isEmpty()) {
                TextTable t = new TextTable("node", "table", "object", "problem", "was", "expected");
                for (Drift.Difference d : report.differences()) {
                    t.row(d.node(), d.table(), d.kind().equals("table") ? "table" : d.kind() + " " + d.name(), d.problem(),
                            d.actual() == null ? "-" : d.actual(), d.expected() == null ? "-" : d.expected());
                }
                t.print(out());
            }
            out().println(report.clean() ? "no drift: " + report.compared() + " physical tables match their logical table"
                    : report.differences().size() + " differences in " + report.compared() + " physical tables compared"
                    + (report.unreachable().isEmpty() ? "" : "; " + report.unreachable().size() + " nodes could not be read"));
            for (String w : report.warnings()) {
                out().println("WARN " + w);   // after the summary: risks of the schema, not drift
            }
        }
        return report.clean() ? SkyriffCli.OK : SkyriffCli.FAILURE;
    }
}
