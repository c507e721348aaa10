package com.skyriff.data.rules;

import java.util.Objects;

/**
 * One physical PostgreSQL server of a shard (its primary or a replica), as the rules describe it.
 * Immutable, thread-safe; {@link #toString()} masks the password.
 *
 * @param url      a {@code jdbc:postgresql:} URL
 * @param username login user; a replica without one uses its primary's
 * @param password login password; a replica without one uses its primary's
 * @param weight   the replica's share of reads under {@link LoadBalancing#WEIGHT} (ignored for a primary)
 */
public record NodeSpec(String url, String username, Secret password, int weight) {

    public NodeSpec {
        Objects.requireNonNull(url, "url");
        password = password == null ? Secret.none() : password;
    }

    public static NodeSpec of(String url, String username, String password) {
        return new NodeSpec(url, username, Secret.of(password), 1);
    }

    public NodeSpec withWeight(int newWeight) {
        return new NodeSpec(url, username, password, newWeight);
    }

    /** This node with the primary's credentials filled in where it has none. */
    NodeSpec inheritCredentials(NodeSpec primary) {
        String user = username == null || username.isEmpty() ? primary.username : username;
        Secret pass = password.isEmpty() ? primary.password : password;
        return new NodeSpec(url, user, pass, weight);
    }
}
