package com.skyriff.data.rules.internal;

import com.skyriff.data.rules.UserBuckets;
import java.util.Collection;
import java.util.Properties;
import org.apache.shardingsphere.sharding.api.sharding.standard.PreciseShardingValue;
import org.apache.shardingsphere.sharding.api.sharding.standard.RangeShardingValue;
import org.apache.shardingsphere.sharding.api.sharding.standard.StandardShardingAlgorithm;

/**
 * ShardingSphere database-sharding algorithm: user id → virtual bucket → shard, as {@link UserBuckets} defines.
 * Registered as a {@code CLASS_BASED} algorithm by {@link ShardingSphereRules}; not for direct use. Thread-safe after
 * {@link #init}.
 */
public final class UserBucketShardingAlgorithm implements StandardShardingAlgorithm<Comparable<?>> {
    static final String BUCKET_COUNT = "bucket-count";
    static final String ASSIGNMENT = "assignment";
    private UserBuckets buckets;

    @Override
    public void init(Properties props) {
        buckets = UserBuckets.decode(Integer.parseInt(props.getProperty(BUCKET_COUNT)), props.getProperty(ASSIGNMENT));
    }

    @Override
    public String doSharding(Collection<String> targets, PreciseShardingValue<Comparable<?>> value) {
        String shard = buckets.shardOf(userId(value.getLogicTableName(), value.getColumnName(), value.getValue()));
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

    /** The user id a sharding value stands for: {@link UserBuckets#userId}, the one conversion of every path. */
    static long userId(String table, String column, Object v) {
        return UserBuckets.userId(table, column, v);
    }

    @Override
    public String getType() {
        return "SKYRIFF_USER_BUCKET";
    }
}
