package io.srrrs.chaos;

import io.srrrs.crypto.format.OutputFormat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one {@code bin/bench e2e} run measures: the workload sizes, the deployment shape (topology
 * instances, Connect tasks, the heap of both) and configuration passed through untouched to the
 * topology and the connector, so that keys other modules add later are picked up without a change here.
 *
 * @param loadSeconds how long the latency-at-load phase publishes (at 80 % of the measured small rate)
 * @param formats     the object formats measured, srrrs-v1 first (its rows are the full set; the others
 *                    are measured against the same raw baseline)
 */
record E2eOptions(int small, int medium, long largeBytes, boolean skipLarge, int instances, int tasks, String heap,
                  int loadSeconds, int rangedReads, boolean quick, Map<String, String> sinkConfig,
                  Map<String, String> topologyConfig, List<OutputFormat> formats) {

    static final long MIB = 1024L * 1024;

    static final String USAGE = """
            bin/bench e2e [options]   the whole pipeline (topology JVMs, Connect worker JVM, the sink, the client)
                                      vs raw S3 calls of the same bytes on the same store, in one run
              --small N               4 KiB payloads published as fast as possible (default 5000)
              --medium N              1 MiB file payloads (default 200)
              --large-bytes B         one file payload of B bytes (default 1 GiB); --skip-large leaves it out
              --instances K           topology instances (default 1)
              --tasks T               Connect tasks (default 1; the chunk topic gets max(2, T) partitions)
              --heap SIZE             -Xmx of the topology and Connect JVMs and of this JVM (the client) (default 256m)
              --load-seconds S        the latency-at-load phase (default 30)
              --ranges N              random 1 MiB ranged reads of the large object (default 200)
              --sink-config k=v       passed to the connector as is (repeatable)
              --topology-config k=v   passed to every topology instance as is (repeatable)
              --formats LIST          object formats to measure, comma-separated, srrrs-v1 among them (default
                                      srrrs-v1,s3ec-v3,s3ec-v2); each S3EC format gets the 4 KiB, 1 MiB and
                                      large write rows and a whole-object read, against the same raw baseline
              --quick                 a smoke run: 300 small, 10 medium, 64 MiB large, 10 s load, 20 ranges,
                                      all formats""";

    Duration loadWindow() {
        return Duration.ofSeconds(loadSeconds);
    }

    static E2eOptions parse(String[] args) {
        boolean quick = java.util.Arrays.asList(args).contains("--quick");
        int small = quick ? 300 : 5000;
        int medium = quick ? 10 : 200;
        long large = quick ? 64 * MIB : 1024 * MIB;
        int load = quick ? 10 : 30;
        int ranges = quick ? 20 : 200;
        boolean skipLarge = false;
        int instances = 1;
        int tasks = 1;
        String heap = "256m";
        Map<String, String> sink = new LinkedHashMap<>();
        Map<String, String> topology = new LinkedHashMap<>();
        List<OutputFormat> formats = List.of(OutputFormat.values());
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--quick" -> { }
                case "--skip-large" -> skipLarge = true;
                case "--small" -> small = positive(a, value(args, ++i, a));
                case "--medium" -> medium = positive(a, value(args, ++i, a));
                case "--large-bytes" -> large = Long.parseLong(value(args, ++i, a));
                case "--instances" -> instances = positive(a, value(args, ++i, a));
                case "--tasks" -> tasks = positive(a, value(args, ++i, a));
                case "--heap" -> heap = heap(value(args, ++i, a));
                case "--load-seconds" -> load = positive(a, value(args, ++i, a));
                case "--ranges" -> ranges = positive(a, value(args, ++i, a));
                case "--sink-config" -> pair(sink, value(args, ++i, a));
                case "--topology-config" -> pair(topology, value(args, ++i, a));
                case "--formats" -> formats = formats(value(args, ++i, a));
                default -> throw new IllegalArgumentException("unknown option " + a + "\n" + USAGE);
            }
        }
        if (large < MIB) {
            throw new IllegalArgumentException("--large-bytes must be at least 1 MiB");
        }
        return new E2eOptions(small, medium, large, skipLarge, instances, tasks, heap, load, ranges, quick,
                Map.copyOf(sink), Map.copyOf(topology), formats);
    }

    /** The formats other than srrrs-v1, in the order given. */
    List<OutputFormat> s3ecFormats() {
        return formats.stream().filter(OutputFormat::isS3ec).toList();
    }

    /**
     * A comma-separated list of format ids, srrrs-v1 among them (its rows are the ones the others
     * are read beside, and the load phase runs on it), each once; returned srrrs-v1 first.
     */
    static List<OutputFormat> formats(String list) {
        List<OutputFormat> out = new ArrayList<>();
        for (String id : list.split(",", -1)) {
            OutputFormat f;
            try {
                f = OutputFormat.parse(id.trim());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--formats: " + e.getMessage(), e);
            }
            if (out.contains(f)) {
                throw new IllegalArgumentException("--formats names " + f.id() + " twice");
            }
            out.add(f);
        }
        if (!out.remove(OutputFormat.SRRRS_V1)) {
            throw new IllegalArgumentException("--formats must include srrrs-v1 (the baseline rows and the load"
                    + " phase run on it), not only " + list);
        }
        out.add(0, OutputFormat.SRRRS_V1);
        return List.copyOf(out);
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args[i];
    }

    private static int positive(String option, String v) {
        int n = Integer.parseInt(v);
        if (n < 1) {
            throw new IllegalArgumentException(option + " must be at least 1");
        }
        return n;
    }

    private static String heap(String v) {
        if (!v.matches("[0-9]+[kKmMgG]?")) {
            throw new IllegalArgumentException("--heap takes a -Xmx size such as 256m, not " + v);
        }
        return v;
    }

    private static void pair(Map<String, String> into, String kv) {
        int eq = kv.indexOf('=');
        if (eq < 1) {
            throw new IllegalArgumentException("expected k=v, not " + kv);
        }
        into.put(kv.substring(0, eq), kv.substring(eq + 1));
    }
}
