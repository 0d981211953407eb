package io.srrrs.topology;

/**
 * A failure that is not the reference's fault (a KMS or registry outage, a source failing
 * mid-stream): its transaction aborts, the record is retried, and after
 * {@code srrrs.transient.max.attempts} it goes to the DLQ as PROCESSING_FAILED.
 */
final class TransientFailureException extends Exception {

    TransientFailureException(String message, Throwable cause) {
        super(message, cause);
    }
}
