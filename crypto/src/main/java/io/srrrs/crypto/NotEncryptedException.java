package io.srrrs.crypto;

/** Not an SRRRS object: no SRRRS header, or no srrrs-* metadata. Refused, never passed through. */
public final class NotEncryptedException extends CiphertextException {

    NotEncryptedException(String message) {
        super(Failure.NOT_ENCRYPTED, message);
    }
}
