package com.skyriff.data;

/**
 * Which path a statement takes ({@link SkyriffData#route}) and why. Immutable, thread-safe.
 *
 * @param path   the single-shard path, ShardingSphere, or a refusal
 * @param shard  the shard on the single-shard path; null otherwise
 * @param sql    the physical SQL on the single-shard path (month tables substituted), as the user wrote it: an id
 *               column the INSERT leaves out is not shown (see {@code generated}); null otherwise
 * @param reason why ShardingSphere runs it, the refusal's message, or where on the shard it runs
 * @param generated the id column an INSERT leaves out, which the layer adds with a marker of its own and fills per
 *               execution from the table's key generator; null when there is none
 */
public record StatementRoute(Path path, String shard, String sql, String reason, String generated) {
    /** The {@link #reason()} of a single-shard statement that runs on its shard's primary (writes, locks). */
    public static final String ON_PRIMARY = "one shard; runs on its primary";
    /** The {@link #reason()} of a single-shard read: a replica of the shard, its primary inside a transaction. */
    public static final String ON_REPLICA = "one shard; a replica unless in a transaction";

    /** A route without a generated id column. */
    public StatementRoute(Path path, String shard, String sql, String reason) {
        this(path, shard, sql, reason, null);
    }

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
