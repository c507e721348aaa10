package com.skyriff.data.migrations;

import com.skyriff.data.rules.PhysicalNode;
import java.util.List;

/**
 * The exact SQL a schema operation would run, per physical database, in the order it would run it. Produced by every
 * dry run; {@code months} executes one. Immutable, thread-safe.
 *
 * @param action what the plan does, e.g. {@code migrate}, {@code months --ahead 3}
 */
public record SqlPlan(String action, List<NodeWork> nodes) {
    public SqlPlan {
        nodes = List.copyOf(nodes);
    }

    /**
     * The work on one node.
     *
     * @param error why the node could not be planned (unreachable, template missing); null when planned
     */
    public record NodeWork(PhysicalNode node, List<Unit> units, String error) {
        public NodeWork {
            units = List.copyOf(units);
        }
    }

    /**
     * A unit of work that succeeds or fails as a whole (one migration, one month table).
     *
     * @param label e.g. {@code V2 add kind} or {@code watch_event_202703}
     */
    public record Unit(String label, List<String> statements) {
        public Unit {
            statements = List.copyOf(statements);
        }
    }

    /** Statements in all. */
    public int statementCount() {
        return nodes.stream().flatMap(n -> n.units().stream()).mapToInt(u -> u.statements().size()).sum();
    }

    /** Whether some node could not be planned. */
    public boolean hasErrors() {
        return nodes.stream().anyMatch(n -> n.error() != null);
    }

    /** Whether there is nothing to do (and no error). */
    public boolean isEmpty() {
        return !hasErrors() && statementCount() == 0;
    }
}
