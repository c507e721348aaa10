package com.skyriff.data.testkit;

/** One-line progress messages on stderr, prefixed {@code [topology]}. Thread-safe. */
final class Log {
    private Log() {
    }

    static void info(String message) {
        System.err.println("[topology] " + message);
    }

    /** Elapsed time since {@code startNanos} as {@code 1.2 s}. */
    static String since(long startNanos) {
        long millis = (System.nanoTime() - startNanos) / 1_000_000;
        return millis / 1000 + "." + (millis % 1000) / 100 + " s";
    }
}
