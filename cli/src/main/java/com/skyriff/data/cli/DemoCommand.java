package com.skyriff.data.cli;

import java.lang.reflect.InvocationTargetException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Unmatched;

@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Starts an embedded 2-shard PostgreSQL topology (+ Redis), creates the schema, routes statements "
                + "through the layer and prints which server and physical table answered each, then stops everything. "
                + "Runs the examples module's com.skyriff.examples.demo.DemoMain (bin/skyriff builds and starts it)."})
final class DemoCommand implements Callable<Integer> {
    static final String MAIN = "com.skyriff.examples.demo.DemoMain";

    @ParentCommand
    SkyriffCli root;

    @Unmatched
    List<String> args = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        Class<?> main;
        try {
            main = Class.forName(MAIN);
        } catch (ClassNotFoundException e) {
            root.err.println("skyriff demo: the demo lives in the examples module, which is not on this classpath; "
                    + "run it with ./bin/skyriff demo");
            return SkyriffCli.INVALID;
        }
        try {
            main.getMethod("main", String[].class).invoke(null, (Object) args.toArray(new String[0]));
        } catch (InvocationTargetException e) {
            throw e.getCause() instanceof Exception x ? x : e;
        }
        return SkyriffCli.OK;
    }
}
