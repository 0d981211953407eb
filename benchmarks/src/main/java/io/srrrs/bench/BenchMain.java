package io.srrrs.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * {@code bin/bench crypto [--quick]}: runs the JMH benchmarks side by side in one run and prints
 * each SRRRS operation's throughput as a ratio of the raw JCE baseline measured in the same run.
 */
public final class BenchMain {

    private BenchMain() {
    }

    public static void main(String[] args) throws Exception {
        String suite = args.length > 0 ? args[0] : "crypto";
        boolean quick = List.of(args).contains("--quick");
        if (suite.equals("topology") || suite.equals("store")) {
            logToFile(suite);
        }
        if (suite.equals("topology")) {
            TopologyBench.main(Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        if (suite.equals("store")) {
            StoreBench.main(Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        if (!suite.equals("crypto")) {
            System.err.println("unknown benchmark suite '" + suite + "'; known: crypto, topology, store");
            System.exit(2);
        }
        ChainedOptionsBuilder options = new OptionsBuilder()
                .include(SegmentCryptoBenchmark.class.getSimpleName())
                .forks(1)
                .warmupIterations(quick ? 2 : 10)
                // JDK 17 runs 1 MiB GCM calls at ~50 MB/s until the JIT has compiled that path,
                // which takes 10-20 s of calls; a shorter warm-up measures the interpreter.
                .warmupTime(TimeValue.seconds(quick ? 1 : 3))
                .measurementIterations(quick ? 3 : 10)
                .measurementTime(TimeValue.seconds(quick ? 1 : 2))
                .jvmArgsAppend("-Xms2g", "-Xmx2g");
        Collection<RunResult> results = new Runner(options.build()).run();
        printRatios(results);
    }

    /**
     * Before the first logger exists: the embedded broker's, registry's, store's and SDK's logging
     * (thousands of INFO lines) go to {@code bench-<suite>.log} beside the jar, so the terminal
     * shows the progress lines and the table only. An explicit {@code -Dorg.slf4j.simpleLogger.logFile} wins.
     */
    private static void logToFile(String suite) throws Exception {
        if (System.getProperty("org.slf4j.simpleLogger.logFile") != null) {
            return;
        }
        Path jar = Path.of(BenchMain.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Path log = (Files.isDirectory(jar) ? jar : jar.getParent()).resolve("bench-" + suite + ".log").toAbsolutePath();
        Files.deleteIfExists(log);
        System.setProperty("org.slf4j.simpleLogger.logFile", log.toString());
        System.setProperty("org.slf4j.simpleLogger.showDateTime", "true");
        System.err.println("bench " + suite + ": component logs in " + log);
    }

    private static void printRatios(Collection<RunResult> results) {
        // segment size -> benchmark name -> [ops/s, error]
        Map<Integer, Map<String, double[]>> bySize = new TreeMap<>();
        for (RunResult r : results) {
            String name = r.getParams().getBenchmark().replaceAll(".*\\.", "");
            int size = Integer.parseInt(r.getParams().getParam("segmentSize"));
            // The median of the measurement iterations: one noisy iteration on a shared 2-core
            // machine moves a mean a lot, a median little.
            double median = r.getPrimaryResult().getStatistics().getPercentile(50);
            double error = r.getPrimaryResult().getScoreError();
            bySize.computeIfAbsent(size, k -> new TreeMap<>()).put(name, new double[] {median, error});
        }
        double mib = SegmentCryptoBenchmark.OBJECT_BYTES / (1024.0 * 1024.0);
        System.out.println();
        System.out.printf("SRRRS format v1 vs raw JCE AES-256-GCM, %s MiB object, JDK %s (%s)%n", (int) mib,
                System.getProperty("java.version"), System.getProperty("java.vm.name"));
        System.out.println("median MiB/s of the measurement iterations, ± JMH's 99.9% error of the mean");
        System.out.printf("%-10s %-8s %14s %14s %8s%n", "segment", "op", "raw MiB/s", "srrrs MiB/s", "ratio");
        List<String> failed = new ArrayList<>();
        for (Map.Entry<Integer, Map<String, double[]>> e : bySize.entrySet()) {
            for (String op : List.of("encrypt", "decrypt")) {
                double[] raw = e.getValue().get(op + "RawJce");
                double[] ours = e.getValue().get(op + "SrrrsStream");
                if (raw == null || ours == null) {
                    continue;
                }
                double ratio = ours[0] / raw[0];
                String label = e.getKey() >= 1 << 20 ? (e.getKey() >> 20) + " MiB" : (e.getKey() >> 10) + " KiB";
                System.out.printf(Locale.ROOT, "%-10s %-8s %8.0f ±%4.0f %8.0f ±%4.0f %8.3f%n", label, op,
                        raw[0] * mib, raw[1] * mib, ours[0] * mib, ours[1] * mib, ratio);
                if (ratio < 0.90) {
                    failed.add(label + " " + op);
                }
            }
        }
        System.out.println(failed.isEmpty() ? "target >= 0.90 of raw JCE: met"
                : "target >= 0.90 of raw JCE: NOT met for " + failed);
    }
}
