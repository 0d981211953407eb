package io.srrrs.bench;

import io.srrrs.crypto.CiphertextChunk;
import io.srrrs.crypto.format.ContentFormat;
import io.srrrs.crypto.format.FormatV1;
import io.srrrs.topology.ObjectCipher;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * One object through {@link PassthroughCipher}: its chunks are laid out as ChunkingEncryptor's
 * (header room in the first, whole segments each followed by a "tag" of the real tag's length,
 * as many segments per chunk as fit), but hold the plaintext itself. Like ChunkingEncryptor it
 * reads one byte past a full segment to know whether that segment was the last.
 */
final class PassthroughSealing implements ObjectCipher.Sealing {

    private final InputStream plaintext;
    private final int segmentSize;
    private final int perChunk;
    private final int maxChunk;
    private byte[] buffer;
    private long sequence;
    private long length;
    private boolean done;
    /** The byte read past the last full segment, or -1. */
    private int carry = -1;

    PassthroughSealing(InputStream plaintext, long lengthHint, int segmentSize, int maxChunkBytes) {
        this.plaintext = plaintext;
        this.segmentSize = segmentSize;
        int ctSegment = segmentSize + FormatV1.TAG_LENGTH;
        this.perChunk = (maxChunkBytes - FormatV1.HEADER_LENGTH) / ctSegment;
        this.maxChunk = FormatV1.HEADER_LENGTH + perChunk * ctSegment;
        // Sized like ChunkingEncryptor's: to the object when its length is known.
        this.buffer = new byte[lengthHint >= 0
                ? (int) Math.min(maxChunk, FormatV1.HEADER_LENGTH + lengthHint
                        + Math.max(1, (lengthHint + segmentSize - 1) / segmentSize) * FormatV1.TAG_LENGTH)
                : FormatV1.HEADER_LENGTH + ctSegment];
    }

    @Override
    public ContentFormat content() {
        return PassthroughCipher.FAKE_HEADER;
    }

    @Override
    public CiphertextChunk next() throws IOException {
        if (done) {
            return null;
        }
        int pos = sequence == 0 ? FormatV1.HEADER_LENGTH : 0;
        long covered = 0;
        for (int s = 0; s < perChunk && !done; s++) {
            int n = fillSegment(pos);
            noteEnd(n);
            pos += n + FormatV1.TAG_LENGTH; // same size as a sealed segment; the "tag" is whatever
            covered += n;
        }
        length += covered;
        byte[] bytes;
        if (pos == buffer.length) {
            bytes = buffer;
            buffer = new byte[Math.min(maxChunk, buffer.length)];
        } else {
            bytes = Arrays.copyOf(buffer, pos);
        }
        return new CiphertextChunk(sequence++, done, bytes, covered);
    }

    /** Reads up to one segment of plaintext to {@code pos} (the carried byte first); returns its length. */
    private int fillSegment(int pos) throws IOException {
        int n = 0;
        if (carry >= 0) {
            ensure(pos + 1 + FormatV1.TAG_LENGTH);
            buffer[pos] = (byte) carry;
            carry = -1;
            n = 1;
        }
        while (n < segmentSize) {
            if (pos + n + FormatV1.TAG_LENGTH == buffer.length) {
                // The buffer is full: grow it by the next byte, if there is one.
                int b = plaintext.read();
                if (b < 0) {
                    break;
                }
                ensure(buffer.length + 1);
                buffer[pos + n++] = (byte) b;
                continue;
            }
            int want = Math.min(segmentSize - n, buffer.length - FormatV1.TAG_LENGTH - pos - n);
            int got = plaintext.readNBytes(buffer, pos + n, want);
            n += got;
            if (got < want) {
                break;
            }
        }
        return n;
    }

    /** After a segment of {@code n} bytes: a short one is the last; after a full one, one byte ahead tells. */
    private void noteEnd(int n) throws IOException {
        if (n < segmentSize) {
            done = true;
            return;
        }
        int b = plaintext.read();
        if (b < 0) {
            done = true;
        } else {
            carry = b;
        }
    }

    private void ensure(int size) {
        if (buffer.length < size) {
            buffer = Arrays.copyOf(buffer, Math.min(maxChunk, Math.max(size, buffer.length * 2)));
        }
    }

    @Override
    public long plaintextLength() {
        return length;
    }

    @Override
    public byte[] sseCKey() {
        throw new UnsupportedOperationException("the passthrough cipher has no keys");
    }

    @Override
    public void close() throws IOException {
        plaintext.close();
    }
}
