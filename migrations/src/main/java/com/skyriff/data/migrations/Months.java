package com.skyriff.data.migrations;

import com.skyriff.data.rules.MonthWindow;
import com.skyriff.data.rules.PhysicalNode;
import com.skyriff.data.rules.Rules;
import com.skyriff.data.rules.Topology;
import com.skyriff.data.schema.Catalog;
import com.skyriff.data.schema.MonthTableDdl;
import com.skyriff.data.schema.PhysicalNames;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Month tables over time: creates the coming months' tables on every shard ahead of need, and retires old ones
 * (drop, or move into an archive schema). Every change is first a {@link SqlPlan} (the exact SQL per database, for
 * dry runs), then {@link #execute executed}: each month table is one transaction, nodes one after the other, and the
 * first failure stops the run. Thread-safe.
 */
public final class Months {
    static final String APPLICATION = "skyriff-months";

    /** The rules compiled as of {@link #clock}: nodes, each table's shards and month window. */
    private final Topology topology;
    /** What "now" is for {@link #ahead}. */
    private final Clock clock;
    private final Progress progress;

    private Months(Topology topology, Clock clock, Progress progress) {
        this.topology = topology;
        this.clock = clock;
        this.progress = progress;
    }

    /** The month tables of {@code rules} against the windows as of {@code clock}. */
    public static Months of(Rules rules, Clock clock, Progress progress) {
        Objects.requireNonNull(clock, "clock");
        return new Months(Topology.compile(Objects.requireNonNull(rules, "rules"), clock), clock,
                Objects.requireNonNull(progress, "progress"));
    }

    /**
     * The month tables of one logical table on one shard.
     *
     * @param existing month tables that exist, in month order
     * @param missing  months of the rules' window that have no table (the layer refuses to start with these unless
     *                 the rules say {@code create-missing-months: true})
     * @param error    why the shard could not be read; null when it was
     */
    public record Status(String table, String shard, MonthWindow window, List<YearMonth> existing,
                         List<YearMonth> missing, String error) {
        public Status {
            existing = List.copyOf(existing);
            missing = List.copyOf(missing);
        }
    }

    /** The month tables of every monthly table (or only {@code table}) on every shard that holds it. */
    public List<Status> status(String table) {
        List<Topology.Table> tables = monthlyTables(table);
        List<Status> out = new ArrayList<>();
        for (PhysicalNode node : primaries()) {
            List<String> names;
            String error = null;
            try (Connection c = Jdbc.open(node, APPLICATION)) {
                names = Catalog.tableNames(c);
            } catch (SQLException e) {
                names = List.of();
                error = node.describe() + " - cannot read tables at " + node.spec().maskedUrl() + ": " + Jdbc.message(e);
            }
            for (Topology.Table t : tables) {
                if (!t.shards().contains(node.shard())) {
                    continue;
                }
                MonthWindow window = t.window();
                Set<YearMonth> existing = new TreeSet<>();
                for (String n : names) {
                    PhysicalNames.monthOf(n, t.name()).ifPresent(existing::add);
                }
                List<YearMonth> missing = error != null ? List.of()
                        : window.months().stream().filter(m -> !existing.contains(m)).toList();
                out.add(new Status(t.name(), node.shard(), window, new ArrayList<>(existing), missing, error));
            }
        }
        return out;
    }

    /**
     * Plans the tables of the current month through {@code monthsAhead} months from now (and through the end of
     * the rules' window, if that reaches further) that do not exist yet, on every shard that holds each table.
     * Months before the current one are never created here.
     */
    public SqlPlan ahead(int monthsAhead, String table) {
        if (monthsAhead < 0) {
            throw new IllegalArgumentException("months --ahead is negative; was " + monthsAhead + ", expected 0 or more");
        }
        List<Topology.Table> tables = monthlyTables(table);
        YearMonth now = YearMonth.now(clock.withZone(topology.monthZone()));
        List<SqlPlan.NodeWork> nodes = new ArrayList<>();
        List<PhysicalNode> primaries = primaries();
        for (int i = 0; i < primaries.size(); i++) {
            PhysicalNode node = primaries.get(i);
            progress.update(node.describe(), "reading templates", i, primaries.size());
            List<SqlPlan.Unit> units = new ArrayList<>();
            String error = null;
            try (Connection c = Jdbc.open(node, APPLICATION)) {
                Set<String> names = new HashSet<>(Catalog.tableNames(c));
                Catalog catalog = null;
                for (Topology.Table t : tables) {
                    if (!t.shards().contains(node.shard())) {
                        continue;
                    }
                    YearMonth last = now.plusMonths(monthsAhead);
                    YearMonth windowLast = t.window().last();
                    if (windowLast.isAfter(last)) {
                        last = windowLast;
                    }
                    List<String> wanted = new ArrayList<>();
                    for (YearMonth m = now; !m.isAfter(last); m = m.plusMonths(1)) {
                        if (!names.contains(t.spec().monthTable(m))) {
                            wanted.add(t.spec().monthTable(m));
                        }
                    }
                    if (wanted.isEmpty()) {
                        continue;
                    }
                    if (!names.contains(t.name())) {
                        error = node.describe() + " - template table " + t.name() + " does not exist, so "
                                + wanted.size() + " month tables cannot be created; run migrate first";
                        break;
                    }
                    if (catalog == null) {
                        catalog = Catalog.read(c, n -> tables.stream().anyMatch(x -> x.name().equals(n)));
                    }
                    for (String physical : wanted) {
                        units.add(new SqlPlan.Unit(physical, MonthTableDdl.create(catalog.table(t.name()), physical)));
                    }
                }
            } catch (SQLException e) {
                error = node.describe() + " - cannot read schema at " + node.spec().maskedUrl() + ": " + Jdbc.message(e);
            }
            nodes.add(new SqlPlan.NodeWork(node, error == null ? units : List.of(), error));
        }
        return new SqlPlan("months --ahead " + monthsAhead, nodes);
    }

    /**
     * Plans retiring every month table older than {@code cutoff}: {@code DROP TABLE}, or, with an archive schema,
     * {@code ALTER TABLE .. SET SCHEMA archive}.
     *
     * @param archiveSchema the schema to move tables into; null to drop them
     * @throws IllegalArgumentException when {@code cutoff} lies inside a table's window (the layer would fail to
     *                                  start, or fail at runtime, without those months): raise {@code first-month} first
     */
    public SqlPlan dropBefore(YearMonth cutoff, String archiveSchema, String table) {
        List<Topology.Table> tables = monthlyTables(table);
        List<String> problems = new ArrayList<>();
        for (Topology.Table t : tables) {
            MonthWindow w = t.window();
            if (cutoff.isAfter(w.first())) {
                problems.add("tables." + t.name() + ".first-month is " + w.first() + ", inside the months --drop-before "
                        + cutoff + " would remove (window " + w + "); was " + w.first() + ", expected " + cutoff
                        + " or later: change the rules and restart the services first");
            }
        }
        if (archiveSchema != null && !archiveSchema.matches("[a-z_][a-z0-9_]{0,62}")) {
            problems.add("months --archive is not a lower-case schema name; was '" + archiveSchema + "', expected [a-z_][a-z0-9_]*");
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join(System.lineSeparator(), problems));
        }
        List<SqlPlan.NodeWork> nodes = new ArrayList<>();
        for (PhysicalNode node : primaries()) {
            List<SqlPlan.Unit> units = new ArrayList<>();
            String error = null;
            try (Connection c = Jdbc.open(node, APPLICATION)) {
                List<String> names = Catalog.tableNames(c);
                for (Topology.Table t : tables) {
                    for (String n : names) {
                        YearMonth m = PhysicalNames.monthOf(n, t.name()).orElse(null);
                        if (m != null && m.isBefore(cutoff)) {
                            units.add(new SqlPlan.Unit(n, archiveSchema == null ? List.of("DROP TABLE " + n)
                                    : List.of("CREATE SCHEMA IF NOT EXISTS " + archiveSchema,
                                    "ALTER TABLE " + n + " SET SCHEMA " + archiveSchema)));
                        }
                    }
                }
            } catch (SQLException e) {
                error = node.describe() + " - cannot read tables at " + node.spec().maskedUrl() + ": " + Jdbc.message(e);
            }
            nodes.add(new SqlPlan.NodeWork(node, units, error));
        }
        return new SqlPlan("months --drop-before " + cutoff + (archiveSchema == null ? "" : " --archive " + archiveSchema), nodes);
    }

    /**
     * Runs a plan: node by node, each unit (month table) in its own transaction. The first failure (or a node the
     * plan could not read) stops the run; later nodes are not attempted.
     */
    public RunResult execute(SqlPlan plan) {
        List<RunResult.NodeResult> out = new ArrayList<>();
        boolean failed = false;
        int total = plan.nodes().stream().mapToInt(n -> n.units().size()).sum();
        int done = 0;
        for (SqlPlan.NodeWork work : plan.nodes()) {
            PhysicalNode node = work.node();
            if (failed) {
                out.add(new RunResult.NodeResult(node, RunResult.Status.NOT_ATTEMPTED, List.of(), null, null, ""));
                continue;
            }
            if (work.error() != null) {
                failed = true;
                out.add(new RunResult.NodeResult(node, RunResult.Status.FAILED, List.of(), null, work.error(), ""));
                continue;
            }
            if (work.units().isEmpty()) {
                out.add(new RunResult.NodeResult(node, RunResult.Status.UP_TO_DATE, List.of(), null, null, ""));
                continue;
            }
            List<String> units = new ArrayList<>();
            String failedUnit = null;
            String error = null;
            try (Connection c = Jdbc.open(node, APPLICATION)) {
                c.setAutoCommit(false);
                for (SqlPlan.Unit u : work.units()) {
                    progress.update(node.describe(), u.label(), done, total);
                    try (Statement s = c.createStatement()) {
                        for (String sql : u.statements()) {
                            s.execute(sql);
                        }
                        c.commit();
                    } catch (SQLException e) {
                        c.rollback();
                        failedUnit = u.label();
                        error = node.describe() + " - " + u.label() + " failed (rolled back): " + Jdbc.message(e);
                        break;
                    }
                    units.add(u.label());
                    done++;
                }
            } catch (SQLException e) {
                error = node.describe() + " - cannot connect to " + node.spec().maskedUrl() + ": " + Jdbc.message(e);
            }
            if (error != null) {
                failed = true;
                out.add(new RunResult.NodeResult(node, RunResult.Status.FAILED, units, failedUnit, error, ""));
            } else {
                out.add(new RunResult.NodeResult(node, RunResult.Status.DONE, units, null, null, ""));
            }
        }
        progress.update("all", "done", done, total);
        return new RunResult(plan.action(), out);
    }

    private List<PhysicalNode> primaries() {
        return topology.nodes().stream().filter(PhysicalNode::primary).toList();
    }

    private List<Topology.Table> monthlyTables(String table) {
        List<Topology.Table> monthly = topology.tables().stream().filter(t -> t.strategy().byMonth()).toList();
        if (table == null) {
            return monthly;
        }
        List<String> names = monthly.stream().map(Topology.Table::name).toList();
        if (!names.contains(table)) {
            throw new IllegalArgumentException("months --table is not a table split by month; was '" + table
                    + "', expected one of " + names);
        }
        return monthly.stream().filter(t -> t.name().equals(table)).toList();
    }
}
