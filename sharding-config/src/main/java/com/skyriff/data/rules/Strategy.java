package com.skyriff.data.rules;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** How a logical table is spread over shards and physical tables. Immutable, thread-safe. */
public enum Strategy {
    /** A user-id column mapped through virtual buckets to shards; one physical table per shard. */
    USER("user", true, false),
    /** One physical table per calendar month of a time column, on the default shard. */
    MONTH("month", false, true),
    /** User id across shards, month across tables. */
    USER_MONTH("user+month", true, true),
    /** The same table on every shard. */
    BROADCAST("broadcast", false, false),
    /** An unsharded table on the default shard. */
    SINGLE("single", false, false);

    private final String token;
    private final boolean byUser;
    private final boolean byMonth;

    Strategy(String token, boolean byUser, boolean byMonth) {
        this.token = token;
        this.byUser = byUser;
        this.byMonth = byMonth;
    }

    /** The spelling used in the rules file. */
    public String token() {
        return token;
    }

    public boolean byUser() {
        return byUser;
    }

    public boolean byMonth() {
        return byMonth;
    }

    /** All spellings, in declaration order, for error messages. */
    public static List<String> tokens() {
        return Arrays.stream(values()).map(Strategy::token).toList();
    }

    public static Optional<Strategy> fromToken(String token) {
        for (Strategy s : values()) {
            if (s.token.equals(token)) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }

    @Override
    public String toString() {
        return token;
    }
}
