package io.srrrs.crypto.s3ec;

import io.srrrs.crypto.CiphertextException;
import io.srrrs.crypto.CiphertextException.Failure;
import io.srrrs.crypto.internal.S3ecKeys;
import io.srrrs.crypto.s3ec.S3ecObjectDecryptor.BodyFetch;

import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.modes.GCMModeCipher;

/**
 * Reads a body too large to buffer, in two passes over the same bytes. Pass 1 authenticates the
 * whole body with a GCM that streams while decrypting (Bouncy Castle's; the JDK's buffers all of
 * it) and records the SHA-256 of every block; its plaintext is thrown away. Pass 2 reads the body
 * again and releases each block, decrypted with AES-CTR (GCM's keystream), only after its hash
 * equals pass 1's: so every released byte is one the tag covered, even if the store served
 * other bytes the second time.
 */
final class TwoPassRead {

    private TwoPassRead() {
    }

    static InputStream read(S3ecKeys keys, long bodyLength, int blockBytes, BodyFetch fetch) throws IOException {
        byte[][] hashes = authenticate(keys, bodyLength, blockBytes, fetch);
        return new VerifiedBlocks(keys.ctr(), fetch.open(), bodyLength, blockBytes, hashes);
    }

    /** Pass 1: the tag over the whole body, and each block's hash. */
    private static byte[][] authenticate(S3ecKeys keys, long bodyLength, int blockBytes, BodyFetch fetch)
            throws IOException {
        GCMModeCipher gcm = keys.streamingGcmDecrypt();
        MessageDigest sha256 = sha256();
        byte[][] hashes = new byte[(int) ((bodyLength + blockBytes - 1) / blockBytes)][];
        byte[] block = new byte[blockBytes];
        // What the GCM may hold back (a block and the tag) comes out with a later block or at the end.
        byte[] discard = new byte[blockBytes + 64];
        try (InputStream in = fetch.open()) {
            for (int b = 0; b < hashes.length; b++) {
                long offset = (long) b * blockBytes;
                int n = (int) Math.min(blockBytes, bodyLength - offset);
                readExactly(in, block, n, offset);
                sha256.update(block, 0, n);
                hashes[b] = sha256.digest();
                gcm.processBytes(block, 0, n, discard, 0);
            }
            requireEnd(in, bodyLength);
            gcm.doFinal(discard, 0);
            return hashes;
        } catch (InvalidCipherTextException e) {
            throw tagFailed();
        } finally {
            Arrays.fill(discard, (byte) 0);
        }
    }

    /** Reads {@code n} bytes of the body at {@code offset}, or refuses the body as TRUNCATED. */
    static void readExactly(InputStream in, byte[] into, int n, long offset) throws IOException {
        int got = in.readNBytes(into, 0, n);
        if (got < n) {
            throw CiphertextException.of(Failure.TRUNCATED, "the S3EC body ends after " + (offset + got)
                    + " bytes, before its length of " + (offset + n) + " or more");
        }
    }

    /** Refuses the body as EXTENDED if it goes on after {@code bodyLength} bytes. */
    static void requireEnd(InputStream in, long bodyLength) throws IOException {
        if (in.read() >= 0) {
            throw CiphertextException.of(Failure.EXTENDED, "the S3EC body goes on after its length of "
                    + bodyLength + " bytes");
        }
    }

    static CiphertextException tagFailed() {
        return CiphertextException.of(Failure.SEGMENT_MODIFIED, "the S3EC body does not authenticate (GCM tag):"
                + " modified, cut or extended, or not written under this DEK, IV or message id");
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }
}
