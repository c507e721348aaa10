package com.skyriff.data.migrations;

import com.skyriff.data.rules.PhysicalNode;
import java.util.List;

/**
 * What a schema operation did on each physical database, in the order it visited them: a run stops at the first
 * node that fails, so the nodes after it are {@link Status#NOT_ATTEMPTED}; running again continues from there.
 * Immutable, thread-safe.
 */
public record RunResult(String action, List<NodeResult> nodes) {
    public RunResult {
        nodes = List.copyOf(nodes);
    }

    public enum Status {
        /** Work was done and all of it succeeded. */
        DONE,
        /** Nothing was left to do. */
        UP_TO_DATE,
        /** Some units were done, then one failed; see {@link NodeResult#error()}. */
        FAILED,
        /** Skipped because an earlier node failed. */
        NOT_ATTEMPTED
    }

    /**
     * @param done   the units completed on this node in this run (e.g. {@code V2 add kind}), in order
     * @param failed the unit that failed, or null
     * @param error  the failure, starting with the node; null unless FAILED
     * @param detail e.g. {@code schema version 1 -> 3}; may be empty
     */
    public record NodeResult(PhysicalNode node, Status status, List<String> done, String failed, String error,
                             String detail) {
        public NodeResult {
            done = List.copyOf(done);
        }
    }

    public boolean success() {
        return nodes.stream().noneMatch(n -> n.status() == Status.FAILED || n.status() == Status.NOT_ATTEMPTED);
    }

    /** Whether the run changed nothing anywhere. */
    public boolean noChange() {
        return nodes.stream().allMatch(n -> n.status() == Status.UP_TO_DATE);
    }
}
