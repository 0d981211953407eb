package io.srrrs.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.srrrs.client.ObjectInfo;
import io.srrrs.client.SrrrsClient;
import io.srrrs.crypto.ObjectMetadata;
import io.srrrs.crypto.SseCKeySealer;
import io.srrrs.crypto.kms.KekAllowList;
import io.srrrs.crypto.kms.KekId;
import io.srrrs.embedded.CephRgw;
import io.srrrs.embedded.ConnectWorker;
import io.srrrs.schemas.InlineSource;
import io.srrrs.schemas.PayloadReference;
import io.srrrs.schemas.UriSource;
import io.srrrs.serdes.AvroSerializer;
import io.srrrs.store.StoreClients;
import io.srrrs.store.StoreConfig;
import io.srrrs.topology.EncryptorApp;
import io.srrrs.topology.TopologyConfig;

import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * SSE-C and metadata truth on a store that enforces SSE-C: Ceph RGW (HTTPS, TLS 1.3 only), fed
 * by the whole pipeline (topology → chunk topic → the sink in a real Connect worker). SSE-C
 * objects cannot be read without their key or with a wrong one; the client reads them with the
 * key it derives; the bytes RADOS holds contain no plaintext, and for SSE-C objects not even
 * our own ciphertext (the store encrypted it again).
 */
class SseCOnCephIT {

    static final byte[] CANARY = PipelineEndToEndIT.CANARY;

    @TempDir
    Path inbox;

    @TempDir
    Path raw;

