package io.srrrs.topology;

import java.util.Objects;

/**
 * A reference that can never succeed as it is: it goes to the DLQ with this reason, and the
 * topology carries on. The message must name what is wrong and must not contain payload bytes,
 * key material or URI credentials.
 */
public final class BadReferenceException extends Exception {

    private final RejectReason reason;

    public BadReferenceException(RejectReason reason, String message) {
        super(message);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    public BadReferenceException(RejectReason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    public RejectReason reason() {
        return reason;
    }
}
