package com.skyriff.examples.demo;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The main job: {@code ./bin/skyriff demo}. Starts the embedded topology in the shape of a SkyRiff roadmap phase
 * (default 4: 2 shards x (1 primary + 2 replicas) + a Redis Cluster), applies the schema, seeds, runs the reference
 * service's mixed workload and prints a report (text, and an HTML page with charts); stops everything it started, also
 * on Ctrl-C. With {@code --rules} it runs against an existing cluster instead.
 */
@Command(name = "demo", mixinStandardHelpOptions = true, version = "skyriff demo 0.1.0-SNAPSHOT",
        description = {"Runs the SkyRiff reference service's mixed workload (profile reads through the cache, watch "
                + "history, recorded watches, top videos, follows, published videos, wallet credits and debits) through "
                + "the layer and reports what it did: operations per second, latency per operation, the statements each "
                + "node answered, the cache hit ratio, replica replay lag.",
                "Default: the embedded topology of roadmap phase 4 (2 shards x (1 primary + 2 replicas), monthly tables, a "
                        + "3-master Redis Cluster), started and stopped by the demo. --phase 1-3 start the earlier shapes; "
                        + "--rules runs against your own cluster.",
                "The text report goes to standard output; the HTML report (charts) is written next to it, its path printed "
                        + "at the end (--report-dir)."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:the workload ran without errors", "1:operations failed (samples in the report) or a server failed",
                "2:invalid flags, or --rules names a cluster without the reference schema (see --apply-schema)"})
public final class DemoMain implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--phase", paramLabel = "N", description = "Roadmap phase 1-4: the embedded topology's shape and "
            + "examples/rules/phaseN.yaml. 1: one PostgreSQL + Redis; 2: + a streaming replica; 3: + a second replica and "
            + "monthly tables; 4: + a second shard and a Redis Cluster. Default ${DEFAULT-VALUE}.")
    int phase = 4;

    @Option(names = "--rules", paramLabel = "RULES.yaml", description = "Run against the existing cluster of this compact "
            + "rules file instead of the embedded topology (it must list the reference service's tables, like "
            + "examples/rules/phase4.yaml).")
    Path rules;

    @Option(names = "--apply-schema", description = "With --rules: if the reference schema is missing, apply it (the "
            + "examples' migration db/skyriff/V1__skyriff_domain.sql, to every shard primary, with Flyway's history "
            + "table) and seed. Without it the demo stops and says what to run.")
    boolean applySchema;

    @Option(names = "--seed", description = "With --rules: seed users, videos and events first (the embedded run always seeds).")
    boolean seed;

    @Option(names = "--users", paramLabel = "N", description = "Users to seed. Default ${DEFAULT-VALUE}.")
    int users = 1000;

    @Option(names = "--videos-per-user", paramLabel = "N", description = "Videos per seeded user. Default ${DEFAULT-VALUE}.")
    int videosPerUser = 2;

    @Option(names = "--events", paramLabel = "N", description = "Watch events to seed. Default ${DEFAULT-VALUE}.")
    int events = 5000;

    @Option(names = "--threads", paramLabel = "N", description = "Client threads of the workload. Default ${DEFAULT-VALUE}.")
    int threads = 8;

    @Option(names = "--duration", paramLabel = "SECONDS", description = "Workload duration. Default ${DEFAULT-VALUE}.")
    int durationSeconds = 20;

    @Option(names = "--random-seed", paramLabel = "N", description = "Seed of the workload's random choices. Default "
            + "${DEFAULT-VALUE}.")
    long randomSeed = 42;

    @Option(names = "--report-dir", paramLabel = "DIR", description = "Where the report files go (demo-report.txt, "
            + "demo-report.html). Default: the examples module's target/demo-report.")
    Path reportDir;

    DemoReport report;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs one command line; returns the exit code. What {@code skyriff demo} calls. */
    public static int run(String... args) {
        return run(new PrintWriter(System.err, true), args);
    }

    /** {@link #run(String...)} with its messages (usage, refusals) to {@code err}. */
    static int run(PrintWriter err, String... args) {
        CommandLine cl = new CommandLine(new DemoMain());
        cl.setErr(err);
        cl.setExecutionExceptionHandler((e, line, parsed) -> {
            PrintWriter w = line.getErr();
            if (e instanceof IllegalArgumentException || e instanceof SchemaMissingException) {
                w.println("skyriff demo: " + e.getMessage());
                w.flush();
                return 2;
            }
            w.println("skyriff demo: " + e.getClass().getSimpleName() + ": " + e.getMessage());
            w.flush();
            return 1;
        });
        return cl.execute(args);
    }

    @Override
    public Integer call() throws Exception {
        if (users < 1 || videosPerUser < 1 || events < 0 || threads < 1 || durationSeconds < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--users, --videos-per-user, --threads and --duration must be >= 1 and --events >= 0");
        }
        Phase p;
        try {
            p = Phase.of(phase);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage() + " (" + Phase.summary() + ")");
        }
        if (applySchema && rules == null) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--apply-schema applies only with --rules (the "
                    + "embedded topology always gets the schema)");
        }
        DemoRun.Options options = new DemoRun.Options(p, rules, seed, applySchema, users, videosPerUser, events, threads,
                Duration.ofSeconds(durationSeconds), randomSeed);
        report = new DemoRun(options, System.out).run();
        report.print(System.out);
        Path dir = reportDir != null ? reportDir : DemoReport.defaultDir();
        Path[] written = report.write(dir);
        System.out.println();
        System.out.println("report: " + written[0].toAbsolutePath());
        System.out.println("charts: " + written[1].toAbsolutePath() + " (open it in a browser)");
        return report.errors() == 0 ? 0 : 1;
    }
}
