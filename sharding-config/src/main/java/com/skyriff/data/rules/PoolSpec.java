package com.skyriff.data.rules;

/**
 * HikariCP settings for one node's pool. A {@code null} field means "not set here": shard settings fall back to the
 * file's {@code pool:} section, and that to {@link #DEFAULTS}. Immutable, thread-safe.
 */
public record PoolSpec(Integer maximumSize, Integer minimumIdle, Long connectionTimeoutMs, Long idleTimeoutMs,
                       Long maxLifetimeMs, Long validationTimeoutMs) {

    /** The documented defaults (README, "Pool settings"). */
    public static final PoolSpec DEFAULTS = new PoolSpec(10, 1, 3_000L, 600_000L, 1_800_000L, 1_000L);

    public static final PoolSpec UNSET = new PoolSpec(null, null, null, null, null, null);

    /** Every field of this spec that is unset, taken from {@code base}. */
    public PoolSpec over(PoolSpec base) {
        return new PoolSpec(
                maximumSize != null ? maximumSize : base.maximumSize,
                minimumIdle != null ? minimumIdle : base.minimumIdle,
                connectionTimeoutMs != null ? connectionTimeoutMs : base.connectionTimeoutMs,
                idleTimeoutMs != null ? idleTimeoutMs : base.idleTimeoutMs,
                maxLifetimeMs != null ? maxLifetimeMs : base.maxLifetimeMs,
                validationTimeoutMs != null ? validationTimeoutMs : base.validationTimeoutMs);
    }

    public PoolSpec withMaximumSize(int v) {
        return new PoolSpec(v, minimumIdle, connectionTimeoutMs, idleTimeoutMs, maxLifetimeMs, validationTimeoutMs);
    }

    public PoolSpec withMinimumIdle(int v) {
        return new PoolSpec(maximumSize, v, connectionTimeoutMs, idleTimeoutMs, maxLifetimeMs, validationTimeoutMs);
    }

    public PoolSpec withConnectionTimeoutMs(long v) {
        return new PoolSpec(maximumSize, minimumIdle, v, idleTimeoutMs, maxLifetimeMs, validationTimeoutMs);
    }
}
