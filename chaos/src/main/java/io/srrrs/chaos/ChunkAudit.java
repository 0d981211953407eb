package io.srrrs.chaos;

import io.srrrs.schemas.EncryptedChunk;
import io.srrrs.serdes.AvroDeserializer;
import io.srrrs.serdes.registry.HttpSchemaRegistryClient;
import io.srrrs.serdes.registry.RegistryConfig;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeProducersResult;
import org.apache.kafka.clients.admin.ProducerState;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Exactly once on the chunk topic, read as the sink reads it (read_committed): per reference, how
 * many complete, non-aborted objects were committed (chunk 0, then every sequence in order, then
 * the last chunk). More than one is a duplicate commit, whatever the store shows; the
 * deterministic object key would hide it there.
 */
final class ChunkAudit {

    /**
     * What the committed chunk stream holds, and the transactions left open on it (a reader sees
     * nothing past one until the broker aborts it: what a reference "lost" then waits behind).
     */
    record Result(long records, long bytes, long undecodable, Map<String, Integer> completeObjects,
                  List<String> openTransactions) {
        List<String> duplicates() {
            return completeObjects.entrySet().stream().filter(e -> e.getValue() > 1)
                    .map(e -> e.getKey() + " committed " + e.getValue() + " times").sorted().toList();
        }
    }

    private static final class Attempt {
        long next = 1;
        boolean intact = true;
    }

    private ChunkAudit() {
    }

    static Result audit(ChaosStack stack) {
        Map<String, Object> c = new HashMap<>(stack.kafka.clientProperties());
        c.put("group.id", "chaos-audit-" + UUID.randomUUID());
        c.put("isolation.level", "read_committed");
        c.put("enable.auto.commit", "false");
        c.put("max.partition.fetch.bytes", Integer.toString(8 << 20));
        var registry = new HttpSchemaRegistryClient(RegistryConfig.fromProperties(new HashMap<>(stack.registryClientConfig())));
        AvroDeserializer<EncryptedChunk> values = new AvroDeserializer<>(EncryptedChunk.class, registry);
        Map<String, Integer> complete = new HashMap<>();
        long records = 0;
        long bytes = 0;
        long undecodable = 0;
        List<TopicPartition> audited;
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(c, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(ChaosStack.CHUNKS, Duration.ofSeconds(30)).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            audited = partitions;
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, Duration.ofSeconds(30));
            Map<TopicPartition, Map<String, Attempt>> open = new HashMap<>();
            long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
            while (!caughtUp(consumer, end) && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    records++;
                    bytes += r.value() == null ? 0 : r.value().length;
                    EncryptedChunk chunk;
                    try {
                        chunk = values.deserialize(r.topic(), r.value());
                    } catch (RuntimeException e) {
                        undecodable++;
                        continue;
                    }
                    track(open.computeIfAbsent(new TopicPartition(r.topic(), r.partition()), k -> new HashMap<>()),
                            chunk, complete);
                }
            }
        }
        return new Result(records, bytes, undecodable, complete, openTransactions(stack, audited));
    }

    /** A write this long before the audit does not belong to a transaction a live instance is still filling. */
    private static final long STALE_MILLIS = 10_000;

    /** Transactions open on the chunk topic whose producer has not written for a while. */
    static List<String> openTransactions(ChaosStack stack, Collection<TopicPartition> partitions) {
        List<String> out = new ArrayList<>();
        try (Admin admin = Admin.create(stack.kafka.clientProperties())) {
            long now = System.currentTimeMillis();
            for (Map.Entry<TopicPartition, DescribeProducersResult.PartitionProducerState> e : admin
                    .describeProducers(partitions).all().get(30, TimeUnit.SECONDS).entrySet()) {
                for (ProducerState p : e.getValue().activeProducers()) {
                    if (p.currentTransactionStartOffset().isPresent() && now - p.lastTimestamp() > STALE_MILLIS) {
                        out.add(e.getKey() + " from offset " + p.currentTransactionStartOffset().getAsLong()
                                + " (producer " + p.producerId() + ", epoch " + p.producerEpoch() + ", last write "
                                + (now - p.lastTimestamp()) / 1000 + " s before the audit)");
                    }
                }
            }
        } catch (ExecutionException | TimeoutException e) {
            out.add("not known: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            out.add("not known: interrupted");
        }
        return List.copyOf(out);
    }

    private static void track(Map<String, Attempt> open, EncryptedChunk chunk, Map<String, Integer> complete) {
        String id = chunk.getReferenceId().toString();
        Attempt a;
        if (chunk.getSequence() == 0) {
            a = new Attempt(); // a new attempt; an unfinished earlier one never completes
            open.put(id, a);
        } else {
            a = open.get(id);
            if (a == null) {
                return; // the rest of an attempt whose start we did not see as such
            }
            a.intact &= chunk.getSequence() == a.next;
            a.next = chunk.getSequence() + 1;
        }
        if (chunk.getLast()) {
            if (a.intact && !chunk.getAborted()) {
                complete.merge(id, 1, Integer::sum);
            }
            open.remove(id);
        }
    }

    private static boolean caughtUp(KafkaConsumer<byte[], byte[]> consumer, Map<TopicPartition, Long> end) {
        return end.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue());
    }
}
