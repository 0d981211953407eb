package io.srrrs.sink;

import static org.assertj.core.api.Assertions.assertThat;

import io.srrrs.client.ObjectInfo;
import io.srrrs.client.SrrrsClient;
import io.srrrs.crypto.ObjectMetadata;
import io.srrrs.crypto.SseCKeySealer;
import io.srrrs.crypto.kms.KekAllowList;
import io.srrrs.embedded.ConnectWorker;
import io.srrrs.schemas.InlineSource;
import io.srrrs.schemas.PayloadReference;
import io.srrrs.schemas.UriSource;
import io.srrrs.serdes.AvroSerializer;
import io.srrrs.topology.EncryptorApp;
import io.srrrs.topology.TopologyConfig;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;

/**
 * The whole pipeline on real parts: references → topology (Kafka Streams, exactly once) → chunk
 * topic → the sink in a real Connect worker (installed from its plugin jar, deployed with one
 * REST call) → objects in S3Proxy → read back through the client. Every object decrypts to its
 * SHA-256; the store holds no plaintext canary; a chunk the sink must refuse lands in Connect's
 * DLQ with its reason, and nothing else stops.
 */
class PipelineEndToEndIT {

    static final byte[] CANARY = "SRRRS-E2E-PLAINTEXT-CANARY-41c7".getBytes(StandardCharsets.US_ASCII);

    @TempDir
    Path inbox;

    static byte[] writePayload(Path file, long size, long seed) throws Exception {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        Random random = new Random(seed);
        byte[] block = new byte[1 << 20];
        try (OutputStream out = Files.newOutputStream(file)) {
            for (long written = 0; written < size; written += block.length) {
                random.nextBytes(block);
                for (int at = 0; at + CANARY.length <= block.length; at += 65536) {
                    System.arraycopy(CANARY, 0, block, at, CANARY.length);
                }
                int n = (int) Math.min(block.length, size - written);
                out.write(block, 0, n);
                sha.update(block, 0, n);
            }
        }
        return sha.digest();
    }

