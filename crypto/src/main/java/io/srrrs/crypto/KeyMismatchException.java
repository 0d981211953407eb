package io.srrrs.crypto;

/** The object was written under another DEK, object identity or encryption context. */
public final class KeyMismatchException extends CiphertextException {

    KeyMismatchException(Failure failure, String message) {
        super(failure, message);
    }
}
