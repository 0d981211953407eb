package io.srrrs.crypto.kms;

/**
 * The wrapped DEK does not open: corrupted, wrapped for another encryption context, or not from this
 * KMS. Not retried.
 */
public final class InvalidWrappedKeyException extends KmsException {

    /** @param message what failed, naming the KEK and the operation; never key material */
    public InvalidWrappedKeyException(String message) {
        super(message, null);
    }

    /**
     * @param message what failed, naming the KEK and the operation; never key material
     * @param cause the provider's own error
     */
    public InvalidWrappedKeyException(String message, Throwable cause) {
        super(message, cause);
    }

    @Override
    public boolean isTransient() {
        return false;
    }
}
