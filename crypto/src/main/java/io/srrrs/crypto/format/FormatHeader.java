package io.srrrs.crypto.format;

import io.srrrs.crypto.CiphertextException;
import io.srrrs.crypto.CiphertextException.Failure;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Objects;

/**
 * The v1 body header: the first {@link FormatV1#HEADER_LENGTH} bytes of every object, also
 * carried base64-encoded in {@code x-amz-meta-srrrs-header}. Layout in docs/FORMAT.md §2.
 *
 * <p>Holds no secret: salt, nonce prefix, the three checks and the commitment are all safe to
 * publish; they are only useful to someone who holds the DEK.
 */
public record FormatHeader(
        int segmentSize,
        byte[] salt,
        byte[] noncePrefix,
        byte[] keyCheck,
        byte[] identityCheck,
        byte[] contextCheck,
        byte[] commitment) implements ContentFormat {

    public FormatHeader {
        requireSegmentSize(segmentSize);
        salt = requireLength("salt", salt, FormatV1.SALT_LENGTH);
        noncePrefix = requireLength("nonce prefix", noncePrefix, FormatV1.NONCE_PREFIX_LENGTH);
        keyCheck = requireLength("key check", keyCheck, FormatV1.CHECK_LENGTH);
        identityCheck = requireLength("identity check", identityCheck, FormatV1.CHECK_LENGTH);
        contextCheck = requireLength("context check", contextCheck, FormatV1.CHECK_LENGTH);
        commitment = requireLength("commitment", commitment, FormatV1.COMMITMENT_LENGTH);
    }

    public byte version() {
        return FormatV1.VERSION;
    }

    public byte algorithm() {
        return FormatV1.ALG_AES256_GCM_HKDF_SHA256;
    }

    @Override
    public OutputFormat outputFormat() {
        return OutputFormat.SRRRS_V1;
    }

    @Override
    public long ciphertextLength(long plaintextLength) {
        return new CiphertextLayout(segmentSize).objectLength(plaintextLength);
    }

    @Override
    public long plaintextLength(long ciphertextLength) throws CiphertextException {
        return new CiphertextLayout(segmentSize).plaintextLength(ciphertextLength);
    }

    /** The header bytes, exactly {@link FormatV1#HEADER_LENGTH} of them. */
    @Override
    public byte[] toBytes() {
        ByteBuffer b = ByteBuffer.allocate(FormatV1.HEADER_LENGTH);
        b.put(FormatV1.magic()).put(version()).put(algorithm()).putInt(segmentSize)
                .put(salt).put(noncePrefix).put(keyCheck).put(identityCheck).put(contextCheck).put(commitment);
        return b.array();
    }

    /** Value of {@code srrrs-header}: standard base64 with padding. */
    public String toMetadataValue() {
        return Base64.getEncoder().encodeToString(toBytes());
    }

    /** Parses a header, refusing non-SRRRS input, unknown versions and algorithms, bad fields. */
    public static FormatHeader parse(byte[] bytes) throws CiphertextException {
        Objects.requireNonNull(bytes, "bytes");
        checkPreamble(bytes, bytes.length);
        if (bytes.length < FormatV1.HEADER_LENGTH) {
            throw CiphertextException.of(Failure.TRUNCATED,
                    "object is " + bytes.length + " bytes, shorter than the " + FormatV1.HEADER_LENGTH + "-byte v1 header");
        }
        if (bytes.length != FormatV1.HEADER_LENGTH) {
            throw CiphertextException.of(Failure.MALFORMED_HEADER,
                    "v1 header must be " + FormatV1.HEADER_LENGTH + " bytes, got " + bytes.length);
        }
        ByteBuffer b = ByteBuffer.wrap(bytes, FormatV1.PREAMBLE_LENGTH, FormatV1.HEADER_LENGTH - FormatV1.PREAMBLE_LENGTH);
        int segmentSize = b.getInt();
        if (segmentSize < FormatV1.MIN_SEGMENT_SIZE || segmentSize > FormatV1.MAX_SEGMENT_SIZE) {
            throw CiphertextException.of(Failure.MALFORMED_HEADER, "segment size " + Integer.toUnsignedString(segmentSize)
                    + " is outside [" + FormatV1.MIN_SEGMENT_SIZE + ", " + FormatV1.MAX_SEGMENT_SIZE + "]");
        }
        return new FormatHeader(segmentSize, take(b, FormatV1.SALT_LENGTH), take(b, FormatV1.NONCE_PREFIX_LENGTH),
                take(b, FormatV1.CHECK_LENGTH), take(b, FormatV1.CHECK_LENGTH), take(b, FormatV1.CHECK_LENGTH),
                take(b, FormatV1.COMMITMENT_LENGTH));
    }

    /**
     * Parses the {@code srrrs-header} metadata value (docs/FORMAT.md §11, step 1.2): canonical
     * standard base64 with padding; then the magic, version and algorithm as in the body; then
     * exactly 130 bytes. A metadata value is never "truncated": a wrong size is malformed metadata.
     */
    public static FormatHeader parseMetadataValue(String value) throws CiphertextException {
        byte[] bytes = decodeCanonicalBase64(value, "srrrs-header");
        if (!FormatV1.startsWithMagic(bytes, 0, bytes.length)) {
            throw CiphertextException.of(Failure.NOT_ENCRYPTED,
                    "not an SRRRS object: srrrs-header does not start with the SRRRS magic bytes");
        }
        if (bytes.length < FormatV1.PREAMBLE_LENGTH) {
            throw CiphertextException.of(Failure.MALFORMED_METADATA,
                    "srrrs-header is " + bytes.length + " bytes, not " + FormatV1.HEADER_LENGTH);
        }
        checkPreamble(bytes, bytes.length);
        if (bytes.length != FormatV1.HEADER_LENGTH) {
            throw CiphertextException.of(Failure.MALFORMED_METADATA,
                    "srrrs-header is " + bytes.length + " bytes, not " + FormatV1.HEADER_LENGTH);
        }
        return parse(bytes);
    }

    /**
     * Standard base64 with padding, in its one canonical spelling (what the encoder writes: no
     * missing padding, no line breaks, zero trailing bits), else {@code MALFORMED_METADATA}.
     */
    public static byte[] decodeCanonicalBase64(String value, String field) throws CiphertextException {
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(value);
        } catch (IllegalArgumentException e) {
            throw CiphertextException.of(Failure.MALFORMED_METADATA, field + " is not valid base64");
        }
        if (!Base64.getEncoder().encodeToString(bytes).equals(value)) {
            throw CiphertextException.of(Failure.MALFORMED_METADATA,
                    field + " is not canonical base64 (standard alphabet, with padding, zero trailing bits)");
        }
        return bytes;
    }

    /**
     * Reads the header from the start of an object body. Reads exactly the header's bytes, so the
     * stream is left at the first segment.
     */
    public static FormatHeader read(InputStream in) throws IOException {
        byte[] head = new byte[FormatV1.HEADER_LENGTH];
        int n = in.readNBytes(head, 0, FormatV1.PREAMBLE_LENGTH);
        checkPreamble(head, n);
        n += in.readNBytes(head, n, FormatV1.HEADER_LENGTH - n);
        if (n < FormatV1.HEADER_LENGTH) {
            throw CiphertextException.of(Failure.TRUNCATED,
                    "object ends after " + n + " bytes, inside the " + FormatV1.HEADER_LENGTH + "-byte v1 header");
        }
        return parse(head);
    }

    private static void checkPreamble(byte[] bytes, int available) throws CiphertextException {
        if (!FormatV1.startsWithMagic(bytes, 0, available)) {
            throw CiphertextException.of(Failure.NOT_ENCRYPTED,
                    "not an SRRRS object: the body does not start with the SRRRS magic bytes");
        }
        if (available < FormatV1.PREAMBLE_LENGTH) {
            throw CiphertextException.of(Failure.TRUNCATED, "object ends inside its format preamble");
        }
        byte version = bytes[FormatV1.MAGIC_LENGTH];
        if (version != FormatV1.VERSION) {
            throw CiphertextException.of(Failure.UNSUPPORTED_VERSION, "SRRRS format version " + (version & 0xFF)
                    + " is not supported by this reader (it reads version " + FormatV1.VERSION + ")");
        }
        byte algorithm = bytes[FormatV1.MAGIC_LENGTH + 1];
        if (algorithm != FormatV1.ALG_AES256_GCM_HKDF_SHA256) {
            throw CiphertextException.of(Failure.UNSUPPORTED_ALGORITHM, "SRRRS algorithm id " + (algorithm & 0xFF)
                    + " is not supported by this reader (v1 knows algorithm 1)");
        }
    }

    /** Encodes the parameters the commitment binds: version ‖ algorithm ‖ segment size ‖ prefix. */
    public byte[] parameterBytes() {
        return ByteBuffer.allocate(2 + 4 + FormatV1.NONCE_PREFIX_LENGTH)
                .put(version()).put(algorithm()).putInt(segmentSize).put(noncePrefix).array();
    }

    public static void requireSegmentSize(int segmentSize) {
        if (segmentSize < FormatV1.MIN_SEGMENT_SIZE || segmentSize > FormatV1.MAX_SEGMENT_SIZE) {
            throw new IllegalArgumentException("segment size " + segmentSize + " is outside ["
                    + FormatV1.MIN_SEGMENT_SIZE + ", " + FormatV1.MAX_SEGMENT_SIZE + "]");
        }
    }

    private static byte[] take(ByteBuffer b, int n) {
        byte[] out = new byte[n];
        b.get(out);
        return out;
    }

    private static byte[] requireLength(String what, byte[] value, int length) {
        Objects.requireNonNull(value, what);
        if (value.length != length) {
            throw new IllegalArgumentException(what + " must be " + length + " bytes, got " + value.length);
        }
        return value.clone();
    }

    @Override
    public byte[] salt() {
        return salt.clone();
    }

    @Override
    public byte[] noncePrefix() {
        return noncePrefix.clone();
    }

    @Override
    public byte[] keyCheck() {
        return keyCheck.clone();
    }

    @Override
    public byte[] identityCheck() {
        return identityCheck.clone();
    }

    @Override
    public byte[] contextCheck() {
        return contextCheck.clone();
    }

    @Override
    public byte[] commitment() {
        return commitment.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FormatHeader h && Arrays.equals(toBytes(), h.toBytes());
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(toBytes());
    }

    @Override
    public String toString() {
        return "FormatHeader[v1, alg=1, segmentSize=" + segmentSize + ", salt=" + HexFormat.of().formatHex(salt) + "]";
    }
}
