package io.srrrs.crypto;

/**
 * The plaintext range a caller asked for cannot be read: negative, reversed, or starting beyond
 * the plaintext (docs/FORMAT.md §5, "Random access"). Says nothing about the object's bytes.
 */
public final class InvalidRangeException extends CiphertextException {

    InvalidRangeException(String message) {
        super(Failure.INVALID_RANGE, message);
    }
}
