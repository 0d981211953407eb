package io.srrrs.topology.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.srrrs.crypto.format.EncryptionContext;
import io.srrrs.crypto.kms.DecoratedKms;
import io.srrrs.crypto.kms.KekId;
import io.srrrs.crypto.kms.KmsConfig;
import io.srrrs.crypto.kms.local.LocalKeystoreKms;
import io.srrrs.topology.RejectReason;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The endpoint on a free port: every topology metric of the contract, and the probes' 200/503. */
class OpsEndpointTest {

    /** The topology table of the metrics contract (issue 14): name as Prometheus shows it, and its TYPE. */
    static final Map<String, String> CONTRACT = Map.ofEntries(
            Map.entry("srrrs_topology_references_received_total", "counter"),
            Map.entry("srrrs_topology_references_encrypted_total", "counter"),
            Map.entry("srrrs_topology_references_rejected_total", "counter"),
            Map.entry("srrrs_topology_plaintext_bytes_total", "counter"),
            Map.entry("srrrs_topology_objects_in_flight", "gauge"),
            Map.entry("srrrs_topology_encryption_seconds", "histogram"),
            Map.entry("srrrs_topology_source_fetch_seconds", "histogram"),
            Map.entry("srrrs_kms_calls_total", "counter"),
            Map.entry("srrrs_kms_failures_total", "counter"),
            Map.entry("srrrs_kms_call_seconds", "histogram"),
            Map.entry("srrrs_dek_cache_hits_total", "counter"),
            Map.entry("srrrs_dek_cache_misses_total", "counter"),
            Map.entry("srrrs_dek_cache_evictions_total", "counter"),
            Map.entry("srrrs_dek_cache_oldest_age_seconds", "gauge"),
            Map.entry("srrrs_topology_ready", "gauge"));

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newHttpClient();
    private final AtomicReference<Health> live = new AtomicReference<>(Health.UP);
    private final AtomicReference<Health> ready = new AtomicReference<>(Health.down("Kafka Streams is REBALANCING"));
    private DecoratedKms kms;
    private OpsEndpoint ops;

    @BeforeEach
    void start() throws Exception {
        Path keystore = dir.resolve("keks.p12");
        try (LocalKeystoreKms local = LocalKeystoreKms.openOrCreate(keystore, "pw".toCharArray())) {
            local.createKek("orders");
        }
        kms = KmsConfig.stack(Map.of("kms.type", "local", "kms.local.keystore", keystore.toString(),
                "kms.local.password", "pw"));
        ops = OpsEndpoint.create(new OpsConfig(0, "127.0.0.1", Duration.ofSeconds(5)), kms);
        ops.serve(new Health.Source() {
            @Override
            public Health live() {
                return live.get();
            }

            @Override
            public Health ready() {
                return ready.get();
            }
        });
    }

