package io.srrrs.crypto.kms;

/** The KEK or alias does not exist (never created, or destroyed). Not retried. */
public final class UnknownKeyException extends KmsException {

    public UnknownKeyException(String message) {
        super(message, null);
    }

    public UnknownKeyException(String message, Throwable cause) {
        super(message, cause);
    }

    @Override
    public boolean isTransient() {
        return false;
    }
}
