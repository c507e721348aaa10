package com.skyriff.data.guard.internal;

import com.skyriff.data.health.internal.Registry;
import org.apache.shardingsphere.infra.executor.audit.SQLAuditor;
import org.apache.shardingsphere.infra.metadata.database.ShardingSphereDatabase;
import org.apache.shardingsphere.infra.metadata.database.rule.RuleMetaData;
import org.apache.shardingsphere.infra.session.query.QueryContext;
import org.apache.shardingsphere.transaction.rule.TransactionRule;

/**
 * ShardingSphere SQL auditor that runs {@link StatementGuard} on every statement of a SkyRiff data source before it is
 * routed; a no-op for other data sources. Keyed to the global {@link TransactionRule} (present in every ShardingSphere
 * instance, and with no auditor of its own) because an auditor keyed to the sharding rule would replace ShardingSphere's
 * own. Unlike a sharding {@code ShardingAuditAlgorithm}, it sees the SQL text, the hints and the connection's
 * transaction state. Thread-safe.
 */
public final class GuardAuditor implements SQLAuditor<TransactionRule> {
    /** Order among SQL auditors; unique, as ShardingSphere keeps one auditor per order value. */
    static final int ORDER = 7919;

    @Override
    public void audit(QueryContext queryContext, RuleMetaData globalRuleMetaData, ShardingSphereDatabase database,
                      TransactionRule rule) {
        Registry.Attached attached = Registry.attached(database, runtime -> new StatementGuard(runtime,
                globalRuleMetaData, database));
        if (attached != null) {
            ((StatementGuard) attached.value()).audit(queryContext);
        }
    }

    /**
     * The guard's decision on one statement without a running data source (the CLI's offline {@code route --sql}):
     * the same {@link StatementGuard} the layer runs, over a health runtime that is never started (no pools, no
     * checks), as for an autocommit statement outside any transaction. Returns normally when the layer would run the
     * statement.
     *
     * @throws com.skyriff.data.guard.RefusedStatementException (sneakily) with the layer's own message when it
     *         would refuse it
     */
    public static void auditOffline(com.skyriff.data.rules.Rules rules, java.time.Clock clock, QueryContext queryContext,
                                    RuleMetaData globalRuleMetaData, ShardingSphereDatabase database) {
        com.skyriff.data.health.internal.HealthRuntime runtime = com.skyriff.data.health.internal.HealthRuntime.create(
                rules, java.util.Map.of(), null, clock);
        new StatementGuard(runtime, globalRuleMetaData, database).audit(queryContext);
    }

    @Override
    public int getOrder() {
        return ORDER;
    }

    @Override
    public Class<TransactionRule> getTypeClass() {
        return TransactionRule.class;
    }
}
