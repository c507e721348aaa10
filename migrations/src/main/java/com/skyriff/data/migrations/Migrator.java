package com.skyriff.data.migrations;

import com.skyriff.data.rules.PhysicalNode;
import com.skyriff.data.rules.Rules;
import com.skyriff.data.rules.Topology;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.Location;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationVersion;
import org.flywaydb.core.api.output.MigrateResult;
import org.flywaydb.core.api.resolver.ResolvedMigration;

/**
 * Applies versioned SQL migrations, written once against logical table names, to every physical database (each shard's
 * primary; replicas follow by streaming replication). Each statement that names a monthly table is applied to its
 * template and to every month table of that database. Flyway keeps the history table ({@code flyway_schema_history})
 * on each physical database, so running twice changes nothing and a run that stopped at a failed shard continues
 * from there. Shards are migrated one after the other, in the rules' order; the first failure stops the run.
 * Thread-safe; do not run two migrations of the same cluster at once (Flyway's lock serialises them per database).
 *
 * <pre>{@code
 * RunResult r = Migrator.builder().rules(rules).migrations(Path.of("db/migration")).build().migrate();
 * }</pre>
 */
public final class Migrator {
    static final String APPLICATION = "skyriff-migrate";

    private final Path location;
    private final List<MigrationScript> scripts;
    private final Progress progress;
    private final MigrationPlanner planner;

