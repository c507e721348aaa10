package com.skyriff.data.health;

import com.skyriff.data.health.internal.SessionState;

/**
 * A read-your-writes session that is not a thread: bind it wherever its work runs, and reads made while it is bound
 * see every write made while it was bound before (per {@code health.read-your-writes}; docs/reliability.md). Without
 * an explicit session each thread is its own session. Obtain one from {@code SkyriffData.readSession()}.
 * Not thread-safe: bind it on one thread at a time.
 *
 * <pre>{@code
 * ReadSession session = data.readSession();          // e.g. one per user request that hops threads
 * try (ReadSession.Binding b = session.bind()) {
 *     insertComment(...);
 * }
 * ... later, on another thread ...
 * try (ReadSession.Binding b = session.bind()) {
 *     listComments(...);                              // sees the comment
 * }
 * }</pre>
 */
public final class ReadSession {
    private final java.util.function.Supplier<com.skyriff.data.health.internal.HealthRuntime> runtime;
    private SessionState state;

    /** For {@code SkyriffData}; not API. */
    public ReadSession(SessionState state) {
        this(state, state::runtime);
    }

    /**
     * For {@code SkyriffData}; not API. {@code runtime} supplies the current rules generation's runtime: after a
     * rules change the session continues as a session of the new runtime, which counts every shard as written at the
     * switch (so no write made before it is lost to a replica read).
     */
    public ReadSession(SessionState state, java.util.function.Supplier<com.skyriff.data.health.internal.HealthRuntime>
            runtime) {
        this.state = state;
        this.runtime = runtime;
    }

    /** Makes this the calling thread's session until the binding is closed; bindings nest. */
    public Binding bind() {
        com.skyriff.data.health.internal.HealthRuntime now = runtime.get();
        if (state.runtime() != now) {
            state = now.newSession();
        }
        SessionState bound = state;
        SessionState previous = bound.runtime().bind(bound);
        return new Binding(bound, previous, Thread.currentThread());
    }

    /** A session bound to a thread. Close it on the thread that opened it. Not thread-safe. */
    public static final class Binding implements AutoCloseable {
        private final SessionState session;
        private final SessionState previous;
        private final Thread owner;
        private boolean closed;

        private Binding(SessionState session, SessionState previous, Thread owner) {
            this.session = session;
            this.previous = previous;
            this.owner = owner;
        }

        @Override
        public void close() {
            if (closed) {
                return;
            }
            if (Thread.currentThread() != owner) {
                throw new IllegalStateException("ReadSession.Binding: closed on thread " + Thread.currentThread().getName()
                        + " but opened on " + owner.getName() + "; close it where it was opened");
            }
            closed = true;
            session.runtime().unbind(previous);
        }
    }
}
