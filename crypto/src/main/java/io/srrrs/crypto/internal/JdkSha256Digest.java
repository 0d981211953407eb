package io.srrrs.crypto.internal;

import java.security.DigestException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import org.bouncycastle.crypto.ExtendedDigest;

/**
 * Bouncy Castle's {@code Digest} interface over the JDK's SHA-256, so that Bouncy Castle's HKDF
 * (and the HMAC inside it) runs on the JDK's SHA-256, which HotSpot compiles to AVX2/SHA-NI
 * code: HKDF per object is the largest fixed cost of encrypting a small one. The construction
 * stays Bouncy Castle's; only the compression function is the JDK's.
 */
final class JdkSha256Digest implements ExtendedDigest {

    private final MessageDigest sha256;

    JdkSha256Digest() {
        try {
            this.sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }

    @Override
    public String getAlgorithmName() {
        return "SHA-256";
    }

    @Override
    public int getDigestSize() {
        return 32;
    }

    @Override
    public int getByteLength() {
        return 64; // the block size, which HMAC pads its key to
    }

    @Override
    public void update(byte in) {
        sha256.update(in);
    }

    @Override
    public void update(byte[] in, int inOff, int len) {
        sha256.update(in, inOff, len);
    }

    @Override
    public int doFinal(byte[] out, int outOff) {
        try {
            return sha256.digest(out, outOff, 32);
        } catch (DigestException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void reset() {
        sha256.reset();
    }
}
