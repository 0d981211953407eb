package io.srrrs.crypto.kms;

/** The KEK exists but is disabled: nothing can be wrapped or unwrapped under it. Not retried. */
public final class KeyDisabledException extends KmsException {

    /** @param message what failed, naming the KEK and the operation; never key material */
    public KeyDisabledException(String message) {
        super(message, null);
    }

    /**
     * @param message what failed, naming the KEK and the operation; never key material
     * @param cause the provider's own error
     */
    public KeyDisabledException(String message, Throwable cause) {
        super(message, cause);
    }

    @Override
    public boolean isTransient() {
        return false;
    }
}
