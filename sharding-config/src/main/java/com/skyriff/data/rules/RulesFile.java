package com.skyriff.data.rules;

import java.nio.file.Path;
import java.time.Clock;
import java.util.function.Function;

/**
 * A rules file as read: the compact rules, or a native ShardingSphere 5.5 configuration (pass-through mode); exactly
 * one of them is non-null. The one place the layer reads a rules file from disk; data-core and the CLI take this.
 * Immutable, thread-safe.
 */
public record RulesFile(Path path, Rules rules, NativeRules nativeRules) {

    /**
     * Reads and checks {@code file}: native YAML (it has {@code dataSources:} and {@code rules:}) through
     * {@link NativeRules}, anything else through {@link RulesReader} with {@code ${VAR}} from {@code env}.
     *
     * @throws RulesException naming the file when it cannot be read, or listing every problem of its content
     */
    public static RulesFile read(Path file, Function<String, String> env, Clock clock) {
        String text = RulesReader.readText(file);
        String source = file.getFileName().toString();
        return RulesReader.isNative(text) ? new RulesFile(file, null, NativeRules.parse(text, source))
                : new RulesFile(file, RulesReader.parse(text, source, env, clock), null);
    }

    /** Whether the file is a native ShardingSphere configuration. */
    public boolean isNative() {
        return nativeRules != null;
    }
}