    @Test
    void sseCObjectsAreEncryptedTwiceAndReadableOnlyWithTheirDerivedKey() throws Exception {
        SinkItEnvironment stack = SinkItEnvironment.get();
        String prefix = "ceph";
        try (CephRgw ceph = CephRgw.start(stack.dir.resolve("ceph"), stack.ca)) {
            StoreConfig store = new StoreConfig(ceph.httpsEndpoint(), "default", true, ceph.accessKey(), ceph.secretKey(),
                    stack.ca.truststore(), "changeit", 5, Duration.ofMillis(200), Duration.ofSeconds(5));
            S3Client admin = StoreClients.s3(store);
            admin.createBucket(b -> b.bucket("vault"));
            stack.kafka.createTopic(prefix + "-refs", 2, Map.of());
            stack.kafka.createTopic(prefix + "-chunks", 2, Map.of());

            // Two SSE-C objects (one PutObject, one multipart of three parts) and a plain one.
            Map<String, String> expected = new LinkedHashMap<>();
            List<PayloadReference> refs = new ArrayList<>();
            Path big = inbox.resolve("big.bin");
            expected.put("ssec/big.bin", HexFormat.of().formatHex(PipelineEndToEndIT.writePayload(big, 12L << 20, 7)));
            refs.add(PayloadReference.newBuilder().setId("ceph-big").setSource(new UriSource("file:" + big))
                    .setBucket("vault").setKey("ssec/big.bin").setSseC(true).setUserMetadata(Map.of("owner", "legal"))
                    .build());
            byte[] small = (new String(CANARY, StandardCharsets.US_ASCII) + " small ").repeat(300).getBytes(StandardCharsets.US_ASCII);
            expected.put("ssec/small.txt", sha256(small));
            refs.add(PayloadReference.newBuilder().setId("ceph-small").setSource(new InlineSource(ByteBuffer.wrap(small)))
                    .setBucket("vault").setKey("ssec/small.txt").setSseC(true).setContentType("text/plain").build());
            byte[] plain = (new String(CANARY, StandardCharsets.US_ASCII) + " plain ").repeat(300).getBytes(StandardCharsets.US_ASCII);
            expected.put("plain/p.txt", sha256(plain));
            refs.add(PayloadReference.newBuilder().setId("ceph-plain").setSource(new InlineSource(ByteBuffer.wrap(plain)))
                    .setBucket("vault").setKey("plain/p.txt").setContentType("text/plain").build());

            SseCKeySealer.KeyPair sinkKeys = SseCKeySealer.generateKeyPair();
            Map<String, String> topology = stack.topologyConfig(prefix, inbox);
            topology.put(TopologyConfig.SSE_C_SINK_PUBLIC_KEY, sinkKeys.publicKeyBase64());
            Map<String, String> connector = stack.connectorConfig(prefix + "-chunks", "vault");
            connector.put(S3SinkConfig.STORE_URL, ceph.httpsEndpoint().toString());
            connector.put(S3SinkConfig.REGION, "default");
            connector.put(S3SinkConfig.ACCESS_KEY, ceph.accessKey());
            connector.put(S3SinkConfig.SECRET_KEY, ceph.secretKey());
            connector.put(S3SinkConfig.SSE_C_PRIVATE_KEY, sinkKeys.privateKeyBase64());

            try (ConnectWorker worker = stack.worker("ceph-connect");
                 EncryptorApp app = EncryptorApp.start(TopologyConfig.of(topology))) {
                assertThat(worker.putConnector("srrrs-ceph-sink", connector).statusCode()).isEqualTo(201);
                worker.awaitRunning("srrrs-ceph-sink", Duration.ofSeconds(60));
                app.awaitRunning(Duration.ofSeconds(60));
                AvroSerializer<PayloadReference> values = new AvroSerializer<>();
                values.configure(stack.registryProperties(), false);
                try (KafkaProducer<String, PayloadReference> producer = new KafkaProducer<>(
                        new HashMap<>(stack.kafka.clientProperties()), new StringSerializer(), values)) {
                    for (PayloadReference r : refs) {
                        producer.send(new ProducerRecord<>(prefix + "-refs", r.getId(), r)).get();
                    }
                }
                // HEAD of an SSE-C object needs its key, so wait on the bucket listing.
                long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
                while (!listKeys(admin).containsAll(expected.keySet()) && System.nanoTime() < deadline) {
                    Thread.sleep(500);
                }
                assertThat(listKeys(admin)).as("objects in the store (worker log %s)", worker.log())
                        .containsAll(expected.keySet());
            }

            // Without the key, or with a wrong one, Ceph gives nothing of an SSE-C object.
            byte[] wrong = new byte[32];
            new SecureRandom().nextBytes(wrong);
            String wrongB64 = Base64.getEncoder().encodeToString(wrong);
            String wrongMd5 = Base64.getEncoder().encodeToString(MessageDigest.getInstance("MD5").digest(wrong));
            for (String key : List.of("ssec/big.bin", "ssec/small.txt")) {
                assertThatThrownBy(() -> admin.getObjectAsBytes(b -> b.bucket("vault").key(key)))
                        .as("GET %s without the key", key).isInstanceOf(S3Exception.class);
                assertThatThrownBy(() -> admin.headObject(b -> b.bucket("vault").key(key)))
                        .as("HEAD %s without the key", key).isInstanceOf(S3Exception.class);
                assertThatThrownBy(() -> admin.getObjectAsBytes(b -> b.bucket("vault").key(key).sseCustomerAlgorithm("AES256")
                        .sseCustomerKey(wrongB64).sseCustomerKeyMD5(wrongMd5)))
                        .as("GET %s with a wrong key", key).isInstanceOf(S3Exception.class);
                // Its metadata companion is readable without a key and holds only the documented fields.
                HeadObjectResponse companion = admin.headObject(b -> b.bucket("vault")
                        .key(ObjectMetadata.SSE_C_COMPANION_PREFIX + key));
                assertThat(companion.metadata().keySet()).isEqualTo(Set.of("srrrs-header", "srrrs-kms", "srrrs-kek-id",
                        "srrrs-wrapped-dek", "srrrs-sse-c"));
                assertThat(companion.contentLength()).isZero();
            }

            // The plain object carries the documented metadata on the object itself; its header is the body's.
            HeadObjectResponse head = admin.headObject(b -> b.bucket("vault").key("plain/p.txt"));
            ResponseBytes<GetObjectResponse> first = admin.getObjectAsBytes(b -> b.bucket("vault").key("plain/p.txt")
                    .range("bytes=0-129"));
            assertThat(head.metadata().get("srrrs-header")).isEqualTo(Base64.getEncoder().encodeToString(first.asByteArray()));
            assertThat(head.metadata()).containsKeys("srrrs-kms", "srrrs-kek-id", "srrrs-wrapped-dek")
                    .doesNotContainKey("srrrs-sse-c");
            assertThat(head.contentType()).isEqualTo("text/plain");

            byte[] plainHeader = first.asByteArray();
            List<byte[]> sseCHeaders = new ArrayList<>();
            try (SrrrsClient client = SrrrsClient.create(store, stack.kms.kms(),
                    KekAllowList.parse("orders,archive", ""))) {
                for (Map.Entry<String, String> e : expected.entrySet()) {
                    try (InputStream in = client.open("vault", e.getKey())) {
                        assertThat(PipelineEndToEndIT.sha256(in)).as("SHA-256 of %s", e.getKey()).isEqualTo(e.getValue());
                    }
                }
                ObjectInfo info = client.inspect("vault", "ssec/big.bin");
                assertThat(info.sseC()).isTrue();
                assertThat(info.userMetadata()).containsEntry("owner", "legal");
                sseCHeaders.add(info.metadata().header().toBytes());
                sseCHeaders.add(client.inspect("vault", "ssec/small.txt").metadata().header().toBytes());

                // Ranged reads of an SSE-C multipart object, at segment and part boundaries.
                byte[] whole = client.readAll("vault", "ssec/big.bin");
                int s = info.metadata().header().segmentSize();
                for (long at : new long[] {0, s - 1, s, 5L * 1024 * 1024 - 1, 5L * 1024 * 1024, whole.length - 2}) {
                    try (InputStream in = client.openRange("vault", "ssec/big.bin", at, 2)) {
                        assertThat(in.readAllBytes()).as("range at %d", at)
                                .isEqualTo(Arrays.copyOfRange(whole, (int) at, (int) at + 2));
                    }
                }

                // Rewrap on Ceph: a plain object with CopyObject; an SSE-C one part by part
                // (Ceph RGW 16 answers 501 to CopyObject from an SSE-C source).
                for (String key : List.of("plain/p.txt", "ssec/small.txt", "ssec/big.bin")) {
                    ObjectInfo moved = client.rewrap("vault", key, "archive");
                    assertThat(moved.metadata().wrappedDek().kek()).isEqualTo(stack.kms.kms().resolve("archive"));
                }
            }
            // A fresh client (no caches) reads the rewrapped objects under the new KEK.
            try (SrrrsClient fresh = SrrrsClient.create(store, stack.kms.kms(),
                    KekAllowList.parse("orders,archive", ""))) {
                for (Map.Entry<String, String> e : expected.entrySet()) {
                    KekId kek = fresh.inspect("vault", e.getKey()).metadata().wrappedDek().kek();
                    assertThat(kek).isEqualTo(stack.kms.kms().resolve("archive"));
                    try (InputStream in = fresh.open("vault", e.getKey())) {
                        assertThat(PipelineEndToEndIT.sha256(in)).as("SHA-256 of %s after rewrap", e.getKey())
                                .isEqualTo(e.getValue());
                    }
                }
            }
            assertThatThrownBy(() -> admin.getObjectAsBytes(b -> b.bucket("vault").key("ssec/big.bin")))
                    .as("still SSE-C after the rewrap").isInstanceOf(S3Exception.class);
            assertThat(admin.listMultipartUploads(b -> b.bucket("vault")).uploads()).isEmpty();

            // What RADOS holds: no plaintext anywhere; our plain object's ciphertext as uploaded;
            // the SSE-C objects' ciphertext encrypted once more by the store.
            List<Path> objects = ceph.rawObjects(raw);
            long total = 0;
            for (Path f : objects) {
                total += Files.size(f);
            }
            assertThat(total).as("RADOS holds the objects' bytes").isGreaterThan(12L << 20);
            boolean plainHeaderFound = false;
            for (Path f : objects) {
                assertThat(SinkCrashIT.contains(f, CANARY)).as("canary in RADOS object %s", f).isFalse();
                plainHeaderFound |= SinkCrashIT.contains(f, plainHeader);
                for (byte[] h : sseCHeaders) {
                    assertThat(SinkCrashIT.contains(f, h)).as("an SSE-C object's own header in %s", f).isFalse();
                }
            }
            assertThat(plainHeaderFound).as("the plain object's ciphertext is in RADOS as uploaded").isTrue();
        }
    }

    private static Set<String> listKeys(S3Client s3) {
        return Set.copyOf(s3.listObjectsV2Paginator(b -> b.bucket("vault")).contents().stream().map(S3Object::key).toList());
    }

    private static String sha256(byte[] data) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    }
}