    @AfterEach
    void stop() {
        ops.close();
        kms.close();
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ops.port() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void metricsListsEveryTopologyMetricOfTheContractWithItsType() throws Exception {
        assertThat(ops.port()).isPositive();
        HttpResponse<String> r = get("/metrics");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/plain"));
        CONTRACT.forEach((name, type) -> assertThat(r.body()).as(name).contains("# TYPE " + name + " " + type + "\n"));
        assertThat(r.body()).contains("srrrs_topology_encryption_seconds_bucket{format=\"s3ec-v3\",le=\"0.005\"} 0");
        assertThat(r.body()).contains("srrrs_topology_references_rejected_total{reason=\"POLICY_DENIED\"} 0.0");
        assertThat(r.body()).contains("srrrs_topology_source_fetch_seconds_count{scheme=\"https\"} 0");
        assertThat(r.body()).contains("srrrs_kms_calls_total{operation=\"generate\",provider=\"local\"} 0.0");
        assertThat(r.body()).contains("jvm_memory_used_bytes");
    }

    @Test
    void eventsShowInTheirSeries() throws Exception {
        TopologyMeters m = ops.meters();
        m.received();
        m.received();
        m.encrypted("srrrs-v1", 1234, 3_000_000);
        m.rejected(RejectReason.SOURCE_NOT_FOUND);
        m.fetched("file", 2_000_000);
        try (TopologyMeters.InFlight a = m.inFlight(); TopologyMeters.InFlight b = m.inFlight()) {
            a.set(2);
            b.set(1);
            assertThat(get("/metrics").body()).contains("srrrs_topology_objects_in_flight 3.0");
        }
        KekId kek = kms.kms().resolve("orders");
        kms.kms().generateDataKey(kek, EncryptionContext.of("tenant", "acme")).close();
        kms.kms().generateDataKey(kek, EncryptionContext.of("tenant", "acme")).close();

        String body = get("/metrics").body();
        assertThat(body).contains("srrrs_topology_references_received_total 2.0",
                "srrrs_topology_references_encrypted_total{format=\"srrrs-v1\"} 1.0",
                "srrrs_topology_plaintext_bytes_total 1234.0",
                "srrrs_topology_references_rejected_total{reason=\"SOURCE_NOT_FOUND\"} 1.0",
                "srrrs_topology_encryption_seconds_bucket{format=\"srrrs-v1\",le=\"0.005\"} 1",
                "srrrs_topology_encryption_seconds_count{format=\"srrrs-v1\"} 1",
                "srrrs_topology_source_fetch_seconds_count{scheme=\"file\"} 1",
                "srrrs_topology_objects_in_flight 0.0",
                "srrrs_kms_calls_total{operation=\"generate\",provider=\"local\"} 1.0",
                "srrrs_kms_calls_total{operation=\"resolve\",provider=\"local\"} 1.0",
                "srrrs_kms_call_seconds_count{operation=\"generate\",provider=\"local\"} 1",
                "srrrs_dek_cache_hits_total 1.0",
                "srrrs_dek_cache_misses_total 1.0",
                "srrrs_dek_cache_evictions_total{cause=\"age\"} 0.0");
        assertThat(body).doesNotContain("acme");
    }

    @Test
    void probesFollowTheirSource() throws Exception {
        assertThat(get("/health/live").statusCode()).isEqualTo(200);
        HttpResponse<String> notYet = get("/health/ready");
        assertThat(notYet.statusCode()).isEqualTo(503);
        assertThat(notYet.body()).isEqualTo("Kafka Streams is REBALANCING\n");
        assertThat(get("/metrics").body()).contains("srrrs_topology_ready 0.0");

        ready.set(Health.UP);
        assertThat(get("/health/ready").statusCode()).isEqualTo(200);
        assertThat(get("/metrics").body()).contains("srrrs_topology_ready 1.0");

        live.set(Health.down("Kafka Streams is ERROR"));
        HttpResponse<String> dead = get("/health/live");
        assertThat(dead.statusCode()).isEqualTo(503);
        assertThat(dead.body()).isEqualTo("Kafka Streams is ERROR\n");
    }

    @Test
    void onlyTheThreeRoutesAndOnlyReads() throws Exception {
        assertThat(get("/metricsx").statusCode()).isEqualTo(404);
        assertThat(get("/").statusCode()).isEqualTo(404);
        HttpResponse<String> post = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ops.port()
                + "/metrics")).POST(HttpRequest.BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(post.statusCode()).isEqualTo(405);
    }

    @Test
    void portMinusOneServesNothing() throws Exception {
        try (OpsEndpoint off = OpsEndpoint.create(new OpsConfig(OpsConfig.DISABLED, "127.0.0.1", Duration.ZERO), kms)) {
            off.serve(new TopologyHealth(() -> org.apache.kafka.streams.KafkaStreams.State.RUNNING, () -> { }, () -> { },
                    Duration.ZERO, java.time.Clock.systemUTC()));
            assertThat(off.port()).isEqualTo(OpsConfig.DISABLED);
            assertThat(off.scrape()).contains("srrrs_topology_ready 1.0");
        }
    }
}
