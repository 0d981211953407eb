package io.srrrs.sink;

import static org.assertj.core.api.Assertions.assertThat;

import io.srrrs.client.SrrrsClient;
import io.srrrs.crypto.kms.KekAllowList;
import io.srrrs.embedded.ConnectWorker;
import io.srrrs.schemas.EncryptedChunk;
import io.srrrs.serdes.AvroSerializer;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * The sink's exactly-once promises, with the chunk stream under the test's control: a worker
 * killed (SIGKILL) in the middle of a multipart object and started again leaves the object
 * exactly once and no multipart upload behind; a store that goes away for a while costs retries,
 * not data.
 */
class SinkCrashIT {

    static final SecureRandom RANDOM = new SecureRandom();

    static boolean exists(SinkItEnvironment stack, String bucket, String key) {
        try {
            stack.admin.headObject(b -> b.bucket(bucket).key(key));
            return true;
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return false;
            }
            throw e;
        }
    }

    static boolean contains(Path file, byte[] needle) throws Exception {
        byte[] hay = Files.readAllBytes(file);
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    static KafkaProducer<String, EncryptedChunk> producer(SinkItEnvironment stack) {
        Map<String, Object> p = new HashMap<>(stack.kafka.clientProperties());
        p.put("acks", "all");
        p.put("max.request.size", Integer.toString(2 << 20));
        AvroSerializer<EncryptedChunk> values = new AvroSerializer<>();
        values.configure(stack.registryProperties(), false);
        return new KafkaProducer<>(p, new StringSerializer(), values);
    }

    static void send(KafkaProducer<String, EncryptedChunk> producer, String topic, List<EncryptedChunk> chunks)
            throws Exception {
        for (EncryptedChunk c : chunks) {
            producer.send(new ProducerRecord<>(topic, 0, c.getBucket() + "/" + c.getKey(), c)).get();
        }
    }

    static byte[] payload(int n) {
        byte[] b = new byte[n];
        RANDOM.nextBytes(b);
        return b;
    }

    static void awaitObject(SinkItEnvironment stack, String bucket, String key, ConnectWorker worker) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        while (!exists(stack, bucket, key)) {
            assertThat(System.nanoTime()).as("object %s not written (worker log %s)", key, worker.log()).isLessThan(deadline);
            Thread.sleep(250);
        }
    }

    @Test
    void aWorkerKilledMidObjectAndRestartedLeavesItOnceAndNoUploadBehind() throws Exception {
        SinkItEnvironment stack = SinkItEnvironment.get();
        String topic = "crash-chunks";
        stack.admin.createBucket(b -> b.bucket("crash"));
        stack.kafka.createTopic(topic, 1, Map.of());
        byte[] big = payload(30 * 1024 * 1024);
        byte[] small = payload(5000);
        List<EncryptedChunk> bigChunks = ChunkMaker.chunks(stack.kms.kms(), "big", "crash", "big.bin", big, 65536,
                768 * 1024, null);
        List<EncryptedChunk> smallChunks = ChunkMaker.chunks(stack.kms.kms(), "small", "crash", "small.bin", small, 65536,
                768 * 1024, null);
        Map<String, String> config = stack.connectorConfig(topic, "crash");
        config.put("tasks.max", "1");
        ConnectWorker worker = stack.worker("crash-connect");
        try (KafkaProducer<String, EncryptedChunk> producer = producer(stack)) {
            assertThat(worker.putConnector("crash-sink", config).statusCode()).isEqualTo(201);
            worker.awaitRunning("crash-sink", Duration.ofSeconds(60));
            send(producer, topic, smallChunks);
            send(producer, topic, bigChunks.subList(0, 20)); // ~15 MiB: parts uploaded, object unfinished
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (stack.admin.listMultipartUploads(b -> b.bucket("crash")).uploads().isEmpty()) {
                assertThat(System.nanoTime()).as("a multipart upload started (log %s)", worker.log()).isLessThan(deadline);
                Thread.sleep(200);
            }
            Thread.sleep(1500); // let a part or two land, and an offset commit happen
            worker.kill();
            assertThat(exists(stack, "crash", "big.bin")).as("no partial object after the crash").isFalse();
            assertThat(stack.admin.listMultipartUploads(b -> b.bucket("crash")).uploads()).as("the crash left its upload")
                    .hasSize(1);

            send(producer, topic, bigChunks.subList(20, bigChunks.size()));
            worker.start();
            awaitObject(stack, "crash", "big.bin", worker);
        } finally {
            worker.close();
        }
        try (SrrrsClient client = SrrrsClient.create(stack.store(), stack.kms.kms(),
                KekAllowList.parse("orders,archive", ""))) {
            assertThat(client.readAll("crash", "big.bin")).isEqualTo(big);
            assertThat(client.readAll("crash", "small.bin")).isEqualTo(small);
        }
        assertThat(stack.admin.listMultipartUploads(b -> b.bucket("crash")).uploads()).as("no orphan upload").isEmpty();
        assertThat(stack.admin.listObjectsV2(b -> b.bucket("crash")).contents().stream()
                .filter(o -> !o.key().startsWith(".mpus-") && !o.key().matches("[0-9a-f-]{36}")).map(o -> o.key()).toList())
                .as("each object once").containsExactlyInAnyOrder("big.bin", "small.bin");
    }

    @Test
    void aStoreOutageIsRetriedUntilItIsBackAndNothingIsLost() throws Exception {
        SinkItEnvironment stack = SinkItEnvironment.get();
        String topic = "outage-chunks";
        stack.admin.createBucket(b -> b.bucket("outage"));
        stack.kafka.createTopic(topic, 1, Map.of());
        Map<String, String> config = stack.connectorConfig(topic, "outage");
        config.put("tasks.max", "1");
        byte[] first = payload(2_000_000);
        byte[] during = payload(12 * 1024 * 1024);
        ConnectWorker worker = stack.worker("outage-connect");
        try (KafkaProducer<String, EncryptedChunk> producer = producer(stack)) {
            assertThat(worker.putConnector("outage-sink", config).statusCode()).isEqualTo(201);
            worker.awaitRunning("outage-sink", Duration.ofSeconds(60));
            send(producer, topic, ChunkMaker.chunks(stack.kms.kms(), "o1", "outage", "first.bin", first, 65536, 768 * 1024, null));
            awaitObject(stack, "outage", "first.bin", worker);
            stack.stopStore();
            try {
                send(producer, topic, ChunkMaker.chunks(stack.kms.kms(), "o2", "outage", "during.bin", during, 65536,
                        768 * 1024, null));
                Thread.sleep(8000); // the sink retries meanwhile
            } finally {
                stack.startStore();
            }
            awaitObject(stack, "outage", "during.bin", worker);
            assertThat(worker.get("/connectors/outage-sink/status").body()).doesNotContain("FAILED");
        } finally {
            worker.close();
        }
        String log = Files.readString(worker.log());
        assertThat(log).as("the worker saw the outage and retried").contains("store unavailable");
        try (SrrrsClient client = SrrrsClient.create(stack.store(), stack.kms.kms(),
                KekAllowList.parse("orders,archive", ""))) {
            assertThat(client.readAll("outage", "first.bin")).isEqualTo(first);
            try (InputStream in = client.open("outage", "during.bin")) {
                assertThat(in.readAllBytes()).isEqualTo(during);
            }
        }
    }
}
