package io.srrrs.crypto.internal;

import java.security.DigestException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import org.bouncycastle.crypto.ExtendedDigest;

/**
 * Bouncy Castle's {@code Digest} interface over one of the JDK's SHA-2 digests, so that Bouncy
 * Castle's HKDF (and the HMAC inside it) runs on the JDK's SHA-256 or SHA-512, which HotSpot
 * compiles to AVX2/SHA-NI code: HKDF per object is the largest fixed cost of encrypting a small
 * one. The construction stays Bouncy Castle's; only the compression function is the JDK's.
 */
final class JdkDigest implements ExtendedDigest {

    private final MessageDigest digest;
    private final String name;
    private final int size;
    private final int blockLength;

    private JdkDigest(String name, int size, int blockLength) {
        try {
            this.digest = MessageDigest.getInstance(name);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no " + name, e);
        }
        this.name = name;
        this.size = size;
        this.blockLength = blockLength;
    }

    static JdkDigest sha256() {
        return new JdkDigest("SHA-256", 32, 64);
    }

    static JdkDigest sha512() {
        return new JdkDigest("SHA-512", 64, 128);
    }

    @Override
    public String getAlgorithmName() {
        return name;
    }

    @Override
    public int getDigestSize() {
        return size;
    }

    @Override
    public int getByteLength() {
        return blockLength; // the block size, which HMAC pads its key to
    }

    @Override
    public void update(byte in) {
        digest.update(in);
    }

    @Override
    public void update(byte[] in, int inOff, int len) {
        digest.update(in, inOff, len);
    }

    @Override
    public int doFinal(byte[] out, int outOff) {
        try {
            return digest.digest(out, outOff, size);
        } catch (DigestException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void reset() {
        digest.reset();
    }
}
