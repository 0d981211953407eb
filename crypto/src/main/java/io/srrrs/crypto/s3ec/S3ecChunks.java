package io.srrrs.crypto.s3ec;

import io.srrrs.crypto.CiphertextChunk;
import io.srrrs.crypto.format.S3ecContent;
import io.srrrs.crypto.internal.Jce;
import io.srrrs.crypto.kms.DekUsage;

import java.io.IOException;
import java.io.InputStream;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import javax.crypto.Cipher;

/**
 * The body of one S3EC object as chunks for Kafka records: one AES-GCM message, encrypted as the
 * plaintext arrives (the JDK's GCM streams when encrypting), so memory is one chunk whatever the
 * object's size. Concatenated in sequence order the chunks are the body; the last one ends with
 * the tag. Reads one byte ahead of every full chunk to learn whether it is the last.
 */
public final class S3ecChunks implements AutoCloseable {

    /** The smallest chunk bound: room for 16 plaintext bytes, what GCM may hold back, and the tag. */
    public static final int MIN_CHUNK_BYTES = 48;
    private static final int TAG = S3ecContent.TAG_LENGTH;
    private static final int DEFAULT_BUFFER = 64 << 10;

    private final InputStream source;
    private final Cipher cipher;
    private final DekUsage usage;
    private final int plainPerChunk;
    private byte[] plain;
    private int carry = -1;
    private boolean eof;
    private boolean finished;
    private long sequence;
    private long plaintextLength;

    S3ecChunks(InputStream source, Cipher cipher, DekUsage usage, int maxChunkBytes, long lengthHint) {
        if (maxChunkBytes < MIN_CHUNK_BYTES) {
            throw new IllegalArgumentException("chunk size " + maxChunkBytes + " is below the S3EC minimum of "
                    + MIN_CHUNK_BYTES);
        }
        this.source = source;
        this.cipher = cipher;
        this.usage = usage;
        // Whole AES blocks, leaving room for up to 15 bytes GCM may still hold and the tag: a chunk's
        // ciphertext is then at most maxChunkBytes whatever the cipher buffers.
        this.plainPerChunk = (maxChunkBytes - TAG - (TAG - 1)) & ~(TAG - 1);
        long start = lengthHint >= 0 ? lengthHint + 1 : DEFAULT_BUFFER;
        this.plain = new byte[(int) Math.min(plainPerChunk, start)];
    }

    /** The next chunk, or null after the last one. */
    public CiphertextChunk next() throws IOException {
        if (finished) {
            return null;
        }
        int n = fill();
        boolean last = eof || !hasMore();
        try {
            if (plaintextLength + n > S3ecContent.MAX_PLAINTEXT_BYTES) {
                throw new IOException("plaintext exceeds GCM's limit of " + S3ecContent.MAX_PLAINTEXT_BYTES
                        + " bytes for one S3EC object");
            }
            byte[] out = new byte[cipher.getOutputSize(n)];
            int len = last ? cipher.doFinal(plain, 0, n, out, 0) : cipher.update(plain, 0, n, out, 0);
            usage.bytesEncrypted(n);
            plaintextLength += n;
            finished = last;
            return new CiphertextChunk(sequence++, last, len == out.length ? out : Arrays.copyOf(out, len), n);
        } catch (GeneralSecurityException e) {
            throw Jce.unexpected(e);
        } finally {
            Arrays.fill(plain, 0, n, (byte) 0);
        }
    }

    /** Plaintext bytes consumed so far; the object's size once {@link #next()} returned the last chunk. */
    public long plaintextLength() {
        return plaintextLength;
    }

    /** Reads up to one chunk of plaintext, growing the buffer only while data goes on. */
    private int fill() throws IOException {
        int n = 0;
        if (carry >= 0) {
            plain[n++] = (byte) carry;
            carry = -1;
        }
        while (n < plainPerChunk && !eof) {
            if (n == plain.length) {
                byte[] bigger = Arrays.copyOf(plain, Math.min(plainPerChunk, plain.length * 2));
                Arrays.fill(plain, (byte) 0);
                plain = bigger;
            }
            int want = plain.length - n;
            int got = source.readNBytes(plain, n, want);
            n += got;
            eof = got < want;
        }
        return n;
    }

    /** One byte of lookahead after a full chunk: does the plaintext go on? */
    private boolean hasMore() throws IOException {
        int b = source.read();
        if (b < 0) {
            return false;
        }
        carry = b;
        return true;
    }

    /** Closes the source; a plaintext byte read ahead but not encrypted is forgotten. */
    @Override
    public void close() throws IOException {
        carry = -1;
        Arrays.fill(plain, (byte) 0);
        source.close();
    }
}
