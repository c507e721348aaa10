package com.skyriff.data.cli;

import com.skyriff.data.migrations.MigrationException;
import com.skyriff.data.migrations.Progress;
import com.skyriff.data.rules.Rules;
import com.skyriff.data.rules.RulesException;
import com.skyriff.data.rules.RulesProblem;
import com.skyriff.data.rules.RulesReader;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * What every subcommand shares: {@code --json}, the streams, loading the rules, mapping failures to exit codes
 * (invalid input 2, runtime failure 1) and printing them as text or JSON.
 */
abstract class BaseCommand implements Callable<Integer> {
    @ParentCommand
    SkyriffCli root;

    @Spec
    CommandSpec spec;

    @Option(names = "--json", description = "Print machine-readable JSON on standard output (progress still goes to "
            + "standard error).")
    boolean json;

    /** The command's work; returns the exit code. */
    abstract int execute() throws Exception;

    @Override
    public final Integer call() {
        try {
            return execute();
        } catch (RulesException e) {
            return fail(SkyriffCli.INVALID, e.getMessage().lines().findFirst().orElse(""), e.details());
        } catch (IllegalArgumentException e) {
            return fail(SkyriffCli.INVALID, e.getMessage(), List.of());
        } catch (MigrationException | IllegalStateException e) {
            return fail(SkyriffCli.FAILURE, e.getMessage(), List.of());
        } catch (Exception e) {
            return fail(SkyriffCli.FAILURE, e.getClass().getSimpleName() + ": " + OfflineRouter.rootMessage(e), List.of());
        }
    }

    private int fail(int code, String message, List<RulesProblem> problems) {
        if (json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("command", spec.name());
            m.put("ok", false);
            m.put("exitCode", code);
            m.put("error", message);
            m.put("problems", problems.stream().map(ValidateCommand::problemJson).toList());
            out().println(Json.write(m));
        } else {
            err().println("skyriff " + spec.name() + ": " + message);
            for (RulesProblem p : problems) {
                err().println("  " + p.message());
            }
        }
        return code;
    }

    PrintWriter out() {
        return root.out;
    }

    PrintWriter err() {
        return root.err;
    }

    Clock clock() {
        return root.clock;
    }

    /** The rules file's text, read by sharding-config (the one reader of rules files). */
    static String read(Path file) {
        return RulesReader.readText(file);
    }

    /** The compact rules; a native ShardingSphere file is refused (only validate takes it). */
    Rules rules(Path file) {
        String text = read(file);
        if (RulesReader.isNative(text)) {
            throw new IllegalArgumentException(file + ": is a native ShardingSphere file; only 'skyriff validate' accepts "
                    + "one, '" + spec.name() + "' needs the compact rules format");
        }
        return RulesReader.parse(text, file.getFileName().toString(), root.env, root.clock);
    }

    /**
     * Progress on standard error, one line per node (see {@link ProgressBar}); none with {@code --json}, so a script
     * that merges both streams still reads one JSON document.
     */
    Progress progress() {
        if (json) {
            return Progress.NONE;
        }
        return new ProgressBar(err(), spec.name(), ProgressBar.Mode.of(root.env.apply("SKYRIFF_PROGRESS"),
                System.console() != null));
    }

    void printJson(Object value) {
        out().println(Json.write(value));
    }
}
