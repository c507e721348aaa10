package com.skyriff.data.health.internal;

import com.skyriff.data.rules.HealthSpec;
import com.skyriff.data.rules.NodeSpec;
import com.skyriff.data.rules.PhysicalNode;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks every node on its own schedule ({@code health.check-interval-ms}) over a dedicated connection with
 * {@code health.check-timeout-ms} bounds: whether it answers, whether it is a primary or a standby, its WAL position
 * and (replicas) how long it has been behind the primary. Thread-safe.
 */
final class HealthMonitor implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger("com.skyriff.data.health");
    private static final String QUERY = "SELECT pg_is_in_recovery(), pg_wal_lsn_diff(CASE WHEN pg_is_in_recovery()"
            + " THEN pg_last_wal_replay_lsn() ELSE pg_current_wal_insert_lsn() END, '0/0')::bigint";

    private final HealthRuntime runtime;
    private final HealthSpec health;
    private final ScheduledThreadPoolExecutor executor;
    private final List<Probe> probes = new ArrayList<>();
    private final List<ScheduledFuture<?>> tasks = new ArrayList<>();
    private volatile boolean closed;

    HealthMonitor(HealthRuntime runtime, HealthSpec health) {
        this.runtime = runtime;
        this.health = health;
        AtomicInteger n = new AtomicInteger();
        int threads = Math.min(runtime.nodes().length, 4);
        this.executor = new ScheduledThreadPoolExecutor(threads, r -> {
            Thread t = new Thread(r, "skyriff-health-" + runtime.database() + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        executor.setRemoveOnCancelPolicy(true);
    }

    void start() {
        // primaries first: replica lag is measured against the primary's last position
        for (NodeState node : runtime.nodes()) {
            if (node.primary) {
                probes.add(new Probe(node));
            }
        }
        for (NodeState node : runtime.nodes()) {
            if (!node.primary) {
                probes.add(new Probe(node));
            }
        }
        for (Probe p : probes) {
            p.schedule(0);
        }
    }

    @Override
    public void close() {
        closed = true;
        synchronized (tasks) {
            tasks.forEach(t -> t.cancel(false));
        }
        executor.shutdownNow();
        try {
            executor.awaitTermination(health.checkTimeoutMs() + 1_000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        probes.forEach(Probe::disconnect);
    }

    /**
     * The first line of an exception's message, at most 200 characters, credentials masked
     * ({@link com.skyriff.data.rules.Secret#mask}), for node states, messages and log lines.
     */
    static String firstLine(Throwable e) {
        String m = com.skyriff.data.rules.Secret.mask(e.getMessage());
        if (m == null) {
            return e.getClass().getSimpleName();
        }
        int nl = m.indexOf('\n');
        m = nl < 0 ? m : m.substring(0, nl);
        return m.length() > 200 ? m.substring(0, 200) + "..." : m;
    }

    /**
     * The checks of one node; runs on one scheduler thread at a time. After a failed check the next one follows after
     * at most 100 ms instead of a full interval, so a node that refuses or hangs is out after {@code failure-threshold}
     * checks within about {@code check-interval-ms + check-timeout-ms + 1 s} (the driver's login timeout has whole
     * seconds), i.e. about 2 s with the defaults.
     */
    private final class Probe implements Runnable {
        private final NodeState node;
        private Connection connection;
        private PhysicalNode connectedTo;
        private int failures;

        Probe(NodeState node) {
            this.node = node;
        }

        void schedule(long delayMs) {
            if (closed) {
                return;
            }
            synchronized (tasks) {
                tasks.removeIf(java.util.concurrent.Future::isDone);
                try {
                    tasks.add(executor.schedule(this, delayMs, TimeUnit.MILLISECONDS));
                } catch (java.util.concurrent.RejectedExecutionException e) {
                    // closing
                }
            }
        }

        @Override
        public void run() {
            try {
                check();
            } finally {
                boolean retry = failures > 0 && failures < health.failureThreshold();
                schedule(retry ? Math.min(100, health.checkIntervalMs()) : health.checkIntervalMs());
            }
        }

        private void check() {
            if (closed) {
                return;
            }
            long sent = System.nanoTime();
            try {
                PhysicalNode target = node.node;
                if (connection == null || connectedTo != target) {
                    disconnect();
                    connection = connect(target);
                    connectedTo = target;
                }
                sent = System.nanoTime();
                boolean recovery;
                long lsn;
                try (Statement st = connection.createStatement(); ResultSet rs = st.executeQuery(QUERY)) {
                    rs.next();
                    recovery = rs.getBoolean(1);
                    lsn = rs.getLong(2);
                }
                failures = 0;
                observed(recovery, lsn, sent);
            } catch (SQLException | RuntimeException e) {
                disconnect();
                if (closed) {
                    return;
                }
                failures++;
                node.lastFailure = firstLine(e);
                if (failures >= health.failureThreshold()) {
                    runtime.markDown(node, failures + (failures == 1 ? " failed check" : " failed checks"));
                }
            }
        }

        private void observed(boolean recovery, long lsn, long sent) {
            ShardState shard = runtime.shard(node.shard);
            if (node.primary) {
                if (recovery) {
                    node.lastFailure = "is in recovery (a standby), so it cannot take writes";
                    node.recoveryRoleOk = false;
                    runtime.markDown(node, "role check");
                    return;
                }
                node.recoveryRoleOk = true;
                shard.primaryChecked(lsn, sent);
                runtime.markUp(node);
                return;
            }
            boolean wasUsable = node.usable(shard.maxLagMillis);
            if (!recovery) {
                node.recoveryRoleOk = false;
                node.lastFailure = "is not in recovery (promoted?); its data may have left the primary's";
                if (wasUsable) {
                    LOG.warn("{} - replica {} left the read rotation: {}", shard.name, node.name, node.lastFailure);
                }
                return;
            }
            node.recoveryRoleOk = true;
            node.replayLsn = lsn;
            long lag = shard.lagMillis(lsn, System.nanoTime());
            node.lagMillis = lag;
            runtime.markUp(node);
            boolean usable = node.usable(shard.maxLagMillis);
            if (wasUsable && !usable) {
                LOG.warn("{} - replica {} left the read rotation: replay lag {} > max-lag-ms {}", shard.name, node.name,
                        NodeState.millis(lag), shard.maxLagMillis);
            } else if (!wasUsable && usable) {
                LOG.info("{} - replica {} is back in the read rotation (replay lag {})", shard.name, node.name,
                        NodeState.millis(lag));
            }
        }

        private Connection connect(PhysicalNode target) throws SQLException {
            NodeSpec spec = target.spec();
            Properties props = new Properties();
            if (spec.username() != null) {
                props.setProperty("user", spec.username());
            }
            if (!spec.password().isEmpty()) {
                props.setProperty("password", spec.password().reveal());
            }
            String seconds = Long.toString(Math.max(1, (health.checkTimeoutMs() + 999) / 1000));
            props.setProperty("connectTimeout", seconds);
            props.setProperty("loginTimeout", seconds);
            props.setProperty("socketTimeout", seconds);
            props.setProperty("ApplicationName", "skyriff-health");
            if (spec.sslMode() != null) {
                props.setProperty("sslmode", spec.sslMode().token());
            }
            Connection c = DriverManager.getConnection(spec.url(), props);
            try {
                c.setNetworkTimeout(Runnable::run, (int) health.checkTimeoutMs());
                c.setAutoCommit(true);
            } catch (SQLException e) {
                c.close();
                throw e;
            }
            return c;
        }

        void disconnect() {
            Connection c = connection;
            connection = null;
            if (c != null) {
                try {
                    c.close();
                } catch (SQLException e) {
                    // the node is gone anyway
                }
            }
        }
    }
}