    private Migrator(Builder b, List<MigrationScript> scripts, MigrationPlanner planner) {
        this.location = b.location;
        this.scripts = scripts;
        this.progress = b.progress;
        this.planner = planner;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The migration files, in version order. */
    public List<MigrationScript> scripts() {
        return scripts;
    }

    /** The primaries, in the order they are migrated. */
    public List<PhysicalNode> databases() {
        return planner.topology().nodes().stream().filter(PhysicalNode::primary).toList();
    }

    /**
     * Offline: the SQL every migration would run on an empty database of each shard (no connection is made). Month
     * tables are those of the rules' windows.
     */
    public SqlPlan ddl() {
        List<SqlPlan.NodeWork> nodes = new ArrayList<>();
        for (PhysicalNode node : databases()) {
            Set<String> existing = new HashSet<>();
            List<SqlPlan.Unit> units = new ArrayList<>();
            for (MigrationScript s : scripts) {
                units.add(new SqlPlan.Unit(s.label(), sqlOf(planner.plan(s, node.shard(), existing))));
            }
            nodes.add(new SqlPlan.NodeWork(node, units, null));
        }
        return new SqlPlan("ddl", nodes);
    }

    /**
     * The exact SQL {@link #migrate()} would run now on each primary: its pending migrations, expanded against the
     * tables that exist there. Connects to every primary; changes nothing. A node that cannot be reached is reported
     * in its {@link SqlPlan.NodeWork#error()}.
     */
    public SqlPlan dryRun() {
        List<SqlPlan.NodeWork> nodes = new ArrayList<>();
        List<PhysicalNode> dbs = databases();
        for (int i = 0; i < dbs.size(); i++) {
            PhysicalNode node = dbs.get(i);
            progress.update(node.describe(), "reading schema history", i, dbs.size());
            try {
                Flyway flyway = flyway(node, new ExpandedMigration.NodeRun());
                Set<MigrationVersion> pending = new HashSet<>();
                for (MigrationInfo info : flyway.info().pending()) {
                    pending.add(info.getVersion());
                }
                Set<String> existing;
                try (Connection c = Jdbc.open(node, APPLICATION)) {
                    existing = new HashSet<>(Jdbc.strings(c, ExpandedMigration.TABLES_SQL));
                }
                List<SqlPlan.Unit> units = new ArrayList<>();
                for (MigrationScript s : scripts) {
                    if (pending.contains(s.flywayVersion())) {
                        units.add(new SqlPlan.Unit(s.label(), sqlOf(planner.plan(s, node.shard(), existing))));
                    }
                }
                nodes.add(new SqlPlan.NodeWork(node, units, null));
            } catch (FlywayException | SQLException e) {
                nodes.add(new SqlPlan.NodeWork(node, List.of(), node.describe() + " - cannot read schema at "
                        + node.spec().maskedUrl() + ": " + Jdbc.message(e)));
            }
        }
        progress.update("all", "planned", dbs.size(), dbs.size());
        return new SqlPlan("migrate", nodes);
    }

    /**
     * Migrates every primary, one after the other. Stops at the first node that fails; the result says what was
     * applied where and which nodes were not attempted. Never throws for a node failure.
     */
    public RunResult migrate() {
        List<RunResult.NodeResult> out = new ArrayList<>();
        boolean failed = false;
        for (PhysicalNode node : databases()) {
            if (failed) {
                out.add(new RunResult.NodeResult(node, RunResult.Status.NOT_ATTEMPTED, List.of(), null, null, ""));
                continue;
            }
            ExpandedMigration.NodeRun run = new ExpandedMigration.NodeRun();
            String before = "";
            try {
                Flyway flyway = flyway(node, run);
                MigrationInfo current = flyway.info().current();
                before = current == null ? "empty" : current.getVersion().getVersion();
                MigrateResult r = flyway.migrate();
                String after = r.targetSchemaVersion == null ? before : r.targetSchemaVersion;
                RunResult.Status status = r.migrationsExecuted == 0 ? RunResult.Status.UP_TO_DATE : RunResult.Status.DONE;
                out.add(new RunResult.NodeResult(node, status, run.done, null, null,
                        "schema version " + before + (status == RunResult.Status.DONE ? " -> " + after : "")));
            } catch (FlywayException | IllegalArgumentException e) {
                failed = true;
                String error = run.error != null ? run.error
                        : node.describe() + " - migration failed at " + node.spec().maskedUrl() + ": " + Jdbc.message(e);
                out.add(new RunResult.NodeResult(node, RunResult.Status.FAILED, run.done, run.failed, error,
                        before.isEmpty() ? "" : "schema version before this run " + before));
            }
        }
        return new RunResult("migrate", out);
    }

    private Flyway flyway(PhysicalNode node, ExpandedMigration.NodeRun run) {
        List<ResolvedMigration> resolved = new ArrayList<>();
        for (MigrationScript s : scripts) {
            resolved.add(new ExpandedMigration(s, planner, node, progress, run));
        }
        return Flyway.configure(Migrator.class.getClassLoader())
                .dataSource(Jdbc.url(node.spec(), APPLICATION), node.spec().username(), node.spec().password().reveal())
                .resolvers(context -> resolved)
                .skipDefaultResolvers(true)
                .skipDefaultCallbacks(true)
                .locations(location == null ? new Location[0]
                        : new Location[] {Location.fromPath("filesystem:", location.toAbsolutePath().toString())})
                .failOnMissingLocations(false)
                .validateMigrationNaming(false)
                .load();
    }

    private static List<String> sqlOf(List<MigrationPlanner.Planned> planned) {
        return planned.stream().map(MigrationPlanner.Planned::sql).toList();
    }

    private static List<MigrationScript> sorted(List<MigrationScript> scripts) {
        List<MigrationScript> out = new ArrayList<>(scripts);
        out.sort(java.util.Comparator.comparing(MigrationScript::flywayVersion));
        for (int i = 1; i < out.size(); i++) {
            if (out.get(i).flywayVersion().equals(out.get(i - 1).flywayVersion())) {
                throw new IllegalArgumentException(out.get(i).fileName() + ": version " + out.get(i).version()
                        + " is used twice; was '" + out.get(i).fileName() + "' and '" + out.get(i - 1).fileName()
                        + "', expected each version once");
            }
        }
        return List.copyOf(out);
    }

    /** Collects the settings; {@link #build()} reads and checks every migration file. Not thread-safe. */
    public static final class Builder {
        private Rules rules;
        private Path location;
        private List<MigrationScript> scripts;
        private Clock clock = Clock.systemUTC();
        private Progress progress = Progress.NONE;

        private Builder() {
        }

        public Builder rules(Rules value) {
            this.rules = Objects.requireNonNull(value, "rules");
            return this;
        }

        /** The directory of {@code V<version>__<description>.sql} files. */
        public Builder migrations(Path dir) {
            this.location = Objects.requireNonNull(dir, "dir");
            return this;
        }

        /** The migrations themselves (e.g. read from the classpath with {@link MigrationScript#of}), instead of a directory. */
        public Builder scripts(List<MigrationScript> value) {
            this.scripts = List.copyOf(value);
            return this;
        }

        /** The clock the month windows are computed from (a {@code CREATE TABLE} creates the window's months). */
        public Builder clock(Clock value) {
            this.clock = Objects.requireNonNull(value, "clock");
            return this;
        }

        public Builder progress(Progress value) {
            this.progress = Objects.requireNonNull(value, "progress");
            return this;
        }

        /**
         * @throws IllegalArgumentException listing every migration file problem (bad name, duplicate version, a
         *                                  statement that cannot be expanded)
         */
        public Migrator build() {
            if (rules == null || (location == null) == (this.scripts == null)) {
                throw new IllegalStateException("Migrator.builder(): call rules(...) and one of migrations(dir) or "
                        + "scripts(list) before build()");
            }
            List<MigrationScript> scripts = this.scripts != null ? sorted(this.scripts) : MigrationScript.load(location);
            MigrationPlanner planner = new MigrationPlanner(Topology.compile(rules, clock));
            List<String> problems = new ArrayList<>();
            for (MigrationScript s : scripts) {
                problems.addAll(planner.check(s));
            }
            if (!problems.isEmpty()) {
                throw new IllegalArgumentException(String.join(System.lineSeparator(), problems));
            }
            return new Migrator(this, scripts, planner);
        }
    }
}
