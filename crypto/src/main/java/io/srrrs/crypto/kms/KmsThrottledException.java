package io.srrrs.crypto.kms;

/** The KMS is rate-limiting this caller; retried with backoff. */
public final class KmsThrottledException extends KmsUnavailableException {

    /** @param message what failed, naming the KEK and the operation; never key material */
    public KmsThrottledException(String message) {
        super(message);
    }

    /**
     * @param message what failed, naming the KEK and the operation; never key material
     * @param cause the provider's own error
     */
    public KmsThrottledException(String message, Throwable cause) {
        super(message, cause);
    }
}
