package io.srrrs.chaos;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * CPU time per component of {@code bin/bench e2e}, from the operating system's process table (the
 * bench JVM and every process below it), so that a row can say where a 2-core machine's time went:
 * on a machine this small every component competes for the same cores, and that, not one slow
 * component, is what bounds the pipeline against raw calls (which need only the store and the bench).
 */
final class E2eCpu {

    /** The components, in table order, each recognised by a fragment of its command line. */
    private static final List<String[]> COMPONENTS = List.of(
            new String[] {"topology", "EncryptorApp"}, new String[] {"connect", "ConnectDistributed"},
            new String[] {"broker", "KafkaProcess"},
            new String[] {"registry", "apicurio"}, new String[] {"kms", "moto"},
            new String[] {"store", "radosgw"}, new String[] {"store", "ceph-"}, new String[] {"store", "s3proxy"});

    private E2eCpu() {
    }

    /** CPU seconds so far by component; "bench" is this JVM, "other" what matched nothing. */
    static Map<String, Double> snapshot() {
        Map<String, Double> cpu = new LinkedHashMap<>();
        for (String[] c : COMPONENTS) {
            cpu.putIfAbsent(c[0], 0.0);
        }
        cpu.put("bench", seconds(ProcessHandle.current()));
        cpu.put("other", 0.0);
        try (Stream<ProcessHandle> all = ProcessHandle.allProcesses()) {
            // Below this JVM, and Ceph's daemons wherever they are (they detach from their parent).
            all.filter(p -> p.pid() != ProcessHandle.current().pid()).forEach(p -> {
                String line = commandLine(p);
                boolean ours = isDescendant(p) || line.contains("radosgw") || line.contains("ceph-");
                if (ours) {
                    cpu.merge(componentOf(line), seconds(p), Double::sum);
                }
            });
        }
        return cpu;
    }

    /** What was used between two snapshots, as "topology 5.1, connect 3.0, ..." with the wall time's core-seconds. */
    static String used(Map<String, Double> before, Map<String, Double> after, long wallNanos) {
        StringBuilder s = new StringBuilder();
        double total = 0;
        for (Map.Entry<String, Double> e : after.entrySet()) {
            double used = Math.max(0, e.getValue() - before.getOrDefault(e.getKey(), 0.0));
            total += used;
            if (used >= 0.05) {
                s.append(s.length() == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%s %.1f", e.getKey(), used));
            }
        }
        double available = Runtime.getRuntime().availableProcessors() * wallNanos / 1e9;
        return String.format(Locale.ROOT, "%s; total %.1f of %.1f core-s", s, total, available);
    }

    private static boolean isDescendant(ProcessHandle p) {
        for (ProcessHandle h = p.parent().orElse(null); h != null; h = h.parent().orElse(null)) {
            if (h.pid() == ProcessHandle.current().pid()) {
                return true;
            }
        }
        return false;
    }

    /** The process's arguments from /proc (ProcessHandle.Info leaves them out for long command lines). */
    private static String commandLine(ProcessHandle p) {
        try {
            return new String(Files.readAllBytes(Path.of("/proc", Long.toString(p.pid()), "cmdline")),
                    StandardCharsets.UTF_8).replace('\0', ' ');
        } catch (IOException | RuntimeException e) {
            return p.info().command().orElse("");
        }
    }

    private static String componentOf(String line) {
        for (String[] c : COMPONENTS) {
            if (line.contains(c[1])) {
                return c[0];
            }
        }
        return "other";
    }

    private static double seconds(ProcessHandle p) {
        return p.info().totalCpuDuration().map(Duration::toNanos).orElse(0L) / 1e9;
    }
}
