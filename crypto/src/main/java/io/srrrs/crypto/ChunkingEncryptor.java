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
 * last.
 *
 * <p>Plaintext is read straight into the chunk being built and encrypted there, in place, so each
 * byte is copied once. The chunk buffer starts at the object's size when its length is known (a
 * hint; a wrong one costs memory, never correctness) and grows as data arrives otherwise. Memory:
 * one chunk, whatever the object's size.
 */
public final class ChunkingEncryptor implements AutoCloseable {

    private static final byte[] NO_BYTES = new byte[0];

    private final InputStream source;
    private final FormatHeader header;
    private final SegmentCipher cipher;
    private final DekUsage usage;
    private final int segmentSize;
    private final int segmentsPerChunk;
    private final int maxChunk;
    private byte[] chunk;
    private int carry = -1;
    private long index;
    private long sequence;
    private boolean finished;
    private long plaintextLength;

    ChunkingEncryptor(InputStream source, FormatHeader header, SegmentCipher cipher, DekUsage usage, int maxChunkBytes,
                      long lengthHint) {
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
        this.maxChunk = FormatV1.HEADER_LENGTH + segmentsPerChunk * ctSegment;
        if (lengthHint >= 0) {
            long segments = Math.max(1, (lengthHint + segmentSize - 1) / segmentSize);
            this.chunk = new byte[(int) Math.min(maxChunk, FormatV1.HEADER_LENGTH + lengthHint
                    + segments * FormatV1.TAG_LENGTH)];
        } else {
            this.chunk = new byte[FormatV1.HEADER_LENGTH + ctSegment];
        }
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
            int n = readSegmentAt(pos);
            boolean last = n < segmentSize || !hasMore();
            if (index >= FormatV1.MAX_SEGMENTS) {
                Arrays.fill(chunk, pos, pos + n, (byte) 0);
                throw new IOException("plaintext exceeds the v1 limit of 2^32 segments of " + segmentSize + " bytes");
            }
            ensureCapacity(pos + n + FormatV1.TAG_LENGTH);
            // In place: the segment's plaintext becomes its ciphertext and tag.
            pos += cipher.encrypt(index++, last, chunk, pos, n, chunk, pos);
            usage.bytesEncrypted(n);
            covered += n;
            finished = last;
        }
        plaintextLength += covered;
        byte[] bytes;
        if (pos == chunk.length) {
            // Exactly full (always so for an object of the hinted length): hand it over; build
            // any next chunk in a new buffer, but allocate none after the last chunk.
            bytes = chunk;
            chunk = finished ? NO_BYTES : new byte[Math.min(maxChunk, chunk.length)];
        } else {
            bytes = Arrays.copyOf(chunk, pos);
        }
        return new CiphertextChunk(sequence++, finished, bytes, covered);
    }

    /** Plaintext bytes consumed so far; the object's size once {@link #next()} returned the last chunk. */
    public long plaintextLength() {
        return plaintextLength;
    }

    /** Reads up to one segment of plaintext into the chunk at {@code pos}, growing it only if data goes on. */
    private int readSegmentAt(int pos) throws IOException {
        int n = 0;
        if (carry >= 0) {
            ensureCapacity(pos + 1);
            chunk[pos] = (byte) carry;
            carry = -1;
            n = 1;
        }
        while (n < segmentSize) {
            int room = Math.min(segmentSize - n, chunk.length - pos - n);
            if (room == 0) {
                int b = source.read();
                if (b < 0) {
                    break;
                }
                ensureCapacity(pos + n + 1);
                chunk[pos + n++] = (byte) b;
                continue;
            }
            int got = source.readNBytes(chunk, pos + n, room);
            n += got;
            if (got < room) {
                break;
            }
        }
        return n;
    }

    private void ensureCapacity(int size) {
        if (chunk.length < size) {
            byte[] bigger = Arrays.copyOf(chunk, Math.min(maxChunk, Math.max(size, chunk.length * 2)));
            Arrays.fill(chunk, (byte) 0); // may hold plaintext not yet encrypted
            chunk = bigger;
        }
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

    /**
     * Closes the source. If the object was abandoned half-way, the buffer may still hold the
     * plaintext of a segment that was read but not encrypted; it is zeroed.
     */
    @Override
    public void close() throws IOException {
        if (!finished) {
            Arrays.fill(chunk, (byte) 0);
        }
        carry = -1;
        source.close();
    }
}
