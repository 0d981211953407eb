package io.srrrs.crypto;

import java.io.IOException;
import java.io.InputStream;

/**
 * What the streams of verified plaintext ({@link DecryptingInputStream}, a range of
 * {@link ObjectDecryptor}) share: they decrypt whole segments, so a single-byte read is a
 * one-byte array read, and never a path of its own around the segment checks.
 */
abstract class VerifiedPlaintextStream extends InputStream {

    @Override
    public final int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xFF;
    }

    @Override
    public abstract int read(byte[] b, int off, int len) throws IOException;
}
