package io.srrrs.crypto.internal;

import io.srrrs.crypto.CiphertextException;
import io.srrrs.crypto.CiphertextException.Failure;
import io.srrrs.crypto.format.FormatV1;

import java.util.Arrays;

/**
 * Opens segments and, when one does not authenticate, works out why before refusing it: the
 * cheap path is one GCM decryption; the diagnosis (only on failure) tries the other finality flag
 * and nearby positions, which tells truncation, extension and reordering from plain tampering.
 */
public final class SegmentOpener {

    /** How far from its position a misplaced segment is looked for. */
    static final int REORDER_SEARCH_WINDOW = 32;

    private final SegmentCipher cipher;
    private final int segmentSize;
    private byte[] scratch; // only a failing object needs it

    public SegmentOpener(SegmentCipher cipher, int segmentSize) {
        this.cipher = cipher;
        this.segmentSize = segmentSize;
    }

    /**
     * Decrypts segment {@code index} into {@code out[outOff]} and returns its plaintext length.
     *
     * @param physicallyLast   whether no data follows this segment in the object
     * @param knownSegmentCount number of physical segments if known (ranged reads), else -1
     */
    public int open(long index, boolean physicallyLast, long knownSegmentCount,
                    byte[] ct, int ctOff, int ctLen, byte[] out, int outOff) throws CiphertextException {
        int n = cipher.tryDecrypt(index, physicallyLast, ct, ctOff, ctLen, out, outOff);
        if (n >= 0) {
            return n;
        }
        throw diagnose(index, physicallyLast, knownSegmentCount, ct, ctOff, ctLen);
    }

    private CiphertextException diagnose(long index, boolean physicallyLast, long knownSegmentCount,
                                         byte[] ct, int ctOff, int ctLen) {
        if (ctLen < FormatV1.TAG_LENGTH) {
            return CiphertextException.of(Failure.TRUNCATED, "object ends " + ctLen + " bytes into segment " + index
                    + ", before its tag");
        }
        if (!physicallyLast && authenticates(index, true, ct, ctOff, ctLen)) {
            return CiphertextException.of(Failure.EXTENDED, "segment " + index
                    + " is the object's final segment, but more data follows it");
        }
        if (physicallyLast && authenticates(index, false, ct, ctOff, ctLen)) {
            return CiphertextException.of(Failure.TRUNCATED, "object ends after segment " + index
                    + ", which is not its final segment");
        }
        long from = Math.max(0, index - REORDER_SEARCH_WINDOW);
        long to = index + REORDER_SEARCH_WINDOW;
        if (knownSegmentCount >= 0) {
            to = Math.min(to, knownSegmentCount - 1);
        }
        to = Math.min(to, FormatV1.MAX_SEGMENTS - 1);
        for (long j = from; j <= to; j++) {
            if (j == index) {
                continue;
            }
            for (boolean last : new boolean[] {false, true}) {
                if (authenticates(j, last, ct, ctOff, ctLen)) {
                    return CiphertextException.of(Failure.SEGMENT_OUT_OF_ORDER, "segment at position " + index
                            + " is segment " + j + (last ? " (the final one)" : "")
                            + " of this object: segments were reordered, swapped or repeated");
                }
            }
        }
        return CiphertextException.of(Failure.SEGMENT_MODIFIED, "segment " + index
                + " does not authenticate: its bytes were modified, it was cut short, or it comes from another object");
    }

    private boolean authenticates(long index, boolean last, byte[] ct, int ctOff, int ctLen) {
        if (scratch == null) {
            scratch = new byte[segmentSize];
        }
        int n = cipher.tryDecrypt(index, last, ct, ctOff, ctLen, scratch, 0);
        if (n > 0) {
            Arrays.fill(scratch, 0, n, (byte) 0);
        }
        return n >= 0;
    }
}
