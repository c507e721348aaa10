package com.skyriff.data.rules;

import java.util.List;

/**
 * One shard: a primary, zero or more streaming replicas, the pool settings of its nodes and the user buckets it owns.
 * Immutable, thread-safe.
 *
 * @param buckets  the virtual user buckets this shard owns; empty means "all" and is only allowed with a single shard
 * @param maxLagMs replay lag above which a replica of this shard is skipped; null for {@code health.max-lag-ms}
 */
public record ShardSpec(String name, NodeSpec primary, List<NodeSpec> replicas, PoolSpec pool, List<BucketRange> buckets,
                        Long maxLagMs) {

    public ShardSpec {
        replicas = replicas == null ? List.of() : List.copyOf(replicas);
        pool = pool == null ? PoolSpec.UNSET : pool;
        buckets = buckets == null ? List.of() : List.copyOf(buckets);
    }

    /** A shard whose replica lag limit is {@code health.max-lag-ms}. */
    public ShardSpec(String name, NodeSpec primary, List<NodeSpec> replicas, PoolSpec pool, List<BucketRange> buckets) {
        this(name, primary, replicas, pool, buckets, null);
    }

    public static ShardSpec of(String name, NodeSpec primary, NodeSpec... replicas) {
        return new ShardSpec(name, primary, List.of(replicas), PoolSpec.UNSET, List.of());
    }

    public ShardSpec withBuckets(BucketRange... ranges) {
        return new ShardSpec(name, primary, replicas, pool, List.of(ranges), maxLagMs);
    }

    public ShardSpec withPool(PoolSpec newPool) {
        return new ShardSpec(name, primary, replicas, newPool, buckets, maxLagMs);
    }

    /** This shard with its own replica lag limit. */
    public ShardSpec withMaxLagMs(long ms) {
        return new ShardSpec(name, primary, replicas, pool, buckets, ms);
    }

    /** ShardingSphere data-source name of the primary. */
    public String primaryDataSourceName() {
        return name + "_primary";
    }

    /** ShardingSphere data-source name of replica {@code i}. */
    public String replicaDataSourceName(int i) {
        return name + "_replica_" + i;
    }
}
