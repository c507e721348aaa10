package com.skyriff.data;

import com.skyriff.data.guard.internal.Constructs;
import com.skyriff.data.rules.Rules;
import com.skyriff.data.rules.Topology;
import com.skyriff.data.rules.internal.ShardingSphereRules;
import com.zaxxer.hikari.HikariDataSource;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.FutureTask;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.slf4j.LoggerFactory;

/**
 * The data source services use. It delegates to the current generation: one compiled {@link Topology} and the
 * ShardingSphere data source (and single-shard router) built from that very object. When the month windows move (a
 * new month begins) it compiles the next topology, builds its ShardingSphere data source over the same node pools
 * (month tables created or checked first), swaps the pair in with one volatile write and retires the old one after a
 * grace period: routing rolls over without a restart, and a connection sees the old pair or the new pair, never a
 * mix. Connections are ShardingSphere's, wrapped in a {@link LayerConnection} that translates failures only. The hot
 * path is one volatile read and one small wrapper per {@link #getConnection()}. Thread-safe.
 */
final class MonthWindowRoller implements DataSource, AutoCloseable {
    private static final org.slf4j.Logger LOG = LoggerFactory.getLogger(MonthWindowRoller.class);
    static final long CHECK_INTERVAL_SECONDS = 60;
    static final long RETIRE_AFTER_SECONDS = 120;

    private final Rules rules;
    private final Map<String, HikariDataSource> pools;
    private final Clock clock;
    private final Function<ShardingSphereRules, DataSource> starter;
    private final String runtimeKey;
    private final Constructs constructs;
    private final ScheduledExecutorService scheduler;
    /** Plans of the single-shard path (shared by generations); null when the rules turn the path off. */
    private final OneShardRouter.Plans plans;
    /** The topology, the ShardingSphere data source compiled from it and the single-shard router over both. */
    private volatile Generation current;

    /**
     * One month-window generation: a topology, ShardingSphere's data source whose algorithms adapt that topology, and
     * the single-shard router over the same pair (null when the rules turn the path off).
     */
    record Generation(Topology topology, DataSource source, OneShardRouter router) {
    }

    private MonthWindowRoller(Rules rules, Map<String, HikariDataSource> pools, Clock clock,
                              Function<ShardingSphereRules, DataSource> starter, String runtimeKey,
                              ShardingSphereRules first, boolean rolling, OneShardRouter.Plans plans) {
        this.rules = rules;
        this.pools = pools;
        this.clock = clock;
        this.starter = starter;
        this.runtimeKey = runtimeKey;
        this.constructs = new Constructs(rules.tables().values());
        this.plans = plans;
        this.current = generation(first.topology(), starter.apply(first));
        if (rolling) {
            scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, rules.name() + "-month-window");
                t.setDaemon(true);
                return t;
            });
            scheduler.scheduleWithFixedDelay(this::refreshQuietly, CHECK_INTERVAL_SECONDS, CHECK_INTERVAL_SECONDS,
                    TimeUnit.SECONDS);
        } else {
            scheduler = null;
        }
    }

    /**
     * Starts the first generation on {@code topology} (compiled from the rules as of {@code clock}), with replicas
     * chosen by the health runtime registered under {@code runtimeKey} (null: none); {@code registry} (null: none)
     * counts statements by path ({@code skyriff.statements}). Rolls over by itself if any table has a rolling month
     * window. The month tables are checked (on another thread, while ShardingSphere starts) or, when the rules let
     * the layer create them, created before ShardingSphere starts; a failed check is thrown as the sequential check
     * threw it, whatever ShardingSphere did meanwhile. Each step is marked in {@code phases}.
     */
    static MonthWindowRoller start(Topology topology, Map<String, HikariDataSource> pools, Clock clock,
                                   String runtimeKey, Function<ShardingSphereRules, DataSource> starter,
                                   io.micrometer.core.instrument.MeterRegistry registry, StartupPhases phases)
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
            ShardingSphereRules compiled = ShardingSphereRules.compile(topology, runtimeKey);
            boolean rolling = rules.tables().values().stream()
                    .anyMatch(t -> t.strategy().byMonth() && t.lastMonth() == null);
            OneShardRouter.Plans plans = rules.singleShardPath() ? new OneShardRouter.Plans(rules, registry) : null;
            phases.mark("ShardingSphere rules");
            roller = new MonthWindowRoller(rules, pools, clock, starter, runtimeKey, compiled, rolling, plans);
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

    private static void closeAfterFailedCheck(MonthWindowRoller roller) {
        if (roller != null) {
            try {
                roller.close();
            } catch (Exception e) {
                LOG.warn("closing ShardingSphere after a failed month-table check failed: {}", e.toString());
            }
        }
    }

    /**
     * Moves to the month windows of the clock's current time if they changed: compiles the next topology, creates or
     * checks its month tables, starts a ShardingSphere data source from it and swaps the pair in. Returns whether it
     * rolled over.
     */
    synchronized boolean refresh() throws SQLException {
        Topology topology = Topology.compile(rules, clock);
        if (topology.sameWindows(current.topology())) {
            return false;
        }
        MonthTables.prepare(topology, pools);
        DataSource next = starter.apply(ShardingSphereRules.compile(topology, runtimeKey));
        DataSource old = current.source();
        current = generation(topology, next);
        LOG.info("{} - month windows rolled over; new data nodes in use", rules.name());
        if (scheduler != null) {
            scheduler.schedule(() -> closeQuietly(old), RETIRE_AFTER_SECONDS, TimeUnit.SECONDS);
        } else {
            closeQuietly(old);
        }
        return true;
    }

    private void refreshQuietly() {
        try {
            refresh();
        } catch (SQLException | RuntimeException e) {
            LOG.error("{} - month windows could not roll over; routing stays on the previous window: {}", rules.name(),
                    SkyriffData.rootMessage(e));
        }
    }

    private Generation generation(Topology topology, DataSource source) {
        return new Generation(topology, source, plans == null ? null : OneShardRouter.of(plans, topology, source));
    }

    DataSource current() {
        return current.source();
    }

    /** The current generation: topology, ShardingSphere data source and router, read together. */
    Generation generation() {
        return current;
    }

    /** The single-shard router of the current generation; null when the rules turn the path off. */
    OneShardRouter router() {
        return current.router();
    }

    @Override
    public Connection getConnection() throws SQLException {
        Generation g = current;
        return new LayerConnection(g.source().getConnection(), constructs, g.router());
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        Generation g = current;
        return new LayerConnection(g.source().getConnection(username, password), constructs, g.router());
    }

    @Override
    public void close() throws Exception {
        if (scheduler != null) {
            scheduler.shutdownNow();
        }
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
