package com.skyriff.data.rules;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Whether one transaction (or one statement) may write to more than one shard ({@code cross-shard-transactions:}).
 * ShardingSphere's LOCAL transactions commit each shard separately, so such a write can half-commit. Immutable,
 * thread-safe.
 */
public enum CrossShardWrites {
    /** Refused with an error naming the shards (the default). */
    REFUSE("refuse"),
    /** Allowed, knowing that a failure between the shards' commits leaves one shard committed. */
    ALLOW("allow");

    private final String token;

    CrossShardWrites(String token) {
        this.token = token;
    }

    public String token() {
        return token;
    }

    public static List<String> tokens() {
        return Arrays.stream(values()).map(CrossShardWrites::token).toList();
    }

    public static Optional<CrossShardWrites> fromToken(String token) {
        return Arrays.stream(values()).filter(v -> v.token.equals(token)).findFirst();
    }

    @Override
    public String toString() {
        return token;
    }
}
