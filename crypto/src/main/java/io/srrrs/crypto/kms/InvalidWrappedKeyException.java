package io.srrrs.crypto.kms;

/** The wrapped DEK does not open: corrupted, wrapped for another encryption context, or not from this KMS. Not retried. */
public final class InvalidWrappedKeyException extends KmsException {

    public InvalidWrappedKeyException(String message) {
        super(message, null);
    }

    public InvalidWrappedKeyException(String message, Throwable cause) {
        super(message, cause);
    }

    @Override
    public boolean isTransient() {
        return false;
    }
}