    static String sha256(InputStream in) throws Exception {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        try (InputStream d = new DigestInputStream(in, sha)) {
            d.transferTo(OutputStream.nullOutputStream());
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    @Test
    void referencesBecomeEncryptedObjectsThatReadBackExactly() throws Exception {
        SinkItEnvironment stack = SinkItEnvironment.get();
        String prefix = "e2e";
        stack.admin.createBucket(b -> b.bucket("pipeline"));
        stack.kafka.createTopic(prefix + "-refs", 2, Map.of());
        stack.kafka.createTopic(prefix + "-chunks", 2, Map.of());

        Map<String, String> expected = new LinkedHashMap<>();
        List<PayloadReference> refs = new ArrayList<>();
        long[] sizes = {0, 1, 65_536, 3_000_000, 60L * 1024 * 1024};
        for (int i = 0; i < sizes.length; i++) {
            Path f = inbox.resolve("f" + i + ".bin");
            expected.put("files/f" + i + ".bin", HexFormat.of().formatHex(writePayload(f, sizes[i], i)));
            refs.add(PayloadReference.newBuilder().setId("e2e-f" + i).setSource(new UriSource("file:" + f))
                    .setBucket("pipeline").setKey("files/f" + i + ".bin").setEncryptionContext(Map.of("tenant", "acme"))
                    .setUserMetadata(Map.of("owner", "billing")).setContentType("application/octet-stream").build());
        }
        for (int i = 0; i < 3; i++) {
            byte[] data = (new String(CANARY, StandardCharsets.US_ASCII) + " inline " + i).repeat(1000)
                    .getBytes(StandardCharsets.US_ASCII);
            expected.put("inline/" + i + ".txt", HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data)));
            refs.add(PayloadReference.newBuilder().setId("e2e-i" + i).setSource(new InlineSource(ByteBuffer.wrap(data)))
                    .setBucket("pipeline").setKey("inline/" + i + ".txt").setContentType("text/plain").build());
        }
        // The topology accepts this one; the sink may not write to that bucket: refused into Connect's DLQ.
        refs.add(PayloadReference.newBuilder().setId("e2e-forbidden").setSource(new InlineSource(ByteBuffer.wrap(new byte[10])))
                .setBucket("not-for-this-sink").setKey("x").build());

        // SSE-C on S3Proxy, which does not implement it: refused with the reason, nothing left behind.
        refs.add(PayloadReference.newBuilder().setId("e2e-ssec").setSource(new InlineSource(ByteBuffer.wrap(CANARY)))
                .setBucket("pipeline").setKey("ssec/refused.bin").setSseC(true).build());
        SseCKeySealer.KeyPair sinkKeys = SseCKeySealer.generateKeyPair();

        Map<String, String> topology = stack.topologyConfig(prefix, inbox);
        topology.put(TopologyConfig.SSE_C_SINK_PUBLIC_KEY, sinkKeys.publicKeyBase64());

        int jmxPort = io.srrrs.embedded.FreePorts.next();
        try (ConnectWorker worker = stack.workerWithJmx("e2e-connect", jmxPort);
             EncryptorApp app = EncryptorApp.start(TopologyConfig.of(topology))) {
            // One REST call deploys the connector.
            Map<String, String> connector = stack.connectorConfig(prefix + "-chunks", "pipeline");
            connector.put(S3SinkConfig.SSE_C_PRIVATE_KEY, sinkKeys.privateKeyBase64());
            // Without read_committed the worker refuses the configuration at once, saying why.
            Map<String, String> uncommitted = SinkItEnvironment.copy(connector);
            uncommitted.remove("consumer.override.isolation.level");
            var refused = worker.putConnector("srrrs-s3-sink", uncommitted);
            assertThat(refused.statusCode()).isEqualTo(400);
            assertThat(refused.body()).contains("consumer.override.isolation.level").contains("must be read_committed");
            assertThat(worker.putConnector("srrrs-s3-sink", connector).statusCode()).isEqualTo(201);
            worker.awaitRunning("srrrs-s3-sink", Duration.ofSeconds(60));
            stack.awaitSinkGroup("srrrs-s3-sink", 2, 2, Duration.ofSeconds(60));
            app.awaitRunning(Duration.ofSeconds(60));

            Map<String, Object> producerProps = new HashMap<>(stack.kafka.clientProperties());
            AvroSerializer<PayloadReference> values = new AvroSerializer<>();
            values.configure(stack.registryProperties(), false);
            try (KafkaProducer<String, PayloadReference> producer = new KafkaProducer<>(producerProps,
                    new StringSerializer(), values)) {
                for (PayloadReference r : refs) {
                    producer.send(new ProducerRecord<>(prefix + "-refs", r.getId(), r)).get();
                }
            }

            long deadline = System.nanoTime() + Duration.ofMinutes(4).toNanos();
            List<String> missing = new ArrayList<>(expected.keySet());
            while (!missing.isEmpty() && System.nanoTime() < deadline) {
                missing.removeIf(key -> SinkCrashIT.exists(stack, "pipeline", key));
                Thread.sleep(500);
            }
            assertThat(missing).as("objects not written (worker log %s)", worker.log()).isEmpty();

            try (SrrrsClient client = SrrrsClient.create(stack.store(), stack.kms.kms(),
                    KekAllowList.parse("orders,archive", ""))) {
                for (Map.Entry<String, String> e : expected.entrySet()) {
                    try (InputStream in = client.open("pipeline", e.getKey())) {
                        assertThat(sha256(in)).as("SHA-256 of %s", e.getKey()).isEqualTo(e.getValue());
                    }
                    HeadObjectResponse head = stack.admin.headObject(b -> b.bucket("pipeline").key(e.getKey()));
                    byte[] first = new byte[130];
                    try (InputStream body = stack.admin.getObject(b -> b.bucket("pipeline").key(e.getKey())
                            .range("bytes=0-129"))) {
                        first = body.readAllBytes();
                    }
                    assertThat(head.metadata().get("srrrs-header")).as("srrrs-header is the body's header")
                            .isEqualTo(Base64.getEncoder().encodeToString(first));
                    assertThat(head.metadata()).containsKeys("srrrs-kms", "srrrs-kek-id", "srrrs-wrapped-dek");
                }
                ObjectInfo big = client.inspect("pipeline", "files/f4.bin");
                assertThat(big.userMetadata()).containsEntry("owner", "billing");
                assertThat(big.metadata().context().asMap()).containsEntry("tenant", "acme");
                byte[] whole;
                try (InputStream in = client.openRange("pipeline", "files/f4.bin", 0, Long.MAX_VALUE)) {
                    whole = in.readAllBytes();
                }
                int s = big.metadata().header().segmentSize();
                for (long at : new long[] {0, s - 1, s, 2L * s - 1, 5L * 1024 * 1024 - 1, 5L * 1024 * 1024,
                        whole.length - 1}) {
                    try (InputStream in = client.openRange("pipeline", "files/f4.bin", at, 3)) {
                        assertThat(in.readAllBytes()).as("range at %d", at).isEqualTo(
                                Arrays.copyOfRange(whole, (int) at, (int) Math.min(whole.length, at + 3)));
                    }
                }
            }
            assertThat(stack.admin.listMultipartUploads(b -> b.bucket("pipeline")).uploads()).isEmpty();

            // The chunk the sink could not write: in Connect's DLQ, with the reason in its headers.
            Map<String, Object> c = new HashMap<>(stack.kafka.clientProperties());
            c.put("group.id", "e2e-dlq-check");
            c.put("auto.offset.reset", "earliest");
            try (KafkaConsumer<byte[], byte[]> dlq = new KafkaConsumer<>(c, new ByteArrayDeserializer(),
                    new ByteArrayDeserializer())) {
                dlq.subscribe(List.of(prefix + "-chunks.sink-dlq"));
                List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
                long until = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (records.size() < 2 && System.nanoTime() < until) {
                    dlq.poll(Duration.ofMillis(500)).forEach(records::add);
                }
                dlq.poll(Duration.ofSeconds(2)).forEach(records::add);
                List<String> reasons = records.stream().map(r -> new String(
                        r.headers().lastHeader("__connect.errors.exception.message").value(), StandardCharsets.UTF_8)).toList();
                assertThat(reasons).hasSize(2);
                assertThat(reasons).anySatisfy(r -> assertThat(r).contains("not-for-this-sink").contains("s3.bucket.name"));
                assertThat(reasons).anySatisfy(r -> assertThat(r).contains("ssec/refused.bin")
                        .contains("does not accept SSE-C"));
                assertThat(String.join("\n", reasons)).doesNotContain(sinkKeys.privateKeyBase64());
            }
            assertThat(SinkCrashIT.exists(stack, "pipeline", "ssec/refused.bin")).isFalse();
            metricsShowWhatWasWritten(stack, jmxPort, expected.keySet());
            assertThat(SinkCrashIT.exists(stack, "pipeline", ObjectMetadata.SSE_C_COMPANION_PREFIX + "ssec/refused.bin"))
                    .as("no metadata companion without its object").isFalse();
        }

        // The bytes the store holds contain no plaintext.
        try (Stream<Path> files = Files.walk(stack.s3.dataDir())) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                assertThat(SinkCrashIT.contains(f, CANARY)).as("canary in %s", f).isFalse();
            }
        }
    }

    /**
     * The worker's sink MBeans, read over JMX and named by deploy/connect/jmx-exporter.yaml as the
     * exporter agent would: the objects and bytes written, the two refusals by reason, the
     * histogram, and gauges back at zero once everything is written.
     */
    private static void metricsShowWhatWasWritten(SinkItEnvironment stack, int jmxPort, java.util.Set<String> keys)
            throws Exception {
        long bytes = 0;
        for (String key : keys) {
            bytes += stack.admin.headObject(b -> b.bucket("pipeline").key(key)).contentLength();
        }
        ExporterRules rules = ExporterRules.load();
        javax.management.remote.JMXServiceURL url = new javax.management.remote.JMXServiceURL(
                "service:jmx:rmi:///jndi/rmi://127.0.0.1:" + jmxPort + "/jmxrmi");
        try (javax.management.remote.JMXConnector jmx = javax.management.remote.JMXConnectorFactory.connect(url)) {
            javax.management.ObjectName ours = new javax.management.ObjectName(SinkMetricsJmx.DOMAIN + ":*");
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            List<ExporterRules.Sample> samples = rules.scrape(jmx.getMBeanServerConnection(), ours);
            while (sum(samples, "srrrs_sink_objects_in_assembly", Map.of()) > 0 && System.nanoTime() < deadline) {
                Thread.sleep(200); // the task settles its last uploads on its next put()
                samples = rules.scrape(jmx.getMBeanServerConnection(), ours);
            }
            assertThat(samples).allSatisfy(x -> assertThat(x.labels()).containsEntry("connector", "srrrs-s3-sink"));
            assertThat(sum(samples, "srrrs_sink_objects_written_total", Map.of())).isEqualTo(keys.size());
            // An object started again (a rebalance redelivered its chunk 0, or a newer attempt came) had its
            // earlier parts uploaded for nothing: they are written bytes too, and counted as discarded.
            double discarded = sum(samples, "srrrs_sink_bytes_discarded_total", Map.of());
            assertThat(sum(samples, "srrrs_sink_bytes_written_total", Map.of())).isEqualTo(bytes + discarded);
            // Only the 60 MiB object is multipart: parts of at least 5 MiB (a part is sent once it reached that).
            assertThat(sum(samples, "srrrs_sink_multipart_parts_total", Map.of())).as("the 60 MiB object's parts")
                    .isBetween(2.0, 12.0 + Math.floor(discarded / (5 << 20)));
            assertThat(sum(samples, "srrrs_sink_upload_seconds_count", Map.of())).isEqualTo(keys.size());
            assertThat(sum(samples, "srrrs_sink_upload_seconds", Map.of("le", "+Inf"))).isEqualTo(keys.size());
            assertThat(sum(samples, "srrrs_sink_refusals_total", Map.of("reason", "BUCKET_NOT_ALLOWED"))).isEqualTo(1);
            assertThat(sum(samples, "srrrs_sink_refusals_total", Map.of("reason", "STORE_REFUSED"))).isEqualTo(1);
            assertThat(sum(samples, "srrrs_sink_refusals_total", Map.of())).isEqualTo(2);
            assertThat(sum(samples, "srrrs_sink_objects_in_assembly", Map.of())).isZero();
            assertThat(sum(samples, "srrrs_sink_memory_budget_used_bytes", Map.of())).isZero();
            assertThat(sum(samples, "srrrs_sink_oldest_unfinished_object_age_seconds", Map.of())).isZero();
        }
    }

    /** The sum over tasks of the samples of {@code name} that carry {@code labels}. */
    private static double sum(List<ExporterRules.Sample> samples, String name, Map<String, String> labels) {
        return samples.stream().filter(x -> x.name().equals(name) && x.labels().entrySet().containsAll(labels.entrySet()))
                .mapToDouble(ExporterRules.Sample::value).sum();
    }
}
