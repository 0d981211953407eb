package io.srrrs.crypto.format;

import io.srrrs.crypto.CiphertextException;

/**
 * What an object's body is, as its metadata says: a format v1 {@link FormatHeader} or the
 * {@link S3ecContent} of an S3EC object. One value travels from the topology (in chunk 0's
 * {@code ObjectStart.header}, as {@link #toBytes()}) through the sink to the client.
 */
public sealed interface ContentFormat permits FormatHeader, S3ecContent {

    OutputFormat outputFormat();

    /** Body bytes of an object of {@code plaintextLength} bytes. */
    long ciphertextLength(long plaintextLength);

    /**
     * Plaintext bytes of a body of {@code ciphertextLength} bytes.
     *
     * @throws CiphertextException no body of this format has that length (cut short or extended)
     */
    long plaintextLength(long ciphertextLength) throws CiphertextException;

    /** The value's bytes, versioned: a v1 header starts with "SRRRS", an S3EC content with "S3EC". */
    byte[] toBytes();

    /**
     * Parses {@link #toBytes()} of either kind.
     *
     * @throws CiphertextException the bytes are neither, or malformed
     */
    static ContentFormat parse(byte[] bytes) throws CiphertextException {
        if (S3ecContent.startsWithMagic(bytes)) {
            return S3ecContent.parse(bytes);
        }
        return FormatHeader.parse(bytes);
    }
}
