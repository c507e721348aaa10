package com.skyriff.data.cli;

import com.skyriff.data.migrations.Migrator;
import com.skyriff.data.migrations.RunResult;
import com.skyriff.data.migrations.SqlPlan;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "migrate", mixinStandardHelpOptions = true,
        description = {"Applies the versioned migrations to every shard's primary (replicas follow by replication), one "
                + "shard after the other, with Flyway's history table on each database. A statement naming a monthly "
                + "table is applied to its template and to every month table of that database. Running it twice changes "
                + "nothing. The first failure stops the run and says what was applied where; run it again to continue.",
                "--dry-run prints the exact SQL per database and changes nothing."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:every database is migrated (or, with --dry-run, every database could be planned)",
                "1:a database failed (see the table); later databases were not attempted",
                "2:invalid rules or migration files"})
final class MigrateCommand extends BaseCommand {
    @Parameters(index = "0", paramLabel = "RULES.yaml", description = "The compact rules file.")
    Path file;

    @Option(names = {"-m", "--migrations"}, paramLabel = "DIR", defaultValue = "db/migration",
            description = "Directory of V<version>__<description>.sql files (default: ${DEFAULT-VALUE}).")
    Path migrations;

    @Option(names = "--dry-run", description = "Print the exact SQL per database; change nothing.")
    boolean dryRun;

    @Override
    int execute() {
        Migrator migrator = Migrator.builder().rules(rules(file)).migrations(migrations).clock(clock())
                .progress(progress()).build();
        if (dryRun) {
            SqlPlan plan = migrator.dryRun();
            if (json) {
                printJson(Reports.planJson("migrate", plan));
            } else {
                Reports.printPlan(plan, out());
            }
            return plan.hasErrors() ? SkyriffCli.FAILURE : SkyriffCli.OK;
        }
        RunResult result = migrator.migrate();
        if (json) {
            printJson(Reports.runJson("migrate", result));
        } else {
            Reports.printRun(result, out());
        }
        return result.success() ? SkyriffCli.OK : SkyriffCli.FAILURE;
    }
}
