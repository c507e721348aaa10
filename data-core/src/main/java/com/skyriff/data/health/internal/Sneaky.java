package com.skyriff.data.health.internal;

/**
 * Throws a checked exception where ShardingSphere's SPI signatures allow none. ShardingSphere hands a
 * {@link java.sql.SQLException} thrown inside routing or auditing to the JDBC caller unchanged
 * ({@code SQLExceptionTransformEngine}), while any unchecked exception becomes "Unknown exception"; this keeps our
 * typed exceptions and their messages intact.
 */
public final class Sneaky {
    private Sneaky() {
    }

    /** Throws {@code e}; declared to return so callers can write {@code throw Sneaky.raise(e)}. */
    public static RuntimeException raise(Throwable e) {
        return Sneaky.<RuntimeException>raise0(e);
    }

    @SuppressWarnings("unchecked")
    private static <E extends Throwable> RuntimeException raise0(Throwable e) throws E {
        throw (E) e;
    }
}
