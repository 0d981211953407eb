package io.srrrs.chaos;

import java.util.Arrays;
import java.util.List;

/**
 * Time to recover from each fault, from landing times measured at the store. Two figures:
 * <ul>
 * <li><b>rate back</b>: from the fault (the kill; for an outage, the restore) to the start of the
 *     first 5-second window in which objects land at no less than 80 % of the normal rate (the
 *     publishing rate), or of what was outstanding when less was;</li>
 * <li><b>caught up</b>: from the same moment until as many outcomes (objects landed or dead
 *     letters) had been seen as references had been published before it: the backlog drained.</li>
 * </ul>
 * Faults that overlap share their recovery: such figures are marked, as they time the pair.
 */
final class Recovery {

    /** One fault's figures, in seconds; null when it did not happen before the run ended. */
    record Figure(FaultRecord fault, Double rateBack, Double caughtUp, boolean overlapped) {
    }

    private static final long WINDOW = 5_000_000_000L;
    private static final long STEP = 500_000_000L;

    private final long[] sent;
    private final long[] landed;
    private final double ratePerNano;
    private final long end;

    /**
     * @param sent   nanoTimes at which the references that had an outcome were sent
     * @param landed nanoTimes at which their outcomes were seen (object listed or dead letter read)
     */
    Recovery(long[] sent, long[] landed, double ratePerSecond, long endNanos) {
        this.sent = sent.clone();
        this.landed = landed.clone();
        Arrays.sort(this.sent);
        Arrays.sort(this.landed);
        this.ratePerNano = ratePerSecond / 1e9;
        this.end = endNanos;
    }

    List<Figure> figures(List<FaultRecord> faults) {
        return faults.stream().map(f -> {
            Double back = rateBack(f.recoveryFromNanos());
            long until = back == null ? end : f.recoveryFromNanos() + (long) (back * 1e9);
            // Another fault active while this one was being recovered from: the figure is theirs too.
            boolean overlapped = faults.stream().anyMatch(g -> g != f && g.startNanos() < until
                    && g.endNanos() > f.recoveryFromNanos());
            return new Figure(f, back, caughtUp(f.recoveryFromNanos()), overlapped);
        }).toList();
    }

    private Double rateBack(long from) {
        for (long w = from; w + WINDOW <= end; w += STEP) {
            long inWindow = count(landed, w + WINDOW) - count(landed, w);
            long outstanding = count(sent, w + WINDOW) - count(landed, w);
            double expected = Math.min(ratePerNano * WINDOW, outstanding);
            if (inWindow >= 0.8 * expected) {
                return (w - from) / 1e9;
            }
        }
        return null;
    }

    private Double caughtUp(long from) {
        long before = count(sent, from);
        if (before == 0) {
            return 0.0;
        }
        if (before > landed.length) {
            return null;
        }
        long at = landed[(int) before - 1];
        return Math.max(0, at - from) / 1e9;
    }

    /** How many of the sorted times are before {@code t}. */
    private static long count(long[] sorted, long t) {
        int i = Arrays.binarySearch(sorted, t);
        if (i < 0) {
            return -i - 1;
        }
        while (i > 0 && sorted[i - 1] == t) {
            i--;
        }
        return i;
    }
}
