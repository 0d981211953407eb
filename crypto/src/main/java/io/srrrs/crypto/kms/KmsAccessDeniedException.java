package io.srrrs.crypto.kms;

/** The KMS refuses this caller the operation. Not retried. */
public final class KmsAccessDeniedException extends KmsException {

    public KmsAccessDeniedException(String message) {
        super(message, null);
    }

    public KmsAccessDeniedException(String message, Throwable cause) {
        super(message, cause);
    }

    @Override
    public boolean isTransient() {
        return false;
    }
}
