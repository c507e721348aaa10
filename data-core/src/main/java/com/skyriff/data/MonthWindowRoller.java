package com.skyriff.data;

import com.skyriff.data.guard.internal.Constructs;
import com.skyriff.data.health.internal.HealthRuntime;
import com.skyriff.data.rules.PhysicalNode;
import com.skyriff.data.rules.Rules;
import com.skyriff.data.rules.Topology;
import com.skyriff.data.rules.internal.ShardingSphereRules;
import com.zaxxer.hikari.HikariDataSource;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.FutureTask;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.slf4j.LoggerFactory;

/**
 * The data source services use. It delegates to the current generation: one {@link Rules} value, the {@link Topology}
 * compiled from it, the node pools and health runtime of its nodes, and the ShardingSphere data source, single-shard
 * router and guard constructs built from that very topology. A new generation is built when the month windows move
 * (a new month begins: same rules, pools and health runtime, next topology) or when the rules change
 * ({@link #reload}: pools diffed, a health runtime for the new node set); its month tables are created or checked
 * first, then it is swapped in with one volatile write and the old one is retired after {@link #RETIRE_AFTER_SECONDS}
 * (its ShardingSphere data source, and the pools and health runtime the new generation no longer uses, are closed
 * then). A connection keeps the generation it was handed out from, so a transaction in flight finishes where it
 * began. Connections are {@link LayerConnection}s of the generation, which open ShardingSphere's connection only when
 * a statement or call needs it. The hot path is one volatile read and one small wrapper per {@link #getConnection()}.
 * Thread-safe.
 */
final class MonthWindowRoller implements DataSource, AutoCloseable {
    private static final org.slf4j.Logger LOG = LoggerFactory.getLogger(MonthWindowRoller.class);
    static final long CHECK_INTERVAL_SECONDS = 60;
    static final long RETIRE_AFTER_SECONDS = 120;

    private final Clock clock;
    private final Starter starter;
    private final MeterRegistry registry;
    private final ScheduledExecutorService scheduler;
    /** What {@link #close()} must still close: retired generations' leftovers not yet closed. */
    private final List<Runnable> retiring = new ArrayList<>();
    /** Reloads the rules from their source for a fenced write; null when built from a {@code Rules} value. */
    private volatile Supplier<String> fenceReload;
    /** The rules, topology, pools, health, ShardingSphere data source and router of the statements of today. */
    private volatile Generation current;
    private boolean closed;

    /**
     * One generation: the rules and the topology compiled from them, the pools (by data-source name, in the rules'
     * node order) and health runtime of their nodes, ShardingSphere's data source whose algorithms adapt that
     * topology, the single-shard router over the same pair (null when the rules turn the path off) and the guard's
     * constructs of the rules' tables.
     */
    record Generation(Rules rules, Topology topology, Map<String, HikariDataSource> pools, HealthRuntime health,
                      DataSource source, OneShardRouter router, Constructs constructs) {
    }

    /** Starts ShardingSphere for one generation: its rules, its health runtime's node data sources, the compiled rules. */
    @FunctionalInterface
    interface Starter {
        DataSource start(Rules rules, HealthRuntime health, ShardingSphereRules compiled);
    }

