package com.skyriff.data.migrations;

import com.skyriff.data.rules.PhysicalNode;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.flywaydb.core.api.CoreMigrationType;
import org.flywaydb.core.api.MigrationVersion;
import org.flywaydb.core.api.executor.Context;
import org.flywaydb.core.api.executor.MigrationExecutor;
import org.flywaydb.core.api.resolver.ResolvedMigration;
import org.flywaydb.core.extensibility.MigrationType;
import org.flywaydb.core.internal.jdbc.Results;

/**
 * One migration file as Flyway sees it on one physical database: recorded in that database's history as the SQL file
 * (its name, description and Flyway-compatible checksum), executed by expanding its statements against the tables
 * that exist there at that moment (see {@link MigrationPlanner}). Not thread-safe (one per node run).
 */
final class ExpandedMigration implements ResolvedMigration, MigrationExecutor {
    static final String TABLES_SQL = "SELECT tablename FROM pg_catalog.pg_tables WHERE schemaname = current_schema()";

    private final MigrationScript script;
    private final MigrationPlanner planner;
    private final PhysicalNode node;
    private final Progress progress;
    private final NodeRun run;
    private final boolean transactional;

    /** What happened on one node during a run: the migrations executed, and the one that failed. */
    static final class NodeRun {
        final java.util.List<String> done = new java.util.ArrayList<>();
        String failed;
        String error;
    }

    ExpandedMigration(MigrationScript script, MigrationPlanner planner, PhysicalNode node, Progress progress, NodeRun run) {
        this.script = script;
        this.planner = planner;
        this.node = node;
        this.progress = progress;
        this.run = run;
        this.transactional = script.statements().stream()
                .allMatch(s -> planner.expander().analyze(s, true).transactional());
    }

    @Override
    public List<Results> execute(Context context) throws SQLException {
        Connection c = context.getConnection();
        Set<String> existing = new HashSet<>(Jdbc.strings(c, TABLES_SQL));
        List<MigrationPlanner.Planned> plan = planner.plan(script, node.shard(), existing);
        int done = 0;
        for (MigrationPlanner.Planned p : plan) {
            progress.update(node.describe(), script.label() + (p.table() == null ? "" : ": " + p.table()), done, plan.size());
            try (Statement s = c.createStatement()) {
                s.execute(p.sql());
            } catch (SQLException e) {
                run.failed = script.label();
                run.error = node.describe() + " - " + script.fileName() + " statement " + p.statement()
                        + (p.table() == null ? "" : " on " + p.table()) + " failed: " + Jdbc.message(e)
                        + (transactional ? " (this migration was rolled back on this node)" : "");
                throw e;
            }
            done++;
        }
        progress.update(node.describe(), script.label() + ": done", done, plan.size());
        run.done.add(script.label());
        return List.of();
    }

    @Override
    public boolean canExecuteInTransaction() {
        return transactional;
    }

    @Override
    public boolean shouldExecute() {
        return true;
    }

    @Override
    public MigrationVersion getVersion() {
        return script.flywayVersion();
    }

    @Override
    public String getDescription() {
        return script.description();
    }

    @Override
    public String getScript() {
        return script.fileName();
    }

    @Override
    public Integer getChecksum() {
        return script.checksum();
    }

    @Override
    public MigrationType getType() {
        return CoreMigrationType.SQL;
    }

    @Override
    public String getPhysicalLocation() {
        return script.path().toString();
    }

    @Override
    public MigrationExecutor getExecutor() {
        return this;
    }

    @Override
    public boolean checksumMatches(Integer checksum) {
        return Objects.equals(checksum, script.checksum());
    }

    @Override
    public boolean checksumMatchesWithoutBeingIdentical(Integer checksum) {
        return false;
    }
}
