package io.srrrs.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.srrrs.embedded.FreePorts;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The real Prometheus server (Debian's 2.42, installed by bin/install-test-deps) scrapes the local
 * stack after the demo ran on it: the topology's own /metrics endpoint and the Connect worker
 * through the real Prometheus JMX exporter agent with deploy/connect/jmx-exporter.yaml; with
 * deploy/prometheus/alerts.yml loaded. Every topology and sink metric of docs/OPERATIONS.md must
 * be there with a plausible value. (The client's metrics live in applications: ClientMetricsTest.)
 */
class PrometheusScrapeIT {

    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void prometheusFindsEveryDocumentedMetricOfTheLocalStackAfterTheDemo() throws Exception {
        Path prometheus = Path.of("/usr/bin/prometheus");
        if (!Files.isExecutable(prometheus)) {
            fail("prometheus is missing: bin/install-test-deps installs Debian's prometheus package");
        }
        Path dir = Files.createTempDirectory(Files.createDirectories(Path.of("target").toAbsolutePath()), "scrape-");
        StackCommands.Up up = new StackCommands.Up();
        up.store = "auto";
        try (LocalStack stack = LocalStack.start(up.options(dir), step -> { })) {
            // The demo uses the stack running under --dir: this JVM's.
            Files.writeString(dir.resolve(StackCommands.PID), Long.toString(ProcessHandle.current().pid()));
            CliHelpTest.Run demo = CliHelpTest.run("demo", "--dir", dir.toString(), "--large-mb", "60");
            assertThat(demo.code()).as(demo.out() + demo.err()).isZero();
            Matcher verified = Pattern.compile("objects verified \\(SHA-256\\)\\s+(\\d+) of").matcher(demo.out());
            assertThat(verified.find()).as(demo.out()).isTrue();
            int objects = Integer.parseInt(verified.group(1));
            String topology = stack.endpoints().get("metrics");
            String connect = stack.endpoints().get("connect-metrics");
            assertThat(topology).as("the topology's metrics endpoint").isNotNull();
            assertThat(connect).as("the Connect worker's JMX exporter (srrrs.jmx.exporter.agent)").isNotNull();
            try (PrometheusServer server = PrometheusServer.start(prometheus, dir.resolve("prometheus"), topology, connect)) {
                server.awaitTargetsUp(Duration.ofSeconds(90));
                assertPlausible(server, objects, demo.out().contains("store rgw"));
                assertThat(server.get("/api/v1/rules").get("data").get("groups").get(0).get("rules").size())
                        .as("alerts.yml loaded").isEqualTo(6);
            }
        }
    }

    /** Every documented topology and sink metric has a series, and the ones the demo moves moved. */
    static void assertPlausible(PrometheusServer p, int objects, boolean sseC) throws Exception {
        Set<String> missing = new TreeSet<>();
        for (String name : DeployChecksTest.documented()) {
            if (name.startsWith("srrrs_client_")) {
                continue;
            }
            String series = p.isHistogram(name) ? name + "_count" : name;
            if (p.query(series).isEmpty()) {
                missing.add(name);
            }
        }
        assertThat(missing).as("documented metrics Prometheus did not find").isEmpty();
        assertThat(p.value("sum(srrrs_topology_references_received_total)")).isGreaterThanOrEqualTo(objects + 1);
        assertThat(p.value("sum(srrrs_topology_references_encrypted_total)")).isGreaterThanOrEqualTo(objects);
        assertThat(p.value("sum(srrrs_topology_references_rejected_total{reason=\"PATH_NOT_ALLOWED\"})"))
                .isGreaterThanOrEqualTo(1);
        assertThat(p.value("sum(srrrs_topology_plaintext_bytes_total)")).isGreaterThan(60e6);
        assertThat(p.value("sum(srrrs_topology_encryption_seconds_count)")).isGreaterThanOrEqualTo(objects);
        assertThat(p.value("sum(srrrs_kms_calls_total)")).isGreaterThanOrEqualTo(1);
        assertThat(p.value("sum(srrrs_dek_cache_hits_total) + sum(srrrs_dek_cache_misses_total)"))
                .isGreaterThanOrEqualTo(objects);
        assertThat(p.value("min(srrrs_topology_ready)")).isEqualTo(1);
        assertThat(p.value("sum(srrrs_topology_objects_in_flight)")).isZero();
        assertThat(p.value("sum(srrrs_sink_objects_written_total)")).isGreaterThanOrEqualTo(objects);
        assertThat(p.value("sum(srrrs_sink_bytes_written_total)")).isGreaterThan(60e6);
        assertThat(p.value("sum(srrrs_sink_upload_seconds_count)")).isGreaterThanOrEqualTo(objects);
        assertThat(p.value("sum(srrrs_sink_multipart_parts_total)")).as("the 60 MiB payload, 25 MiB parts").isGreaterThanOrEqualTo(3);
        assertThat(p.value("sum(srrrs_sink_objects_in_assembly)")).isZero();
        assertThat(p.value("max(srrrs_sink_oldest_unfinished_object_age_seconds)")).isZero();
        if (sseC) {
            assertThat(p.value("sum(srrrs_sink_sse_c_uploads_total)")).isGreaterThanOrEqualTo(1);
        }
        // Over all uploads so far (the buckets are cumulative): the exported le series form a histogram.
        assertThat(p.value("histogram_quantile(0.99, sum by (le) (srrrs_sink_upload_seconds))"))
                .as("histogram_quantile works on the exported buckets").isPositive().isFinite();
        assertThat(p.value("histogram_quantile(0.99, sum by (le) (srrrs_topology_encryption_seconds_bucket))"))
                .isPositive().isFinite();
    }

    /** A Prometheus server on loopback scraping two targets every two seconds. */
    record PrometheusServer(Process process, String url, Path dir) implements AutoCloseable {

        static PrometheusServer start(Path binary, Path dir, String topology, String connect) throws IOException {
            Files.createDirectories(dir);
            Path root = Path.of(System.getProperty("srrrs.root", ".."));
            Files.copy(root.resolve("deploy/prometheus/alerts.yml"), dir.resolve("alerts.yml"));
            Files.writeString(dir.resolve("prometheus.yml"), String.join("\n",
                    "global:", "  scrape_interval: 2s", "  scrape_timeout: 2s", "  evaluation_interval: 2s",
                    "rule_files:", "  - alerts.yml", "scrape_configs:",
                    "  - job_name: srrrs-topology", "    metrics_path: " + URI.create(topology).getPath(),
                    "    static_configs:", "      - targets: [\"" + hostPort(topology) + "\"]",
                    "  - job_name: srrrs-connect", "    metrics_path: " + URI.create(connect).getPath(),
                    "    static_configs:", "      - targets: [\"" + hostPort(connect) + "\"]", ""));
            int port = FreePorts.next();
            Process p = new ProcessBuilder(binary.toString(), "--config.file=" + dir.resolve("prometheus.yml"),
                    "--storage.tsdb.path=" + dir.resolve("data"), "--web.listen-address=127.0.0.1:" + port)
                    .redirectErrorStream(true).redirectOutput(dir.resolve("prometheus.log").toFile()).start();
            return new PrometheusServer(p, "http://127.0.0.1:" + port, dir);
        }

        static String hostPort(String url) {
            URI u = URI.create(url);
            return u.getHost() + ":" + u.getPort();
        }

        JsonNode get(String pathAndQuery) throws IOException, InterruptedException {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url + pathAndQuery))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            return new ObjectMapper().readTree(r.body());
        }

        /** Both targets up and each scraped at least twice (bounded). */
        void awaitTargetsUp(Duration timeout) throws Exception {
            long deadline = System.nanoTime() + timeout.toNanos();
            String last = "";
            while (System.nanoTime() < deadline) {
                try {
                    JsonNode targets = get("/api/v1/targets").get("data").get("activeTargets");
                    last = targets.toString();
                    List<String> up = new ArrayList<>();
                    targets.forEach(t -> {
                        if ("up".equals(t.get("health").asText())) {
                            up.add(t.get("labels").get("job").asText());
                        }
                    });
                    if (up.size() == 2 && samples("srrrs_sink_objects_written_total") >= 2
                            && samples("srrrs_topology_references_received_total") >= 2) {
                        return;
                    }
                } catch (IOException e) {
                    last = e.toString(); // not listening yet
                }
                Thread.sleep(500);
            }
            fail("Prometheus targets not up within " + timeout + ": " + last + " (log " + dir.resolve("prometheus.log") + ")");
        }

        /** How many scrapes of {@code metric} Prometheus holds (the fewest over its series). */
        double samples(String metric) throws IOException, InterruptedException {
            JsonNode r = query("min(count_over_time(" + metric + "[5m]))");
            return r.isEmpty() ? 0 : Double.parseDouble(r.get(0).get("value").get(1).asText());
        }

        JsonNode query(String promql) throws IOException, InterruptedException {
            return get("/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8)).get("data").get("result");
        }

        double value(String promql) throws IOException, InterruptedException {
            JsonNode result = query(promql);
            assertThat(result.size()).as(promql).isEqualTo(1);
            return Double.parseDouble(result.get(0).get("value").get(1).asText());
        }

        /** A histogram's series are name_bucket / _sum / _count. */
        boolean isHistogram(String name) throws IOException, InterruptedException {
            return !query(name + "_bucket").isEmpty();
        }

        @Override
        public void close() throws InterruptedException {
            process.destroy();
            if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }
}
