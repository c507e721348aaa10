package com.skyriff.data;

import com.skyriff.data.rules.PhysicalNode;
import com.skyriff.data.rules.Rules;
import com.skyriff.data.rules.Topology;
import com.skyriff.data.schema.Catalog;
import com.skyriff.data.schema.MonthTableDdl;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Makes sure every month table of every window exists on every shard primary before ShardingSphere routes to it.
 * A month table is created from its logical table, which serves as the template on each shard, only when the rules
 * say {@code create-missing-months: true}; otherwise missing tables are a startup error that lists them. It is created
 * with exactly the statements {@code skyriff months --ahead} runs ({@link MonthTableDdl}: {@code LIKE} the template,
 * then its constraints, indexes, statistics, triggers and grants under the names a migration gives them), in one
 * transaction per table, so drift finds nothing and later migrations reach it like any other month.
 */
final class MonthTables {
    private MonthTables() {
    }

    /** At most this many primaries are checked at once. */
    static final int PARALLEL_PRIMARIES = 8;

    /**
     * Checks (or creates) the month tables on every shard primary, the primaries in parallel (each primary's first
     * connection and catalog read are mostly waiting), and reports the missing tables in the rules' node order.
     */
    static void prepare(Topology topology, Map<String, HikariDataSource> pools) throws SQLException {
        Rules rules = topology.rules();
        List<Topology.Table> monthly = topology.tables().stream().filter(t -> t.window() != null).toList();
        if (monthly.isEmpty()) {
            return;
        }
        List<PhysicalNode> primaries = topology.nodes().stream().filter(PhysicalNode::primary).toList();
        List<List<String>> missingPerNode = new ArrayList<>();
        if (primaries.size() == 1) {
            missingPerNode.add(prepare(rules, primaries.get(0), pools, monthly));
        } else {
            ExecutorService pool = Executors.newFixedThreadPool(Math.min(primaries.size(), PARALLEL_PRIMARIES), r -> {
                Thread t = new Thread(r, rules.name() + "-month-tables");
                t.setDaemon(true);
                return t;
            });
            try {
                List<Future<List<String>>> checks = new ArrayList<>();
                for (PhysicalNode node : primaries) {
                    checks.add(pool.submit(() -> prepare(rules, node, pools, monthly)));
                }
                for (Future<List<String>> check : checks) {
                    missingPerNode.add(await(check));
                }
            } finally {
                pool.shutdownNow();
            }
        }
        List<String> missing = new ArrayList<>();
        missingPerNode.forEach(missing::addAll);
        if (!missing.isEmpty()) {
            throw new SkyriffDataException(rules.name() + " - " + missing.size() + " month tables of the rules' windows "
                    + "do not exist: " + abbreviate(missing) + "; create them (skyriff months --ahead) or set "
                    + "create-missing-months: true");
        }
    }

    /**
     * The result of a month-table check run on another thread, or its failure as the check itself would have thrown
     * it (for the per-primary checks: the first primary in node order that failed).
     */
    static <T> T await(Future<T> check) throws SQLException {
        try {
            return check.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SkyriffDataException("month tables: interrupted while checking the shard primaries", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof SQLException sql) {
                throw sql;
            }
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (cause instanceof Error error) {
                throw error;
            }
            throw new SkyriffDataException("month tables: " + cause, cause);
        }
    }

    /** One primary: its missing month tables ("shard.table"), after creating them if the rules allow it. */
    private static List<String> prepare(Rules rules, PhysicalNode node, Map<String, HikariDataSource> pools,
                                        List<Topology.Table> monthly) {
        List<String> missing = new ArrayList<>();
        try (Connection c = pools.get(node.dataSourceName()).getConnection()) {
            Set<String> existing = new HashSet<>(Catalog.tableNames(c));
            Catalog templates = null;
            for (Topology.Table t : monthly) {
                if (!t.shards().contains(node.shard())) {
                    continue;
                }
                for (String physical : t.physicalTables()) {
                    if (existing.contains(physical)) {
                        continue;
                    }
                    if (!rules.createMissingMonths()) {
                        missing.add(node.shard() + "." + physical);
                    } else if (!existing.contains(t.name())) {
                        throw new SkyriffDataException(node.describe() + " - cannot create month table " + physical
                                + ": its template table " + t.name() + " does not exist (apply the migrations first)");
                    } else {
                        if (templates == null) {
                            templates = Catalog.read(c, name -> isTemplate(name, monthly));
                        }
                        create(c, node, templates.table(t.name()), physical);
                        existing.add(physical);
                    }
                }
            }
        } catch (SQLException e) {
            throw new SkyriffDataException(node.describe() + " - cannot check month tables at " + node.spec().maskedUrl()
                    + ": " + e.getMessage(), e);
        }
        return missing;
    }

    /**
     * Creates month table {@code physical} of {@code template} in one transaction. If that fails because another
     * process (another service starting, its month roll-over, {@code skyriff months --ahead}) created the same table
     * meanwhile, the table it created is kept: it was made by the same statements.
     */
    private static void create(Connection c, PhysicalNode node, Catalog.Table template, String physical)
            throws SQLException {
        List<String> statements = MonthTableDdl.create(template, physical);
        boolean autoCommit = c.getAutoCommit();
        c.setAutoCommit(false);
        try (Statement s = c.createStatement()) {
            for (String sql : statements) {
                s.execute(sql);
            }
            c.commit();
        } catch (SQLException e) {
            try {
                c.rollback();
                if (Catalog.tableNames(c).contains(physical)) {
                    c.setAutoCommit(autoCommit);
                    return;
                }
            } catch (SQLException again) {
                e.addSuppressed(again);
            }
            // auto-commit stays off here: the pool resets it when the connection is returned
            throw new SkyriffDataException(node.describe() + " - cannot create month table " + physical
                    + " from its template " + template.name() + " (rolled back): " + e.getMessage(), e);
        }
        c.setAutoCommit(autoCommit);
    }

    private static boolean isTemplate(String name, List<Topology.Table> monthly) {
        for (Topology.Table t : monthly) {
            if (t.name().equals(name)) {
                return true;
            }
        }
        return false;
    }

    private static String abbreviate(List<String> names) {
        return names.size() <= 6 ? names.toString()
                : names.subList(0, 6) + " and " + (names.size() - 6) + " more";
    }
}
