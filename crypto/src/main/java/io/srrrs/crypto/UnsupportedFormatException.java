package io.srrrs.crypto;

/** An SRRRS object of a format version or algorithm this reader does not know. */
public final class UnsupportedFormatException extends CiphertextException {

    UnsupportedFormatException(Failure failure, String message) {
        super(failure, message);
    }
}
