package com.skyriff.data.reshard;

/** A resharding step failed at run time; the message names the job, the step and the node. */
public final class ReshardException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ReshardException(String message, Throwable cause) {
        super(message, cause);
    }

    public ReshardException(String message) {
        super(message);
    }
}
