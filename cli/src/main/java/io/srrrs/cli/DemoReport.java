package io.srrrs.cli;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The demo's summary: what was published, landed, verified and scanned, and how fast. */
final class DemoReport {

    private DemoReport() {
    }

    /** What one demo run measured; metrics are the topology's counters before and after. */
    record Measured(String runId, String storeKind, List<DemoPayloads.Payload> payloads,
                    Map<String, PublishAndWatch.Outcome> outcomes, String refusal, int verified, DemoLeakScan.Result scan,
                    long firstPublishNanos, long lastVisibleNanos, Map<String, String> before, Map<String, String> after) {
    }

    static void print(Measured m, List<String> failures) {
        long totalBytes = m.payloads().stream().mapToLong(DemoPayloads.Payload::size).sum();
        List<Double> latencies = m.outcomes().values().stream().filter(PublishAndWatch.Outcome::landed)
                .map(PublishAndWatch.Outcome::latencyMillis).sorted().toList();
        double seconds = (m.lastVisibleNanos() - m.firstPublishNanos()) / 1e9;
        int published = m.payloads().size();
        System.out.println();
        System.out.println("SRRRS demo " + m.runId() + " — store " + m.storeKind());
        row("objects published", Integer.toString(published));
        long landed = m.outcomes().values().stream().filter(PublishAndWatch.Outcome::landed).count();
        row("objects landed", landed + " of " + published);
        row("objects verified (SHA-256)", m.verified() + " of " + published);
        row("  of which SSE-C", Long.toString(m.payloads().stream().filter(DemoPayloads.Payload::sseC).count()));
        row("references refused (expected 1)", (m.refusal() == null ? "0" : "1 (" + m.refusal() + ")"));
        row("plaintext bytes", String.format(Locale.ROOT, "%,d", totalBytes));
        row("throughput publish→visible",
                String.format(Locale.ROOT, "%.1f MB/s over %.1f s", totalBytes / 1e6 / seconds, seconds));
        row("KMS calls", delta(m.before(), m.after(), "kms.calls"));
        row("DEK cache hits", delta(m.before(), m.after(), "dek.cache.hits"));
        row("latency publish→visible p50", String.format(Locale.ROOT, "%.0f ms", percentile(latencies, 50)));
        row("latency publish→visible p99", String.format(Locale.ROOT, "%.0f ms", percentile(latencies, 99)));
        DemoLeakScan.Result scan = m.scan();
        row("bytes scanned for canaries", String.format(Locale.ROOT, "%,d store + %,d Kafka + %,d logs", scan.storeBytes(),
                scan.kafkaBytes(), scan.logBytes()));
        row("leaks found", Integer.toString(scan.leaks().size()));
        scan.leaks().forEach(l -> System.out.println("  LEAK: " + l));
        if (!failures.isEmpty()) {
            System.out.println();
            failures.forEach(f -> System.out.println("FAILED: " + f));
        }
        System.out.println(failures.isEmpty() ? "\nevery object verified, no plaintext outside the input: OK" : "\ndemo FAILED");
    }

    private static String delta(Map<String, String> before, Map<String, String> after, String key) {
        if (!after.containsKey(key)) {
            return "n/a";
        }
        return Long.toString(Long.parseLong(after.get(key)) - Long.parseLong(before.getOrDefault(key, "0")));
    }

    private static double percentile(List<Double> sorted, int p) {
        if (sorted.isEmpty()) {
            return Double.NaN;
        }
        int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
    }

    private static void row(String name, String value) {
        System.out.printf("  %-34s %s%n", name, value);
    }
}
