package com.skyriff.data.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;

/** Runs the command line in-process with a fixed clock and a given environment, capturing both streams. */
final class Cli {
    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-25T10:00:00Z"), ZoneOffset.UTC);

    record Result(int code, String out, String err) {
        @Override
        public String toString() {
            return "exit " + code + "\n--- out\n" + out + "--- err\n" + err;
        }
    }

    private final Map<String, String> env = new HashMap<>();

    Cli env(String key, String value) {
        env.put(key, value);
        return this;
    }

    Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = SkyriffCli.run(args, new PrintWriter(out), new PrintWriter(err), env::get, CLOCK);
        return new Result(code, out.toString(), err.toString());
    }

    static Path write(Path dir, String name, String text) {
        try {
            return Files.writeString(dir.resolve(name), text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A valid two-shard rules file; the nodes need not exist for offline commands. */
    static final String RULES = """
            name: skyriff
            bucket-count: 1024
            shards:
              - name: shard0
                buckets: 0-511
                primary:  { url: "jdbc:postgresql://pg0:5432/skyriff", username: app, password: "${PG_PASSWORD}" }
                replicas: [ "jdbc:postgresql://pg0-r1:5432/skyriff", "jdbc:postgresql://pg0-r2:5432/skyriff" ]
              - name: shard1
                buckets: 512-1023
                primary:  { url: "jdbc:postgresql://pg1:5432/skyriff", username: app, password: "${PG_PASSWORD}" }
                replicas: [ "jdbc:postgresql://pg1-r1:5432/skyriff" ]
            tables:
              users:       { strategy: user, key: user_id }
              videos:      { strategy: user, key: user_id, id: video_id }
              watch_event: { strategy: user+month, key: user_id, time: created_at, first-month: 2026-01, months-ahead: 3, id: event_id }
              audit:       { strategy: month, time: at, first-month: 2026-10, months-ahead: 1 }
              regions:     { strategy: broadcast }
              app_config:  { strategy: single }
            """;
}
