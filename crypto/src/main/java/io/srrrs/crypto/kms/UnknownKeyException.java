package io.srrrs.crypto.kms;

/** The KEK or alias does not exist (never created, or destroyed). Not retried. */
public final class UnknownKeyException extends KmsException {

    /** @param message what failed, naming the KEK and the operation; never key material */
    public UnknownKeyException(String message) {
        super(message, null);
    }

    /**
     * @param message what failed, naming the KEK and the operation; never key material
     * @param cause the provider's own error
     */
    public UnknownKeyException(String message, Throwable cause) {
        super(message, cause);
    }

    @Override
    public boolean isTransient() {
        return false;
    }
}
