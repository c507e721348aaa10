package com.skyriff.data;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One transaction on the sharded data source, opened by {@link SkyriffData#inTransaction} or
 * {@link SkyriffData#useTransaction}: its connection (every statement goes to the shard primaries) and the actions to
 * run once it has committed. After-commit actions run on the calling thread, in registration order, after a successful
 * commit and after the connection is returned; they are dropped when the block throws or the commit fails. A nested
 * {@code inTransaction} on the same thread joins the outer transaction. Bound to the thread that runs the block: not
 * thread-safe.
 *
 * <pre>{@code
 * data.useTransaction(tx -> {
 *     try (PreparedStatement ps = tx.connection().prepareStatement("UPDATE users SET name = ? WHERE user_id = ?")) {
 *         ...
 *     }
 *     tx.afterCommit(() -> users.invalidate(42L));
 * });
 * }</pre>
 */
public final class Tx {
    private static final Logger LOG = LoggerFactory.getLogger(Tx.class);
    private static final ThreadLocal<Tx> CURRENT = new ThreadLocal<>();

    private final Connection connection;
    private final List<Runnable> afterCommit = new ArrayList<>(2);
    private final Consumer<Runnable> externalAfterCommit;
    private boolean finished;

    /** A block that returns a value. */
    @FunctionalInterface
    public interface Callback<R> {
        R run(Tx tx) throws SQLException;
    }

    /** A block that returns nothing. */
    @FunctionalInterface
    public interface Work {
        void run(Tx tx) throws SQLException;
    }

    private Tx(Connection connection) {
        this(connection, null);
    }

    private Tx(Connection connection, Consumer<Runnable> externalAfterCommit) {
        this.connection = connection;
        this.externalAfterCommit = externalAfterCommit;
    }

    /**
     * For a transaction manager outside the layer (the Spring Boot starter's): makes the transaction already begun on
     * {@code connection} the calling thread's {@code Tx}, so {@link SkyriffData#inTransaction} blocks join it, the
     * cache bypasses itself inside it and {@link #afterCommit} actions are handed to {@code afterCommitSink} (which
     * must run them after that manager's commit only; each action already logs its own failure). End it with
     * {@link #finish()}.
     *
     * @throws IllegalStateException if the thread already runs in a {@code Tx}
     */
    public static Tx attach(Connection connection, Consumer<Runnable> afterCommitSink) {
        Objects.requireNonNull(connection, "connection");
        Objects.requireNonNull(afterCommitSink, "afterCommitSink");
        if (CURRENT.get() != null) {
            throw new IllegalStateException("Tx.attach: the thread already runs in a transaction of the layer;"
                    + " suspend it first (Tx.suspend())");
        }
        Tx tx = new Tx(connection, afterCommitSink);
        CURRENT.set(tx);
        return tx;
    }

    /** Unbinds the calling thread's transaction (an outer one suspended by a new one) and returns it, if any. */
    public static Optional<Tx> suspend() {
        Tx tx = CURRENT.get();
        CURRENT.remove();
        return Optional.ofNullable(tx);
    }

    /** Binds a transaction {@link #suspend()} returned to the calling thread again. */
    public static void resume(Tx tx) {
        Objects.requireNonNull(tx, "tx");
        if (tx.finished) {
            throw new IllegalStateException("Tx.resume: the transaction has already finished");
        }
        CURRENT.set(tx);
    }

    /** Ends an {@link #attach attached} transaction: unbinds it from the thread; later afterCommit calls fail. */
    public void finish() {
        finished = true;
        if (CURRENT.get() == this) {
            CURRENT.remove();
        }
    }

    /** The transaction's connection; do not commit, roll back or close it: the block's outcome decides. */
    public Connection connection() {
        return connection;
    }

    /**
     * Runs {@code action} after this transaction commits (never before, never on rollback). An exception from an
     * action is logged and does not undo the commit or stop the other actions.
     *
     * @throws IllegalStateException if the transaction has already finished
     */
    public void afterCommit(Runnable action) {
        Objects.requireNonNull(action, "action");
        if (finished) {
            throw new IllegalStateException("Tx.afterCommit: the transaction has already finished; register actions"
                    + " inside the inTransaction/useTransaction block");
        }
        if (externalAfterCommit != null) {
            externalAfterCommit.accept(() -> runLogged(action));
            return;
        }
        afterCommit.add(action);
    }

    /** The transaction the calling thread is running in, if any. */
    public static Optional<Tx> current() {
        return Optional.ofNullable(CURRENT.get());
    }

    /** Whether the calling thread is inside an {@code inTransaction}/{@code useTransaction} block (no allocation). */
    public static boolean isActive() {
        return CURRENT.get() != null;
    }

    static <R> R run(DataSource dataSource, Callback<R> work) throws SQLException {
        Objects.requireNonNull(work, "work");
        Tx outer = CURRENT.get();
        if (outer != null) {
            return work.run(outer);
        }
        Tx tx;
        R result;
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            tx = new Tx(c);
            CURRENT.set(tx);
            try {
                result = work.run(tx);
                c.commit();
            } catch (SQLException | RuntimeException | Error e) {
                tx.finished = true;
                try {
                    c.rollback();
                } catch (SQLException rollbackFailure) {
                    e.addSuppressed(rollbackFailure);
                }
                throw e;
            } finally {
                CURRENT.remove();
            }
            tx.finished = true;
        }
        tx.runAfterCommit();
        return result;
    }

    private void runAfterCommit() {
        for (Runnable action : afterCommit) {
            runLogged(action);
        }
    }

    private static void runLogged(Runnable action) {
        try {
            action.run();
        } catch (RuntimeException e) {
            LOG.warn("after-commit action failed (the transaction is committed): {}", e.toString(), e);
        }
    }
}
