package com.skyriff.data.health.internal;

import com.skyriff.data.health.NodeStatus;
import com.skyriff.data.health.ShardUnavailableException;
import com.skyriff.data.rules.HealthSpec;
import com.skyriff.data.rules.HealthSpec.ReadYourWrites;
import com.skyriff.data.rules.HealthSpec.WhenNoReplica;
import com.skyriff.data.rules.CrossShardWrites;
import com.skyriff.data.rules.LoadBalancing;
import com.skyriff.data.rules.PhysicalNode;
import com.skyriff.data.rules.Rules;
import com.skyriff.data.rules.ShardSpec;
import com.skyriff.data.rules.Topology;
import com.zaxxer.hikari.HikariDataSource;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.TimeGauge;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The reliability runtime of one {@code SkyriffData}: node health and replica lag (kept current by a
 * {@link HealthMonitor}), the replica choice of {@link HealthBalancer}, read-your-writes sessions, cross-shard write
 * tracking, and the {@link NodeDataSource} wrapper of every node pool. Its hot-path methods read arrays and volatile
 * fields and allocate nothing. Public for ShardingSphere's SPI classes and {@code SkyriffData}; not API. Thread-safe.
 */
public final class HealthRuntime implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger("com.skyriff.data.health");
    private static final AtomicInteger INSTANCES = new AtomicInteger();

    private final String database;
    private final String key;
    private final HealthSpec health;
    private final ReadYourWrites readYourWrites;
    private final long windowNanos;
    private final WhenNoReplica whenNoReplica;
    private final LoadBalancing policy;
    private final boolean refuseCrossShard;
    private final ShardState[] shards;
    private final Map<String, ShardState> byGroup;
    private final NodeState[] nodes;
    private final Map<String, NodeDataSource> dataSources;
    private final ThreadLocal<Slot> slots;
    private final MeterRegistry meterRegistry;
    private final List<Meter> meters = new ArrayList<>();
    private final Clock clock;
    private final Rules rules;
    /**
     * {@link System#nanoTime()} when this runtime took over from the previous rules generation's
     * ({@link #inherit}); 0 for the first. Sessions of a successor start as if they had written every shard then.
     */
    private volatile long takenOverNanos;
    private volatile FenceHandler fence = (e, node) -> e;
    private HealthMonitor monitor;

    /**
     * What a statement that a shard's fence refused ({@code SQLSTATE 55R01}, a bucket being moved) becomes: the
     * layer reloads its rules and says whether the caller may retry. Called on the failing statement's thread.
     */
    @FunctionalInterface
    public interface FenceHandler {
        /**
         * @param e     the server's refusal
         * @param shard the shard name of the node that refused it
         */
        SQLException fenced(SQLException e, String shard);
    }

    private HealthRuntime(Topology topology, Map<String, HikariDataSource> pools, MeterRegistry meterRegistry,
                          Clock clock) {
        Rules rules = topology.rules();
        this.rules = rules;
        this.database = rules.name();
        this.key = rules.name() + "#" + INSTANCES.incrementAndGet();
        this.health = rules.health();
        this.readYourWrites = health.readYourWrites();
        this.windowNanos = TimeUnit.MILLISECONDS.toNanos(health.windowMs());
        this.whenNoReplica = health.whenNoReplica();
        this.policy = rules.loadBalancing();
        this.refuseCrossShard = rules.crossShardWrites() == CrossShardWrites.REFUSE;
        this.meterRegistry = meterRegistry;
        this.clock = clock;
        if (topology.shardCount() > 64) {
            throw new IllegalArgumentException(database + ": shards has " + topology.shardCount()
                    + " entries; the reliability runtime tracks at most 64 shards");
        }
        List<PhysicalNode> physical = topology.nodes();
        this.nodes = new NodeState[physical.size()];
        this.shards = new ShardState[topology.shardCount()];
        Map<String, ShardState> groups = new HashMap<>();
        Map<String, NodeDataSource> ds = new LinkedHashMap<>();
        int n = 0;
        for (int s = 0; s < shards.length; s++) {
            ShardSpec spec = rules.shards().get(s);
            NodeState primary = null;
            List<NodeState> replicas = new ArrayList<>();
            for (PhysicalNode p : topology.nodes(s)) {
                NodeState state = new NodeState(n, s, p);
                nodes[n++] = state;
                if (p.primary()) {
                    primary = state;
                } else {
                    replicas.add(state);
                }
            }
            int[] weights = replicas.stream().mapToInt(r -> r.node.spec().weight()).toArray();
            ShardState shard = new ShardState(s, spec.name(), Objects.requireNonNull(primary, spec.name()),
                    replicas.toArray(new NodeState[0]), weights, health.maxLagMs(spec));
            shards[s] = shard;
            groups.put(spec.name(), shard);
        }
        for (NodeState state : nodes) {
            ds.put(state.name, new NodeDataSource(this, state, pools.get(state.name)));
        }
        this.byGroup = groups;
        this.dataSources = Collections.unmodifiableMap(ds);
        this.slots = ThreadLocal.withInitial(() -> new Slot(new SessionState(this, shards.length)));
    }

    /**
     * Wraps the node pools of one rules generation; call {@link #start()} once ShardingSphere is up.
     *
     * @param meterRegistry where the lag and up gauges go; null for none
     */
    public static HealthRuntime create(Topology topology, Map<String, HikariDataSource> pools,
                                       MeterRegistry meterRegistry, Clock clock) {
        return new HealthRuntime(topology, pools, meterRegistry, clock);
    }

    /** {@link #create(Topology, Map, MeterRegistry, Clock)} of the rules as of {@code clock}. */
    public static HealthRuntime create(Rules rules, Map<String, HikariDataSource> pools, MeterRegistry meterRegistry,
                                       Clock clock) {
        return create(Topology.compile(rules, clock), pools, meterRegistry, clock);
    }

    /**
     * Takes over from {@code previous}, the runtime of the rules generation this one replaces: every node with the
     * same name, role and address keeps what the checks last saw of it (up or down, lag), so a node that was down is
     * not used before its first check here; and every read-your-writes session of this runtime starts as if it had
     * written every shard now, so a read right after the switch still sees a write made just before it (on the
     * primary, or a replica that has replayed it). Call before {@link #start()}.
     */
    public void inherit(HealthRuntime previous) {
        Map<String, NodeState> before = new HashMap<>();
        for (NodeState n : previous.nodes) {
            before.put(n.name, n);
        }
        for (NodeState n : nodes) {
            NodeState old = before.get(n.name);
            if (old != null && old.primary == n.primary && old.node.spec().url().equals(n.node.spec().url())) {
                n.up = old.up;
                n.recoveryRoleOk = old.recoveryRoleOk;
                n.lagMillis = old.lagMillis;
                n.replayLsn = old.replayLsn;
                n.lastFailure = old.lastFailure;
                n.downSinceNanos = old.downSinceNanos;
            }
        }
        long now = System.nanoTime();
        takenOverNanos = now == 0 ? 1 : now;
    }

    /** Where a statement refused by a shard's bucket fence goes ({@link FenceHandler}); the default rethrows it. */
    public void fenceHandler(FenceHandler handler) {
        this.fence = Objects.requireNonNull(handler, "handler");
    }

    /** {@code e}, refused by {@code node}'s fence, as the caller should see it. */
    SQLException fenced(SQLException e, NodeState node) {
        return fence.fenced(e, shards[node.shard].name);
    }

    /** SQLSTATE of a write refused by the fence of a bucket being moved (the resharding job installs it). */
    public static final String FENCE_SQLSTATE = "55R01";

    /** Whether {@code e} is a refusal by a bucket fence ({@link #FENCE_SQLSTATE}). */
    public static boolean isFence(SQLException e) {
        return FENCE_SQLSTATE.equals(e.getSQLState());
    }

    /** A new session's start: a successor's sessions count every shard as written when it took over. */
    void initSession(SessionState s) {
        long t = takenOverNanos;
        if (t != 0) {
            s.stamp(shards.length == 64 ? -1L : (1L << shards.length) - 1, t);
        }
    }

    /** The key ShardingSphere's balancer finds this runtime by ({@code ShardingSphereRules.RUNTIME_PROP}). */
    public String key() {
        return key;
    }

    /** The rules' logical database name. */
    public String database() {
        return database;
    }

    /** The clock the rules' month windows were computed with. */
    public Clock clock() {
        return clock;
    }

    /** The rules of this runtime's generation. */
    public Rules rules() {
        return rules;
    }

    /** One wrapper per node, by data-source name, in {@link Rules#nodes()} order: hand these to ShardingSphere. */
    public Map<String, DataSource> dataSources() {
        return Collections.unmodifiableMap(dataSources);
    }

    /** Registers this runtime and starts the health checks. */
    public void start() {
        Registry.register(this);
        registerMeters();
        monitor = new HealthMonitor(this, health);
        monitor.start();
    }

    @Override
    public void close() {
        Registry.unregister(this);
        if (monitor != null) {
            monitor.close();
        }
        if (meterRegistry != null) {
            meters.forEach(meterRegistry::remove);
        }
    }

    // ---- status ----

    /** What the checks last saw of every node, in {@link Rules#nodes()} order. */
    public List<NodeStatus> status() {
        List<NodeStatus> out = new ArrayList<>(nodes.length);
        for (NodeState n : nodes) {
            ShardState s = shards[n.shard];
            boolean inRotation = !n.primary && n.usable(s.maxLagMillis);
            long lag = n.primary ? 0 : n.lagMillis;
            String failure = n.lastFailure;
            if (failure == null && !n.primary && !inRotation) {
                failure = n.describe(s.maxLagMillis) + " (max-lag-ms " + s.maxLagMillis + ")";
            }
            out.add(new NodeStatus(n.name, s.name, n.primary, n.up && n.recoveryRoleOk, lag, inRotation,
                    n.up && n.recoveryRoleOk && (inRotation || n.primary) ? null : failure));
        }
        return out;
    }

    int shardCount() {
        return shards.length;
    }

    NodeState[] nodes() {
        return nodes;
    }

    ShardState shard(int index) {
        return shards[index];
    }

    /** The shard index of a data-source or group name, or -1. */
    public int shardIndex(String shardName) {
        ShardState s = byGroup.get(shardName);
        return s == null ? -1 : s.index;
    }

    /** The shard names of the bits of {@code mask}, e.g. {@code [shard0, shard1]}. */
    public List<String> shardNames(long mask) {
        List<String> out = new ArrayList<>();
        for (long m = mask; m != 0; m &= m - 1) {
            out.add(shards[Long.numberOfTrailingZeros(m)].name);
        }
        return out;
    }

    // ---- sessions ----

    /** The calling thread's session: a bound {@code ReadSession}, else the thread's own. */
    public SessionState current() {
        Slot slot = slots.get();
        SessionState bound = slot.bound;
        return bound != null ? bound : slot.own;
    }

    /** A new session that is not the thread's own (for {@code ReadSession}). */
    public SessionState newSession() {
        return new SessionState(this, shards.length);
    }

    /** Binds {@code session} to the calling thread; returns the binding it replaces (null for none). */
    public SessionState bind(SessionState session) {
        if (session.runtime() != this) {
            throw new IllegalArgumentException(database + ": ReadSession belongs to another SkyriffData ("
                    + session.runtime().database + ")");
        }
        Slot slot = slots.get();
        SessionState previous = slot.bound;
        slot.bound = session;
        return previous;
    }

    public void unbind(SessionState previous) {
        slots.get().bound = previous;
    }

    /**
     * Tracks one statement of the calling thread's session (called by the guard before routing). Writes of an
     * autocommit statement count as committed from the session's next statement on; writes of a transaction from its
     * primary connection's commit.
     *
     * @param inTransaction whether the statement runs inside an explicit transaction
     * @param writeMask     shards the statement writes (0 for a read)
     * @param crossMask     the part of {@code writeMask} that counts against {@code cross-shard-transactions}
     * @param enforce       false when the guard is disabled for this statement by hint
     * @return 0, or the shards whose writes would together break {@code cross-shard-transactions: refuse}
     */
    public long onStatement(boolean inTransaction, long writeMask, long crossMask, boolean enforce) {
        SessionState s = current();
        s.refusedCommit = 0;
        long conflict = resolveDeferred(s, enforce);
        if (s.pendingMask != 0) {
            s.stamp(s.pendingMask, System.nanoTime());
            s.pendingMask = 0;
        }
        if (!inTransaction && s.txWriteMask != 0) {
            // the transaction ended without a commit through our connection wrapper (e.g. a rollback elsewhere)
            s.stamp(s.txWriteMask, System.nanoTime());
            s.txWriteMask = 0;
            s.txCrossMask = 0;
        }
        if (!inTransaction) {
            s.txCrossMask = 0;
        }
        if (conflict != 0) {
            return conflict;
        }
        if (writeMask == 0) {
            return 0;
        }
        if (inTransaction) {
            long cross = s.txCrossMask | crossMask;
            if (enforce && refuseCrossShard && Long.bitCount(cross) > 1) {
                return cross;
            }
            s.txCrossMask = cross;
            s.txWriteMask |= writeMask;
        } else {
            if (enforce && refuseCrossShard && Long.bitCount(crossMask) > 1) {
                return crossMask;
            }
            s.pendingMask |= writeMask;
        }
        return 0;
    }

    /**
     * The shards of a write known only once ShardingSphere has routed it (a generated shard key): supplied after the
     * statement ran, at the session's next statement or commit.
     */
    @FunctionalInterface
    public interface Deferred {
        /** The shards written; 0 if the statement did not run. */
        long shards();
    }

    /** Records a write of the calling thread's session whose shards {@code deferred} will tell after it ran. */
    public void defer(Deferred deferred, boolean inTransaction) {
        SessionState s = current();
        resolveDeferred(s, false);
        s.deferred = deferred;
        s.deferredInTransaction = inTransaction;
    }

    private long resolveDeferred(SessionState s, boolean enforce) {
        Deferred d = s.deferred;
        if (d == null) {
            return 0;
        }
        s.deferred = null;
        long shards = d.shards();
        if (shards == 0) {
            return 0;
        }
        if (s.deferredInTransaction) {
            long cross = s.txCrossMask | shards;
            s.txWriteMask |= shards;
            s.txCrossMask = cross;
            return enforce && refuseCrossShard && Long.bitCount(cross) > 1 ? cross : 0;
        }
        s.pendingMask |= shards;
        return 0;
    }

    /** The calling thread's transaction wrote shards before this statement (for messages). */
    public long transactionWrites() {
        return current().txCrossMask;
    }

    /**
     * Before a primary connection commits: the shards the transaction wrote, if they break
     * {@code cross-shard-transactions: refuse} (known only now for rows with generated shard keys); then every
     * connection of this commit rolls back instead. 0 to commit.
     */
    long beforeCommit() {
        SessionState s = current();
        long conflict = resolveDeferred(s, true);
        if (conflict != 0) {
            s.refusedCommit = conflict;
        }
        return s.refusedCommit;
    }

    java.sql.SQLException refusedCommit(long shards) {
        return new com.skyriff.data.guard.RefusedStatementException(
                com.skyriff.data.guard.RefusedStatementException.Reason.CROSS_SHARD_WRITE, null,
                "cross-shard-transactions: refuse - this transaction wrote to shards " + shardNames(shards)
                        + " (rows whose shard key was generated on insert), so it was rolled back on every shard;"
                        + " insert rows of different users in separate transactions, or set cross-shard-transactions:"
                        + " allow");
    }

    /** A primary connection of {@code shard} committed on the calling thread. */
    void committed(int shard) {
        SessionState s = current();
        resolveDeferred(s, false);
        long bit = 1L << shard;
        if ((s.txWriteMask & bit) != 0) {
            s.stamp(bit, System.nanoTime());
            s.txWriteMask &= ~bit;
        }
        s.txCrossMask &= ~bit;
    }

    /** A primary connection of {@code shard} rolled back on the calling thread. */
    void rolledBack(int shard) {
        SessionState s = current();
        resolveDeferred(s, false);
        long bit = 1L << shard;
        s.txWriteMask &= ~bit;
        s.txCrossMask &= ~bit;
    }

    // ---- replica choice (per statement; allocation-free) ----

    /**
     * The data source a plain read of {@code group} goes to: a usable replica chosen by the rules' policy that the
     * session's read-your-writes allows, else the primary (or a {@link ShardUnavailableException} with
     * {@code when-no-replica: fail}, thrown through {@link Sneaky}).
     */
    public String chooseRead(String group, List<String> available) {
        ShardState s = byGroup.get(group);
        if (s == null) {
            return available.get(0);
        }
        long required = 0;
        if (readYourWrites != ReadYourWrites.NONE) {
            SessionState session = current();
            long committed = session.committedNanos[s.index];
            if (committed != 0) {
                if (readYourWrites == ReadYourWrites.WINDOW && System.nanoTime() - committed < windowNanos) {
                    return primaryForSession(s, available);
                }
                // wal, and window once the window has passed: only a replica seen past the write (a lagging
                // replica would return the session's old value however long ago the window ended)
                required = session.requiredLsn[s.index];
                if (required == 0) {
                    ShardState.LsnSample sample = s.primarySample;
                    if (sample == null || sample.sentNanos() - committed <= 0) {
                        return primaryForSession(s, available);
                    }
                    required = sample.lsn();
                    session.requiredLsn[s.index] = required;
                }
            }
        }
        NodeState replica = pick(s, available, required);
        if (replica != null) {
            return replica.name;
        }
        if (required != 0) {
            return primaryForSession(s, available);
        }
        return noReplica(s);
    }

    /** The primary for a session that must see its own write; if the primary is down, the best replica left. */
    private String primaryForSession(ShardState s, List<String> available) {
        if (s.primary.up) {
            return s.primary.name;
        }
        NodeState replica = pick(s, available, 0);
        return replica != null ? replica.name : noReplica(s);
    }

    private String noReplica(ShardState s) {
        if (whenNoReplica == WhenNoReplica.PRIMARY) {
            return s.primary.name;
        }
        throw Sneaky.raise(new ShardUnavailableException(s.name, null, s.name + " - no usable replica for a read and"
                + " health.when-no-replica is fail (" + s.describeReplicas() + ")", null));
    }

    private NodeState pick(ShardState s, List<String> available, long required) {
        NodeState[] replicas = s.replicas;
        int n = replicas.length;
        if (n == 0) {
            return null;
        }
        boolean all = available.size() == n;
        if (policy == LoadBalancing.WEIGHT) {
            int total = 0;
            for (int i = 0; i < n; i++) {
                if (eligible(replicas[i], s, available, all, required)) {
                    total += s.weights[i];
                }
            }
            if (total == 0) {
                return null;
            }
            int x = ThreadLocalRandom.current().nextInt(total);
            for (int i = 0; i < n; i++) {
                if (eligible(replicas[i], s, available, all, required)) {
                    x -= s.weights[i];
                    if (x < 0) {
                        return replicas[i];
                    }
                }
            }
            return null;
        }
        int start = policy == LoadBalancing.RANDOM ? ThreadLocalRandom.current().nextInt(n)
                : (s.next.getAndIncrement() & Integer.MAX_VALUE) % n;
        for (int k = 0; k < n; k++) {
            NodeState r = replicas[(start + k) % n];
            if (eligible(r, s, available, all, required)) {
                return r;
            }
        }
        return null;
    }

    private static boolean eligible(NodeState r, ShardState s, List<String> available, boolean all, long required) {
        return r.usable(s.maxLagMillis) && (required == 0 || r.replayLsn >= required)
                && (all || available.contains(r.name));
    }

    // ---- node failures ----

    /** The exception for a write (or primary read) on a shard whose primary is down. */
    ShardUnavailableException primaryUnavailable(NodeState primary, Throwable cause) {
        ShardState s = shards[primary.shard];
        long since = primary.downSinceNanos;
        String down = primary.up || since == 0 ? "" : "down " + NodeState.millis(
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - since)) + ": ";
        String failure = primary.lastFailure != null ? primary.lastFailure
                : cause != null ? HealthMonitor.firstLine(cause) : "unknown";
        return new ShardUnavailableException(s.name, primary.name, s.name + " - primary " + primary.name
                + " is unavailable, writes to " + s.name + " are refused (" + down + failure + "); reads are served by"
                + " its replicas (" + s.describeReplicas() + ")", cause);
    }

    /** Where a read routed to an unusable replica goes instead: another usable replica, or the primary. */
    NodeDataSource readFallback(NodeState replica, Throwable cause) throws ShardUnavailableException {
        ShardState s = shards[replica.shard];
        for (NodeState r : s.replicas) {
            if (r != replica && r.usable(s.maxLagMillis)) {
                return dataSources.get(r.name);
            }
        }
        if (whenNoReplica == WhenNoReplica.PRIMARY) {
            return dataSources.get(s.primary.name);
        }
        throw new ShardUnavailableException(s.name, replica.name, s.name + " - replica " + replica.name
                + " is unavailable and no other replica is usable; health.when-no-replica is fail ("
                + s.describeReplicas() + ")", cause);
    }

    /**
     * The exception for a statement, commit or rollback on a connection to {@code primary} that was already open and
     * is now gone; {@code consequence} (empty, or starting with {@code "; "}) says what became of the caller's work.
     */
    ShardUnavailableException primaryLost(NodeState primary, SQLException cause, String consequence) {
        ShardState s = shards[primary.shard];
        if (timedOut(cause)) {
            return new ShardUnavailableException(s.name, primary.name, s.name + " - primary " + primary.name
                    + " did not answer within the socket timeout, so this connection to it was closed ("
                    + HealthMonitor.firstLine(cause) + ")" + consequence, cause);
        }
        return new ShardUnavailableException(s.name, primary.name, s.name + " - primary " + primary.name
                + " is unavailable, writes to " + s.name + " are refused (connection lost: "
                + HealthMonitor.firstLine(cause) + ")" + consequence + "; reads are served by its replicas ("
                + s.describeReplicas() + ")", cause);
    }

    /**
     * A connection to {@code node} that was already open failed with a connection-class error: take the node out
     * now, so the next request fails fast; the next good check puts it back. A socket timeout (a slow statement, not
     * necessarily a dead node) leaves the decision to the checks.
     */
    void connectionLost(NodeState node, SQLException cause) {
        if (timedOut(cause)) {
            return;
        }
        node.lastFailure = HealthMonitor.firstLine(cause);
        markDown(node, "its connection was lost during a statement");
    }

    /**
     * A read on replica {@code node} failed with a connection-class error: it died, or did not answer within
     * {@code health.read-timeout-ms} (the driver's socket timeout on replica connections). Take it out now (a suspect);
     * its next good check puts it back.
     */
    void replicaFailed(NodeState node, SQLException cause) {
        if (timedOut(cause)) {
            node.lastFailure = "did not answer a read within health.read-timeout-ms " + health.readTimeoutMs() + " ms";
            markDown(node, "a read timed out");
        } else {
            node.lastFailure = HealthMonitor.firstLine(cause);
            markDown(node, "its connection was lost during a read");
        }
    }

    /**
     * The failure of a statement on a logical connection whose physical connection to {@code node} was closed under
     * it (by the pool after a fatal error, or lost with a replica) inside a transaction, or of a commit then.
     */
    SQLException connectionClosed(NodeState node, SQLException cause, String consequence) {
        ShardState s = shards[node.shard];
        return new SQLException(s.name + " - the connection to " + (node.primary ? "primary " : "replica ") + node.name
                + " was closed under this logical connection (" + (cause == null ? "closed by its pool"
                : HealthMonitor.firstLine(cause)) + ")" + consequence, "08003", cause);
    }

    /** The shard name of {@code node}, e.g. {@code shard1}. */
    String shardName(NodeState node) {
        return shards[node.shard].name;
    }

    /** A connection attempt to {@code node} failed: take it out now; the next good check puts it back. */
    void suspect(NodeState node, Throwable cause) {
        node.lastFailure = HealthMonitor.firstLine(cause);
        markDown(node, "a connection attempt failed");
    }

    void markDown(NodeState node, String why) {
        if (node.up) {
            node.downSinceNanos = System.nanoTime();
            node.up = false;
            node.replayLsn = 0;
            if (node.primary) {
                LOG.warn("{} - primary {} is down ({}: {}); writes to {} are refused, reads go to its replicas ({})",
                        shards[node.shard].name, node.name, why, node.lastFailure, shards[node.shard].name,
                        shards[node.shard].describeReplicas());
            } else {
                LOG.warn("{} - replica {} left the read rotation ({}: {})", shards[node.shard].name, node.name, why,
                        node.lastFailure);
            }
        }
    }

    void markUp(NodeState node) {
        node.lastFailure = null;
        if (!node.up) {
            node.up = true;
            LOG.info("{} - {} {} is back", shards[node.shard].name, node.primary ? "primary" : "replica", node.name);
        }
    }

    // ---- metrics ----

    private void registerMeters() {
        if (meterRegistry == null) {
            return;
        }
        for (NodeState n : nodes) {
            String shard = shards[n.shard].name;
            meters.add(Gauge.builder("skyriff.node.up", n, x -> x.up && x.recoveryRoleOk ? 1 : 0)
                    .description("1 while the node's health checks succeed")
                    .tags("database", database, "shard", shard, "node", n.name, "role", n.primary ? "primary" : "replica")
                    .register(meterRegistry));
            if (!n.primary) {
                meters.add(TimeGauge.builder("skyriff.replica.lag", n, TimeUnit.MILLISECONDS, x -> x.lagMillis)
                        .description("replay lag behind the primary, as last measured (-1 ms: unknown)")
                        .tags("database", database, "shard", shard, "node", n.name)
                        .register(meterRegistry));
            }
        }
    }

    @Override
    public String toString() {
        return "HealthRuntime[" + key + ", shards=" + shards.length + ", nodes=" + nodes.length + "]";
    }

    /** Per thread: its own session and the bound one, found with one thread-local lookup. */
    private static final class Slot {
        final SessionState own;
        SessionState bound;

        Slot(SessionState own) {
            this.own = own;
        }
    }

    /**
     * Whether a failure on an open connection means the connection is gone: SQLState class {@code 08} (connection
     * exception) or {@code 57P01}..{@code 57P03} (the server is shutting down, crashed or not accepting connections),
     * on the exception or one chained to it (as HikariCP decides to evict a connection).
     */
    static boolean isConnectionLoss(SQLException e) {
        int depth = 0;
        for (SQLException x = e; x != null && depth < 10; x = x.getNextException(), depth++) {
            String state = x.getSQLState();
            if (state != null && (state.startsWith("08") || state.equals("57P01") || state.equals("57P02")
                    || state.equals("57P03"))) {
                return true;
            }
        }
        return false;
    }

    private static boolean timedOut(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof java.net.SocketTimeoutException) {
                return true;
            }
        }
        return false;
    }

    static boolean isConnectFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLException sql && sql.getSQLState() != null && sql.getSQLState().startsWith("08")) {
                return true;
            }
            if (t instanceof java.net.ConnectException || t instanceof java.net.SocketTimeoutException
                    || t instanceof java.net.NoRouteToHostException || t instanceof java.io.EOFException) {
                return true;
            }
        }
        return false;
    }
}
