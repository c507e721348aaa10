package com.skyriff.data.cli;

import java.lang.reflect.InvocationTargetException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Unmatched;

@Command(name = "demo",
        description = {"Runs the SkyRiff reference service's mixed workload through the layer and reports what it did: on an "
                + "embedded topology of roadmap phase 1-4 that it starts and stops (default 4: 2 shards x (1 primary + 2 "
                + "replicas) + a Redis Cluster), or with --rules against your own cluster. Writes a text report and an "
                + "HTML report with charts.",
                "Its flags (--phase, --rules, --apply-schema, --seed, --users, --threads, --duration, ...) are the examples "
                        + "module's: ./bin/skyriff demo --help lists them."})
final class DemoCommand implements Callable<Integer> {
    static final String MAIN = "com.skyriff.examples.demo.DemoMain";

    @ParentCommand
    SkyriffCli root;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Unmatched
    List<String> args = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        Class<?> main;
        try {
            main = Class.forName(MAIN);
        } catch (ClassNotFoundException e) {
            if (args.contains("--help") || args.contains("-h")) {
                spec.commandLine().usage(root.out);
                return SkyriffCli.OK;
            }
            root.err.println("skyriff demo: the demo lives in the examples module, which is not on this classpath; "
                    + "run it with ./bin/skyriff demo");
            return SkyriffCli.INVALID;
        }
        try {
            return (Integer) main.getMethod("run", String[].class).invoke(null, (Object) args.toArray(new String[0]));
        } catch (InvocationTargetException e) {
            throw e.getCause() instanceof Exception x ? x : e;
        }
    }
}
