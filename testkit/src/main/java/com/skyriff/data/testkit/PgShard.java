package com.skyriff.data.testkit;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * One shard: a primary and its streaming standbys, with fault injection for tests. A shard obtained from a
 * {@link TestDatabase} is a view whose nodes point at that database; its fault injection acts on the same servers.
 * Thread-safe.
 */
public final class PgShard {
    private final ShardControl control;
    private final PgNode primary;
    private final List<PgNode> replicas;

    PgShard(ShardControl control, String database) {
        this.control = control;
        this.primary = control.primaryNode().withDatabase(database);
        this.replicas = control.replicaNodes().stream().map(node -> node.withDatabase(database)).toList();
    }

    PgShard withDatabase(String database) {
        return new PgShard(control, database);
    }

    /** {@code shard0}, {@code shard1}, ... */
    public String name() {
        return control.name();
    }

    public PgNode primary() {
        return primary;
    }

    /** The streaming standbys, in index order. */
    public List<PgNode> replicas() {
        return replicas;
    }

    /** Stops standby {@code i} at once ({@code pg_ctl stop -m immediate}); does nothing if it is stopped. */
    public void stopReplica(int i) {
        control.stopReplica(checkReplica(i));
    }

    /** Starts standby {@code i} again on the same port and data directory; it resumes streaming. */
    public void startReplica(int i) {
        control.startReplica(checkReplica(i));
    }

    /**
     * Freezes standby {@code i}: SIGSTOP to its postmaster and every process under it, as a hung VM or a network black
     * hole looks (connections are accepted by the kernel, nothing answers). Always pair with {@link #resumeReplica}.
     */
    public void freezeReplica(int i) {
        control.freezeReplica(checkReplica(i), true);
    }

    /** SIGCONT to every process of standby {@code i} frozen by {@link #freezeReplica}. */
    public void resumeReplica(int i) {
        control.freezeReplica(checkReplica(i), false);
    }

    /** Stops the primary at once ({@code pg_ctl stop -m immediate}); does nothing if it is stopped. */
    public void stopPrimary() {
        control.stopPrimary();
    }

    /** Starts the primary again on the same port (crash recovery); its standbys reconnect on their own. */
    public void startPrimary() {
        control.startPrimary();
    }

    /** {@code pg_wal_replay_pause()} on standby {@code i}: later commits stay invisible there until resumed. */
    public void pauseReplay(int i) {
        control.pauseReplay(checkReplica(i));
    }

    /** {@code pg_wal_replay_resume()} on standby {@code i}. */
    public void resumeReplay(int i) {
        control.resumeReplay(checkReplica(i));
    }

    /**
     * Waits until every running standby has replayed the primary's current WAL position, i.e. sees every commit made
     * before this call. Throws {@link TopologyException} naming the standby and its lag after {@code timeout}.
     */
    public void awaitReplicaCatchUp(Duration timeout) {
        Objects.requireNonNull(timeout, name() + ": awaitReplicaCatchUp timeout must not be null");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException(name() + ": awaitReplicaCatchUp timeout must be positive; was "
                    + timeout);
        }
        control.awaitReplicaCatchUp(timeout);
    }

    private int checkReplica(int i) {
        if (i < 0 || i >= replicas.size()) {
            String expected = replicas.isEmpty() ? "none (" + name() + " has no replicas)" : "0.." + (replicas.size() - 1);
            throw new IllegalArgumentException(name() + ": replica index is out of range; was " + i + ", expected "
                    + expected);
        }
        return i;
    }

    @Override
    public String toString() {
        return "PgShard[" + name() + ", primary=" + primary.host() + ":" + primary.port() + ", replicas="
                + replicas.stream().map(r -> r.host() + ":" + r.port()).toList() + ", database=" + primary.database()
                + "]";
    }
}
