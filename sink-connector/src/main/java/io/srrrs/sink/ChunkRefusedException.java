package io.srrrs.sink;

/**
 * A chunk, and so its object, that can never be written as it is. Reported through Connect's
 * errant record reporter with its {@link Reason}, never uploaded. Messages hold no key material
 * and no plaintext (the sink never sees plaintext).
 */
final class ChunkRefusedException extends Exception {

    /** Why a chunk was refused: the first word of every reported reason, with what it means. */
    enum Reason {
        NOT_A_CHUNK("the record's value is not an EncryptedChunk (wrong converter or topic, or malformed)"),
        NO_START("chunk 0 carries no object start"),
        UNKNOWN_FORMAT("the object's header names a format or version this sink does not know"),
        INVALID_METADATA("the object's identity, KEK id, context or metadata fields are invalid, or a user metadata "
                + "name starts with srrrs- in any case"),
        INVALID_KEY("the object key is under .srrrs-meta/, where only the sink writes SSE-C metadata companions"),
        METADATA_TOO_LARGE("our metadata and the producer's together exceed S3's 2 KB"),
        BUCKET_NOT_ALLOWED("the chunk names a bucket outside s3.bucket.name"),
        HEADER_MISMATCH("chunk 0's ciphertext does not start with the header its start names"),
        SEQUENCE_GAP("a chunk whose predecessor never came (a gap, a duplicate or a reordering)"),
        LENGTH_MISMATCH("the assembled length differs from what the last chunk says"),
        LAYOUT_MISMATCH("the ciphertext does not fit the segment layout its header names: a chunk before the last "
                + "not of whole segments, or a total length docs/FORMAT.md §5 refuses"),
        SSE_C_NOT_CONFIGURED("the object asks for SSE-C and the sink has no SSE-C private key"),
        SSE_C_KEY_MISSING("the object asks for SSE-C and carries no sealed key"),
        SSE_C_KEY_INVALID("the sealed SSE-C key does not open with this sink's key for this object"),
        SSE_C_OVER_HTTP("SSE-C over plain http: refused, the key would cross the network in clear"),
        STORE_REFUSED("the store refused the object for good (403, 400, SSE-C not accepted, ...)"),
        INCOMPLETE("the object's next chunk did not come within srrrs.assembly.timeout.ms while later records did"),
        PROCESSING_FAILED("handling the chunk failed for an unforeseen reason, srrrs.record.max.attempts times");

        private final String meaning;

        Reason(String meaning) {
            this.meaning = meaning;
        }

        /** What the reason means, for people: printable, no data of any object. */
        String meaning() {
            return meaning;
        }
    }

    /** The reasons as a Markdown table, for the README (ReadmeConfigTest keeps it true). */
    static String markdown() {
        StringBuilder sb = new StringBuilder("| reason | meaning |\n|---|---|\n");
        for (Reason r : Reason.values()) {
            sb.append("| `").append(r).append("` | ").append(r.meaning()).append(" |\n");
        }
        return sb.toString();
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
