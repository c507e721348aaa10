package com.skyriff.examples.demo;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The main job: {@code ./bin/skyriff demo}. Starts the embedded topology in the shape of a SkyRiff roadmap phase
 * (default 4: 2 shards x (1 primary + 2 replicas) + Redis), applies the schema, seeds, runs the reference service's
 * mixed workload and prints a report; stops everything it started, also on Ctrl-C.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Runs the SkyRiff reference service's mixed workload and reports what the layer did.",
                "Default: the embedded topology of roadmap phase 4, started and stopped by the demo."})
public final class DemoMain implements Callable<Integer> {
    @Option(names = "--phase", description = "roadmap phase 1-4 (topology shape and examples/rules/phaseN.yaml); default ${DEFAULT-VALUE}")
    int phase = 4;

    @Option(names = "--rules", description = "run against the existing cluster of this rules file instead of the embedded topology")
    Path rules;

    @Option(names = "--seed", description = "with --rules: seed users, videos and events first (the embedded run always seeds)")
    boolean seed;

    @Option(names = "--users", description = "users to seed; default ${DEFAULT-VALUE}")
    int users = 1000;

    @Option(names = "--videos-per-user", description = "videos per seeded user; default ${DEFAULT-VALUE}")
    int videosPerUser = 2;

    @Option(names = "--events", description = "watch events to seed; default ${DEFAULT-VALUE}")
    int events = 5000;

    @Option(names = "--threads", description = "client threads of the workload; default ${DEFAULT-VALUE}")
    int threads = 8;

    @Option(names = "--duration", description = "workload duration in seconds; default ${DEFAULT-VALUE}")
    int durationSeconds = 20;

    @Option(names = "--random-seed", description = "seed of the workload's random choices; default ${DEFAULT-VALUE}")
    long randomSeed = 42;

    DemoReport report;

    public static void main(String[] args) {
        System.exit(new CommandLine(new DemoMain()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        if (users < 1 || videosPerUser < 1 || events < 0 || threads < 1 || durationSeconds < 1) {
            throw new CommandLine.ParameterException(new CommandLine(this),
                    "--users, --videos-per-user, --threads and --duration must be >= 1 and --events >= 0");
        }
        DemoRun.Options options = new DemoRun.Options(Phase.of(phase), rules, seed, users, videosPerUser, events, threads,
                Duration.ofSeconds(durationSeconds), randomSeed);
        report = new DemoRun(options, System.out).run();
        report.print(System.out);
        return report.errors() == 0 ? 0 : 1;
    }
}
