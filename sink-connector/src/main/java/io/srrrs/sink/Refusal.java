package io.srrrs.sink;

/**
 * A chunk, and so its object, that can never be written as it is: a gap in the sequence, an
 * unknown format, a bucket not allowed, a store that refuses for good. Reported through Connect's
 * errant record reporter (errors.tolerance), never uploaded. Messages hold no key material.
 */
final class Refusal extends Exception {

    Refusal(String message) {
        super(message);
    }

    Refusal(String message, Throwable cause) {
        super(message, cause);
    }
}
