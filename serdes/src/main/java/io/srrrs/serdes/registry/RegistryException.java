package io.srrrs.serdes.registry;

/**
 * The schema registry said no, or could not be asked. {@link #status()} is the HTTP status (0 when
 * the registry could not be reached), {@link #errorCode()} the registry's own code (e.g. 40403).
 */
public class RegistryException extends RuntimeException {

    private final int status;
    private final int errorCode;

    public RegistryException(String message, int status, int errorCode, Throwable cause) {
        super(message, cause);
        this.status = status;
        this.errorCode = errorCode;
    }

    public int status() {
        return status;
    }

    public int errorCode() {
        return errorCode;
    }

    /** True when asking again later may work: unreachable, or a 5xx answer. */
    public boolean isTransient() {
        return status == 0 || status >= 500 || status == 429;
    }
}
