package io.srrrs.crypto.format;

import io.srrrs.crypto.CiphertextException;
import io.srrrs.crypto.CiphertextException.Failure;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * The content parameters of an S3EC object (docs/S3EC.md §2): which S3EC version wrote it, how its
 * DEK is wrapped, and its per-object nonce: the 28-byte message id of V3 (from which the content
 * key and the 28-byte key commitment are derived) or the 12-byte IV of V2. The body is one
 * AES-256-GCM ciphertext of the whole plaintext followed by its 16-byte tag.
 *
 * <p>{@link #toBytes()}: {@code "S3EC" ‖ version (0x02|0x03) ‖ wrap (0x02 AES/GCM | 0x12 kms+context)
 * ‖ nonce ‖ commitment (V3 only)}: the version byte decides the rest.
 *
 * @param commitment V3: the 28-byte key commitment ({@code x-amz-d}); V2: empty
 */
public record S3ecContent(Version version, WrapAlgorithm wrap, byte[] nonce, byte[] commitment)
        implements ContentFormat {

    /** The S3EC metadata generations this code reads and writes. */
    public enum Version {
        /** Written by S3EC 3.x: {@code x-amz-key-v2}, {@code x-amz-iv}, no commitment. */
        V2(0x02, 12, 0),
        /** Written by S3EC 4.x: {@code x-amz-3}, {@code x-amz-i} (message id), {@code x-amz-d} (commitment). */
        V3(0x03, 28, 28);

        private final int code;
        private final int nonceLength;
        private final int commitmentLength;

        Version(int code, int nonceLength, int commitmentLength) {
            this.code = code;
            this.nonceLength = nonceLength;
            this.commitmentLength = commitmentLength;
        }

        public int nonceLength() {
            return nonceLength;
        }

        public int commitmentLength() {
            return commitmentLength;
        }

        /**
         * What S3EC binds the wrapped DEK to: the AES/GCM wrap's AAD and the reserved
         * {@code aws:x-amz-cek-alg} value of a kms+context wrap.
         */
        public String cekAlgorithm() {
            return this == V3 ? SUITE_ID_V3 : CEK_ALGORITHM_V2;
        }

        public OutputFormat outputFormat() {
            return this == V3 ? OutputFormat.S3EC_V3 : OutputFormat.S3EC_V2;
        }
    }

    /** How the DEK is wrapped: the wrapping algorithms S3EC's keyrings for symmetric KEKs use. */
    public enum WrapAlgorithm {
        /** S3EC's raw AES keyring: {@code iv(12) ‖ AES-GCM(KEK, iv, aad = cekAlgorithm, DEK) ‖ tag(16)}. */
        AES_GCM(0x02, "AES/GCM"),
        /** S3EC's KMS keyring: the KMS ciphertext blob, under the context plus {@code aws:x-amz-cek-alg}. */
        KMS_CONTEXT(0x12, "kms+context");

        private final int code;
        private final String s3ecName;

        WrapAlgorithm(int code, String s3ecName) {
            this.code = code;
            this.s3ecName = s3ecName;
        }

        /** The value of V2's {@code x-amz-wrap-alg}. */
        public String s3ecName() {
            return s3ecName;
        }

        /** The value of V3's {@code x-amz-w}: "02" or "12". */
        public String compressed() {
            return String.format("%02x", code);
        }

        /** The wrapping our KMS providers do: KMS encryption context for aws-kms, AES/GCM for the others. */
        public static WrapAlgorithm forKms(String kmsType) {
            return "aws-kms".equals(kmsType) ? KMS_CONTEXT : AES_GCM;
        }
    }

    /** The algorithm suite id of V3 content (AES-256-GCM, HKDF-SHA512, key commitment): 115 = 0x0073. */
    public static final int SUITE_ID = 0x0073;
    public static final String SUITE_ID_V3 = "115";
    public static final String CEK_ALGORITHM_V2 = "AES/GCM/NoPadding";
    public static final int TAG_LENGTH = 16;
    /** GCM's limit for one message: 2^39 - 256 bits of plaintext. */
    public static final long MAX_PLAINTEXT_BYTES = (1L << 36) - 32;
    private static final byte[] MAGIC = "S3EC".getBytes(StandardCharsets.US_ASCII);

    public S3ecContent {
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(wrap, "wrap");
        Objects.requireNonNull(nonce, "nonce");
        Objects.requireNonNull(commitment, "commitment");
        if (nonce.length != version.nonceLength || commitment.length != version.commitmentLength) {
            throw new IllegalArgumentException("S3EC " + version + " takes a " + version.nonceLength + "-byte nonce and a "
                    + version.commitmentLength + "-byte commitment");
        }
        nonce = nonce.clone();
        commitment = commitment.clone();
    }

    @Override
    public byte[] nonce() {
        return nonce.clone();
    }

    @Override
    public byte[] commitment() {
        return commitment.clone();
    }

    @Override
    public OutputFormat outputFormat() {
        return version.outputFormat();
    }

    @Override
    public long ciphertextLength(long plaintextLength) {
        return plaintextLength + TAG_LENGTH;
    }

    @Override
    public long plaintextLength(long ciphertextLength) throws CiphertextException {
        if (ciphertextLength < TAG_LENGTH) {
            throw CiphertextException.of(Failure.TRUNCATED, "an S3EC body is at least its " + TAG_LENGTH + "-byte tag");
        }
        return ciphertextLength - TAG_LENGTH;
    }

    @Override
    public byte[] toBytes() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(MAGIC);
        out.write(version.code);
        out.write(wrap.code);
        out.writeBytes(nonce);
        out.writeBytes(commitment);
        return out.toByteArray();
    }

    static boolean startsWithMagic(byte[] bytes) {
        return bytes.length >= MAGIC.length && Arrays.equals(bytes, 0, MAGIC.length, MAGIC, 0, MAGIC.length);
    }

    /** @throws CiphertextException not {@link #toBytes()} of a version and wrapping this code knows */
    public static S3ecContent parse(byte[] bytes) throws CiphertextException {
        if (!startsWithMagic(bytes) || bytes.length < MAGIC.length + 2) {
            throw CiphertextException.of(Failure.MALFORMED_HEADER, "not S3EC content parameters");
        }
        Version version = switch (bytes[MAGIC.length]) {
            case 0x02 -> Version.V2;
            case 0x03 -> Version.V3;
            default -> throw CiphertextException.of(Failure.UNSUPPORTED_VERSION, "S3EC content version "
                    + bytes[MAGIC.length]);
        };
        WrapAlgorithm wrap = switch (bytes[MAGIC.length + 1]) {
            case 0x02 -> WrapAlgorithm.AES_GCM;
            case 0x12 -> WrapAlgorithm.KMS_CONTEXT;
            default -> throw CiphertextException.of(Failure.UNSUPPORTED_ALGORITHM, "S3EC wrapping "
                    + bytes[MAGIC.length + 1]);
        };
        int at = MAGIC.length + 2;
        if (bytes.length != at + version.nonceLength + version.commitmentLength) {
            throw CiphertextException.of(Failure.MALFORMED_HEADER, "S3EC " + version + " content parameters of "
                    + bytes.length + " bytes");
        }
        return new S3ecContent(version, wrap, Arrays.copyOfRange(bytes, at, at + version.nonceLength),
                Arrays.copyOfRange(bytes, at + version.nonceLength, bytes.length));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof S3ecContent c && Arrays.equals(toBytes(), c.toBytes());
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(toBytes());
    }

    @Override
    public String toString() {
        return "S3ecContent[" + version + ", " + wrap.s3ecName() + "]";
    }
}
