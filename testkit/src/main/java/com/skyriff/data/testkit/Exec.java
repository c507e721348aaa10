package com.skyriff.data.testkit;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a command to completion. Output goes to a temporary file, never to a pipe: daemons started by the command
 * (pg_ctl start) must not hold a pipe of ours open. Thread-safe.
 */
final class Exec {
    private static final File DEV_NULL = new File("/dev/null");

    record Result(int exitCode, String output) {
        boolean ok() {
            return exitCode == 0;
        }
    }

    private Exec() {
    }

    static Result run(List<String> command, Path workDir, Duration timeout) {
        Path out = null;
        try {
            out = Files.createTempFile("skyriff-exec", ".out");
            ProcessBuilder builder = new ProcessBuilder(command);
            if (workDir != null) {
                builder.directory(workDir.toFile());
            }
            // PGPORT, PGHOST, PGDATA... of the calling shell must not leak into our servers and tools.
            builder.environment().keySet().removeIf(key -> key.startsWith("PG"));
            builder.redirectErrorStream(true);
            builder.redirectOutput(out.toFile());
            builder.redirectInput(ProcessBuilder.Redirect.from(DEV_NULL));
            Process process = builder.start();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
                throw new TopologyException(String.join(" ", command) + " did not finish within " + timeout.toMillis()
                        + " ms; output: " + read(out));
            }
            return new Result(process.exitValue(), read(out));
        } catch (IOException e) {
            throw new TopologyException("could not run " + String.join(" ", command) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TopologyException("interrupted while running " + String.join(" ", command), e);
        } finally {
            if (out != null) {
                try {
                    Files.deleteIfExists(out);
                } catch (IOException ignored) {
                    // a temp file left behind is harmless
                }
            }
        }
    }

    /** Runs the command and fails with {@code what} and the command's output unless it exits with 0. */
    static Result check(String what, List<String> command, Path workDir, Duration timeout) {
        Result result = run(command, workDir, timeout);
        if (!result.ok()) {
            throw new TopologyException(what + " failed (exit " + result.exitCode() + "): " + String.join(" ", command)
                    + "\n" + result.output().strip());
        }
        return result;
    }

    /** The first executable named {@code name} on PATH, else the first existing of {@code fallbacks}, else null. */
    static Path which(String name, String... fallbacks) {
        String path = System.getenv("PATH");
        if (path != null) {
            for (String dir : path.split(File.pathSeparator)) {
                if (dir.isEmpty()) {
                    continue;
                }
                Path candidate = Path.of(dir, name);
                if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                    return candidate;
                }
            }
        }
        for (String fallback : fallbacks) {
            Path candidate = Path.of(fallback);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return null;
    }

    static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "<could not read " + file + ": " + e.getMessage() + ">";
        }
    }

    /** The last {@code lines} lines of a file, for error messages. */
    static String tail(Path file, int lines) {
        if (!Files.exists(file)) {
            return "<no " + file.getFileName() + ">";
        }
        List<String> all = read(file).lines().toList();
        return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    }
}
