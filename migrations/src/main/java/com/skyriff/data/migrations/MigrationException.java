package com.skyriff.data.migrations;

/**
 * A schema operation failed at runtime: a node could not be reached, a statement failed. The message starts with the
 * node and says what had been done before the failure. Invalid input (rules, migration files) is reported with
 * {@link IllegalArgumentException} instead.
 */
public final class MigrationException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public MigrationException(String message) {
        super(message);
    }

    public MigrationException(String message, Throwable cause) {
        super(message, cause);
    }
}
