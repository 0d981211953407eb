package io.srrrs.crypto;

/** The object's bytes were changed, cut, extended or rearranged after it was written. */
public final class TamperedObjectException extends CiphertextException {

    TamperedObjectException(Failure failure, String message) {
        super(failure, message);
    }
}
