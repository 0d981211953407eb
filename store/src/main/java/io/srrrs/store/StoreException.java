package io.srrrs.store;

import java.util.Locale;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * A store request that failed, and what that means for whoever sent it: try again later
 * ({@link Kind#TRANSIENT}), never ({@link Kind#PERMANENT}), or not with SSE-C on this store
 * ({@link Kind#SSE_C_REJECTED}, with the fix in the message). Messages never hold key material.
 */
public final class StoreException extends RuntimeException {

    /** What a failure means to its sender. */
    public enum Kind { TRANSIENT, PERMANENT, SSE_C_REJECTED, NOT_FOUND }

    private final Kind kind;

    /** A failure of {@code kind}; {@code message} must hold no key material. */
    public StoreException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    /** What the failure means. */
    public Kind kind() {
        return kind;
    }

    /** Whether trying again later may succeed. */
    public boolean isTransient() {
        return kind == Kind.TRANSIENT;
    }

    /**
     * What an SDK exception from {@code operation} on {@code bucket/key} means. The SDK has
     * already retried transient failures, so a transient one here means the store has been
     * unavailable for all those attempts.
     */
    public static StoreException classify(String operation, String bucket, String key, SdkException e, boolean sseC) {
        String where = operation + " s3://" + bucket + (key == null ? "" : "/" + key);
        if (e instanceof S3Exception s3) {
            int status = s3.statusCode();
            String code = s3.awsErrorDetails() == null ? "" : s3.awsErrorDetails().errorCode();
            String message = s3.awsErrorDetails() == null ? "" : s3.awsErrorDetails().errorMessage();
            String detail = where + " -> " + status + " " + code + (message == null || message.isBlank() ? "" : ": " + message);
            if (sseC && rejectsSseC(status, code, message)) {
                return new StoreException(Kind.SSE_C_REJECTED, detail + ". The store does not accept SSE-C "
                        + "(customer-provided keys) for this bucket. On AWS S3, new buckets block SSE-C since April "
                        + "2026: allow it with PutBucketEncryption, BlockedEncryptionTypes=NONE; S3Proxy does not "
                        + "implement SSE-C at all; or write this object without sseC.", e);
            }
            if (status == 404) {
                return new StoreException(Kind.NOT_FOUND, detail, e);
            }
            // 501 Not Implemented is the one 5xx no retry can change: the store lacks what was asked.
            if (status == 501) {
                return new StoreException(Kind.PERMANENT, detail + " (the store does not implement this request)", e);
            }
            if (status >= 500 || status == 429 || "SlowDown".equals(code) || "RequestTimeout".equals(code)) {
                return new StoreException(Kind.TRANSIENT, detail, e);
            }
            return new StoreException(Kind.PERMANENT, detail, e);
        }
        if (e instanceof SdkClientException) {
            return new StoreException(Kind.TRANSIENT, where + " failed: store unreachable (" + e.getMessage() + ")", e);
        }
        return new StoreException(Kind.PERMANENT, where + " failed: " + e.getMessage(), e);
    }

    private static boolean rejectsSseC(int status, String code, String message) {
        if (status == 501) {
            return true; // NotImplemented: the store has no SSE-C (S3Proxy)
        }
        String text = ((code == null ? "" : code) + " " + (message == null ? "" : message)).toLowerCase(Locale.ROOT);
        return (status == 400 || status == 403)
                && (text.contains("customer") || text.contains("sse-c") || text.contains("blockedencryptiontypes")
                || text.contains("encryption type"));
    }
}
