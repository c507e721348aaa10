package com.skyriff.data.testkit;

/**
 * Unchecked failure of the local topology: a server did not start, stop or answer in time. The message names the node
 * and the state that explains the failure. Immutable, thread-safe.
 */
public final class TopologyException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    TopologyException(String message) {
        super(message);
    }

    TopologyException(String message, Throwable cause) {
        super(message, cause);
    }
}
