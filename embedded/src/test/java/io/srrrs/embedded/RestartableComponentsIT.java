package io.srrrs.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.srrrs.crypto.pki.LocalCa;
import io.srrrs.crypto.pki.Tls;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.net.ssl.SSLContext;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The fault suite's means of hurting components, each shown to hurt without losing state: a
 * broker JVM killed and started again keeps its records, a persistent registry killed and started
 * again keeps its ids, a Ceph gateway stopped and started keeps its objects, a stopped moto hangs
 * and answers again.
 */
class RestartableComponentsIT {

    @TempDir
    Path dir;

    @Test
    void aKilledBrokerProcessComesBackWithItsRecordsOnTheSameAddress() throws Exception {
        LocalCa ca = LocalCa.createOrLoad(dir.resolve("ca"));
        try (KafkaProcess kafka = KafkaProcess.start(dir.resolve("kafka"), ca, Map.of())) {
            kafka.createTopic("kept", 2, Map.of());
            Map<String, Object> p = new HashMap<>(kafka.clientProperties());
            p.put("acks", "all");
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
                producer.send(new ProducerRecord<>("kept", "k", "before the crash")).get();
            }
            kafka.kill();
            assertThat(kafka.isAlive()).isFalse();
            kafka.start();
            Map<String, Object> c = new HashMap<>(kafka.clientProperties());
            c.put("group.id", "check-" + UUID.randomUUID());
            c.put("auto.offset.reset", "earliest");
            try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(c, new StringDeserializer(),
                    new StringDeserializer())) {
                consumer.subscribe(List.of("kept"));
                List<String> seen = new java.util.ArrayList<>();
                long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                while (seen.isEmpty() && System.nanoTime() < deadline) {
                    for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                        seen.add(r.value());
                    }
                }
                assertThat(seen).containsExactly("before the crash");
            }
        }
    }

    @Test
    void aPersistentRegistryKilledAndStartedAgainAnswersTheSameIds() throws Exception {
        LocalCa ca = LocalCa.createOrLoad(dir.resolve("ca"));
        int port = FreePorts.next();
        HttpClient http = http(ca);
        String url = "https://127.0.0.1:" + port + "/apis/ccompat/v7";
        ApicurioRegistry registry = ApicurioRegistry.startPersistent(dir.resolve("registry"), ca, port);
        String a;
        String b;
        try {
            a = register(http, url, "a-value", "{\"type\":\"record\",\"name\":\"A\",\"fields\":[]}");
            b = register(http, url, "b-value", "{\"type\":\"record\",\"name\":\"B\",\"fields\":[]}");
            registry.kill(); // at once: the last registration must already be on disk
        } finally {
            registry.close();
        }
        registry = ApicurioRegistry.startPersistent(dir.resolve("registry"), ca, port);
        try {
            assertThat(get(http, url + "/schemas/ids/" + a)).contains("\"name\\\":\\\"A\\\"");
            assertThat(get(http, url + "/schemas/ids/" + b)).contains("\"name\\\":\\\"B\\\"");
        } finally {
            registry.close();
        }
    }

    @Test
    void aStoppedCephGatewayStartsAgainWithItsObjects() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/radosgw")), "Ceph packages missing (bin/install-test-deps)");
        LocalCa ca = LocalCa.createOrLoad(dir.resolve("ca"));
        try (CephRgw rgw = CephRgw.start(dir.resolve("rgw"), ca); S3Client s3 = s3(rgw, ca)) {
            s3.createBucket(r -> r.bucket("kept"));
            s3.putObject(r -> r.bucket("kept").key("o"), RequestBody.fromString("stored before the outage"));
            rgw.stopGateway();
            assertThatThrownBy(() -> s3.headBucket(r -> r.bucket("kept"))).isInstanceOf(RuntimeException.class);
            rgw.startGateway();
            assertThat(s3.getObjectAsBytes(r -> r.bucket("kept").key("o")).asUtf8String())
                    .isEqualTo("stored before the outage");
        }
    }

    @Test
    void aSuspendedMotoHangsAndAnswersAgainWhenResumed() throws Exception {
        assumeTrue(MotoKms.executable().isPresent(), "moto_server is not installed");
        LocalCa ca = LocalCa.createOrLoad(dir.resolve("ca"));
        try (MotoKms moto = MotoKms.start(dir.resolve("moto"), ca)) {
            // Patient when it runs (moto is slow on a loaded machine), brief when it is stopped.
            HttpRequest request = HttpRequest.newBuilder(moto.endpoint()).timeout(Duration.ofSeconds(30)).build();
            HttpRequest brief = HttpRequest.newBuilder(moto.endpoint()).timeout(Duration.ofSeconds(5)).build();
            assertThat(http(ca).send(request, HttpResponse.BodyHandlers.discarding()).statusCode()).isLessThan(500);
            moto.suspend();
            try {
                assertThatThrownBy(() -> http(ca).send(brief, HttpResponse.BodyHandlers.discarding()))
                        .isInstanceOf(HttpTimeoutException.class);
            } finally {
                moto.resume();
            }
            assertThat(http(ca).send(request, HttpResponse.BodyHandlers.discarding()).statusCode()).isLessThan(500);
        }
    }

    private static HttpClient http(LocalCa ca) throws Exception {
        SSLContext ssl = Tls.clientContext(ca.truststore(), LocalCa.TRUSTSTORE_PASSWORD, "PKCS12");
        return HttpClient.newBuilder().sslContext(ssl).sslParameters(Tls.onlyTls13(ssl))
                .connectTimeout(Duration.ofSeconds(3)).build();
    }

    private static String register(HttpClient http, String url, String subject, String schema) throws Exception {
        String body = "{\"schema\":\"" + schema.replace("\"", "\\\"") + "\"}";
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url + "/subjects/" + subject + "/versions"))
                .header("Content-Type", "application/vnd.schemaregistry.v1+json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return r.body().replaceAll("\\D", "");
    }

    private static String get(HttpClient http, String url) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return r.body();
    }

    private static S3Client s3(CephRgw rgw, LocalCa ca) throws Exception {
        return S3Client.builder().endpointOverride(rgw.httpsEndpoint()).region(Region.US_EAST_1).forcePathStyle(true)
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(rgw.accessKey(),
                        rgw.secretKey())))
                .httpClient(ApacheHttpClient.builder().tlsTrustManagersProvider(() -> ChaosTrust.managers(ca)).build())
                .build();
    }

    /** Trust managers for the CA, unchecked for the SDK's supplier. */
    private static final class ChaosTrust {
        static javax.net.ssl.TrustManager[] managers(LocalCa ca) {
            try {
                return Tls.trustManagers(ca.truststore(), LocalCa.TRUSTSTORE_PASSWORD, "PKCS12");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
