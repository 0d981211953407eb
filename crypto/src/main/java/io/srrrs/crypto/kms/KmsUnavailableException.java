package io.srrrs.crypto.kms;

/** The KMS could not be reached or failed internally; retried with backoff. */
public sealed class KmsUnavailableException extends KmsException permits KmsThrottledException {

    /** @param message what failed, naming the KEK and the operation; never key material */
    public KmsUnavailableException(String message) {
        super(message, null);
    }

    /**
     * @param message what failed, naming the KEK and the operation; never key material
     * @param cause the provider's own error
     */
    public KmsUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }

    @Override
    public boolean isTransient() {
        return true;
    }
}
