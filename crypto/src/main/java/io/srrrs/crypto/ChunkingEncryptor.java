package io.srrrs.crypto;

import io.srrrs.crypto.format.FormatHeader;
import io.srrrs.crypto.format.FormatV1;
import io.srrrs.crypto.internal.SegmentCipher;
import io.srrrs.crypto.kms.DekUsage;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Pulls plaintext from a stream and returns the object body as chunks of whole segments, at most
 * {@code maxChunkBytes} each. Reads one byte ahead of every full segment to learn whether it is the
 * last. Memory: one segment of plaintext and one chunk, whatever the object's size.
 */
public final class ChunkingEncryptor implements AutoCloseable {

    private final InputStream source;
    private final FormatHeader header;
    private final SegmentCipher cipher;
    private final DekUsage usage;
    private final int segmentSize;
    private final int segmentsPerChunk;
    private final byte[] plaintext;
    private final byte[] chunk;
    private int carry = -1;
    private long index;
    private long sequence;
    private boolean finished;
    private long plaintextLength;

    ChunkingEncryptor(InputStream source, FormatHeader header, SegmentCipher cipher, DekUsage usage, int maxChunkBytes) {
        int ctSegment = header.segmentSize() + FormatV1.TAG_LENGTH;
        if (maxChunkBytes < FormatV1.HEADER_LENGTH + ctSegment) {
            throw new IllegalArgumentException("chunk size " + maxChunkBytes + " cannot hold the header and one "
                    + ctSegment + "-byte segment; use at least " + (FormatV1.HEADER_LENGTH + ctSegment));
        }
        this.source = source;
        this.header = header;
        this.cipher = cipher;
        this.usage = usage;
        this.segmentSize = header.segmentSize();
        // Chunk 0 also carries the header; keep every chunk within the same bound.
        this.segmentsPerChunk = (maxChunkBytes - FormatV1.HEADER_LENGTH) / ctSegment;
        this.plaintext = new byte[segmentSize];
        this.chunk = new byte[FormatV1.HEADER_LENGTH + segmentsPerChunk * ctSegment];
    }

    /** The next chunk, or null after the last one. */
    public CiphertextChunk next() throws IOException {
        if (finished) {
            return null;
        }
        int pos = 0;
        if (sequence == 0) {
            byte[] h = header.toBytes();
            System.arraycopy(h, 0, chunk, 0, h.length);
            pos = h.length;
        }
        long covered = 0;
        for (int s = 0; s < segmentsPerChunk && !finished; s++) {
            int n = readSegment();
            boolean last = n < segmentSize || !hasMore();
            if (index >= FormatV1.MAX_SEGMENTS) {
                throw new IOException("plaintext exceeds the v1 limit of 2^32 segments of " + segmentSize + " bytes");
            }
            pos += cipher.encrypt(index++, last, plaintext, 0, n, chunk, pos);
            usage.bytesEncrypted(n);
            covered += n;
            finished = last;
        }
        plaintextLength += covered;
        return new CiphertextChunk(sequence++, finished, Arrays.copyOf(chunk, pos), covered);
    }

    /** Plaintext bytes consumed so far; the object's size once {@link #next()} returned the last chunk. */
    public long plaintextLength() {
        return plaintextLength;
    }

    public boolean isFinished() {
        return finished;
    }

    private int readSegment() throws IOException {
        int n = 0;
        if (carry >= 0) {
            plaintext[0] = (byte) carry;
            carry = -1;
            n = 1;
        }
        return n + source.readNBytes(plaintext, n, segmentSize - n);
    }

    /** One byte of lookahead after a full segment: does the plaintext go on? */
    private boolean hasMore() throws IOException {
        int b = source.read();
        if (b < 0) {
            return false;
        }
        carry = b;
        return true;
    }

    @Override
    public void close() throws IOException {
        Arrays.fill(plaintext, (byte) 0);
        source.close();
    }
}
