package io.srrrs.crypto.internal;

import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.params.HKDFParameters;

/**
 * HKDF (RFC 5869) from Bouncy Castle's lightweight API (JDK 17 has no HKDF), over the JDK's
 * SHA-256 or SHA-512 ({@link JdkDigest}). The unqualified methods are HKDF-SHA256 (format v1,
 * the local KMS, SSE-C keys); the {@code …Sha512} ones are HKDF-SHA512, which S3EC V3 derives its
 * content key and key commitment with. Checked against the Wycheproof HKDF-SHA256 and
 * HKDF-SHA512 vectors.
 */
public final class Hkdf {

    private Hkdf() {
    }

    /** HKDF-Extract: a pseudorandom key of 32 bytes. An empty or null salt means 32 zero bytes. */
    public static byte[] extract(byte[] salt, byte[] ikm) {
        return new HKDFBytesGenerator(JdkDigest.sha256()).extractPRK(salt, ikm);
    }

    /** HKDF-Expand of {@code length} bytes (at most 255 × 32) under {@code info}. */
    public static byte[] expand(byte[] prk, byte[] info, int length) {
        return expandAll(new HKDFBytesGenerator(JdkDigest.sha256()), prk, new byte[][] {info}, new int[] {length})[0];
    }

    /** HKDF-Expand of several outputs from one PRK, reusing one generator (and its HMAC). */
    public static byte[][] expandAll(byte[] prk, byte[][] infos, int[] lengths) {
        return expandAll(new HKDFBytesGenerator(JdkDigest.sha256()), prk, infos, lengths);
    }

    /** Extract then expand. */
    public static byte[] derive(byte[] ikm, byte[] salt, byte[] info, int length) {
        return derive(new HKDFBytesGenerator(JdkDigest.sha256()), ikm, salt, info, length);
    }

    /** HKDF-SHA512 Extract: a pseudorandom key of 64 bytes. An empty or null salt means 64 zero bytes. */
    public static byte[] extractSha512(byte[] salt, byte[] ikm) {
        return new HKDFBytesGenerator(JdkDigest.sha512()).extractPRK(salt, ikm);
    }

    /** HKDF-SHA512 Expand of several outputs (each at most 255 × 64 bytes) from one PRK. */
    public static byte[][] expandAllSha512(byte[] prk, byte[][] infos, int[] lengths) {
        return expandAll(new HKDFBytesGenerator(JdkDigest.sha512()), prk, infos, lengths);
    }

    /** HKDF-SHA512, extract then expand. */
    public static byte[] deriveSha512(byte[] ikm, byte[] salt, byte[] info, int length) {
        return derive(new HKDFBytesGenerator(JdkDigest.sha512()), ikm, salt, info, length);
    }

    private static byte[][] expandAll(HKDFBytesGenerator generator, byte[] prk, byte[][] infos, int[] lengths) {
        byte[][] out = new byte[infos.length][];
        for (int i = 0; i < infos.length; i++) {
            generator.init(HKDFParameters.skipExtractParameters(prk, infos[i]));
            out[i] = new byte[lengths[i]];
            generator.generateBytes(out[i], 0, lengths[i]);
        }
        return out;
    }

    private static byte[] derive(HKDFBytesGenerator generator, byte[] ikm, byte[] salt, byte[] info, int length) {
        generator.init(new HKDFParameters(ikm, salt, info));
        byte[] out = new byte[length];
        generator.generateBytes(out, 0, length);
        return out;
    }
}
