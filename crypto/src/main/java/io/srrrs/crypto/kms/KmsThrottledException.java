package io.srrrs.crypto.kms;

/** The KMS is rate-limiting this caller; retried with backoff. */
public final class KmsThrottledException extends KmsUnavailableException {

    public KmsThrottledException(String message) {
        super(message);
    }

    public KmsThrottledException(String message, Throwable cause) {
        super(message, cause);
    }
}
