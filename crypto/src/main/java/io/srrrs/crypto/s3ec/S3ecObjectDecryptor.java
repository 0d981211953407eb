package io.srrrs.crypto.s3ec;

import io.srrrs.crypto.CiphertextException;
import io.srrrs.crypto.CiphertextException.Failure;
import io.srrrs.crypto.format.ObjectIdentity;
import io.srrrs.crypto.format.S3ecContent;
import io.srrrs.crypto.internal.Jce;
import io.srrrs.crypto.internal.S3ecKeys;
import io.srrrs.crypto.kms.DataKey;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;

/**
 * Reads one S3EC object's body (docs/S3EC.md §5). GCM authenticates only at the end of the whole
 * body, so no plaintext byte is released before that end was reached and the tag verified: a
 * body of at most {@link #BUFFER_LIMIT_BYTES} is read into memory and decrypted at once; a larger
 * one is read twice ({@link TwoPassRead}). Ranges cannot be read authenticated; this class reads
 * whole bodies only.
 */
public final class S3ecObjectDecryptor implements AutoCloseable {

    /** Bodies up to this size are buffered whole (S3EC's own default buffer); larger ones are read twice. */
    public static final long BUFFER_LIMIT_BYTES = 64L << 20;
    /** The block a two-pass read hashes in pass 1 and releases in pass 2. */
    static final int BLOCK_BYTES = 4 << 20;

    private final S3ecKeys keys;
    private final long bufferLimit;
    private final int blockBytes;

    private S3ecObjectDecryptor(S3ecKeys keys, long bufferLimit, int blockBytes) {
        this.keys = keys;
        this.bufferLimit = bufferLimit;
        this.blockBytes = blockBytes;
    }

    /**
     * The decryptor of an object with {@code content} under {@code dek} (which may be closed
     * afterwards). V3: checks the key commitment first, in constant time.
     *
     * @throws CiphertextException WRONG_DEK: V3's key commitment does not match (another DEK, or
     *                             the message id or commitment changed). A V2 object cannot tell:
     *                             another DEK fails its tag, SEGMENT_MODIFIED
     */
    public static S3ecObjectDecryptor open(S3ecContent content, DataKey dek) throws CiphertextException {
        return open(content, dek, BUFFER_LIMIT_BYTES, BLOCK_BYTES);
    }

    /** With another buffer limit and block size: for tests of the two-pass read on small bodies. */
    static S3ecObjectDecryptor open(S3ecContent content, DataKey dek, long bufferLimit, int blockBytes)
            throws CiphertextException {
        if (bufferLimit > Integer.MAX_VALUE - 16 || blockBytes < 1) {
            throw new IllegalArgumentException("buffer limit " + bufferLimit + ", block " + blockBytes);
        }
        return new S3ecObjectDecryptor(S3ecKeys.deriveAndVerify(content, dek.material()), bufferLimit, blockBytes);
    }

    /**
     * The whole plaintext, released only after the whole body authenticated. {@code fetch.open()}
     * returns the body from byte 0 (the caller pins the object's version, e.g. with If-Match); it is
     * called once for a body of at most {@link #BUFFER_LIMIT_BYTES}, twice above.
     *
     * @param bodyLength the body's length as the store reports it (Content-Length)
     * @throws CiphertextException TRUNCATED (under 16 bytes, or the body ends before
     *                             {@code bodyLength}), EXTENDED (it goes on after, or is longer than
     *                             GCM allows), SEGMENT_MODIFIED (the tag fails, or in pass 2 a
     *                             block differs from pass 1's); later in the returned stream for
     *                             a two-pass read
     */
    public InputStream decryptVerified(long bodyLength, BodyFetch fetch) throws IOException {
        if (bodyLength < S3ecContent.TAG_LENGTH) {
            throw CiphertextException.of(Failure.TRUNCATED, "an S3EC body of " + bodyLength
                    + " bytes: it is at least its " + S3ecContent.TAG_LENGTH + "-byte tag");
        }
        if (bodyLength - S3ecContent.TAG_LENGTH > S3ecContent.MAX_PLAINTEXT_BYTES) {
            throw CiphertextException.of(Failure.EXTENDED, "an S3EC body of " + bodyLength
                    + " bytes: longer than one GCM message can be");
        }
        if (bodyLength <= bufferLimit) {
            return buffered((int) bodyLength, fetch);
        }
        return TwoPassRead.read(keys, bodyLength, blockBytes, fetch);
    }

    private InputStream buffered(int bodyLength, BodyFetch fetch) throws IOException {
        byte[] body = new byte[bodyLength];
        try (InputStream in = fetch.open()) {
            TwoPassRead.readExactly(in, body, bodyLength, 0);
            TwoPassRead.requireEnd(in, bodyLength);
        }
        Cipher gcm = keys.gcm(Cipher.DECRYPT_MODE);
        try {
            int n = gcm.doFinal(body, 0, bodyLength, body, 0);
            return new PlaintextBuffer(body, n);
        } catch (AEADBadTagException e) {
            Arrays.fill(body, (byte) 0);
            throw TwoPassRead.tagFailed();
        } catch (GeneralSecurityException e) {
            Arrays.fill(body, (byte) 0);
            throw Jce.unexpected(e);
        }
    }

    /** The object's SSE-C key (32 bytes, docs/S3EC.md §6); the caller zeroes it. */
    public byte[] sseCKey(ObjectIdentity identity) {
        return keys.sseCKey(identity);
    }

    @Override
    public void close() {
        keys.close();
    }

    /** Where the body comes from: each call returns it anew from byte 0. */
    @FunctionalInterface
    public interface BodyFetch {
        InputStream open() throws IOException;
    }

    /** Authenticated plaintext in memory, zeroed when the reader closes it. */
    private static final class PlaintextBuffer extends ByteArrayInputStream {
        PlaintextBuffer(byte[] buf, int length) {
            super(buf, 0, length);
        }

        @Override
        public void close() {
            Arrays.fill(buf, (byte) 0);
            pos = count;
        }
    }
}
