package com.skyriff.data;

/** A runtime failure of the data layer (not bad input, not wrong call order). Messages start with the component. */
public class SkyriffDataException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public SkyriffDataException(String message) {
        super(message);
    }

    public SkyriffDataException(String message, Throwable cause) {
        super(message, cause);
    }
}
