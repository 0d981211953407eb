package io.srrrs.crypto.format;

import java.nio.charset.StandardCharsets;

/** The constants and limits of object format v1. docs/FORMAT.md is the specification. */
public final class FormatV1 {

    private FormatV1() {
    }

    /** First bytes of every object body: ASCII "SRRRS". */
    private static final byte[] MAGIC = "SRRRS".getBytes(StandardCharsets.US_ASCII);
    public static final int MAGIC_LENGTH = MAGIC.length;

    public static final byte VERSION = 0x01;

    /** AES-256-GCM segments, HKDF-SHA256 derivation, 16-byte checks and a 32-byte commitment. */
    public static final byte ALG_AES256_GCM_HKDF_SHA256 = 0x01;

    public static final int DEK_LENGTH = 32;
    public static final int SALT_LENGTH = 32;
    public static final int NONCE_PREFIX_LENGTH = 7;
    public static final int NONCE_LENGTH = 12;
    public static final int TAG_LENGTH = 16;
    public static final int CHECK_LENGTH = 16;
    public static final int COMMITMENT_LENGTH = 32;

    /** magic(5) version(1) algorithm(1) segmentSize(4) salt(32) prefix(7) 3×check(16) commitment(32). */
    public static final int HEADER_LENGTH = MAGIC_LENGTH + 1 + 1 + 4 + SALT_LENGTH + NONCE_PREFIX_LENGTH
            + 3 * CHECK_LENGTH + COMMITMENT_LENGTH;

    /** Bytes a reader needs to tell the version and algorithm: magic, version, algorithm. */
    public static final int PREAMBLE_LENGTH = MAGIC_LENGTH + 2;

    public static final int MIN_SEGMENT_SIZE = 64;
    public static final int MAX_SEGMENT_SIZE = 16 * 1024 * 1024;
    public static final int DEFAULT_SEGMENT_SIZE = 64 * 1024;

    /** The segment counter is an unsigned 32-bit integer. */
    public static final long MAX_SEGMENTS = 1L << 32;

    public static final int MAX_BUCKET_BYTES = 255;
    public static final int MAX_OBJECT_KEY_BYTES = 1024;
    public static final int MAX_CONTEXT_ENTRIES = 32;
    public static final int MAX_CONTEXT_METADATA_CHARS = 512;
    public static final int MAX_KEK_ID_CHARS = 256;
    public static final int MAX_WRAPPED_DEK_BYTES = 768;

    /**
     * Budget for all {@code srrrs-*} metadata (names plus values, UTF-8), leaving at least 512 of
     * S3's 2048 bytes of user metadata for the producer's own labels.
     */
    public static final int MAX_SRRRS_METADATA_BYTES = 1536;
    public static final int S3_USER_METADATA_LIMIT_BYTES = 2048;

    public static byte[] magic() {
        return MAGIC.clone();
    }

    static boolean startsWithMagic(byte[] bytes, int off, int len) {
        if (len < MAGIC_LENGTH) {
            return false;
        }
        for (int i = 0; i < MAGIC_LENGTH; i++) {
            if (bytes[off + i] != MAGIC[i]) {
                return false;
            }
        }
        return true;
    }
}
