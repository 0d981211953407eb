package io.srrrs.cli;

import io.srrrs.schemas.InlineSource;
import io.srrrs.schemas.PayloadReference;
import io.srrrs.schemas.RejectedReference;
import io.srrrs.schemas.Sha256;
import io.srrrs.schemas.UriSource;
import io.srrrs.serdes.AvroDeserializer;
import io.srrrs.serdes.AvroSerializer;
import io.srrrs.serdes.registry.HttpSchemaRegistryClient;
import io.srrrs.serdes.registry.RegistryConfig;
import io.srrrs.serdes.registry.SchemaRegistryClient;
import io.srrrs.topology.TopologyConfig;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The producer's side of the pipeline as the CLI uses it: publish references, then watch the
 * store (objects appearing) and the DLQ (references refused) until each reference has an outcome.
 */
final class Pipeline implements AutoCloseable {

    /** What became of one reference. */
    record Outcome(String id, String bucket, String key, long publishedNanos, Long visibleNanos, RejectedReference rejected) {
        boolean landed() {
            return visibleNanos != null;
        }

        double latencyMillis() {
            return (visibleNanos - publishedNanos) / 1e6;
        }
    }

    private final CliConfig config;
    private final TopologyConfig topology;
    private final SchemaRegistryClient registry;
    private final KafkaProducer<String, PayloadReference> producer;
    private final KafkaConsumer<String, byte[]> dlq;
    private final AvroDeserializer<RejectedReference> rejects;

    Pipeline(CliConfig config) {
        this.config = config;
        this.topology = config.topology();
        this.registry = new HttpSchemaRegistryClient(RegistryConfig.fromProperties(topology.registryConfig()));
        Map<String, Object> client = topology.kafkaClientProperties();
        Map<String, Object> producerProps = new HashMap<>(client);
        producerProps.put("acks", "all");
        producerProps.put("max.request.size", Integer.toString(2 << 20));
        producer = new KafkaProducer<>(producerProps, new StringSerializer(), new AvroSerializer<>(registry, true));
        Map<String, Object> consumerProps = new HashMap<>(client);
        consumerProps.put("group.id", "srrrs-cli-" + UUID.randomUUID());
        consumerProps.put("auto.offset.reset", "latest");
        consumerProps.put("isolation.level", "read_committed");
        consumerProps.put("enable.auto.commit", "false");
        dlq = new KafkaConsumer<>(consumerProps, new StringDeserializer(), new ByteArrayDeserializer());
        rejects = new AvroDeserializer<>(RejectedReference.class, registry);
    }

    /** Subscribes to the DLQ from its current end; call before publishing what you will wait for. */
    void watchDlq() {
        String topic = topology.getString(TopologyConfig.DLQ_TOPIC);
        var partitions = dlq.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                .map(p -> new org.apache.kafka.common.TopicPartition(topic, p.partition())).toList();
        dlq.assign(partitions);
        dlq.seekToEnd(partitions);
        partitions.forEach(dlq::position); // resolve now, before anything is published
    }

    /** A reference to a file by {@code file:} URI, with its SHA-256 for the topology to verify. */
    static PayloadReference.Builder fileReference(Path file) throws IOException {
        Path real = file.toRealPath();
        return PayloadReference.newBuilder().setSource(new UriSource(real.toUri().toString()))
                .setExpectedSha256(new Sha256(sha256(real)));
    }

    /** A reference carrying the bytes themselves. */
    static PayloadReference.Builder inlineReference(byte[] data) {
        return PayloadReference.newBuilder().setSource(new InlineSource(ByteBuffer.wrap(data)))
                .setExpectedSha256(new Sha256(sha256(data)));
    }

    static PayloadReference finish(PayloadReference.Builder b, String bucket, String key, String kek,
                                   Map<String, String> context, boolean sseC, String contentType) {
        return b.setId(UUID.randomUUID().toString()).setBucket(bucket).setKey(key).setKekAlias(kek)
                .setEncryptionContext(new LinkedHashMap<>(context)).setSseC(sseC).setContentType(contentType)
                .setUserMetadata(Map.of()).build();
    }

    Future<RecordMetadata> publish(PayloadReference ref) {
        return producer.send(new ProducerRecord<>(topology.getString(TopologyConfig.INPUT_TOPIC), ref.getId(), ref));
    }

    static void await(Future<RecordMetadata> sent) {
        try {
            sent.get();
        } catch (ExecutionException e) {
            throw new CliException("Kafka refused the reference: " + e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException("interrupted");
        }
    }

    /**
     * Waits until each reference's object is listed in its bucket or the reference is on the DLQ.
     * {@code pending} maps reference id to its outcome so far (published time set).
     */
    Map<String, Outcome> awaitOutcomes(Map<String, Outcome> pending, S3Client s3, Duration timeout, Progress progress) {
        Map<String, Outcome> done = new LinkedHashMap<>();
        Map<String, Outcome> open = new LinkedHashMap<>(pending);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!open.isEmpty() && System.nanoTime() < deadline) {
            for (ConsumerRecord<String, byte[]> r : dlq.poll(Duration.ofMillis(100))) {
                RejectedReference rejected = rejects.deserialize(r.topic(), r.value());
                Outcome o = open.remove(rejected.getReferenceId().toString());
                if (o != null) {
                    done.put(o.id(), new Outcome(o.id(), o.bucket(), o.key(), o.publishedNanos(), null, rejected));
                    progress.advance(1, "refused: " + o.key());
                }
            }
            long now = System.nanoTime();
            for (String bucket : open.values().stream().map(Outcome::bucket).distinct().toList()) {
                java.util.Set<String> listed = listKeys(s3, bucket);
                for (var it = open.values().iterator(); it.hasNext(); ) {
                    Outcome o = it.next();
                    if (o.bucket().equals(bucket) && listed.contains(o.key())) {
                        it.remove();
                        done.put(o.id(), new Outcome(o.id(), o.bucket(), o.key(), o.publishedNanos(), now, null));
                        progress.advance(1, o.key());
                    }
                }
            }
        }
        done.putAll(open); // still open: neither landed nor refused in time
        return done;
    }

    static java.util.Set<String> listKeys(S3Client s3, String bucket) {
        java.util.Set<String> keys = new java.util.HashSet<>();
        String token = null;
        do {
            String t = token;
            ListObjectsV2Response page = s3.listObjectsV2(b -> b.bucket(bucket).continuationToken(t));
            page.contents().stream().map(S3Object::key).forEach(keys::add);
            token = page.isTruncated() ? page.nextContinuationToken() : null;
        } while (token != null);
        return keys;
    }

    static byte[] sha256(Path file) throws IOException {
        MessageDigest md = digest();
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) {
                md.update(buf, 0, n);
            }
        }
        return md.digest();
    }

    static byte[] sha256(byte[] data) {
        return digest().digest(data);
    }

    static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static List<String> splitBucketKey(String location) {
        String s = location.startsWith("s3://") ? location.substring(5) : location;
        int slash = s.indexOf('/');
        if (slash < 0) {
            return List.of(s, "");
        }
        return List.of(s.substring(0, slash), s.substring(slash + 1));
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(10));
        dlq.close(Duration.ofSeconds(5));
    }
}
