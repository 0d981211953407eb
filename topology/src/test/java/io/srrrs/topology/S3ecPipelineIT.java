package io.srrrs.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.srrrs.crypto.format.OutputFormat;
import io.srrrs.crypto.kms.DecoratedKms;
import io.srrrs.crypto.kms.KmsConfig;
import io.srrrs.schemas.EncryptedChunk;
import io.srrrs.schemas.PayloadReference;
import io.srrrs.schemas.RejectedReference;
import io.srrrs.serdes.AvroDeserializer;
import io.srrrs.serdes.chunk.ObjectStartFields;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * S3EC formats through the real topology (the KRaft broker, Apicurio and the local KMS of
 * {@link TopologyItEnvironment}): an s3ec-v3 file of several slices and an s3ec-v2 inline payload,
 * both allowed, arrive as chunks (read read_committed) whose concatenation decrypts as an S3EC reader
 * would; format v1, not allowed here, and an unknown format go to the DLQ as FORMAT_NOT_ALLOWED.
 * Then the topology's /metrics and probes (issue 14) tell the same story.
 */
class S3ecPipelineIT {

    @TempDir
    Path inbox;

    @Test
    void allowedS3ecFormatsDecryptAndOthersAreFormatNotAllowed() throws Exception {
        TopologyItEnvironment stack = TopologyItEnvironment.get();
        String prefix = "s3ec";
        stack.kafka.createTopic(prefix + "-refs", 2, Map.of());
        byte[] big = Fixtures.payload(5_000_000);
        Path file = inbox.resolve("big.bin");
        Files.write(file, big);
        byte[] small = Fixtures.payload(20_000);
        Map<String, byte[]> expected = new LinkedHashMap<>();
        expected.put("v3-file", big);
        expected.put("v2-inline", small);
        List<PayloadReference> refs = List.of(
                Fixtures.uri("v3-file", "file:" + file).setEncryptionContext(Map.of()).build(), // the default
                Fixtures.inline("v2-inline", small).setEncryptionContext(Map.of()).setFormat("s3ec-v2").build(),
                Fixtures.inline("v1-refused", small).setFormat("srrrs-v1").build(),
                Fixtures.inline("unknown", small).setFormat("s3ec-v9").build());

        Map<String, String> settings = stack.topologySettings(prefix, inbox);
        settings.put(TopologyConfig.OUTPUT_FORMATS_ALLOWED, "s3ec-v3,s3ec-v2");
        settings.put(TopologyConfig.OUTPUT_FORMAT_DEFAULT, "s3ec-v3");
        settings.put(TopologyConfig.SLICE_BYTES, Integer.toString(2 * 1024 * 1024)); // the file spans transactions
        try (EncryptorApp app = EncryptorApp.start(TopologyConfig.of(settings))) {
            app.awaitRunning(Duration.ofSeconds(60));
            stack.publish(prefix + "-refs", refs);
            Map<String, List<EncryptedChunk>> objects = objects(stack, prefix, expected.size());
            assertThat(objects.keySet()).containsExactlyInAnyOrderElementsOf(expected.keySet());
            try (DecoratedKms reader = KmsConfig.stack(TopologyConfig.of(settings).kmsConfig())) {
                for (Map.Entry<String, byte[]> e : expected.entrySet()) {
                    List<EncryptedChunk> chunks = objects.get(e.getKey());
                    OutputFormat format = ObjectStartFields.fromAvro(chunks.get(0).getStart()).metadata().content()
                            .outputFormat();
                    assertThat(format).isEqualTo(e.getKey().startsWith("v3") ? OutputFormat.S3EC_V3
                            : OutputFormat.S3EC_V2);
                    assertThat(Fixtures.decryptS3ec(chunks, reader.kms())).as("plaintext of %s", e.getKey())
                            .isEqualTo(e.getValue());
                }
            }
            assertThat(objects.get("v3-file")).hasSizeGreaterThan(3);
            assertThat(rejected(stack, prefix)).containsExactlyInAnyOrder("v1-refused:FORMAT_NOT_ALLOWED",
                    "unknown:FORMAT_NOT_ALLOWED");
            metricsAndProbesTellWhatHappened(new OpsScrape(app), small.length + big.length);
        }
    }

