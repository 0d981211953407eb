package io.srrrs.topology;

import io.srrrs.crypto.kms.Kms;
import io.srrrs.schemas.EncryptedChunk;
import io.srrrs.schemas.PayloadReference;
import io.srrrs.schemas.RejectedReference;
import io.srrrs.serdes.AvroSerializer;
import io.srrrs.serdes.registry.SchemaRegistryClient;
import io.srrrs.topology.ops.TopologyMeters;
import io.srrrs.topology.source.PayloadSources;

import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.Stores;

/**
 * The topology: input topic (raw bytes, decoded by the processor so that undecodable records
 * reach the DLQ too) → {@link EncryptionProcessor} (with the stores of seen ids and of objects in
 * progress, both changelogged) → chunk topic and DLQ topic.
 */
public final class EncryptionTopology {

    static final String SOURCE = "payload-references";
    static final String PROCESSOR = "encrypt";
    static final String CHUNK_SINK = "ciphertext-chunks";
    static final String DLQ_SINK = "dead-letters";
    public static final String SEEN_IDS_STORE = "srrrs-seen-reference-ids";
    /** Objects committed over several transactions that are not finished yet (D49): id to {@link InProgressRecord}. */
    public static final String OBJECTS_IN_PROGRESS_STORE = "srrrs-objects-in-progress";

    private EncryptionTopology() {
    }

    /**
     * Everything the processor needs, built once per application.
     *
     * @param sliceBytes        ciphertext bytes an object puts in one transaction before it goes on in the next
     * @param sseCSinkPublicKey the sink's public key for sealing SSE-C keys, or null: no SSE-C
     * @param formats           the output formats references may be written in, and the default
     * @param meters            the Prometheus meters, fed beside the Kafka Streams sensors
     */
    public record Dependencies(
            Deserializer<PayloadReference> deserializer,
            ReferenceValidator validator,
            KekPolicy kekPolicy,
            ReferencePolicy referencePolicy,
            Kms kms,
            PayloadSources sources,
            ObjectCipher cipher,
            int segmentSize,
            int chunkMaxBytes,
            long sliceBytes,
            long dedupRetentionMillis,
            RecordAttempts attempts,
            String sseCSinkPublicKey,
            TopologyMetrics.Counter kmsCalls,
            TopologyMetrics.Counter dekCacheHits,
            OutputFormats formats,
            TopologyMeters meters) {

        /** Without Prometheus meters (they go nowhere): tests and tools that serve no endpoint. */
        public Dependencies(Deserializer<PayloadReference> deserializer, ReferenceValidator validator, KekPolicy kekPolicy,
                            ReferencePolicy referencePolicy, Kms kms, PayloadSources sources, ObjectCipher cipher,
                            int segmentSize, int chunkMaxBytes, long sliceBytes, long dedupRetentionMillis,
                            RecordAttempts attempts, String sseCSinkPublicKey, TopologyMetrics.Counter kmsCalls,
                            TopologyMetrics.Counter dekCacheHits, OutputFormats formats) {
            this(deserializer, validator, kekPolicy, referencePolicy, kms, sources, cipher, segmentSize, chunkMaxBytes,
                    sliceBytes, dedupRetentionMillis, attempts, sseCSinkPublicKey, kmsCalls, dekCacheHits, formats,
                    TopologyMeters.none());
        }
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    public static Topology build(TopologyConfig config, Dependencies deps, SchemaRegistryClient registry) {
        boolean autoRegister = !"false".equals(config.raw().getOrDefault(AvroSerializer.AUTO_REGISTER, "true"));
        Serializer chunks = new AvroSerializer<EncryptedChunk>(registry, autoRegister);
        Serializer rejects = new AvroSerializer<RejectedReference>(registry, autoRegister);
        Topology t = new Topology();
        t.addSource(SOURCE, new ByteArrayDeserializer(), new ByteArrayDeserializer(),
                config.getString(TopologyConfig.INPUT_TOPIC));
        t.addProcessor(PROCESSOR, () -> new EncryptionProcessor(deps), SOURCE);
        t.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(SEEN_IDS_STORE),
                Serdes.String(), Serdes.Long()), PROCESSOR);
        t.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(OBJECTS_IN_PROGRESS_STORE),
                Serdes.String(), Serdes.ByteArray()), PROCESSOR);
        t.addSink(CHUNK_SINK, config.getString(TopologyConfig.OUTPUT_TOPIC), new StringSerializer(), chunks, PROCESSOR);
        t.addSink(DLQ_SINK, config.getString(TopologyConfig.DLQ_TOPIC), new StringSerializer(), rejects, PROCESSOR);
        return t;
    }
}
