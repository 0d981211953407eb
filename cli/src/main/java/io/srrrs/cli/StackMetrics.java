package io.srrrs.cli;

import io.srrrs.topology.EncryptorApp;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The running topology's counters in {@code DIR/metrics.properties} (KMS calls, DEK cache hits,
 * the topology's {@code *-total} metrics by reason), which {@code srrrs demo} and {@code status}
 * read from another JVM; the local stack refreshes it twice a second.
 */
final class StackMetrics {

    static final String FILE = "metrics.properties";

    private StackMetrics() {
    }

    /** Writes the topology's counters now; best effort: a failure waits for the next tick. */
    static void write(EncryptorApp topology, Path file) {
        try {
            Map<String, String> m = new LinkedHashMap<>();
            m.put("kms.calls", Long.toString(topology.kms().totalKmsCalls()));
            m.put("dek.cache.hits", Long.toString(topology.kms().dekCacheStats().hits()));
            topology.streams().metrics().forEach((name, metric) -> {
                if (name.group().equals("srrrs-topology-metrics") && name.name().endsWith("-total")
                        && metric.metricValue() instanceof Number n) {
                    String reason = name.tags().get("reason");
                    m.merge(name.name() + (reason == null ? "" : "." + reason), Long.toString(n.longValue()),
                            (a, b) -> Long.toString(Long.parseLong(a) + Long.parseLong(b)));
                }
            });
            StackFiles.writeAtomically(file, m);
        } catch (IOException | RuntimeException e) {
            // best effort: the next tick tries again
        }
    }
}
