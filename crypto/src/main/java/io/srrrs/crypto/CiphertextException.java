package io.srrrs.crypto;

import io.srrrs.crypto.kms.InvalidWrappedKeyException;
import io.srrrs.crypto.kms.KekNotAllowedException;
import io.srrrs.crypto.kms.KmsException;
import io.srrrs.crypto.kms.UnknownKeyException;

import java.io.IOException;

/**
 * An object that the reader refuses, and why. The message names the failure and where it was
 * found (segment index, field) and never contains key material or plaintext.
 *
 * <p>An {@link IOException} so that it can leave {@link java.io.InputStream#read()} unwrapped.
 * The subclass says what kind of refusal it is; {@link #failure()} says exactly which.
 */
public abstract sealed class CiphertextException extends IOException
        permits NotEncryptedException, UnsupportedFormatException, KeyMismatchException, TamperedObjectException,
        InvalidRangeException {

    /**
     * Every reason a reader refuses an object: the error names of docs/FORMAT.md §11, one for each
     * failure ({@code FormatErrorNamesTest} keeps the two lists equal). Most are raised as a
     * {@link CiphertextException}; the four that come from the KMS ({@link #KEK_NOT_ALLOWED},
     * {@link #UNKNOWN_KEK}, {@link #UNWRAP_FAILED}, {@link #KMS_FAILED}) are raised as the
     * {@link KmsException} that {@link #of(KmsException)} names.
     */
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
        EXTENDED,
        /** An {@code srrrs-*} metadata value is missing or not in its one canonical spelling. */
        MALFORMED_METADATA,
        /** {@code srrrs-kms} names a KMS type that v1 does not define, or that this reader does not use. */
        UNKNOWN_KMS,
        /** The plaintext range asked for is not {@code 0 <= a <= b}, or starts beyond the plaintext. */
        INVALID_RANGE,
        /**
         * A range of an S3EC object was asked for: its one GCM tag covers only the whole body, so
         * no range of it can be authenticated (docs/S3EC.md §5). Read it whole.
         */
        RANGE_NOT_AUTHENTICATED,
        /** The reader's allow-list refuses {@code srrrs-kek-id}; no KMS call was made with it. */
        KEK_NOT_ALLOWED,
        /** The KMS has no KEK (or KEK version) of that id. */
        UNKNOWN_KEK,
        /** The KMS answered, and the wrapped DEK does not open under that KEK and context. */
        UNWRAP_FAILED,
        /** The KMS could not be used: access denied, KEK disabled, unavailable, throttled. Not about the object. */
        KMS_FAILED;

        /** The name a KMS failure gets in docs/FORMAT.md. */
        public static Failure of(KmsException e) {
            if (e instanceof KekNotAllowedException) {
                return KEK_NOT_ALLOWED;
            }
            if (e instanceof UnknownKeyException) {
                return UNKNOWN_KEK;
            }
            if (e instanceof InvalidWrappedKeyException) {
                return UNWRAP_FAILED;
            }
            return KMS_FAILED;
        }

        /** Whether this failure is raised as a {@link KmsException} rather than a {@link CiphertextException}. */
        public boolean fromKms() {
            return this == KEK_NOT_ALLOWED || this == UNKNOWN_KEK || this == UNWRAP_FAILED || this == KMS_FAILED;
        }
    }

    private final Failure failure;

    CiphertextException(Failure failure, String message) {
        super(message);
        this.failure = failure;
    }

    /** Why the object was refused. */
    public Failure failure() {
        return failure;
    }

    /**
     * The exception type that goes with {@code failure}.
     *
     * @throws IllegalArgumentException for the failures a {@link KmsException} reports
     */
    public static CiphertextException of(Failure failure, String message) {
        return switch (failure) {
            case NOT_ENCRYPTED -> new NotEncryptedException(message);
            case UNSUPPORTED_VERSION, UNSUPPORTED_ALGORITHM, UNKNOWN_KMS, RANGE_NOT_AUTHENTICATED ->
                    new UnsupportedFormatException(failure, message);
            case WRONG_DEK, WRONG_IDENTITY, WRONG_CONTEXT -> new KeyMismatchException(failure, message);
            case MALFORMED_HEADER, HEADER_MODIFIED, HEADER_MISMATCH, SEGMENT_MODIFIED, SEGMENT_OUT_OF_ORDER,
                    TRUNCATED, EXTENDED, MALFORMED_METADATA -> new TamperedObjectException(failure, message);
            case INVALID_RANGE -> new InvalidRangeException(message);
            case KEK_NOT_ALLOWED, UNKNOWN_KEK, UNWRAP_FAILED, KMS_FAILED ->
                    throw new IllegalArgumentException(failure + " is reported by a KmsException");
        };
    }
}
