package io.srrrs.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.srrrs.crypto.CiphertextException.Failure;
import io.srrrs.crypto.TamperedObjectException;
import io.srrrs.crypto.kms.DecoratedKms;
import io.srrrs.crypto.kms.KekAllowList;
import io.srrrs.crypto.kms.KekId;
import io.srrrs.crypto.kms.local.LocalKeystoreKms;
import io.srrrs.crypto.pki.LocalCa;
import io.srrrs.embedded.EmbeddedS3;
import io.srrrs.store.StoreClients;
import io.srrrs.store.StoreConfig;

import java.io.InputStream;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;

/**
 * The client's metrics move with what it reads, as a Prometheus registry shows them: opens by kind,
 * plaintext bytes, unwrap cache hits, a tampered object's refusal under its failure. Against S3Proxy
 * (TLS 1.3) and the local KMS, as the other client tests.
 */
class ClientMetricsTest {

    static final KekAllowList ALLOWED = KekAllowList.parse("orders", "");

    @TempDir
    static Path dir;
    static EmbeddedS3 s3;
    static LocalCa ca;
    static S3Client admin;
    static DecoratedKms kms;

    @BeforeAll
    static void start() throws Exception {
        ca = LocalCa.createOrLoad(dir.resolve("ca"));
        s3 = EmbeddedS3.start(dir.resolve("s3"), ca);
        admin = StoreClients.s3(store());
        admin.createBucket(b -> b.bucket("data"));
        LocalKeystoreKms keystore = LocalKeystoreKms.openOrCreate(dir.resolve("keks.p12"), "pw".toCharArray());
        keystore.createKek("orders");
        kms = DecoratedKms.around(keystore, DecoratedKms.Config.DEFAULTS);
    }

    static StoreConfig store() {
        return StoreConfig.of(s3.httpsEndpoint(), s3.accessKey(), s3.secretKey(), ca.truststore());
    }

    @AfterAll
    static void stop() throws Exception {
        admin.close();
        s3.close();
        kms.close();
    }

    static double sample(PrometheusMeterRegistry registry, String series) {
        for (String line : registry.scrape().split("\n")) {
            if (line.startsWith(series + " ")) {
                return Double.parseDouble(line.substring(series.length() + 1).trim());
            }
        }
        throw new AssertionError(series + " not in the scrape:\n" + registry.scrape());
    }

    @Test
    void opensBytesAndUnwrapCacheHitsCountWhatWasRead() throws Exception {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        int[] lengths = {1000, 20_000, 70_000};
        for (int i = 0; i < lengths.length; i++) {
            SrrrsClientTest.writeObject(admin, kms.kms(), new KekId("orders"), "data", "m/" + i,
                    SrrrsClientTest.payload(lengths[i]), 4096);
        }
        try (SrrrsClient client = SrrrsClient.builder(store(), kms, ALLOWED).meterRegistry(registry).build()) {
            for (int i = 0; i < lengths.length; i++) {
                assertThat(client.readAll("data", "m/" + i)).hasSize(lengths[i]);
            }
            double hitsBefore = sample(registry, "srrrs_client_unwrap_cache_hits_total");
            try (InputStream in = client.openRange("data", "m/2", 5000, 10_000)) {
                assertThat(in.readAllBytes()).hasSize(10_000);
            }
            assertThat(sample(registry, "srrrs_client_opens_total{kind=\"whole\"}")).isEqualTo(3);
            assertThat(sample(registry, "srrrs_client_opens_total{kind=\"range\"}")).isEqualTo(1);
            assertThat(sample(registry, "srrrs_client_decrypted_bytes_total")).isEqualTo(1000 + 20_000 + 70_000 + 10_000);
            assertThat(sample(registry, "srrrs_client_unwrap_cache_hits_total")).as("m/2's DEK, unwrapped already")
                    .isEqualTo(hitsBefore + 1);
            assertThat(sample(registry, "srrrs_client_unwrap_cache_hits_total"))
                    .isEqualTo((double) kms.unwrapCacheStats().hits());
            assertThat(sample(registry, "srrrs_client_verification_failures_total{failure=\"SEGMENT_MODIFIED\"}"))
                    .isZero();
        }
    }

    @Test
    void aTamperedObjectCountsItsFailureByName() throws Exception {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        SrrrsClientTest.writeObject(admin, kms.kms(), new KekId("orders"), "data", "t/x", SrrrsClientTest.payload(3 * 4096),
                4096);
        ResponseBytes<GetObjectResponse> stored = admin.getObjectAsBytes(b -> b.bucket("data").key("t/x"));
        byte[] body = stored.asByteArray();
        body[body.length - 100] ^= 1; // inside the final segment
        Map<String, String> metadata = stored.response().metadata();
        admin.putObject(b -> b.bucket("data").key("t/x").metadata(metadata), RequestBody.fromBytes(body));
        try (SrrrsClient client = SrrrsClient.builder(store(), kms, ALLOWED).meterRegistry(registry).build()) {
            assertThatThrownBy(() -> client.readAll("data", "t/x")).isInstanceOfSatisfying(TamperedObjectException.class,
                    e -> assertThat(e.failure()).isEqualTo(Failure.SEGMENT_MODIFIED));
            assertThatThrownBy(() -> client.readAll("data", "t/x")).isInstanceOf(TamperedObjectException.class);
        }
        for (Failure f : Failure.values()) {
            assertThat(sample(registry, "srrrs_client_verification_failures_total{failure=\"" + f.name() + "\"}"))
                    .as(f.name()).isEqualTo(f == Failure.SEGMENT_MODIFIED ? 2 : 0);
        }
        assertThat(sample(registry, "srrrs_client_opens_total{kind=\"whole\"}")).isEqualTo(2);
    }

    @Test
    void aClientWithoutARegistryReadsAsBefore() throws Exception {
        SrrrsClientTest.writeObject(admin, kms.kms(), new KekId("orders"), "data", "n/x", SrrrsClientTest.payload(10), 4096);
        try (SrrrsClient client = SrrrsClient.builder(store(), kms, ALLOWED).meterRegistry(null).build()) {
            assertThat(client.readAll("data", "n/x")).hasSize(10);
        }
        assertThat(ClientMetrics.of(null, kms::unwrapCacheStats)).isSameAs(ClientMetrics.NONE);
    }
}
