package io.srrrs.cli;

import io.srrrs.schemas.PayloadReference;
import io.srrrs.schemas.RejectedReference;
import io.srrrs.serdes.AvroDeserializer;
import io.srrrs.serdes.AvroSerializer;
import io.srrrs.serdes.registry.HttpSchemaRegistryClient;
import io.srrrs.serdes.registry.RegistryConfig;
import io.srrrs.serdes.registry.SchemaRegistryClient;
import io.srrrs.topology.TopologyConfig;

import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Publishes references and watches for what becomes of them: the store (objects appearing) and
 * the DLQ (references refused), until each reference has an outcome. {@code publish} and the demo
 * use it; {@link References} builds what it publishes.
 */
final class PublishAndWatch implements AutoCloseable {

    /** What became of one reference. */
    record Outcome(String id, String bucket, String key, long publishedNanos, Long visibleNanos, RejectedReference rejected) {
        boolean landed() {
            return visibleNanos != null;
        }

        double latencyMillis() {
            return (visibleNanos - publishedNanos) / 1e6;
        }
    }

    private final TopologyConfig topology;
    private final SchemaRegistryClient registry;
    private final KafkaProducer<String, PayloadReference> producer;
    private final KafkaConsumer<String, byte[]> dlq;
    private final AvroDeserializer<RejectedReference> rejects;

    PublishAndWatch(CliConfig config) {
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
                .map(p -> new TopicPartition(topic, p.partition())).toList();
        dlq.assign(partitions);
        dlq.seekToEnd(partitions);
        partitions.forEach(dlq::position); // resolve now, before anything is published
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
     * {@code pending} maps reference id to its outcome so far (published time set). A listing the
     * store keeps failing with a 5xx until {@code timeout} has passed throws its {@code S3Exception}.
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
            for (String bucket : open.values().stream().map(Outcome::bucket).distinct().toList()) {
                // A listing the store fails with a 5xx is asked again until the deadline (see Buckets: S3Proxy
                // fails listings while an upload is in progress); only past it does the store's error stand.
                Duration left = Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
                Set<String> listed = Buckets.keys(s3, bucket, left);
                long now = System.nanoTime(); // after the listing: what it shows was visible by then
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

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(10));
        dlq.close(Duration.ofSeconds(5));
    }
}
