package com.skyriff.data.rules;

import java.util.List;

/**
 * One shard: a primary, zero or more streaming replicas, the pool settings of its nodes and the user buckets it owns.
 * Immutable, thread-safe.
 *
 * @param buckets the virtual user buckets this shard owns; empty means "all" and is only allowed with a single shard
 */
public record ShardSpec(String name, NodeSpec primary, List<NodeSpec> replicas, PoolSpec pool, List<BucketRange> buckets) {

    public ShardSpec {
        replicas = replicas == null ? List.of() : List.copyOf(replicas);
        pool = pool == null ? PoolSpec.UNSET : pool;
        buckets = buckets == null ? List.of() : List.copyOf(buckets);
    }

    public static ShardSpec of(String name, NodeSpec primary, NodeSpec... replicas) {
        return new ShardSpec(name, primary, List.of(replicas), PoolSpec.UNSET, List.of());
    }

    public ShardSpec withBuckets(BucketRange... ranges) {
        return new ShardSpec(name, primary, replicas, pool, List.of(ranges));
    }

    public ShardSpec withPool(PoolSpec newPool) {
        return new ShardSpec(name, primary, replicas, newPool, buckets);
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
