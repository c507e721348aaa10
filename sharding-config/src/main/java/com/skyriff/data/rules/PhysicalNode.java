package com.skyriff.data.rules;

/**
 * One physical server as the layer sees it: which shard, which role, and the data-source name ShardingSphere knows it
 * by. Immutable, thread-safe; {@link #toString()} masks the password.
 *
 * @param replicaIndex the replica's position in its shard's list; -1 for the primary
 * @param pool         the pool settings resolved for this node (file defaults, then shard overrides)
 */
public record PhysicalNode(String dataSourceName, String shard, boolean primary, int replicaIndex, NodeSpec spec,
                           PoolSpec pool) {

    /** e.g. {@code shard0 primary} or {@code shard1 replica 0}, for messages. */
    public String describe() {
        return shard + (primary ? " primary" : " replica " + replicaIndex);
    }
}
