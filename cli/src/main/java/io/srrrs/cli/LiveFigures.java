package io.srrrs.cli;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * {@code srrrs status}'s live figures: the local stack's two Prometheus endpoints (the topology's
 * /metrics and the Connect worker's JMX exporter) read as a scraper reads them, each metric summed
 * over its labels (docs/OPERATIONS.md names them).
 */
final class LiveFigures {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

    private LiveFigures() {
    }

    /** Prints a topology line and a sink line; a missing or silent endpoint says so. */
    static void print(String topologyMetrics, String connectMetrics) {
        if (topologyMetrics != null) {
            Map<String, Double> t = scrape(topologyMetrics);
            System.out.println(t.isEmpty() ? "  topology: metrics endpoint not answering" : String.format(Locale.ROOT,
                    "  topology: %.0f references received, %.0f encrypted, %.0f to the DLQ, %.0f in flight, %.0f KMS"
                            + " calls (%.0f failed), %s", t.getOrDefault("srrrs_topology_references_received_total", 0.0),
                    t.getOrDefault("srrrs_topology_references_encrypted_total", 0.0),
                    t.getOrDefault("srrrs_topology_references_rejected_total", 0.0),
                    t.getOrDefault("srrrs_topology_objects_in_flight", 0.0), t.getOrDefault("srrrs_kms_calls_total", 0.0),
                    t.getOrDefault("srrrs_kms_failures_total", 0.0),
                    t.getOrDefault("srrrs_topology_ready", 0.0) >= 1 ? "ready" : "NOT READY (GET /health/ready says why)"));
        }
        if (connectMetrics != null) {
            Map<String, Double> s = scrape(connectMetrics);
            System.out.println(s.isEmpty() ? "  sink: metrics endpoint not answering" : String.format(Locale.ROOT,
                    "  sink: %.0f objects written (%.1f MB), %.0f in assembly, oldest unfinished %.1f s, %.0f refused,"
                            + " %.0f retries", s.getOrDefault("srrrs_sink_objects_written_total", 0.0),
                    s.getOrDefault("srrrs_sink_bytes_written_total", 0.0) / 1e6,
                    s.getOrDefault("srrrs_sink_objects_in_assembly", 0.0),
                    s.getOrDefault("srrrs_sink_oldest_unfinished_object_age_seconds", 0.0),
                    s.getOrDefault("srrrs_sink_refusals_total", 0.0), s.getOrDefault("srrrs_sink_retries_total", 0.0)));
        }
    }

    /** Each {@code srrrs_*} sample of the Prometheus text at {@code url}, summed by name; empty if it does not answer. */
    static Map<String, Double> scrape(String url) {
        try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5))
                    .build(), HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 ? sums(r.body()) : Map.of();
        } catch (IOException e) {
            return Map.of();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Map.of();
        }
    }

    static Map<String, Double> sums(String text) {
        Map<String, Double> sums = new HashMap<>();
        for (String line : text.split("\n")) {
            if (!line.startsWith("srrrs_")) {
                continue;
            }
            int name = line.indexOf('{') > 0 ? line.indexOf('{') : line.indexOf(' ');
            String[] parts = line.substring(line.lastIndexOf('}') > 0 ? line.lastIndexOf('}') + 1 : name).trim().split(" ");
            try {
                sums.merge(line.substring(0, name), Double.parseDouble(parts[0]), Double::sum);
            } catch (NumberFormatException e) {
                // NaN-free text format: a value we cannot read is left out
            }
        }
        return sums;
    }
}
