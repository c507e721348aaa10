package com.skyriff.examples;

import com.skyriff.data.migrations.MigrationScript;
import com.skyriff.data.migrations.Migrator;
import com.skyriff.data.migrations.Progress;
import com.skyriff.data.migrations.RunResult;
import com.skyriff.data.rules.Rules;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;

/**
 * The reference service's migrations (classpath {@code db/skyriff}), applied with the migrations tool to every shard
 * primary: each statement on a monthly table is expanded to the template and every month table of the window.
 */
public final class Schema {
    public static final String V1 = "V1__skyriff_domain.sql";

    private Schema() {
    }

    public static List<MigrationScript> scripts() {
        return List.of(MigrationScript.of(V1, text("/db/skyriff/" + V1)));
    }

    /** Migrates every shard of the rules; throws naming the node and statement when one fails. */
    public static RunResult migrate(Rules rules, Clock clock, Progress progress) {
        RunResult result = Migrator.builder().rules(rules).scripts(scripts()).clock(clock).progress(progress).build()
                .migrate();
        if (!result.success()) {
            throw new IllegalStateException("migration failed: " + result.nodes().stream()
                    .filter(n -> n.error() != null).map(RunResult.NodeResult::error).toList());
        }
        return result;
    }

    static String text(String resource) {
        try (InputStream in = Schema.class.getResourceAsStream(resource)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
