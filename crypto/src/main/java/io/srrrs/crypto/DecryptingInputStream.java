package io.srrrs.crypto;

import io.srrrs.crypto.CiphertextException.Failure;
import io.srrrs.crypto.format.FormatV1;
import io.srrrs.crypto.internal.SegmentOpener;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Objects;

/**
 * Verified plaintext of a v1 body, read one segment at a time: no byte is returned before its
 * segment's tag has verified, and the stream fails (with a {@link CiphertextException}) rather
 * than end early when the object was truncated. Memory: one segment, whatever the object's size.
 *
 * <p>Reads of a segment or more at a segment boundary decrypt straight into the caller's array.
 */
public final class DecryptingInputStream extends InputStream {

    private final InputStream ciphertext;
    private final SegmentOpener opener;
    private final int segmentSize;
    private final byte[] ctBuffer;
    private byte[] ptBuffer; // allocated on the first read smaller than a segment
    private int ptPos;
    private int ptLen;
    private int carry = -1;
    private long index;
    private boolean finalSegmentRead;
    private boolean closed;

    /** @param segments the body after the header, positioned at segment 0 */
    DecryptingInputStream(InputStream segments, SegmentOpener opener, int segmentSize) {
        this.ciphertext = segments;
        this.opener = opener;
        this.segmentSize = segmentSize;
        this.ctBuffer = new byte[segmentSize + FormatV1.TAG_LENGTH];
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xFF;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        ensureOpen();
        if (len == 0) {
            return 0;
        }
        while (ptPos == ptLen) {
            if (finalSegmentRead) {
                return -1;
            }
            if (len >= segmentSize) {
                // Decrypt into the caller's array; an empty final segment returns 0, so loop.
                int n = nextSegment(b, off);
                if (n > 0) {
                    return n;
                }
            } else {
                if (ptBuffer == null) {
                    ptBuffer = new byte[segmentSize];
                }
                ptLen = nextSegment(ptBuffer, 0);
                ptPos = 0;
            }
        }
        int n = Math.min(len, ptLen - ptPos);
        System.arraycopy(ptBuffer, ptPos, b, off, n);
        ptPos += n;
        return n;
    }

    /** Reads, authenticates and decrypts the next segment into {@code out}; returns its length. */
    private int nextSegment(byte[] out, int outOff) throws IOException {
        int n = 0;
        if (carry >= 0) {
            ctBuffer[0] = (byte) carry;
            carry = -1;
            n = 1;
        }
        n += ciphertext.readNBytes(ctBuffer, n, ctBuffer.length - n);
        boolean physicallyLast = n < ctBuffer.length || !hasMore();
        if (n == 0) {
            // Only reachable for segment 0: later segments are read only after data was seen.
            throw CiphertextException.of(Failure.TRUNCATED, "object ends right after its header, before segment 0");
        }
        int plain = opener.open(index, physicallyLast, -1, ctBuffer, 0, n, out, outOff);
        index++;
        finalSegmentRead = physicallyLast;
        return plain;
    }

    private boolean hasMore() throws IOException {
        int b = ciphertext.read();
        if (b < 0) {
            return false;
        }
        carry = b;
        return true;
    }

    @Override
    public int available() {
        return ptLen - ptPos;
    }

    @Override
    public void close() throws IOException {
        if (!closed) {
            closed = true;
            if (ptBuffer != null) {
                Arrays.fill(ptBuffer, (byte) 0);
            }
            ciphertext.close();
        }
    }

    private void ensureOpen() throws IOException {
        if (closed) {
            throw new IOException("stream closed");
        }
    }
}
