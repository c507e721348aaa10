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
 * @param sslMode  TLS mode handed to the driver as {@code sslmode}; null leaves the URL's (a replica without one uses
 *                 its primary's)
 */
public record NodeSpec(String url, String username, Secret password, int weight, SslMode sslMode) {

    public NodeSpec {
        Objects.requireNonNull(url, "url");
        password = password == null ? Secret.none() : password;
    }

    public NodeSpec(String url, String username, Secret password, int weight) {
        this(url, username, password, weight, null);
    }

    public static NodeSpec of(String url, String username, String password) {
        return new NodeSpec(url, username, Secret.of(password), 1);
    }

    public NodeSpec withWeight(int newWeight) {
        return new NodeSpec(url, username, password, newWeight, sslMode);
    }

    public NodeSpec withSslMode(SslMode mode) {
        return new NodeSpec(url, username, password, weight, mode);
    }

    /** Every field, with the password masked, also inside the URL ({@code password=<masked>}). */
    @Override
    public String toString() {
        return "NodeSpec[url=" + maskUrl(url) + ", username=" + username + ", password=" + password + ", weight=" + weight
                + ", sslMode=" + sslMode + "]";
    }

    /** {@code url} with its credentials masked ({@link Secret#mask(String)}: {@code password=}, {@code user:pw@}). */
    public static String maskUrl(String url) {
        return Secret.mask(url);
    }

    /** This node's URL with its credentials masked, for messages and output. */
    public String maskedUrl() {
        return Secret.mask(url);
    }

    /** This node with the primary's credentials filled in where it has none. */
    NodeSpec inheritCredentials(NodeSpec primary) {
        String user = username == null || username.isEmpty() ? primary.username : username;
        Secret pass = password.isEmpty() ? primary.password : password;
        return new NodeSpec(url, user, pass, weight, sslMode != null ? sslMode : primary.sslMode);
    }
}
