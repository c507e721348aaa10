package com.skyriff.data.health;

/**
 * What the health checks last saw of one node. Immutable, thread-safe.
 *
 * @param dataSourceName the node's ShardingSphere data-source name, e.g. {@code shard0_replica_1}
 * @param shard          its shard
 * @param primary        whether it is the shard's primary
 * @param up             whether its last checks succeeded (a primary that is down refuses writes)
 * @param lagMillis      a replica's replay lag in milliseconds ({@code -1} unknown); 0 for a primary
 * @param inRotation     whether plain reads may go to it now (a replica that is up and within {@code max-lag-ms})
 * @param lastFailure    why it is down or out of the rotation; null when it is in
 */
public record NodeStatus(String dataSourceName, String shard, boolean primary, boolean up, long lagMillis,
                         boolean inRotation, String lastFailure) {
}
