package com.skyriff.data;

import org.apache.shardingsphere.infra.hint.HintManager;

/**
 * Forces every statement the current thread runs to the shard primaries until closed: read-your-writes for one
 * request. Scopes nest; the outermost close ends the forcing. Bound to the thread that opened it: close it on that
 * thread, in a try-with-resources. Not thread-safe (by design: one per thread).
 *
 * <pre>{@code
 * try (PrimaryScope scope = data.primaryScope()) {
 *     insertComment(...);
 *     return listComments(...);   // sees the insert
 * }
 * }</pre>
 */
public final class PrimaryScope implements AutoCloseable {
    private static final ThreadLocal<PrimaryScope> OUTERMOST = new ThreadLocal<>();
    private final Thread owner;
    private final HintManager hint;
    private final PrimaryScope nestedOuter;
    private int depth = 1;
    private boolean closed;

    private PrimaryScope(HintManager hint) {
        this.owner = Thread.currentThread();
        this.hint = hint;
        this.nestedOuter = null;
    }

    /** Opens a scope on the calling thread; same as {@code SkyriffData.primaryScope()}. */
    public static PrimaryScope open() {
        PrimaryScope current = OUTERMOST.get();
        if (current != null) {
            current.depth++;
            return new PrimaryScope(current);
        }
        if (HintManager.isInstantiated()) {
            throw new IllegalStateException("primaryScope: this thread already holds a ShardingSphere HintManager that"
                    + " is not a PrimaryScope; close it first (HintManager is one per thread)");
        }
        HintManager hint = HintManager.getInstance();
        hint.setWriteRouteOnly();
        PrimaryScope scope = new PrimaryScope(hint);
        OUTERMOST.set(scope);
        return scope;
    }

    /** A nested handle that only counts down its outer scope. */
    private PrimaryScope(PrimaryScope outer) {
        this.owner = outer.owner;
        this.hint = null;
        this.nestedOuter = outer;
    }

    /** Whether statements of the current thread are forced to primaries by a scope. */
    public static boolean isActive() {
        return OUTERMOST.get() != null;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        if (Thread.currentThread() != owner) {
            throw new IllegalStateException("primaryScope: closed on thread " + Thread.currentThread().getName()
                    + " but opened on " + owner.getName() + "; close it where it was opened");
        }
        closed = true;
        PrimaryScope outer = nestedOuter != null ? nestedOuter : this;
        if (--outer.depth == 0) {
            outer.hint.close();
            OUTERMOST.remove();
        }
    }
}
