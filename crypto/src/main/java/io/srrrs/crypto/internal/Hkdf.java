package io.srrrs.crypto.internal;

import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.params.HKDFParameters;

/**
 * HKDF-SHA256 (RFC 5869) from Bouncy Castle's lightweight API: the JDK 17 has no HKDF.
 * Checked against the Wycheproof HKDF-SHA256 vectors.
 */
public final class Hkdf {

    private Hkdf() {
    }

    /** HKDF-Extract: a pseudorandom key of 32 bytes. An empty or null salt means 32 zero bytes. */
    public static byte[] extract(byte[] salt, byte[] ikm) {
        HKDFBytesGenerator generator = new HKDFBytesGenerator(new SHA256Digest());
        return generator.extractPRK(salt, ikm);
    }

    /** HKDF-Expand of {@code length} bytes (at most 255 × 32) under {@code info}. */
    public static byte[] expand(byte[] prk, byte[] info, int length) {
        HKDFBytesGenerator generator = new HKDFBytesGenerator(new SHA256Digest());
        generator.init(HKDFParameters.skipExtractParameters(prk, info));
        byte[] out = new byte[length];
        generator.generateBytes(out, 0, length);
        return out;
    }

    /** Extract then expand. */
    public static byte[] derive(byte[] ikm, byte[] salt, byte[] info, int length) {
        HKDFBytesGenerator generator = new HKDFBytesGenerator(new SHA256Digest());
        generator.init(new HKDFParameters(ikm, salt, info));
        byte[] out = new byte[length];
        generator.generateBytes(out, 0, length);
        return out;
    }
}
