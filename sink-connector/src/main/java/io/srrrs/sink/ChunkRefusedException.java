package io.srrrs.sink;

/**
 * A chunk, and so its object, that can never be written as it is. Reported through Connect's
 * errant record reporter with its {@link Reason}, never uploaded. Messages hold no key material
 * and no plaintext (the sink never sees plaintext).
 */
final class ChunkRefusedException extends Exception {

    /** Why a chunk was refused: the first word of every reported reason. */
    enum Reason {
        /** The record's value is not an EncryptedChunk (wrong converter or topic, or malformed). */
        NOT_A_CHUNK,
        /** Chunk 0 carries no object start. */
        NO_START,
        /** The object's header names a format or version this sink does not know. */
        UNKNOWN_FORMAT,
        /** The object's identity, KEK id, context or metadata fields are invalid. */
        INVALID_METADATA,
        /** Our metadata and the producer's together exceed S3's 2 KB. */
        METADATA_TOO_LARGE,
        /** The chunk names a bucket outside {@code s3.bucket.name}. */
        BUCKET_NOT_ALLOWED,
        /** Chunk 0's ciphertext does not start with the header its start names. */
        HEADER_MISMATCH,
        /** A chunk whose predecessor never came. */
        SEQUENCE_GAP,
        /** The assembled length differs from what the last chunk says. */
        LENGTH_MISMATCH,
        /** The object asks for SSE-C and the sink has no SSE-C private key. */
        SSE_C_NOT_CONFIGURED,
        /** The object asks for SSE-C and carries no sealed key. */
        SSE_C_KEY_MISSING,
        /** The sealed SSE-C key does not open with this sink's key for this object. */
        SSE_C_KEY_INVALID,
        /** SSE-C over plain http: refused, the key would cross the network in clear. */
        SSE_C_OVER_HTTP,
        /** The store refused the object for good (403, 400, SSE-C not accepted, ...). */
        STORE_REFUSED,
        /** The object's last chunk did not come within {@code srrrs.assembly.timeout.ms}. */
        INCOMPLETE,
        /** Handling the chunk failed for an unforeseen reason, {@code srrrs.record.max.attempts} times. */
        PROCESSING_FAILED
    }

    private final Reason reason;

    ChunkRefusedException(Reason reason, String message) {
        super(reason + ": " + message);
        this.reason = reason;
    }

    ChunkRefusedException(Reason reason, String message, Throwable cause) {
        super(reason + ": " + message, cause);
        this.reason = reason;
    }

    Reason reason() {
        return reason;
    }

    /** Text from elsewhere made safe for a log line or a reason: printable, at most 300 characters. */
    static String printable(String text) {
        String s = String.valueOf(text).replaceAll("\\p{Cntrl}", "?");
        return s.length() <= 300 ? s : s.substring(0, 300) + "...";
    }
}
