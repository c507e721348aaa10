package com.skyriff.data.rules;

import java.util.Objects;

/**
 * A password or other credential. Its {@link #toString()} never shows the value, so it can sit in records that are
 * logged or printed. Immutable, thread-safe.
 */
public final class Secret {
    private static final Secret NONE = new Secret("");
    private final String value;

    private Secret(String value) {
        this.value = value;
    }

    public static Secret of(String value) {
        return value == null || value.isEmpty() ? NONE : new Secret(value);
    }

    public static Secret none() {
        return NONE;
    }

    /** The clear value; only for handing to a driver. */
    public String reveal() {
        return value;
    }

    public boolean isEmpty() {
        return value.isEmpty();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Secret s && s.value.equals(value);
    }

    @Override
    public int hashCode() {
        return Objects.hash(value);
    }

    @Override
    public String toString() {
        return value.isEmpty() ? "<none>" : "<masked>";
    }
}
