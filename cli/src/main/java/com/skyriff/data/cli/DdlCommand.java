package com.skyriff.data.cli;

import com.skyriff.data.migrations.Migrator;
import com.skyriff.data.migrations.SqlPlan;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "ddl", mixinStandardHelpOptions = true,
        description = {"Prints, offline, the physical DDL of every shard's database: every migration expanded as 'migrate' "
                + "would run it on an empty database (statements on a monthly table applied to its template and to each "
                + "month table of the rules' window; index and constraint names renamed per month table)."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:printed", "2:invalid rules or migration files"})
final class DdlCommand extends BaseCommand {
    @Parameters(index = "0", paramLabel = "RULES.yaml", description = "The compact rules file.")
    Path file;

    @Option(names = {"-m", "--migrations"}, paramLabel = "DIR", defaultValue = "db/migration",
            description = "Directory of V<version>__<description>.sql files (default: ${DEFAULT-VALUE}).")
    Path migrations;

    @Override
    int execute() {
        SqlPlan plan = Migrator.builder().rules(rules(file)).migrations(migrations).clock(clock()).build().ddl();
        if (json) {
            printJson(Reports.planJson("ddl", plan));
        } else {
            Reports.printPlan(plan, out());
        }
        return SkyriffCli.OK;
    }
}
