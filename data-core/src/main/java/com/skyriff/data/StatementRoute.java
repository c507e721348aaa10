package com.skyriff.data;

/**
 * Which path a statement takes ({@link SkyriffData#route}) and why. Immutable, thread-safe.
 *
 * @param path   the single-shard path, ShardingSphere, or a refusal
 * @param shard  the shard on the single-shard path; null otherwise
 * @param sql    the physical SQL on the single-shard path (month tables substituted); null otherwise
 * @param reason why ShardingSphere runs it, the refusal's message, or where on the shard it runs
 */
public record StatementRoute(Path path, String shard, String sql, String reason) {
    /** The {@link #reason()} of a single-shard statement that runs on its shard's primary (writes, locks). */
    public static final String ON_PRIMARY = "one shard; runs on its primary";
    /** The {@link #reason()} of a single-shard read: a replica of the shard, its primary inside a transaction. */
    public static final String ON_REPLICA = "one shard; a replica unless in a transaction";

    /** The statement paths of the layer. */
    public enum Path {
        /** One physical statement on one node of one shard; PostgreSQL computes the whole result. */
        SINGLE_SHARD,
        /** ShardingSphere's parse, route, rewrite, execute and merge. */
        SHARDINGSPHERE,
        /** Refused on every path (the reason is the message the caller would get). */
        REFUSED
    }
}
