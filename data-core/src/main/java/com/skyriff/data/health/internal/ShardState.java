package com.skyriff.data.health.internal;

import java.util.concurrent.atomic.AtomicInteger;

/** One shard's nodes, its replica choice state and the primary's last WAL position sample. Thread-safe. */
final class ShardState {
    final int index;
    final String name;
    final NodeState primary;
    final NodeState[] replicas;
    final int[] weights;
    final long maxLagMillis;
    final AtomicInteger next = new AtomicInteger();
    /** The primary's WAL insert position and when the check that read it was sent; null before the first check. */
    volatile LsnSample primarySample;
    /** The last {@link #RING} primary samples, oldest first from {@link #ringStart}; guarded by {@code this}. */
    private final long[] ringLsn = new long[RING];
    private final long[] ringSent = new long[RING];
    private int ringStart;
    private int ringSize;
    static final int RING = 64;

    ShardState(int index, String name, NodeState primary, NodeState[] replicas, int[] weights, long maxLagMillis) {
        this.index = index;
        this.name = name;
        this.primary = primary;
        this.replicas = replicas;
        this.weights = weights;
        this.maxLagMillis = maxLagMillis;
    }

    /** Records a primary check (monitor threads). */
    synchronized void primaryChecked(long lsn, long sentNanos) {
        int at = (ringStart + ringSize) % RING;
        if (ringSize == RING) {
            ringStart = (ringStart + 1) % RING;
        } else {
            ringSize++;
        }
        ringLsn[at] = lsn;
        ringSent[at] = sentNanos;
        primarySample = new LsnSample(lsn, sentNanos);
    }

    /**
     * How long a replica at {@code replayLsn} has been behind the primary, in milliseconds as of {@code nowNanos}: the
     * time since the first primary check that saw the primary past that position; 0 if no check did.
     */
    synchronized long lagMillis(long replayLsn, long nowNanos) {
        for (int i = 0; i < ringSize; i++) {
            int at = (ringStart + i) % RING;
            if (ringLsn[at] > replayLsn) {
                return Math.max(0, (nowNanos - ringSent[at]) / 1_000_000);
            }
        }
        return 0;
    }

    int usableReplicas() {
        int n = 0;
        for (NodeState r : replicas) {
            if (r.usable(maxLagMillis)) {
                n++;
            }
        }
        return n;
    }

    /** e.g. {@code replicas=2, usable=0, lag=[12.4 s, down]}, for messages. */
    String describeReplicas() {
        StringBuilder sb = new StringBuilder("replicas=").append(replicas.length).append(", usable=")
                .append(usableReplicas()).append(", state=[");
        for (int i = 0; i < replicas.length; i++) {
            sb.append(i == 0 ? "" : ", ").append(replicas[i].describe(maxLagMillis));
        }
        return sb.append(']').toString();
    }

    /** A WAL position and the {@link System#nanoTime()} at which the query that read it was sent. */
    record LsnSample(long lsn, long sentNanos) {
    }
}
