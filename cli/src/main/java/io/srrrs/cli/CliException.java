package io.srrrs.cli;

/** A failure a user can act on: its message says what went wrong and what to do; no stack trace is printed. */
public final class CliException extends RuntimeException {

    public CliException(String message) {
        super(message);
    }

    public CliException(String message, Throwable cause) {
        super(message, cause);
    }
}