    private MonthWindowRoller(Clock clock, Starter starter, MeterRegistry registry, Generation first) {
        this.clock = clock;
        this.starter = starter;
        this.registry = registry;
        this.current = first;
        Rules rules = first.rules();
        scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, rules.name() + "-generations");
            t.setDaemon(true);
            return t;
        });
        scheduler.scheduleWithFixedDelay(this::refreshQuietly, CHECK_INTERVAL_SECONDS, CHECK_INTERVAL_SECONDS,
                TimeUnit.SECONDS);
        first.health().fenceHandler((e, shard) -> fenced(e, shard, first.health()));
    }

    /**
     * Starts the first generation on {@code topology} (compiled from the rules as of {@code clock}) over
     * {@code pools}, with replicas chosen by {@code health}; {@code registry} (null: none) counts statements by path
     * ({@code skyriff.statements}) and gets the pools of nodes added later. Checks the month windows every minute and
     * rolls over when they move. The month tables are checked (on another thread, while ShardingSphere starts) or,
     * when the rules let the layer create them, created before ShardingSphere starts; a failed check is thrown as the
     * sequential check threw it, whatever ShardingSphere did meanwhile. Each step is marked in {@code phases}.
     */
    static MonthWindowRoller start(Topology topology, Map<String, HikariDataSource> pools, HealthRuntime health,
                                   Clock clock, Starter starter, MeterRegistry registry, StartupPhases phases)
            throws SQLException {
        Rules rules = topology.rules();
        FutureTask<Void> check = new FutureTask<>(() -> {
            MonthTables.prepare(topology, pools);
            return null;
        });
        if (rules.createMissingMonths()) {
            // ShardingSphere reads the tables' metadata at its start: the tables it may need are created first
            check.run();
            MonthTables.await(check);
            phases.mark("month tables");
        } else {
            // only reading the catalogs (mostly waiting on the primaries): beside ShardingSphere's start
            Thread t = new Thread(check, rules.name() + "-month-check");
            t.setDaemon(true);
            t.start();
        }
        MonthWindowRoller roller = null;
        RuntimeException failure = null;
        try {
            ShardingSphereRules compiled = ShardingSphereRules.compile(topology, health.key());
            phases.mark("ShardingSphere rules");
            DataSource source = starter.start(rules, health, compiled);
            Generation first;
            try {
                first = generation(rules, topology, pools, health, source, plans(rules, registry));
            } catch (RuntimeException e) {
                closeQuietly(source);
                throw e;
            }
            roller = new MonthWindowRoller(clock, starter, registry, first);
            phases.mark("ShardingSphere start");
        } catch (RuntimeException e) {
            failure = e;
        }
        if (!rules.createMissingMonths()) {
            try {
                // a missing month table or an unreachable primary is reported as before, not as ShardingSphere's error
                MonthTables.await(check);
                phases.mark("month tables (beside it)");
            } catch (SQLException | RuntimeException e) {
                if (failure != null) {
                    e.addSuppressed(failure);
                }
                closeAfterFailedCheck(roller);
                throw e;
            }
        }
        if (failure != null) {
            throw failure;
        }
        return roller;
    }

    private static OneShardRouter.Plans plans(Rules rules, MeterRegistry registry) {
        return rules.singleShardPath() ? new OneShardRouter.Plans(rules, registry) : null;
    }

    private static Generation generation(Rules rules, Topology topology, Map<String, HikariDataSource> pools,
                                         HealthRuntime health, DataSource source, OneShardRouter.Plans plans) {
        return new Generation(rules, topology, pools, health, source,
                plans == null ? null : OneShardRouter.of(plans, topology, source),
                new Constructs(rules.tables().values()));
    }

    private static void closeAfterFailedCheck(MonthWindowRoller roller) {
        if (roller != null) {
            try {
                roller.closeSourceOnly();
            } catch (RuntimeException e) {
                LOG.warn("closing ShardingSphere after a failed month-table check failed: {}", e.toString());
            }
        }
    }

    /**
     * Moves to the month windows of the clock's current time if they changed: compiles the next topology of the
     * current rules, creates or checks its month tables, starts a ShardingSphere data source from it over the same
     * pools and health runtime, and swaps the generation in. Returns whether it rolled over.
     */
    synchronized boolean refresh() throws SQLException {
        Generation g = current;
        Topology topology = Topology.compile(g.rules(), clock);
        if (topology.sameWindows(g.topology())) {
            return false;
        }
        MonthTables.prepare(topology, g.pools());
        DataSource next = starter.start(g.rules(), g.health(),
                ShardingSphereRules.compile(topology, g.health().key()));
        Generation n;
        try {
            n = new Generation(g.rules(), topology, g.pools(), g.health(), next,
                    g.router() == null ? null : OneShardRouter.of(g.router().plans, topology, next), g.constructs());
        } catch (RuntimeException e) {
            closeQuietly(next);
            throw e;
        }
        current = n;
        LOG.info("{} - month windows rolled over; new data nodes in use", g.rules().name());
        retire(() -> closeQuietly(g.source()));
        return true;
    }

    /**
     * Switches to {@code fresh}, the running service's new rules: compiles their topology; diffs the node pools (a
     * node that is new gets a pool; one whose address, credentials, role or pool settings other than the sizes
     * changed gets a new pool; a resized one is resized in place through HikariCP's MXBean; a removed one keeps its
     * pool until the old generation retires); creates or checks the month tables of the new topology; starts a health
     * runtime for the new node set (taking over what the old one knew of the same nodes) and ShardingSphere over it;
     * then swaps the generation in. On any failure nothing changes (the pools opened for it are closed) and the
     * failure is thrown.
     *
     * @throws SQLException when a month table is missing (and may not be created) or a primary cannot be reached
     * @throws IllegalArgumentException when the rules are those of another logical database (a different name)
     */
    synchronized void reload(Rules fresh) throws SQLException {
        Generation g = current;
        if (closed) {
            throw new IllegalStateException(g.rules().name() + " - reload: the data source is closed");
        }
        if (!fresh.name().equals(g.rules().name())) {
            throw new IllegalArgumentException("name must stay the same on a running data source; was '"
                    + g.rules().name() + "', the new rules say '" + fresh.name() + "'");
        }
        Topology topology = Topology.compile(fresh, clock);
        Map<String, PhysicalNode> before = new LinkedHashMap<>();
        for (PhysicalNode n : g.rules().nodes()) {
            before.put(n.dataSourceName(), n);
        }
        Map<String, HikariDataSource> pools = new LinkedHashMap<>();
        List<HikariDataSource> opened = new ArrayList<>();
        List<String> changes = new ArrayList<>();
        HealthRuntime health = null;
        DataSource source = null;
        try {
            for (PhysicalNode node : fresh.nodes()) {
                String name = node.dataSourceName();
                PhysicalNode old = before.get(name);
                HikariDataSource pool = g.pools().get(name);
                if (old != null && pool != null
                        && NodePools.sameConnections(old, g.rules().health(), node, fresh.health())) {
                    if (NodePools.resize(pool, node.pool())) {
                        changes.add(name + " resized to " + node.pool().maximumSize() + " (minimum idle "
                                + node.pool().minimumIdle() + ")");
                    }
                } else {
                    pool = NodePools.create(fresh.name(), node, registry, fresh.health());
                    opened.add(pool);
                    changes.add(name + (old == null ? " added" : " re-opened") + " at "
                            + com.skyriff.data.rules.NodeSpec.maskUrl(node.spec().url()));
                }
                pools.put(name, pool);
            }
            for (String name : g.pools().keySet()) {
                if (!pools.containsKey(name)) {
                    changes.add(name + " removed");
                }
            }
            MonthTables.prepare(topology, pools);
            health = HealthRuntime.create(topology, pools, registry, clock);
            health.inherit(g.health());
            source = starter.start(fresh, health, ShardingSphereRules.compile(topology, health.key()));
            Generation n = generation(fresh, topology, Collections.unmodifiableMap(pools), health, source,
                    plans(fresh, registry));
            HealthRuntime runtime = health;
            health.fenceHandler((e, shard) -> fenced(e, shard, runtime));
            health.start();
            current = n;
            LOG.info("{} - rules changed: {} shard(s), {} node(s){}", fresh.name(), topology.shardCount(),
                    pools.size(), changes.isEmpty() ? "" : "; " + String.join(", ", changes));
        } catch (SQLException | RuntimeException e) {
            if (health != null) {
                health.close();
            }
            closeQuietly(source);
            opened.forEach(HikariDataSource::close);
            throw e;
        }
        List<HikariDataSource> unused = new ArrayList<>();
        for (Map.Entry<String, HikariDataSource> e : g.pools().entrySet()) {
            if (pools.get(e.getKey()) != e.getValue()) {
                unused.add(e.getValue());
            }
        }
        retire(() -> {
            closeQuietly(g.source());
            g.health().close();
            unused.forEach(HikariDataSource::close);
        });
    }

    /** Runs {@code leftovers} after the grace period (at once if closed meanwhile, by {@link #close()}). */
    private void retire(Runnable leftovers) {
        synchronized (retiring) {
            retiring.add(leftovers);
        }
        try {
            scheduler.schedule(() -> {
                boolean mine;
                synchronized (retiring) {
                    mine = retiring.remove(leftovers);
                }
                if (mine) {
                    leftovers.run();
                }
            }, RETIRE_AFTER_SECONDS, TimeUnit.SECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // closing: close() runs it
        }
    }

    private void refreshQuietly() {
        try {
            refresh();
        } catch (SQLException | RuntimeException e) {
            LOG.error("{} - month windows could not roll over; routing stays on the previous window: {}",
                    current.rules().name(), SkyriffData.rootMessage(e));
        }
    }

    /**
     * How the layer reloads its rules when a shard's fence refuses a write: {@code reload} reads the rules source
     * once, applies a change, and says what happened in a sentence for the caller's exception.
     */
    void reloadOnFence(Supplier<String> reload) {
        this.fenceReload = reload;
    }

    /**
     * A statement refused by {@code shard}'s fence of a bucket being moved, on a connection of the generation whose
     * health runtime is {@code runtime}: reloads the rules from their source (once, on this thread) and returns the
     * exception the caller sees.
     */
    private SQLException fenced(SQLException e, String shard, HealthRuntime runtime) {
        Supplier<String> reload = fenceReload;
        String what;
        if (reload == null) {
            what = "the rules could not be reloaded: this data source was built from a Rules value and watches no rules"
                    + " source; call SkyriffData.reload(rules) with the new rules";
        } else {
            try {
                what = reload.get();
            } catch (RuntimeException x) {
                what = "the rules could not be reloaded (" + SkyriffData.rootMessage(x) + ")";
            }
        }
        boolean switched = current.health() != runtime;
        return BucketFencedException.of(shard, e, what, switched);
    }

    /** The current generation: rules, topology, pools, health, ShardingSphere data source and router, read together. */
    Generation generation() {
        return current;
    }

    DataSource current() {
        return current.source();
    }

    /** The single-shard router of the current generation; null when the rules turn the path off. */
    OneShardRouter router() {
        return current.router();
    }

    @Override
    public Connection getConnection() throws SQLException {
        Generation g = current;
        return new LayerConnection(g.source(), g.constructs(), g.router());
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        Generation g = current;
        return new LayerConnection(g.source().getConnection(username, password), g.constructs(), g.router());
    }

    /** Closes the current generation (ShardingSphere, health runtime, pools) and every retired one not yet closed. */
    @Override
    public void close() {
        List<Runnable> left;
        synchronized (this) {
            closed = true;
            scheduler.shutdownNow();
            synchronized (retiring) {
                left = new ArrayList<>(retiring);
                retiring.clear();
            }
        }
        left.forEach(Runnable::run);
        Generation g = current;
        closeQuietly(g.source());
        g.health().close();
        g.pools().values().forEach(HikariDataSource::close);
    }

    /** After a failed start: ShardingSphere only (the caller closes the pools and health runtime it made). */
    private void closeSourceOnly() {
        scheduler.shutdownNow();
        closeQuietly(current.source());
    }

    private static void closeQuietly(DataSource ds) {
        if (ds instanceof AutoCloseable c) {
            try {
                c.close();
            } catch (Exception e) {
                LOG.warn("closing a retired ShardingSphere data source failed: {}", e.toString());
            }
        }
    }

    @Override
    public PrintWriter getLogWriter() throws SQLException {
        return current.source().getLogWriter();
    }

    @Override
    public void setLogWriter(PrintWriter out) throws SQLException {
        current.source().setLogWriter(out);
    }

    @Override
    public void setLoginTimeout(int seconds) throws SQLException {
        current.source().setLoginTimeout(seconds);
    }

    @Override
    public int getLoginTimeout() throws SQLException {
        return current.source().getLoginTimeout();
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        throw new SQLFeatureNotSupportedException("getParentLogger");
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        return iface.isInstance(this) ? iface.cast(this) : current.source().unwrap(iface);
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) throws SQLException {
        return iface.isInstance(this) || current.source().isWrapperFor(iface);
    }
}