    /** The ops endpoint after the four references (issue 14): plausible counts, histograms, and ready. */
    private static void metricsAndProbesTellWhatHappened(OpsScrape ops, long plaintext) throws Exception {
        assertThat(ops.awaitStatus("/health/ready", 200, Duration.ofSeconds(30))).as("/health/ready").isEqualTo(200);
        assertThat(ops.get("/health/live").statusCode()).isEqualTo(200);
        String m = ops.get("/metrics").body();
        assertThat(OpsScrape.sum(m, "srrrs_topology_references_received_total", "")).isGreaterThanOrEqualTo(4);
        assertThat(OpsScrape.sum(m, "srrrs_topology_references_encrypted_total", "format=\"s3ec-v3\"")).isEqualTo(1);
        assertThat(OpsScrape.sum(m, "srrrs_topology_references_encrypted_total", "format=\"s3ec-v2\"")).isEqualTo(1);
        assertThat(OpsScrape.sum(m, "srrrs_topology_references_rejected_total", "reason=\"FORMAT_NOT_ALLOWED\""))
                .isEqualTo(2);
        assertThat(OpsScrape.sum(m, "srrrs_topology_plaintext_bytes_total", "")).isEqualTo(plaintext);
        assertThat(OpsScrape.sum(m, "srrrs_topology_encryption_seconds_count", "")).isGreaterThanOrEqualTo(2);
        assertThat(OpsScrape.sum(m, "srrrs_topology_encryption_seconds_sum", "")).isPositive();
        assertThat(OpsScrape.sum(m, "srrrs_topology_source_fetch_seconds_count", "scheme=\"file\"")).isEqualTo(1);
        assertThat(OpsScrape.sum(m, "srrrs_topology_source_fetch_seconds_count", "scheme=\"inline\"")).isEqualTo(1);
        assertThat(OpsScrape.sum(m, "srrrs_topology_objects_in_flight", "")).isZero();
        assertThat(OpsScrape.sum(m, "srrrs_kms_calls_total", "operation=\"generate\"")).isGreaterThanOrEqualTo(1);
        assertThat(OpsScrape.sum(m, "srrrs_kms_call_seconds_count", "")).isGreaterThanOrEqualTo(1);
        assertThat(OpsScrape.sum(m, "srrrs_kms_failures_total", "")).isZero();
        assertThat(OpsScrape.sum(m, "srrrs_dek_cache_misses_total", "")).isGreaterThanOrEqualTo(1);
        assertThat(OpsScrape.sum(m, "srrrs_dek_cache_oldest_age_seconds", "")).isPositive();
        assertThat(OpsScrape.sum(m, "srrrs_topology_ready", "")).isEqualTo(1);
    }

    /** The chunks of every object whose last chunk came, by reference id, in sequence order. */
    static Map<String, List<EncryptedChunk>> objects(TopologyItEnvironment stack, String prefix, int count) {
        Map<String, List<EncryptedChunk>> objects = new HashMap<>();
        Map<String, Boolean> done = new HashMap<>();
        try (KafkaConsumer<String, EncryptedChunk> consumer = stack.chunkConsumer(prefix + "-check", true)) {
            consumer.subscribe(List.of(prefix + "-chunks"));
            long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
            while (done.size() < count && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, EncryptedChunk> r : consumer.poll(Duration.ofMillis(500))) {
                    EncryptedChunk c = r.value();
                    List<EncryptedChunk> chunks = objects.computeIfAbsent(c.getReferenceId(), k -> new ArrayList<>());
                    assertThat(c.getSequence()).as("chunks of %s in order, once", c.getReferenceId())
                            .isEqualTo(chunks.size());
                    assertThat(c.getAborted()).isFalse();
                    chunks.add(c);
                    if (c.getLast()) {
                        done.put(c.getReferenceId(), true);
                    }
                }
            }
        }
        objects.keySet().retainAll(done.keySet());
        return objects;
    }

    static List<String> rejected(TopologyItEnvironment stack, String prefix) {
        Map<String, Object> c = new HashMap<>(stack.kafka.clientProperties());
        c.put("group.id", prefix + "-dlq-check");
        c.put("auto.offset.reset", "earliest");
        c.put("isolation.level", "read_committed");
        try (KafkaConsumer<String, RejectedReference> consumer = new KafkaConsumer<>(c, new StringDeserializer(),
                new AvroDeserializer<>(RejectedReference.class, stack.registryClient))) {
            consumer.subscribe(List.of(prefix + "-refs.dlq"));
            return TopologyItEnvironment.pollUntil(consumer, Duration.ofSeconds(60), all -> all.size() >= 2).stream()
                    .map(r -> r.value().getReferenceId() + ":" + r.value().getReason()).toList();
        }
    }
}
