package com.skyriff.data.cache;

/**
 * The Redis circuit breaker of a {@link SkyriffCache}. Immutable, thread-safe.
 */
public enum BreakerState {
    /** Redis answers: reads and invalidations go through it. */
    CLOSED,
    /** Redis failed {@code failure-threshold} times in a row: the cache is bypassed (reads hit the database). */
    OPEN,
    /** A background probe is checking Redis and replaying missed invalidations; the cache is still bypassed. */
    HALF_OPEN
}
