package io.srrrs.crypto.internal;

import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.params.HKDFParameters;

/**
 * HKDF-SHA256 (RFC 5869) from Bouncy Castle's lightweight API (JDK 17 has no HKDF), over the
 * JDK's SHA-256 ({@link JdkSha256Digest}).
 * Checked against the Wycheproof HKDF-SHA256 vectors.
 */
public final class Hkdf {

    private Hkdf() {
    }

    /** HKDF-Extract: a pseudorandom key of 32 bytes. An empty or null salt means 32 zero bytes. */
    public static byte[] extract(byte[] salt, byte[] ikm) {
        HKDFBytesGenerator generator = new HKDFBytesGenerator(new JdkSha256Digest());
        return generator.extractPRK(salt, ikm);
    }

    /** HKDF-Expand of {@code length} bytes (at most 255 × 32) under {@code info}. */
    public static byte[] expand(byte[] prk, byte[] info, int length) {
        HKDFBytesGenerator generator = new HKDFBytesGenerator(new JdkSha256Digest());
        generator.init(HKDFParameters.skipExtractParameters(prk, info));
        byte[] out = new byte[length];
        generator.generateBytes(out, 0, length);
        return out;
    }

    /** HKDF-Expand of several outputs from one PRK, reusing one generator (and its HMAC). */
    public static byte[][] expandAll(byte[] prk, byte[][] infos, int[] lengths) {
        HKDFBytesGenerator generator = new HKDFBytesGenerator(new JdkSha256Digest());
        byte[][] out = new byte[infos.length][];
        for (int i = 0; i < infos.length; i++) {
            generator.init(HKDFParameters.skipExtractParameters(prk, infos[i]));
            out[i] = new byte[lengths[i]];
            generator.generateBytes(out[i], 0, lengths[i]);
        }
        return out;
    }

    /** Extract then expand. */
    public static byte[] derive(byte[] ikm, byte[] salt, byte[] info, int length) {
        HKDFBytesGenerator generator = new HKDFBytesGenerator(new JdkSha256Digest());
        generator.init(new HKDFParameters(ikm, salt, info));
        byte[] out = new byte[length];
        generator.generateBytes(out, 0, length);
        return out;
    }
}
