package io.srrrs.crypto;

import java.io.IOException;

/**
 * An object that the reader refuses, and why. The message names the failure and where it was
 * found (segment index, field) and never contains key material or plaintext.
 *
 * <p>An {@link IOException} so that it can leave {@link java.io.InputStream#read()} unwrapped.
 * The subclass says what kind of refusal it is; {@link #failure()} says exactly which.
 */
public abstract sealed class CiphertextException extends IOException
        permits NotEncryptedException, UnsupportedFormatException, KeyMismatchException, TamperedObjectException {

    /** Every reason a reader refuses an object. */
    public enum Failure {
        /** No SRRRS header: plaintext, or some other format. Never passed through. */
        NOT_ENCRYPTED,
        /** SRRRS header of a version this reader does not know. */
        UNSUPPORTED_VERSION,
        /** Known version, unknown algorithm id. */
        UNSUPPORTED_ALGORITHM,
        /** The DEK is not the one the object was written with (key check failed). */
        WRONG_DEK,
        /** The object is read under another bucket/key than it was written to. */
        WRONG_IDENTITY,
        /** The encryption context differs from the one the object was written with. */
        WRONG_CONTEXT,
        /** A header field is out of range or the header is cut short. */
        MALFORMED_HEADER,
        /** The key checks pass but the commitment does not: a header parameter was changed. */
        HEADER_MODIFIED,
        /** The body's header differs from the header in the object metadata. */
        HEADER_MISMATCH,
        /** A segment does not authenticate: modified, cut inside, or not from this object. */
        SEGMENT_MODIFIED,
        /** A segment of this object stands at the wrong position (reordered, swapped, repeated). */
        SEGMENT_OUT_OF_ORDER,
        /** The object ends before its final segment. */
        TRUNCATED,
        /** Data follows the final segment. */
        EXTENDED
    }

    private final Failure failure;

    CiphertextException(Failure failure, String message) {
        super(message);
        this.failure = failure;
    }

    public Failure failure() {
        return failure;
    }

    /** The exception type that goes with {@code failure}. */
    public static CiphertextException of(Failure failure, String message) {
        return switch (failure) {
            case NOT_ENCRYPTED -> new NotEncryptedException(message);
            case UNSUPPORTED_VERSION, UNSUPPORTED_ALGORITHM -> new UnsupportedFormatException(failure, message);
            case WRONG_DEK, WRONG_IDENTITY, WRONG_CONTEXT -> new KeyMismatchException(failure, message);
            case MALFORMED_HEADER, HEADER_MODIFIED, HEADER_MISMATCH, SEGMENT_MODIFIED, SEGMENT_OUT_OF_ORDER,
                    TRUNCATED, EXTENDED -> new TamperedObjectException(failure, message);
        };
    }
}
