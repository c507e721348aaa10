package com.skyriff.data.rules;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** How plain reads are spread over a shard's replicas. Immutable, thread-safe. */
public enum LoadBalancing {
    ROUND_ROBIN("round-robin", "ROUND_ROBIN"),
    RANDOM("random", "RANDOM"),
    /** Replicas weighted by their {@code weight} in the rules file. */
    WEIGHT("weight", "WEIGHT");

    private final String token;
    private final String shardingSphereType;

    LoadBalancing(String token, String shardingSphereType) {
        this.token = token;
        this.shardingSphereType = shardingSphereType;
    }

    public String token() {
        return token;
    }

    /** The ShardingSphere load-balancer type this maps to. */
    public String shardingSphereType() {
        return shardingSphereType;
    }

    public static List<String> tokens() {
        return Arrays.stream(values()).map(LoadBalancing::token).toList();
    }

    public static Optional<LoadBalancing> fromToken(String token) {
        for (LoadBalancing b : values()) {
            if (b.token.equals(token)) {
                return Optional.of(b);
            }
        }
        return Optional.empty();
    }

    @Override
    public String toString() {
        return token;
    }
}
