package com.skyriff.data.rules.internal;

import com.skyriff.data.rules.Topology;
import java.util.Collection;
import java.util.Properties;
import org.apache.shardingsphere.sharding.api.sharding.standard.PreciseShardingValue;
import org.apache.shardingsphere.sharding.api.sharding.standard.RangeShardingValue;
import org.apache.shardingsphere.sharding.api.sharding.standard.StandardShardingAlgorithm;

/**
 * ShardingSphere database-sharding algorithm: a thin adapter over {@link Topology#shardOf(Topology.Table, Object)}
 * (the one key conversion and bucket map of every path) of the topology its rules were compiled from. Registered as
 * a {@code CLASS_BASED} algorithm by {@link ShardingSphereRules}; not for direct use. Thread-safe after {@link #init}.
 */
public final class UserBucketShardingAlgorithm implements StandardShardingAlgorithm<Comparable<?>> {
    private Topology topology;

    @Override
    public void init(Properties props) {
        topology = Topologies.get(props.getProperty(ShardingSphereRules.TOPOLOGY_PROP));
    }

    /** The topology this algorithm routes with. */
    public Topology topology() {
        return topology;
    }

    @Override
    public String doSharding(Collection<String> targets, PreciseShardingValue<Comparable<?>> value) {
        long id = Topology.userId(value.getLogicTableName(), value.getColumnName(), value.getValue());
        String shard = topology.shardName(topology.shardOf(id));
        if (!targets.contains(shard)) {
            throw new IllegalStateException(value.getLogicTableName() + "." + value.getColumnName() + " routes to shard "
                    + shard + ", which is not among the table's data sources " + targets);
        }
        return shard;
    }

    @Override
    public Collection<String> doSharding(Collection<String> targets, RangeShardingValue<Comparable<?>> value) {
        // a hash spreads any id range over every shard
        return targets;
    }

    @Override
    public String getType() {
        return "SKYRIFF_USER_BUCKET";
    }
}
