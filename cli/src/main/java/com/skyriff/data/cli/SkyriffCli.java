package com.skyriff.data.cli;

import java.io.PrintWriter;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Objects;
import java.util.function.Function;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code skyriff}: the DBA's command line for a SkyRiff rules file. Every subcommand has {@code --help} and
 * {@code --json}. Exit codes: 0 ok, 1 failure (a node failed, drift found, migration stopped), 2 invalid input (bad
 * rules, bad arguments, bad migration files). One instance per command line; not thread-safe.
 */
@Command(name = "skyriff", mixinStandardHelpOptions = true, version = "skyriff 0.1.0-SNAPSHOT (ShardingSphere 5.5.2, Flyway 13)",
        description = "Sharded, read/write-split PostgreSQL from one rules file: check the rules, see where a key or a "
                + "statement goes, migrate every shard and month table, keep month tables ahead, find schema drift.",
        subcommands = {ValidateCommand.class, RouteCommand.class, DdlCommand.class, MigrateCommand.class,
                MonthsCommand.class, DriftCommand.class, PlanCommand.class, ReshardCommand.class, DemoCommand.class,
                CommandLine.HelpCommand.class},
        footerHeading = "%nEnvironment:%n",
        footer = {"  $${VAR} in a rules file is read from the environment.",
                "  SKYRIFF_NOW=2026-12-01T00:00:00Z makes every command compute month windows as of that instant.",
                "  SKYRIFF_PROGRESS=auto|bar|lines|off: progress on standard error (auto: a bar per node on a console, a line "
                        + "per quarter of a node's steps elsewhere; --json: none).",
                "%nExit codes: 0 ok, 1 failure (node failed, drift found, migration stopped), 2 invalid input."})
public final class SkyriffCli implements Runnable {
    static final int OK = 0;
    static final int FAILURE = 1;
    static final int INVALID = 2;

    final PrintWriter out;
    final PrintWriter err;
    final Function<String, String> env;
    final Clock clock;

    @Spec
    CommandSpec spec;

    SkyriffCli(PrintWriter out, PrintWriter err, Function<String, String> env, Clock clock) {
        this.out = Objects.requireNonNull(out);
        this.err = Objects.requireNonNull(err);
        this.env = Objects.requireNonNull(env);
        this.clock = Objects.requireNonNull(clock);
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing subcommand");
    }

    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(System.out, true);
        PrintWriter err = new PrintWriter(System.err, true);
        int code;
        try {
            code = run(args, out, err, System::getenv, clockFrom(System.getenv("SKYRIFF_NOW")));
        } catch (IllegalArgumentException e) {
            err.println("skyriff: " + com.skyriff.data.rules.Secret.mask(e.getMessage()));
            code = INVALID;
        }
        out.flush();
        err.flush();
        System.exit(code);
    }

    /** Runs one command line; what {@link #main} does, with the streams, environment and clock given. */
    static int run(String[] args, PrintWriter rawOut, PrintWriter rawErr, Function<String, String> env, Clock clock) {
        PrintWriter out = new PrintWriter(new MaskingWriter(rawOut), true);   // no password printed, whatever the command
        PrintWriter err = new PrintWriter(new MaskingWriter(rawErr), true);
        CommandLine cl = new CommandLine(new SkyriffCli(out, err, env, clock));
        cl.setOut(out);
        cl.setErr(err);
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        int code = cl.execute(args);
        out.flush();
        err.flush();
        return code;
    }

    static Clock clockFrom(String now) {
        if (now == null || now.isBlank()) {
            return Clock.systemUTC();
        }
        try {
            return Clock.fixed(Instant.parse(now.trim()), ZoneOffset.UTC);
        } catch (java.time.DateTimeException e) {
            throw new IllegalArgumentException("SKYRIFF_NOW is not an instant; was '" + now
                    + "', expected e.g. 2026-12-01T00:00:00Z");
        }
    }
}
