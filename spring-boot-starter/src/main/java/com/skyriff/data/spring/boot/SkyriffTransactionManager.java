package com.skyriff.data.spring.boot;

import com.skyriff.data.SkyriffData;
import com.skyriff.data.Tx;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.function.Predicate;
import javax.sql.DataSource;
import org.springframework.jdbc.datasource.ConnectionHolder;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.DefaultTransactionStatus;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Spring's {@link DataSourceTransactionManager} over the layer's data source, made visible to the layer: each
 * transaction it begins is the thread's {@link Tx} ({@link Tx#attach}), so {@code Tx.afterCommit} and
 * {@code @Invalidates} run in Spring's after-commit phase (never on rollback), {@code data.inTransaction} blocks join
 * the Spring transaction, and the cache steps aside inside it. A {@code @Transactional}
 * method runs on the shard primaries (autocommit off: the layer pins every statement of a transaction to the
 * primaries). With {@link SkyriffDataProperties.ReadOnlyTransactions#REPLICAS} a new {@code @Transactional(readOnly =
 * true)} transaction is no database transaction: its connection stays in autocommit, so each statement reads a replica
 * of its shard (no snapshot across statements), and a write in it is refused before it runs (it would commit at once;
 * see {@link ReadOnlyStatements}). Extend this class (not plain
 * {@code DataSourceTransactionManager}) when overriding the bean, or after-commit invalidation runs before the commit.
 * Thread-safe.
 */
public class SkyriffTransactionManager extends DataSourceTransactionManager {
    private static final long serialVersionUID = 1L;
    private final SkyriffDataProperties.ReadOnlyTransactions readOnly;
    /** The layer's classification of a statement as a read ({@link SkyriffData#readsOnly}). */
    private final transient Predicate<String> reads;

    /** Classifies statements with {@link SkyriffData#readsOnlyStatement} (the layer's parser, no data source). */
    public SkyriffTransactionManager(DataSource dataSource, SkyriffDataProperties.ReadOnlyTransactions readOnly) {
        this(dataSource, readOnly, SkyriffData::readsOnlyStatement);
    }

    /** Classifies statements with {@code data}'s own plans ({@link SkyriffData#readsOnly}), cached per SQL text. */
    public SkyriffTransactionManager(DataSource dataSource, SkyriffDataProperties.ReadOnlyTransactions readOnly,
                                     SkyriffData data) {
        this(dataSource, readOnly, data::readsOnly);
    }

    private SkyriffTransactionManager(DataSource dataSource, SkyriffDataProperties.ReadOnlyTransactions readOnly,
                                      Predicate<String> reads) {
        super(dataSource);
        this.readOnly = readOnly;
        this.reads = reads;
    }

    @Override
    protected void doBegin(Object transaction, TransactionDefinition definition) {
        super.doBegin(transaction, definition);
        Connection con = ((ConnectionHolder) TransactionSynchronizationManager.getResource(obtainDataSource()))
                .getConnection();
        if (onReplicas(definition.isReadOnly())) {
            try {
                con.setAutoCommit(true);  // no BEGIN: each statement is routed as a plain read (a replica)
            } catch (SQLException e) {
                throw new CannotCreateTransactionException("skyriff: read-only transaction could not switch to"
                        + " autocommit: " + e.getMessage(), e);
            }
            // callers get the connection through a holder that refuses writes (they would commit at once); Spring
            // still releases the original through its own transaction object
            TransactionSynchronizationManager.unbindResource(obtainDataSource());
            TransactionSynchronizationManager.bindResource(obtainDataSource(), new ReadOnlyHolder(con, reads));
            return;
        }
        Tx.attach(con, SkyriffTransactionManager::afterCommit);
    }

    private boolean onReplicas(boolean readOnlyDefinition) {
        return readOnlyDefinition && readOnly == SkyriffDataProperties.ReadOnlyTransactions.REPLICAS;
    }

    private static void afterCommit(Runnable action) {
        if (!TransactionSynchronizationManager.isSynchronizationActive()) {
            throw new IllegalStateException("Tx.afterCommit: Spring transaction synchronization is not active"
                    + " (transactionSynchronization=SYNCHRONIZATION_NEVER?); was inactive, expected"
                    + " SYNCHRONIZATION_ALWAYS or ON_ACTUAL_TRANSACTION");
        }
        TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
            @Override
            public void afterCommit() {
                action.run();
            }
        });
    }

    @Override
    protected void doCommit(DefaultTransactionStatus status) {
        if (!onReplicas(status.isReadOnly())) {
            super.doCommit(status);
        }
    }

    @Override
    protected void doRollback(DefaultTransactionStatus status) {
        if (!onReplicas(status.isReadOnly())) {
            super.doRollback(status);
        }
    }

    @Override
    protected Object doSuspend(Object transaction) {
        Object resources = super.doSuspend(transaction);
        return new Suspended(resources, Tx.suspend().orElse(null));
    }

    @Override
    protected void doResume(Object transaction, Object suspendedResources) {
        Suspended s = (Suspended) suspendedResources;
        super.doResume(transaction, s.resources());
        if (s.tx() != null) {
            Tx.resume(s.tx());
        }
    }

    @Override
    protected void doCleanupAfterCompletion(Object transaction) {
        Tx.current().ifPresent(Tx::finish);
        super.doCleanupAfterCompletion(transaction);
    }

    private record Suspended(Object resources, Tx tx) {
    }

    /** The bound holder of a replica-mode read-only transaction: its connection refuses writes. */
    private static final class ReadOnlyHolder extends ConnectionHolder {
        ReadOnlyHolder(Connection con, Predicate<String> reads) {
            super(ReadOnlyStatements.wrap(con, reads));
            setSynchronizedWithTransaction(true);
            setTransactionActive(true);
        }
    }
}
