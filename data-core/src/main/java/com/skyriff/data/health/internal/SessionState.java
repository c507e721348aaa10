package com.skyriff.data.health.internal;

/**
 * One read-your-writes session: per shard, when its last write was known to be committed and the WAL position reads
 * must have replayed; plus the shards written by the current transaction. Used by one thread at a time (a thread's
 * own session, or a {@code ReadSession} bound to it). Not thread-safe.
 */
public final class SessionState {
    private final HealthRuntime runtime;
    /** Per shard: {@link System#nanoTime()} after the session's last write there committed; 0 for none. */
    final long[] committedNanos;
    /** Per shard: primary WAL position at or after that commit, once a check has seen one; 0 until then. */
    final long[] requiredLsn;
    /** Shards written by autocommit statements whose completion has not been seen yet. */
    long pendingMask;
    /** Shards written by the open transaction (committed by the primary connection's commit). */
    long txWriteMask;
    /** The subset of {@link #txWriteMask} that counts against cross-shard-transactions (not broadcast tables). */
    long txCrossMask;
    /** Writes whose shards were known only after routing (a generated shard key); resolved before the next use. */
    HealthRuntime.Deferred deferred;
    boolean deferredInTransaction;
    /** Non-zero while a commit of this session is being refused on every shard (cross-shard writes found late). */
    long refusedCommit;

    SessionState(HealthRuntime runtime, int shards) {
        this.runtime = runtime;
        this.committedNanos = new long[shards];
        this.requiredLsn = new long[shards];
        runtime.initSession(this);
    }

    /** The runtime this session belongs to. */
    public HealthRuntime runtime() {
        return runtime;
    }

    void stamp(long mask, long nanos) {
        for (long m = mask; m != 0; m &= m - 1) {
            int shard = Long.numberOfTrailingZeros(m);
            committedNanos[shard] = nanos;
            requiredLsn[shard] = 0;
        }
    }
}
