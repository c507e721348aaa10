package com.skyriff.data.migrations;

/**
 * Receives progress of long runs: which node, which step, how many done of how many. Called from the one thread doing
 * the work, so an implementation need not be thread-safe; it must be quick (print a line, update a bar).
 */
@FunctionalInterface
public interface Progress {
    /** Ignores every report. */
    Progress NONE = (where, what, done, total) -> {
    };

    /**
     * @param where the node, e.g. {@code shard1 primary}
     * @param what  the step, e.g. {@code V2 add kind: watch_event_202611}
     * @param done  steps finished so far in this run of {@code where} (or of the whole run)
     * @param total steps in all
     */
    void update(String where, String what, int done, int total);
}
