package io.srrrs.crypto;

import io.srrrs.crypto.format.FormatHeader;
import io.srrrs.crypto.format.FormatV1;
import io.srrrs.crypto.internal.SegmentCipher;
import io.srrrs.crypto.kms.DekUsage;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.Objects;

/**
 * Writes a v1 object body: the header, then one encrypted segment per {@code segmentSize}
 * plaintext bytes. A full segment is held until more data arrives, because only then is it known
 * not to be the last; {@link #close()} writes the final segment. Memory: two segment buffers.
 *
 * <p>Writes of more than a segment are encrypted straight from the caller's array, without a copy;
 * the plaintext buffer is only allocated once a write leaves part of a segment behind.
 */
public final class EncryptingOutputStream extends OutputStream {

    private static final byte[] NO_BYTES = new byte[0];

    private final OutputStream sink;
    private final SegmentCipher cipher;
    private final DekUsage usage;
    private final int segmentSize;
    private byte[] plaintext; // allocated on the first partial segment; large writes never need it
    private final byte[] ciphertext;
    private int buffered;
    private long index;
    private boolean closed;

    EncryptingOutputStream(OutputStream sink, FormatHeader header, SegmentCipher cipher, DekUsage usage)
            throws IOException {
        this.sink = sink;
        this.cipher = cipher;
        this.usage = usage;
        this.segmentSize = header.segmentSize();
        this.ciphertext = new byte[segmentSize + FormatV1.TAG_LENGTH];
        sink.write(header.toBytes());
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        ensureOpen();
        while (len > 0) {
            if (buffered == segmentSize) {
                // More data follows, so the buffered segment is not the last.
                emit(plaintext, 0, segmentSize, false);
                buffered = 0;
            }
            if (buffered == 0 && len > segmentSize) {
                emit(b, off, segmentSize, false);
                off += segmentSize;
                len -= segmentSize;
                continue;
            }
            int n = Math.min(len, segmentSize - buffered);
            if (plaintext == null) {
                plaintext = new byte[segmentSize];
            }
            System.arraycopy(b, off, plaintext, buffered, n);
            buffered += n;
            off += n;
            len -= n;
        }
    }

    /** Bytes of plaintext written so far. */
    public long plaintextLength() {
        return index * segmentSize + buffered;
    }

    private void emit(byte[] in, int off, int len, boolean last) throws IOException {
        if (index >= FormatV1.MAX_SEGMENTS) {
            throw new IOException("plaintext exceeds the v1 limit of 2^32 segments of " + segmentSize + " bytes");
        }
        int n = cipher.encrypt(index, last, in, off, len, ciphertext, 0);
        index++;
        usage.bytesEncrypted(len);
        sink.write(ciphertext, 0, n);
    }

    @Override
    public void flush() throws IOException {
        sink.flush();
    }

    /** Writes the final segment and closes the sink. */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try {
            emit(plaintext == null ? NO_BYTES : plaintext, 0, buffered, true);
            sink.close();
        } finally {
            if (plaintext != null) {
                Arrays.fill(plaintext, (byte) 0);
            }
        }
    }

    private void ensureOpen() throws IOException {
        if (closed) {
            throw new IOException("stream closed");
        }
    }
}
