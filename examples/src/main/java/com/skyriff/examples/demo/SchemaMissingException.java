package com.skyriff.examples.demo;

/** {@code demo --rules} found a cluster without the reference schema and was not allowed to apply it. Immutable. */
final class SchemaMissingException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    SchemaMissingException(String message) {
        super(message, null, false, false);
    }
}
