package io.srrrs.crypto.kms;

/** The KMS could not be reached or failed internally; retried with backoff. */
public sealed class KmsUnavailableException extends KmsException permits KmsThrottledException {

    public KmsUnavailableException(String message) {
        super(message, null);
    }

    public KmsUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }

    @Override
    public boolean isTransient() {
        return true;
    }
}
