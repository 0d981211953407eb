package io.srrrs.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.srrrs.crypto.pki.LocalCa;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManagerFactory;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The embedded broker and registry are real, speak TLS 1.3, and refuse TLS 1.2. */
class EmbeddedComponentsIT {

    @TempDir
    static Path dir;
    static LocalCa ca;
    static EmbeddedKafka kafka;
    static ApicurioRegistry registry;
    static EmbeddedS3 s3;

    @BeforeAll
    static void start() throws Exception {
        ca = LocalCa.createOrLoad(dir.resolve("ca"));
        kafka = EmbeddedKafka.start(dir.resolve("kafka"), ca);
        registry = ApicurioRegistry.start(dir.resolve("registry"), ca);
        s3 = EmbeddedS3.start(dir.resolve("s3"), ca);
    }

    @AfterAll
    static void stop() throws Exception {
        if (s3 != null) {
            s3.close();
        }
        if (registry != null) {
            registry.close();
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void aRecordGoesThroughTheBrokerOverTls13() throws Exception {
        kafka.createTopic("embedded-check", 1, Map.of());
        Map<String, Object> p = new HashMap<>(kafka.clientProperties());
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>("embedded-check", "k", "hello over TLS 1.3")).get();
        }
        Map<String, Object> c = new HashMap<>(kafka.clientProperties());
        c.put("group.id", "embedded-check");
        c.put("auto.offset.reset", "earliest");
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(c, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of("embedded-check"));
            long deadline = System.currentTimeMillis() + 30_000;
            while (System.currentTimeMillis() < deadline) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                    assertThat(r.value()).isEqualTo("hello over TLS 1.3");
                    return;
                }
            }
        }
        throw new AssertionError("record not consumed");
    }

    @Test
    void theRegistryAnswersTheConfluentApiOverTls13AndRefusesTls12() throws Exception {
        HttpResponse<String> ok = client("TLSv1.3").send(HttpRequest.newBuilder(URI.create(registry.url() + "/subjects"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(ok.body()).startsWith("[");
        assertThatThrownBy(() -> client("TLSv1.2").send(HttpRequest.newBuilder(URI.create(registry.url() + "/subjects"))
                .build(), HttpResponse.BodyHandlers.ofString())).isInstanceOf(SSLHandshakeException.class);
    }

    @Test
    void theBrokerRefusesATls12Client() throws Exception {
        SSLContext ctx = SSLContext.getInstance("TLSv1.2");
        ctx.init(null, trust().getTrustManagers(), null);
        try (javax.net.ssl.SSLSocket socket = (javax.net.ssl.SSLSocket) ctx.getSocketFactory()
                .createSocket("127.0.0.1", kafka.port())) {
            socket.setEnabledProtocols(new String[] {"TLSv1.2"});
            assertThatThrownBy(socket::startHandshake).isInstanceOf(javax.net.ssl.SSLException.class);
        }
    }

    @Test
    void theS3ServerStoresWhatItIsGivenOverTls13AndRefusesTls12() throws Exception {
        javax.net.ssl.TrustManagerFactory tmf = trust();
        try (software.amazon.awssdk.services.s3.S3Client client = software.amazon.awssdk.services.s3.S3Client.builder()
                .endpointOverride(s3.httpsEndpoint())
                .region(software.amazon.awssdk.regions.Region.US_EAST_1)
                .forcePathStyle(true)
                .requestChecksumCalculation(software.amazon.awssdk.core.checksums.RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(software.amazon.awssdk.core.checksums.ResponseChecksumValidation.WHEN_REQUIRED)
                .credentialsProvider(software.amazon.awssdk.auth.credentials.StaticCredentialsProvider.create(
                        software.amazon.awssdk.auth.credentials.AwsBasicCredentials.create(s3.accessKey(), s3.secretKey())))
                .httpClient(software.amazon.awssdk.http.apache.ApacheHttpClient.builder()
                        .tlsTrustManagersProvider(tmf::getTrustManagers).build())
                .build()) {
            client.createBucket(b -> b.bucket("check"));
            client.putObject(b -> b.bucket("check").key("dir/hello.txt"),
                    software.amazon.awssdk.core.sync.RequestBody.fromString("hello"));
            assertThat(client.getObjectAsBytes(b -> b.bucket("check").key("dir/hello.txt")).asUtf8String())
                    .isEqualTo("hello");
        }
        assertThat(java.nio.file.Files.readString(s3.dataDir().resolve("check/dir/hello.txt"))).isEqualTo("hello");
        HttpResponse<String> tls13 = client("TLSv1.3").send(HttpRequest.newBuilder(s3.httpsEndpoint()).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(tls13.statusCode()).isBetween(200, 499);
        assertThatThrownBy(() -> client("TLSv1.2").send(HttpRequest.newBuilder(s3.httpsEndpoint()).build(),
                HttpResponse.BodyHandlers.ofString())).isInstanceOf(SSLHandshakeException.class);
    }

    private static HttpClient client(String protocol) throws Exception {
        SSLContext ctx = SSLContext.getInstance(protocol);
        ctx.init(null, trust().getTrustManagers(), null);
        SSLParameters params = ctx.getDefaultSSLParameters();
        params.setProtocols(new String[] {protocol});
        return HttpClient.newBuilder().sslContext(ctx).sslParameters(params).build();
    }

    private static TrustManagerFactory trust() throws Exception {
        java.security.KeyStore ks = java.security.KeyStore.getInstance("PKCS12");
        try (var in = java.nio.file.Files.newInputStream(ca.truststore())) {
            ks.load(in, LocalCa.TRUSTSTORE_PASSWORD);
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        return tmf;
    }
}
