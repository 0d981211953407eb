package io.srrrs.sink;

import static org.assertj.core.api.Assertions.assertThat;

import io.srrrs.crypto.ObjectMetadata;
import io.srrrs.crypto.format.S3ecContent;
import io.srrrs.crypto.kms.DataKey;
import io.srrrs.crypto.kms.DekWrapping;
import io.srrrs.crypto.s3ec.S3ecObjectDecryptor;
import io.srrrs.embedded.ConnectWorker;
import io.srrrs.schemas.InlineSource;
import io.srrrs.schemas.PayloadReference;
import io.srrrs.schemas.UriSource;
import io.srrrs.serdes.AvroSerializer;
import io.srrrs.topology.EncryptorApp;
import io.srrrs.topology.TopologyConfig;

import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;

/**
 * S3EC objects through the whole pipeline on real parts (topology, chunk topic, the sink in a real
 * Connect worker, S3Proxy): an s3ec-v3 file large enough for a multipart upload and an s3ec-v2
 * inline payload land with S3EC's x-amz-* metadata beside ours and decrypt from what the store
 * holds, as an S3EC reader would.
 */
class S3ecEndToEndIT {

    @TempDir
    Path inbox;

    @Test
    void s3ecObjectsLandWithTheirMetadataAndDecrypt() throws Exception {
        SinkItEnvironment stack = SinkItEnvironment.get();
        String prefix = "s3ec-e2e";
        stack.admin.createBucket(b -> b.bucket("s3ec"));
        stack.kafka.createTopic(prefix + "-refs", 2, Map.of());
        stack.kafka.createTopic(prefix + "-chunks", 2, Map.of());
        byte[] big = new byte[12 * 1024 * 1024 + 3];
        new Random(3).nextBytes(big);
        Path file = inbox.resolve("big.bin");
        Files.write(file, big);
        byte[] small = new byte[5000];
        new Random(4).nextBytes(small);
        Map<String, byte[]> expected = new LinkedHashMap<>();
        expected.put("v3/big.bin", big);
        expected.put("v2/small.bin", small);
        List<PayloadReference> refs = List.of(
                PayloadReference.newBuilder().setId("s3ec-v3").setSource(new UriSource("file:" + file)).setBucket("s3ec")
                        .setKey("v3/big.bin").setFormat("s3ec-v3").setUserMetadata(Map.of("owner", "billing")).build(),
                PayloadReference.newBuilder().setId("s3ec-v2").setSource(new InlineSource(ByteBuffer.wrap(small)))
                        .setBucket("s3ec").setKey("v2/small.bin").setFormat("s3ec-v2").build());

        Map<String, String> topology = stack.topologyConfig(prefix, inbox);
        topology.put(TopologyConfig.OUTPUT_FORMATS_ALLOWED, "srrrs-v1,s3ec-v3,s3ec-v2");
        topology.put(TopologyConfig.BUCKET_ALLOWED, "s3ec");
        try (ConnectWorker worker = stack.worker("s3ec-connect");
             EncryptorApp app = EncryptorApp.start(TopologyConfig.of(topology))) {
            assertThat(worker.putConnector("s3ec-sink", stack.connectorConfig(prefix + "-chunks", "s3ec")).statusCode())
                    .isEqualTo(201);
            worker.awaitRunning("s3ec-sink", Duration.ofSeconds(60));
            app.awaitRunning(Duration.ofSeconds(60));
            AvroSerializer<PayloadReference> values = new AvroSerializer<>();
            values.configure(stack.registryProperties(), false);
            try (KafkaProducer<String, PayloadReference> producer = new KafkaProducer<>(
                    new HashMap<>(stack.kafka.clientProperties()), new StringSerializer(), values)) {
                for (PayloadReference r : refs) {
                    producer.send(new ProducerRecord<>(prefix + "-refs", r.getId(), r)).get();
                }
            }
            long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
            List<String> missing = new ArrayList<>(expected.keySet());
            while (!missing.isEmpty() && System.nanoTime() < deadline) {
                missing.removeIf(key -> SinkCrashIT.exists(stack, "s3ec", key));
                Thread.sleep(500);
            }
            assertThat(missing).as("objects not written (worker log %s)", worker.log()).isEmpty();

            Map<String, String> v3 = stack.admin.headObject(b -> b.bucket("s3ec").key("v3/big.bin")).metadata();
            assertThat(v3).containsEntry("x-amz-c", "115").containsEntry("x-amz-w", "02")
                    .containsKeys("x-amz-3", "x-amz-i", "x-amz-d").containsEntry("srrrs-format", "s3ec-v3")
                    .containsEntry("srrrs-kms", "local").containsEntry("srrrs-kek-id", "orders")
                    .containsEntry("owner", "billing").doesNotContainKey("srrrs-header");
            Map<String, String> v2 = stack.admin.headObject(b -> b.bucket("s3ec").key("v2/small.bin")).metadata();
            assertThat(v2).containsEntry("x-amz-cek-alg", "AES/GCM/NoPadding").containsEntry("x-amz-wrap-alg", "AES/GCM")
                    .containsKeys("x-amz-key-v2", "x-amz-iv").containsEntry("srrrs-format", "s3ec-v2");
            for (Map.Entry<String, byte[]> e : expected.entrySet()) {
                assertThat(decrypt(stack, e.getKey())).as("plaintext of %s", e.getKey()).isEqualTo(e.getValue());
            }
            // A slow machine may have restarted an attempt (its transaction timed out); the later
            // attempt completes or is aborted, but no upload is left behind (bounded wait).
            long uploadsDeadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
            while (!stack.admin.listMultipartUploads(b -> b.bucket("s3ec")).uploads().isEmpty()
                    && System.nanoTime() < uploadsDeadline) {
                Thread.sleep(500);
            }
            assertThat(stack.admin.listMultipartUploads(b -> b.bucket("s3ec")).uploads()).as("no orphan upload").isEmpty();
            for (Map.Entry<String, byte[]> e : expected.entrySet()) {
                assertThat(decrypt(stack, e.getKey())).as("plaintext of %s after every attempt", e.getKey())
                        .isEqualTo(e.getValue());
            }
        }
    }

    /** The stored object, decrypted from its stored metadata alone. */
    static byte[] decrypt(SinkItEnvironment stack, String key) throws Exception {
        ResponseBytes<GetObjectResponse> object = stack.admin.getObjectAsBytes(b -> b.bucket("s3ec").key(key));
        ObjectMetadata metadata = ObjectMetadata.fromMap(object.response().metadata());
        S3ecContent content = (S3ecContent) metadata.content();
        byte[] body = object.asByteArray();
        try (DataKey dek = stack.kms.kms().unwrap(metadata.wrappedDek(), metadata.context(),
                DekWrapping.of(content.outputFormat()));
             S3ecObjectDecryptor dec = S3ecObjectDecryptor.open(content, dek);
             InputStream in = dec.decryptVerified(body.length, () -> new java.io.ByteArrayInputStream(body))) {
            return in.readAllBytes();
        }
    }
}
