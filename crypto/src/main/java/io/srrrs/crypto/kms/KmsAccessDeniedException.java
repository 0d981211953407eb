package io.srrrs.crypto.kms;

/** The KMS refuses this caller the operation. Not retried. */
public final class KmsAccessDeniedException extends KmsException {

    /** @param message what failed, naming the KEK and the operation; never key material */
    public KmsAccessDeniedException(String message) {
        super(message, null);
    }

    /**
     * @param message what failed, naming the KEK and the operation; never key material
     * @param cause the provider's own error
     */
    public KmsAccessDeniedException(String message, Throwable cause) {
        super(message, cause);
    }

    @Override
    public boolean isTransient() {
        return false;
    }
}
