package com.skyriff.data;

/**
 * ShardingSphere's standalone configuration repository as the layer sets it up: H2 in memory, with the table
 * ShardingSphere would create plus an index on {@code key} and on {@code parent}. ShardingSphere 5.5.2 creates the table
 * without them, and it persists every table's metadata node by node, each write first looking up the node and each of
 * its ancestors by key: without an index that is a full scan per lookup, quadratic in the metadata, and it was most of
 * the start-up time of a 64-shard x 36-month layout (measured with JFR; see BENCHMARKS.md, startup). Creating the
 * table first through H2's {@code INIT} makes ShardingSphere's own {@code CREATE TABLE IF NOT EXISTS} a no-op. Not
 * instantiable.
 */
final class ConfigRepository {
    /**
     * Appended to the repository's H2 URL: H2 runs it on every new connection; every statement is idempotent. The
     * columns are ShardingSphere's ({@code sql/H2.xml} of shardingsphere-standalone-mode-repository-jdbc), with
     * {@code key} and {@code parent} as VARCHAR so that they can be indexed.
     */
    static final String H2_INDEXES = ";INIT=CREATE TABLE IF NOT EXISTS `repository`(id VARCHAR(36) PRIMARY KEY,"
            + " `key` VARCHAR, `value` TEXT, parent VARCHAR)\\;"
            + "CREATE INDEX IF NOT EXISTS repository_key ON `repository`(`key`)\\;"
            + "CREATE INDEX IF NOT EXISTS repository_parent ON `repository`(parent)";

    private ConfigRepository() {
    }
}
