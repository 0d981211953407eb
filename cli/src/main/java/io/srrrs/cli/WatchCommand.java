package io.srrrs.cli;

import io.srrrs.schemas.EncryptedChunk;
import io.srrrs.schemas.RejectedReference;
import io.srrrs.serdes.AvroDeserializer;
import io.srrrs.serdes.registry.HttpSchemaRegistryClient;
import io.srrrs.serdes.registry.RegistryConfig;
import io.srrrs.serdes.registry.SchemaRegistryClient;
import io.srrrs.topology.TopologyConfig;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code srrrs watch}: what the topology commits, as it commits it — one line per ciphertext chunk
 * and per DLQ record, read {@code read_committed} from the start of both topics. Never prints
 * ciphertext or plaintext: sizes, ids, the KEK.
 */
@Command(name = "watch", mixinStandardHelpOptions = true,
        description = {"Print the topology's output as it commits.",
                "It prints one line per ciphertext chunk (reference id, object, sequence, size, KEK) and one per "
                        + "DLQ record (reference id, stage/reason, message), read_committed from the start of both "
                        + "topics. It works with the topology's own --config FILE."})
final class WatchCommand implements Callable<Integer> {

    @Mixin
    SrrrsCommand.Common common;

    @Option(names = "--seconds", paramLabel = "N", defaultValue = "30",
            description = "How long to watch. Default: ${DEFAULT-VALUE}.")
    int seconds;

    @Override
    public Integer call() {
        TopologyConfig topology = common.config().topology();
        SchemaRegistryClient registry = new HttpSchemaRegistryClient(RegistryConfig.fromProperties(topology.registryConfig()));
        AvroDeserializer<EncryptedChunk> chunks = new AvroDeserializer<>(EncryptedChunk.class, registry);
        AvroDeserializer<RejectedReference> rejects = new AvroDeserializer<>(RejectedReference.class, registry);
        String chunkTopic = topology.getString(TopologyConfig.OUTPUT_TOPIC);
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(consumerProperties(topology),
                new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(chunkTopic, topology.getString(TopologyConfig.DLQ_TOPIC)));
            long deadline = System.currentTimeMillis() + seconds * 1000L;
            while (System.currentTimeMillis() < deadline) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    if (r.topic().equals(chunkTopic)) {
                        print(chunks.deserialize(r.topic(), r.value()));
                    } else {
                        print(rejects.deserialize(r.topic(), r.value()));
                    }
                }
            }
        }
        return 0;
    }

    private static Map<String, Object> consumerProperties(TopologyConfig topology) {
        Map<String, Object> props = topology.kafkaClientProperties();
        props.put("group.id", "srrrs-watch-" + UUID.randomUUID());
        props.put("auto.offset.reset", "earliest");
        props.put("isolation.level", "read_committed");
        return props;
    }

    static void print(EncryptedChunk c) {
        System.out.printf("chunk  %s  s3://%s/%s  #%d%s  %d bytes%s%n", c.getReferenceId(), c.getBucket(), c.getKey(),
                c.getSequence(), c.getLast() ? " last" : "", c.getCiphertext().remaining(),
                c.getAborted() ? "  ABANDONED" : c.getStart() != null ? "  kek=" + c.getStart().getKekId() : "");
    }

    static void print(RejectedReference d) {
        System.out.printf("DLQ    %s  %s/%s  %s%n", d.getReferenceId(), d.getStage(), d.getReason(), d.getMessage());
    }
}
