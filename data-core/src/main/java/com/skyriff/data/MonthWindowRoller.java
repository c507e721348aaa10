package com.skyriff.data;

import com.skyriff.data.guard.internal.Constructs;
import com.skyriff.data.rules.Rules;
import com.skyriff.data.rules.internal.ShardingSphereRules;
import com.zaxxer.hikari.HikariDataSource;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.slf4j.LoggerFactory;

/**
 * The data source services use. It delegates to the current ShardingSphere data source and, when the month windows
 * move (a new month begins), builds the next one over the same node pools (month tables created or checked first),
 * swaps it in and retires the old one after a grace period: routing rolls over without a restart. Connections are
 * ShardingSphere's, wrapped in a {@link LayerConnection} that translates failures only. The hot path is one volatile
 * read and one small wrapper per {@link #getConnection()}. Thread-safe.
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
    /** The ShardingSphere data source in use and the single-shard router of the same month windows. */
    private volatile Generation current;
    private volatile Map<String, String> currentNodes;

    /** One month-window generation: ShardingSphere's data source and the router over the same data nodes. */
    record Generation(DataSource source, OneShardRouter router) {
    }

    private MonthWindowRoller(Rules rules, Map<String, HikariDataSource> pools, Clock clock,
                              Function<ShardingSphereRules, DataSource> starter, String runtimeKey, DataSource first,
                              Map<String, String> firstNodes, boolean rolling, OneShardRouter.Plans plans) {
        this.rules = rules;
        this.pools = pools;
        this.clock = clock;
        this.starter = starter;
        this.runtimeKey = runtimeKey;
        this.constructs = new Constructs(rules.tables().values());
        this.plans = plans;
        this.current = generation(first);
        this.currentNodes = firstNodes;
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

    /** Builds the first ShardingSphere data source; rolls over by itself if any table has a rolling month window. */
    static MonthWindowRoller start(Rules rules, Map<String, HikariDataSource> pools, Clock clock,
                                   Function<ShardingSphereRules, DataSource> starter) throws SQLException {
        return start(rules, pools, clock, null, starter);
    }

    /** As above, with replicas chosen by the health runtime registered under {@code runtimeKey} (null: none). */
    static MonthWindowRoller start(Rules rules, Map<String, HikariDataSource> pools, Clock clock, String runtimeKey,
                                   Function<ShardingSphereRules, DataSource> starter) throws SQLException {
        return start(rules, pools, clock, runtimeKey, starter, null);
    }

    /** As above; {@code registry} (null: none) counts statements by path ({@code skyriff.statements}). */
    static MonthWindowRoller start(Rules rules, Map<String, HikariDataSource> pools, Clock clock, String runtimeKey,
                                   Function<ShardingSphereRules, DataSource> starter,
                                   io.micrometer.core.instrument.MeterRegistry registry) throws SQLException {
        MonthTables.prepare(rules, pools, clock);
        ShardingSphereRules compiled = ShardingSphereRules.compile(rules, clock, runtimeKey);
        boolean rolling = rules.tables().values().stream()
                .anyMatch(t -> t.strategy().byMonth() && t.lastMonth() == null);
        OneShardRouter.Plans plans = rules.singleShardPath() ? new OneShardRouter.Plans(rules, registry) : null;
        return new MonthWindowRoller(rules, pools, clock, starter, runtimeKey, starter.apply(compiled),
                compiled.dataNodes(), rolling, plans);
    }

    /**
     * Moves to the month windows of the clock's current time if they changed: creates or checks the new month tables,
     * starts a ShardingSphere data source for them and swaps it in. Returns whether it rolled over.
     */
    synchronized boolean refresh() throws SQLException {
        ShardingSphereRules compiled = ShardingSphereRules.compile(rules, clock, runtimeKey);
        if (compiled.dataNodes().equals(currentNodes)) {
            return false;
        }
        MonthTables.prepare(rules, pools, clock);
        DataSource next = starter.apply(compiled);
        DataSource old = current.source();
        current = generation(next);
        currentNodes = compiled.dataNodes();
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

    private Generation generation(DataSource source) {
        return new Generation(source, plans == null ? null : OneShardRouter.of(plans, rules, source));
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
