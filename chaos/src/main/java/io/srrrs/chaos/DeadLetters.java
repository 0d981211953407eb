package io.srrrs.chaos;

import io.srrrs.schemas.EncryptedChunk;
import io.srrrs.schemas.RejectedReference;
import io.srrrs.serdes.AvroDeserializer;
import io.srrrs.serdes.registry.HttpSchemaRegistryClient;
import io.srrrs.serdes.registry.RegistryConfig;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Both dead-letter topics, read committed from the beginning while the run goes on: the
 * topology's ({@code payload-refs.dlq}, {@code RejectedReference} values) and the connector's
 * ({@code ciphertext-chunks.sink-dlq}: the refused chunk's own bytes, the reason in Connect's
 * {@code __connect.errors.*} headers). A record that cannot be decoded yet (the registry is down)
 * is kept and decoded at the end.
 */
final class DeadLetters implements AutoCloseable {

    /** One reference's dead letter: where from, and why. */
    record DeadLetter(String referenceId, String where, String reason, String message, long nanos) {
    }

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final AvroDeserializer<RejectedReference> rejects;
    private final AvroDeserializer<EncryptedChunk> chunks;
    private final Map<String, DeadLetter> byReference = new ConcurrentHashMap<>();
    private final List<ConsumerRecord<byte[], byte[]>> undecoded = new ArrayList<>();
    private int undecodable;
    private boolean closed;

    DeadLetters(ChaosStack stack) {
        Map<String, Object> c = new HashMap<>(stack.kafka.clientProperties());
        c.put("group.id", "chaos-dlq-" + UUID.randomUUID());
        c.put("isolation.level", "read_committed");
        c.put("enable.auto.commit", "false");
        c.put("auto.offset.reset", "earliest");
        consumer = new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        var registry = new HttpSchemaRegistryClient(RegistryConfig.fromProperties(new HashMap<>(stack.registryClientConfig())));
        rejects = new AvroDeserializer<>(RejectedReference.class, registry);
        chunks = new AvroDeserializer<>(EncryptedChunk.class, registry);
        List<TopicPartition> partitions = List.of(new TopicPartition(ChaosStack.DLQ, 0),
                new TopicPartition(ChaosStack.SINK_DLQ, 0));
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
    }

    /** One poll; call it often (the same thread every time: a consumer is single-threaded). */
    synchronized void poll(Duration timeout) {
        if (closed) {
            return;
        }
        try {
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(timeout)) {
                if (!decode(r)) {
                    undecoded.add(r);
                }
            }
        } catch (RuntimeException e) {
            // the broker is restarting: the next poll goes on from the same position
        }
    }

    /** Decodes what could not be decoded during the run; returns how many never could be. */
    synchronized int finish() {
        undecoded.removeIf(this::decode);
        undecodable = undecoded.size();
        return undecodable;
    }

    private boolean decode(ConsumerRecord<byte[], byte[]> r) {
        try {
            long now = System.nanoTime();
            if (r.topic().equals(ChaosStack.DLQ)) {
                RejectedReference rejected = rejects.deserialize(r.topic(), r.value());
                String id = String.valueOf(rejected.getReferenceId());
                byReference.putIfAbsent(id, new DeadLetter(id, "topology", rejected.getReason().toString(),
                        rejected.getMessage().toString(), now));
            } else {
                EncryptedChunk chunk = chunks.deserialize(r.topic(), r.value());
                String id = chunk.getReferenceId().toString();
                byReference.putIfAbsent(id, new DeadLetter(id, "sink", header(r, "__connect.errors.exception.class.name"),
                        header(r, "__connect.errors.exception.message"), now));
            }
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null || h.value() == null ? "" : new String(h.value(), StandardCharsets.UTF_8);
    }

    Map<String, DeadLetter> byReference() {
        return byReference;
    }

    @Override
    public synchronized void close() {
        closed = true;
        consumer.close(Duration.ofSeconds(5));
    }
}
