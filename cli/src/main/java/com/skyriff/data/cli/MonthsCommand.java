package com.skyriff.data.cli;

import com.skyriff.data.migrations.Months;
import com.skyriff.data.migrations.RunResult;
import com.skyriff.data.migrations.SqlPlan;
import com.skyriff.data.rules.Rules;
import java.nio.file.Path;
import java.time.YearMonth;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "months", mixinStandardHelpOptions = true,
        description = {"Month tables over time.",
                "Without an action: which month tables exist on each shard and which months of the rules' windows are missing.",
                "--ahead N: creates the tables of the current month through N months ahead (and through the end of the "
                        + "window) that are missing, on every shard, each exactly like a month table created by the "
                        + "migrations (same columns, defaults, constraints, indexes, statistics, triggers, grants, names).",
                "--drop-before YYYY-MM: drops the month tables older than that month (with --archive, moves them into an "
                        + "archive schema). A dry run unless --yes is given. Refused while the rules' window still "
                        + "includes those months."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:done (or planned), or, without an action, every month of every window exists (or the "
                        + "rules set create-missing-months: true, so the layer creates the missing ones when it starts)",
                "1:a database failed, or months of a window are missing and the rules do not set create-missing-months: true",
                "2:invalid rules or arguments"})
final class MonthsCommand extends BaseCommand {
    @Parameters(index = "0", paramLabel = "RULES.yaml", description = "The compact rules file.")
    Path file;

    @Option(names = "--table", paramLabel = "T", description = "Only this monthly table (default: all).")
    String table;

    @Option(names = "--ahead", paramLabel = "N", description = "Create the tables of the next N months.")
    Integer ahead;

    @Option(names = "--drop-before", paramLabel = "YYYY-MM", description = "Drop (or archive) month tables older than this month.")
    String dropBefore;

    @Option(names = "--archive", arity = "0..1", paramLabel = "SCHEMA", fallbackValue = "archive",
            description = "With --drop-before: move the tables into SCHEMA (default 'archive') instead of dropping them.")
    String archive;

    @Option(names = "--yes", description = "With --drop-before: really drop (or archive).")
    boolean yes;

    @Option(names = "--dry-run", description = "Print the exact SQL per database; change nothing.")
    boolean dryRun;

    @Override
    int execute() {
        if (ahead != null && dropBefore != null) {
            throw new IllegalArgumentException("months takes one action at a time; was --ahead and --drop-before");
        }
        if (archive != null && dropBefore == null) {
            throw new IllegalArgumentException("months --archive applies only with --drop-before");
        }
        Rules rules = rules(file);
        Months months = Months.of(rules, clock(), progress());
        if (ahead != null) {
            SqlPlan plan = months.ahead(ahead, table);
            return dryRun ? printPlan(plan) : run(months, plan);
        }
        if (dropBefore != null) {
            YearMonth cutoff;
            try {
                cutoff = YearMonth.parse(dropBefore.trim());
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException("months --drop-before is not a month; was '" + dropBefore
                        + "', expected YYYY-MM such as 2025-01");
            }
            SqlPlan plan = months.dropBefore(cutoff, archive, table);
            if (dryRun || !yes) {
                int code = printPlan(plan);
                if (!json && !plan.isEmpty()) {
                    out().println("-- dry run: nothing was changed; add --yes to " + (archive == null ? "drop" : "archive")
                            + " these " + plan.nodes().stream().mapToInt(n -> n.units().size()).sum() + " tables");
                }
                return code;
            }
            return run(months, plan);
        }
        return status(rules, months.status(table));
    }

    private int printPlan(SqlPlan plan) {
        if (json) {
            printJson(Reports.planJson("months", plan));
        } else {
            Reports.printPlan(plan, out());
        }
        return plan.hasErrors() ? SkyriffCli.FAILURE : SkyriffCli.OK;
    }

    private int run(Months months, SqlPlan plan) {
        RunResult r = months.execute(plan);
        if (json) {
            printJson(Reports.runJson("months", r));
        } else {
            Reports.printRun(r, out());
        }
        return r.success() ? SkyriffCli.OK : SkyriffCli.FAILURE;
    }

    private int status(Rules rules, List<Months.Status> status) {
        boolean problem = false;
        boolean anyMissing = false;
        List<Map<String, Object>> rows = new ArrayList<>();
        TextTable t = new TextTable("table", "shard", "window", "month tables", "missing");
        for (Months.Status s : status) {
            boolean missing = !s.missing().isEmpty();
            problem |= s.error() != null || missing && !rules.createMissingMonths();
            anyMissing |= missing;
            String existing = s.existing().isEmpty() ? "none"
                    : s.existing().get(0) + ".." + s.existing().get(s.existing().size() - 1) + " (" + s.existing().size() + ")";
            t.row(s.table(), s.shard(), s.window(), s.error() != null ? "ERROR " + s.error() : existing,
                    missing ? s.missing().toString() : "-");
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("table", s.table());
            m.put("shard", s.shard());
            m.put("window", s.window().toString());
            m.put("existing", s.existing().stream().map(YearMonth::toString).toList());
            m.put("missing", s.missing().stream().map(YearMonth::toString).toList());
            m.put("error", s.error());
            rows.add(m);
        }
        if (json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("command", "months");
            m.put("ok", !problem);
            m.put("createMissingMonths", rules.createMissingMonths());
            m.put("tables", rows);
            printJson(m);
        } else {
            t.print(out());
            if (anyMissing && !rules.createMissingMonths()) {
                out().println("months of a window are missing (the layer refuses to start): run 'skyriff months "
                        + file + " --ahead N', or set create-missing-months: true");
            } else if (anyMissing) {
                out().println("months of a window are missing; create-missing-months: true, so the layer creates them "
                        + "when it starts (exit 0); 'skyriff months " + file + " --ahead N' creates them now");
            }
        }
        return problem ? SkyriffCli.FAILURE : SkyriffCli.OK;
    }
}
