package com.skyriff.data.rules;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** A node's {@code ssl-mode}, passed to the PostgreSQL driver as {@code sslmode}. Immutable, thread-safe. */
public enum SslMode {
    DISABLE("disable"), ALLOW("allow"), PREFER("prefer"), REQUIRE("require"), VERIFY_CA("verify-ca"),
    VERIFY_FULL("verify-full");

    private final String token;

    SslMode(String token) {
        this.token = token;
    }

    /** The spelling of the rules file and of pgjdbc's {@code sslmode}. */
    public String token() {
        return token;
    }

    public static List<String> tokens() {
        return Arrays.stream(values()).map(SslMode::token).toList();
    }

    public static Optional<SslMode> fromToken(String token) {
        return Arrays.stream(values()).filter(v -> v.token.equals(token)).findFirst();
    }

    @Override
    public String toString() {
        return token;
    }
}
