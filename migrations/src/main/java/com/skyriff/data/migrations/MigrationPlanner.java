package com.skyriff.data.migrations;

import com.skyriff.data.rules.Topology;
import com.skyriff.data.schema.PhysicalNames;
import com.skyriff.data.schema.StatementExpander;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Turns a migration written against logical tables into the physical statements for one shard's database. A
 * statement naming a monthly table runs on the template table and on every month table that exists there (a
 * {@code CREATE TABLE} of it also creates the months of the rules' window, on the shards that hold the table); every
 * other statement runs once, unchanged. Thread-safe.
 */
final class MigrationPlanner {
    /** The rules compiled as of the migration's clock: each table's shards and its window's month tables. */
    private final Topology topology;
    private final StatementExpander expander;

    MigrationPlanner(Topology topology) {
        this.topology = topology;
        this.expander = new StatementExpander(topology.tables().stream()
                .filter(t -> t.strategy().byMonth()).map(Topology.Table::name).collect(Collectors.toSet()));
    }

    Topology topology() {
        return topology;
    }

    StatementExpander expander() {
        return expander;
    }

    /** One physical statement: the migration's statement number (from 1), the physical table it is for, the SQL. */
    record Planned(int statement, String table, String sql, boolean transactional) {
    }

    /**
     * Checks that every statement of {@code script} can be expanded.
     *
     * @return the problems, each as {@code V2__x.sql statement 3: ...}
     */
    List<String> check(MigrationScript script) {
        List<String> problems = new ArrayList<>();
        List<String> statements = script.statements();
        for (int i = 0; i < statements.size(); i++) {
            try {
                expander.analyze(statements.get(i), true);
            } catch (IllegalArgumentException e) {
                problems.add(script.fileName() + " statement " + (i + 1) + ": " + e.getMessage());
            }
        }
        return problems;
    }

    /**
     * The physical statements of {@code script} on {@code shard}'s database, given the tables that exist there;
     * {@code existing} is updated with the tables the script creates and drops, so a later script (or a dry run of
     * several) sees them.
     */
    List<Planned> plan(MigrationScript script, String shard, Set<String> existing) {
        List<Planned> out = new ArrayList<>();
        List<String> statements = script.statements();
        for (int i = 0; i < statements.size(); i++) {
            StatementExpander.Expansion e;
            try {
                e = expander.analyze(statements.get(i), true);
            } catch (IllegalArgumentException ex) {
                throw new IllegalArgumentException(script.fileName() + " statement " + (i + 1) + ": " + ex.getMessage(), ex);
            }
            if (e.table() == null) {
                out.add(new Planned(i + 1, null, statements.get(i), e.transactional()));
                continue;
            }
            List<String> targets = targets(e, shard, existing);
            for (String physical : targets) {
                try {
                    out.add(new Planned(i + 1, physical, e.render(physical), e.transactional()));
                } catch (IllegalArgumentException ex) {
                    throw new IllegalArgumentException(script.fileName() + " statement " + (i + 1) + ": " + ex.getMessage(), ex);
                }
            }
            if (e.createsTable()) {
                existing.addAll(targets);
            } else if (e.dropsTable()) {
                targets.forEach(existing::remove);
            }
        }
        return out;
    }

    /** The template first, then its month tables in month order. */
    List<String> targets(StatementExpander.Expansion e, String shard, Set<String> existing) {
        String logical = e.table();
        Topology.Table table = topology.table(logical);
        Set<String> months = new TreeSet<>();
        for (String t : existing) {
            if (PhysicalNames.isMonthTable(t, logical)) {
                months.add(t);
            }
        }
        if (e.createsTable() && table.shards().contains(shard)) {
            months.addAll(table.physicalTables());
        }
        List<String> out = new ArrayList<>();
        out.add(logical);
        out.addAll(months);
        return out;
    }
}
