package io.srrrs.crypto;

import io.srrrs.crypto.CiphertextException.Failure;
import io.srrrs.crypto.format.FormatV1;
import io.srrrs.crypto.internal.SegmentOpener;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.Objects;

/**
 * Verified plaintext of a v1 body, read one segment at a time: no byte is returned before its
 * segment's tag has verified, and the stream fails (with a {@link CiphertextException}) rather
 * than end early when the object was truncated. Memory: one segment, whatever the object's size.
 *
 * <p>Reads of a segment or more at a segment boundary decrypt straight into the caller's array;
 * {@link #transferTo} writes each segment from the segment buffer.
 */
public final class DecryptingInputStream extends VerifiedPlaintextStream {

    private final InputStream ciphertext;
    private final SegmentOpener opener;
    private final int segmentSize;
    private final byte[] ctBuffer;
    private byte[] ptBuffer; // allocated on the first read smaller than a segment
    private int ptPos;
    private int ptLen;
    /** Up to a tag's worth of bytes read past a full segment, to learn whether it is physically last. */
    private final byte[] carry = new byte[FormatV1.TAG_LENGTH];
    private int carryLen;
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

    /**
     * Writes the rest of the plaintext to {@code out} a whole verified segment at a time, from the
     * segment buffer: no second copy through a smaller transfer buffer, as the inherited loop of
     * 16 KiB reads makes. As with any {@code transferTo}, a failing {@code out} loses the segment
     * being written.
     */
    @Override
    public long transferTo(OutputStream out) throws IOException {
        Objects.requireNonNull(out, "out");
        ensureOpen();
        long total = 0;
        if (ptPos < ptLen) {
            int n = ptLen - ptPos;
            ptPos = ptLen;
            out.write(ptBuffer, ptLen - n, n);
            total += n;
        }
        if (ptBuffer == null) {
            ptBuffer = new byte[segmentSize];
        }
        while (!finalSegmentRead) {
            int n = nextSegment(ptBuffer, 0);
            ptPos = 0;
            ptLen = 0;
            out.write(ptBuffer, 0, n);
            total += n;
        }
        return total;
    }

    /** Reads, authenticates and decrypts the next segment into {@code out}; returns its length. */
    private int nextSegment(byte[] out, int outOff) throws IOException {
        int n = carryLen;
        System.arraycopy(carry, 0, ctBuffer, 0, carryLen);
        carryLen = 0;
        n += ciphertext.readNBytes(ctBuffer, n, ctBuffer.length - n);
        if (n == 0) {
            // Only reachable for segment 0: later segments are read only after data was seen.
            throw CiphertextException.of(Failure.TRUNCATED, "object ends right after its header, before segment 0");
        }
        boolean physicallyLast = n < ctBuffer.length || !hasMore();
        int plain = opener.open(index, physicallyLast, -1, ctBuffer, 0, n, out, outOff);
        index++;
        finalSegmentRead = physicallyLast;
        return plain;
    }

    /**
     * Reads ahead up to 16 bytes after a full segment. None: it was physically last. 1 to 15 and
     * then the end: the §5 length rule refuses the object as {@code TRUNCATED} (a tail too short for
     * a tag), before that segment is decrypted, as a reader that knows the length does.
     */
    private boolean hasMore() throws IOException {
        carryLen = ciphertext.readNBytes(carry, 0, carry.length);
        if (carryLen > 0 && carryLen < FormatV1.TAG_LENGTH) {
            throw CiphertextException.of(Failure.TRUNCATED, "object ends " + carryLen + " bytes into segment "
                    + (index + 1) + ", inside its tag (cut short, or 1-15 bytes appended)");
        }
        return carryLen > 0;
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
