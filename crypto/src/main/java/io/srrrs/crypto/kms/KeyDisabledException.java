package io.srrrs.crypto.kms;

/** The KEK exists but is disabled: nothing can be wrapped or unwrapped under it. Not retried. */
public final class KeyDisabledException extends KmsException {

    public KeyDisabledException(String message) {
        super(message, null);
    }

    public KeyDisabledException(String message, Throwable cause) {
        super(message, cause);
    }

    @Override
    public boolean isTransient() {
        return false;
    }
}
