package io.srrrs.chaos;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** The rows of {@code bin/bench e2e} and the one table they are printed as. */
final class E2eTable {

    /**
     * One measured side of one workload.
     *
     * @param latencyNanos publish→visible of each object (pipeline rows; empty for raw rows)
     * @param kmsCalls     KMS requests moto answered during the measurement, -1 when not counted
     * @param heap         the peak heap of what this row exercised, "" when not measured here
     * @param ratio        pipeline ÷ this row's rate on a raw row, "" otherwise
     */
    record Row(String workload, String side, int objects, long bytes, long nanos, long[] latencyNanos, long kmsCalls,
               String heap, String ratio) {

        double seconds() {
            return nanos / 1e9;
        }

        double mbPerSecond() {
            return bytes / 1e6 / seconds();
        }

        double objectsPerSecond() {
            return objects / seconds();
        }

        Row withRatio(String r) {
            return new Row(workload, side, objects, bytes, nanos, latencyNanos, kmsCalls, heap, r);
        }

        Row withSide(String s) {
            return new Row(workload, s, objects, bytes, nanos, latencyNanos, kmsCalls, heap, ratio);
        }
    }

    private static final String FORMAT = "%-10s %-26s %7s %9s %8s %9s %10s %8s %8s %8s %6s %-14s %s";

    private E2eTable() {
    }

    /** {@code raw} with its ratio to {@code ours}: by objects/s when {@code byObjects}, else by MB/s. */
    static Row ratio(Row ours, Row raw, boolean byObjects) {
        return raw.withRatio(ratioText(ours, raw, byObjects));
    }

    /**
     * {@code ours} (a pipeline row of another format) with its ratio to {@code raw}, the baseline
     * measured once for every format, which the ratio names since it is not the row above.
     */
    static Row against(Row ours, Row raw, boolean byObjects) {
        return ours.withRatio(ratioText(ours, raw, byObjects) + " vs " + raw.side());
    }

    private static String ratioText(Row ours, Row raw, boolean byObjects) {
        double r = byObjects ? ours.objectsPerSecond() / raw.objectsPerSecond() : ours.mbPerSecond() / raw.mbPerSecond();
        return String.format(Locale.ROOT, "%.2f (%s)", r, byObjects ? "objects/s" : "MB/s");
    }

    static List<String> lines(String header, List<Row> rows, List<String> footer) {
        List<String> out = new ArrayList<>();
        out.add(header);
        out.add(String.format(Locale.ROOT, FORMAT, "workload", "side", "objects", "MB", "seconds", "MB/s", "objects/s",
                "p50 ms", "p99 ms", "max ms", "KMS", "peak heap", "ratio pipeline/raw"));
        for (Row r : rows) {
            long[] l = r.latencyNanos().clone();
            Arrays.sort(l);
            out.add(String.format(Locale.ROOT, FORMAT, r.workload(), r.side(), r.objects(),
                    String.format(Locale.ROOT, "%.1f", r.bytes() / 1e6), String.format(Locale.ROOT, "%.2f", r.seconds()),
                    String.format(Locale.ROOT, "%.1f", r.mbPerSecond()),
                    String.format(Locale.ROOT, r.objectsPerSecond() < 10 ? "%.2f" : "%.0f", r.objectsPerSecond()),
                    millis(l, 0.50), millis(l, 0.99), millis(l, 1.0), r.kmsCalls() < 0 ? "" : Long.toString(r.kmsCalls()),
                    r.heap(), r.ratio()));
        }
        out.addAll(footer);
        return out;
    }

    /** The q-quantile (nearest rank) in milliseconds, "" when there are none. */
    static String millis(long[] sorted, double q) {
        if (sorted.length == 0) {
            return "";
        }
        int i = (int) Math.ceil(q * sorted.length) - 1;
        return String.format(Locale.ROOT, "%.0f", sorted[Math.max(0, Math.min(sorted.length - 1, i))] / 1e6);
    }

    private static final Pattern GC = Pattern.compile("(\\d+)M->(\\d+)M\\(\\d+M\\)");

    /**
     * The largest heap occupancy before any collection in a {@code -Xlog:gc} file, in MiB (-1 when
     * there is none): the peak the JVM reached, read after the run, so nothing polls the process.
     * A collector lets the heap fill towards -Xmx before it collects, so this is near -Xmx whenever
     * the JVM allocated much; {@link #liveHeapMiB} is what it needed.
     */
    static long peakHeapMiB(Path gcLog) {
        return largest(gcLog, 1);
    }

    /** The largest heap occupancy after any collection (what was still live), in MiB; -1 when none. */
    static long liveHeapMiB(Path gcLog) {
        return largest(gcLog, 2);
    }

    private static long largest(Path gcLog, int group) {
        if (!Files.exists(gcLog)) {
            return -1;
        }
        try (Stream<String> lines = Files.lines(gcLog)) {
            return lines.mapToLong(line -> {
                long max = -1;
                Matcher m = GC.matcher(line);
                while (m.find()) {
                    max = Math.max(max, Long.parseLong(m.group(group)));
                }
                return max;
            }).max().orElse(-1);
        } catch (IOException e) {
            return -1;
        }
    }
}
