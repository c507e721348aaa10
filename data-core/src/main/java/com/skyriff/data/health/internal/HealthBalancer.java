package com.skyriff.data.health.internal;

import com.skyriff.data.rules.internal.ShardingSphereRules;
import java.util.List;
import java.util.Properties;
import org.apache.shardingsphere.infra.algorithm.loadbalancer.core.LoadBalanceAlgorithm;

/**
 * ShardingSphere load balancer {@code SKYRIFF_HEALTH}: picks a shard's replica for a plain read from the replicas
 * that are up, within the shard's {@code max-lag-ms}, and far enough along for the session's read-your-writes; returns
 * the primary (the group's write data source, which ShardingSphere then uses for the read) when none is. Created by
 * ShardingSphere from the compiled rules; finds its {@link HealthRuntime} through {@link Registry} by the
 * {@code skyriff-runtime} property. Per call: one map lookup, volatile reads, no allocation. Thread-safe.
 */
public final class HealthBalancer implements LoadBalanceAlgorithm {
    private String key;
    private volatile HealthRuntime runtime;

    @Override
    public void init(Properties props) {
        key = props.getProperty(ShardingSphereRules.RUNTIME_PROP);
    }

    @Override
    public String getTargetName(String groupName, List<String> availableTargetNames) {
        HealthRuntime rt = runtime;
        if (rt == null) {
            rt = Registry.byKey(key);
            if (rt == null) {
                // not started yet (ShardingSphere's own start-up) or already closed: ShardingSphere's first choice
                return availableTargetNames.get(0);
            }
            runtime = rt;
        }
        return rt.chooseRead(groupName, availableTargetNames);
    }

    @Override
    public String getType() {
        return ShardingSphereRules.HEALTH_LOAD_BALANCER_TYPE;
    }
}
