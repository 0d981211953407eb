package io.srrrs.crypto.internal;

import io.srrrs.crypto.CiphertextException;
import io.srrrs.crypto.CiphertextException.Failure;
import io.srrrs.crypto.format.FormatV1;

import java.util.Arrays;

/**
 * Opens segments and, when one does not authenticate, works out why before refusing it: the
 * cheap path is one GCM decryption; the diagnosis (only on failure) tries the other finality flag
 * and nearby positions, which tells truncation, extension and reordering from plain tampering.
 *
 * <p>The diagnosis is bounded (docs/FORMAT.md §5.1): a tampered segment must not make the reader
 * do much more work than a good one, or a few bytes flipped in a store become a denial of service.
 * At most {@link #trialLimit} trial decryptions: {@value #DIAGNOSIS_BUDGET_BYTES} bytes of
 * ciphertext in all, but always at least the one trial of the other finality flag.
 */
public final class SegmentOpener {

    /** How far from its position a misplaced segment is looked for. */
    static final int REORDER_SEARCH_WINDOW = 32;

    /** Ciphertext bytes the diagnosis of one failed segment may trial-decrypt (1 MiB). */
    public static final int DIAGNOSIS_BUDGET_BYTES = 1 << 20;

    /** Every trial the diagnosis can make: the other finality flag, then 2 flags × 2·window positions. */
    static final int MAX_TRIALS = 1 + 4 * REORDER_SEARCH_WINDOW;

    private final SegmentCipher cipher;
    private final int segmentSize;
    private byte[] scratch; // only a failing object needs it
    private long trials; // trial decryptions made by diagnoses, for tests

    public SegmentOpener(SegmentCipher cipher, int segmentSize) {
        this.cipher = cipher;
        this.segmentSize = segmentSize;
    }

    /** Trial decryptions a diagnosis of a {@code ctLen}-byte segment may make: max(1, ⌊budget / ctLen⌋), at most all. */
    public static int trialLimit(int ctLen) {
        return (int) Math.min(MAX_TRIALS, Math.max(1, DIAGNOSIS_BUDGET_BYTES / Math.max(1, ctLen)));
    }

    /**
     * Decrypts segment {@code index} into {@code out[outOff]} and returns its plaintext length.
     *
     * @param physicallyLast   whether no data follows this segment in the object
     * @param knownSegmentCount number of physical segments if known (ranged reads), else -1; kept
     *                          for callers, but no longer narrows the diagnosis (§5.1: one window
     *                          for every kind of read)
     */
    public int open(long index, boolean physicallyLast, long knownSegmentCount,
                    byte[] ct, int ctOff, int ctLen, byte[] out, int outOff) throws CiphertextException {
        int n = cipher.tryDecrypt(index, physicallyLast, ct, ctOff, ctLen, out, outOff);
        if (n >= 0) {
            return n;
        }
        throw diagnose(index, physicallyLast, ct, ctOff, ctLen);
    }

    private CiphertextException diagnose(long index, boolean physicallyLast,
                                         byte[] ct, int ctOff, int ctLen) {
        if (ctLen < FormatV1.TAG_LENGTH) {
            return CiphertextException.of(Failure.TRUNCATED, "object ends " + ctLen + " bytes into segment " + index
                    + ", before its tag");
        }
        // Trial 1, always made: the other finality flag at the same position.
        if (authenticates(index, !physicallyLast, ct, ctOff, ctLen)) {
            return physicallyLast
                    ? CiphertextException.of(Failure.TRUNCATED, "object ends after segment " + index
                            + ", which is not its final segment")
                    : CiphertextException.of(Failure.EXTENDED, "segment " + index
                            + " is the object's final segment, but more data follows it");
        }
        int budget = trialLimit(ctLen) - 1;
        // The same window for every read (a stream does not know the segment count; a range read
        // does, but searching the same positions keeps the names equal): docs/FORMAT.md §5.1.
        long max = FormatV1.MAX_SEGMENTS - 1;
        // Then nearest positions first: i-1, i+1, i-2, i+2, …, each with last = 0 then last = 1.
        for (int d = 1; d <= REORDER_SEARCH_WINDOW; d++) {
            for (long j : new long[] {index - d, index + d}) {
                if (j < 0 || j > max) {
                    continue;
                }
                for (boolean last : new boolean[] {false, true}) {
                    if (budget == 0) {
                        return CiphertextException.of(Failure.SEGMENT_MODIFIED, "segment " + index
                                + " does not authenticate (not diagnosed further: the diagnosis budget of "
                                + DIAGNOSIS_BUDGET_BYTES + " bytes is spent): modified, cut short, moved,"
                                + " or from another object");
                    }
                    budget--;
                    if (authenticates(j, last, ct, ctOff, ctLen)) {
                        return CiphertextException.of(Failure.SEGMENT_OUT_OF_ORDER, "segment at position " + index
                                + " is segment " + j + (last ? " (the final one)" : "")
                                + " of this object: segments were reordered, swapped or repeated");
                    }
                }
            }
        }
        return CiphertextException.of(Failure.SEGMENT_MODIFIED, "segment " + index
                + " does not authenticate: its bytes were modified, it was cut short, or it comes from another object");
    }

    /** Trial decryptions the diagnoses of this opener have made. */
    long trials() {
        return trials;
    }

    private boolean authenticates(long index, boolean last, byte[] ct, int ctOff, int ctLen) {
        if (scratch == null) {
            scratch = new byte[segmentSize];
        }
        trials++;
        int n = cipher.tryDecrypt(index, last, ct, ctOff, ctLen, scratch, 0);
        if (n > 0) {
            Arrays.fill(scratch, 0, n, (byte) 0);
        }
        return n >= 0;
    }
}
