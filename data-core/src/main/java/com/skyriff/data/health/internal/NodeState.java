package com.skyriff.data.health.internal;

import com.skyriff.data.rules.PhysicalNode;

/**
 * What the health checks know about one physical node. Written by the monitor (and by {@link NodeDataSource} when a
 * connection attempt fails), read on every statement through volatile fields. Thread-safe.
 */
public final class NodeState {
    /** {@link #lagMillis} when the replica is behind and its lag cannot be measured. */
    static final long LAG_UNKNOWN = -1;

    final int index;
    final int shard;
    final String name;
    volatile PhysicalNode node;
    final boolean primary;

    volatile boolean up = true;
    volatile boolean recoveryRoleOk = true;
    volatile long lagMillis;
    volatile long replayLsn;
    volatile String lastFailure;
    volatile long downSinceNanos;

    NodeState(int index, int shard, PhysicalNode node) {
        this.index = index;
        this.shard = shard;
        this.node = node;
        this.name = node.dataSourceName();
        this.primary = node.primary();
    }

    /** A replica plain reads may use: up, a standby, and replaying within {@code maxLagMillis}. */
    boolean usable(long maxLagMillis) {
        long lag = lagMillis;
        return up && recoveryRoleOk && lag >= 0 && lag <= maxLagMillis;
    }

    /** e.g. {@code down (connection refused)} or {@code lag 1.2 s} or {@code ok}. */
    String describe(long maxLagMillis) {
        if (!up) {
            return "down";
        }
        if (!recoveryRoleOk) {
            return primary ? "in recovery" : "not in recovery";
        }
        long lag = lagMillis;
        if (lag == LAG_UNKNOWN) {
            return "lag unknown";
        }
        return lag > maxLagMillis ? "lag " + millis(lag) : "ok";
    }

    static String millis(long ms) {
        return ms < 1000 ? ms + " ms" : (ms / 100) / 10.0 + " s";
    }
}
