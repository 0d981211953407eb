package io.srrrs.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.srrrs.crypto.kms.DecoratedKms;
import io.srrrs.crypto.kms.KmsConfig;
import io.srrrs.crypto.kms.local.LocalKeystoreKms;
import io.srrrs.schemas.EncryptedChunk;
import io.srrrs.schemas.PayloadReference;
import io.srrrs.serdes.AvroDeserializer;
import io.srrrs.serdes.AvroSerializer;
import io.srrrs.serdes.InMemorySchemaRegistryClient;
import io.srrrs.topology.ops.TopologyMeters;
import io.srrrs.topology.source.PayloadSources;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The processor feeds the Prometheus meters where it feeds its Kafka Streams sensors (TopologyTestDriver). */
class TopologyMetersFeedTest {

    @TempDir
    Path dir;
    private final MeterRegistry registry = new SimpleMeterRegistry();
    private DecoratedKms kms;
    private PayloadSources sources;
    private TopologyTestDriver driver;

    @AfterEach
    void close() {
        driver.close();
        sources.close();
        kms.close();
    }

    @Test
    void receivedEncryptedRejectedBytesAndTimesAreCounted() throws Exception {
        LocalKeystoreKms.openOrCreate(dir.resolve("keks.p12"), "pw".toCharArray()).createKek("orders");
        Map<String, String> settings = new HashMap<>();
        settings.put("application.id", "meters");
        settings.put("bootstrap.servers", "unused:9092");
        settings.put(StreamsConfig.STATE_DIR_CONFIG, dir.resolve("state").toString());
        settings.put(TopologyConfig.KEK_DEFAULT, "orders");
        settings.put(TopologyConfig.BUCKET_ALLOWED, "bucket");
        settings.put("kms.type", "local");
        settings.put("kms.local.keystore", dir.resolve("keks.p12").toString());
        settings.put("kms.local.password", "pw");
        TopologyConfig config = TopologyConfig.of(settings);
        kms = KmsConfig.stack(config.kmsConfig());
        sources = PayloadSources.from(config);
        TopologyMeters meters = new TopologyMeters(registry);
        sources.observeFetches(meters::fetched);
        InMemorySchemaRegistryClient schemas = new InMemorySchemaRegistryClient();
        EncryptionTopology.Dependencies d = EncryptorApp.dependencies(config, kms, schemas, sources, ObjectCipher.ENVELOPE);
        d = new EncryptionTopology.Dependencies(d.deserializer(), d.validator(), d.kekPolicy(), d.referencePolicy(),
                d.kms(), d.sources(), d.cipher(), d.segmentSize(), d.chunkMaxBytes(), d.sliceBytes(),
                d.dedupRetentionMillis(), d.attempts(), d.sseCSinkPublicKey(), d.kmsCalls(), d.dekCacheHits(),
                d.formats(), meters);
        driver = new TopologyTestDriver(EncryptionTopology.build(config, d, schemas), config.streamsProperties());
        TestInputTopic<byte[], byte[]> input = driver.createInputTopic("payload-refs", new ByteArraySerializer(),
                new ByteArraySerializer());
        TestOutputTopic<String, EncryptedChunk> chunks = driver.createOutputTopic("ciphertext-chunks",
                new StringDeserializer(), new AvroDeserializer<>(EncryptedChunk.class, schemas));
        AvroSerializer<PayloadReference> serializer = new AvroSerializer<>(schemas, true);

        byte[] a = Fixtures.payload(10_000);
        byte[] b = Fixtures.payload(2_000_000);
        for (PayloadReference ref : new PayloadReference[] {Fixtures.inline("a", a).build(), Fixtures.inline("b", b).build(),
                Fixtures.inline("a", a).build()}) {
            input.pipeInput(ref.getId().getBytes(StandardCharsets.UTF_8), serializer.serialize("payload-refs", ref));
        }
        assertThat(chunks.readValuesToList()).filteredOn(EncryptedChunk::getLast).hasSize(2);

        assertThat(registry.get("srrrs.topology.references.received").counter().count()).isEqualTo(3);
        assertThat(registry.get("srrrs.topology.references.encrypted").tag("format", "srrrs-v1").counter().count())
                .isEqualTo(2);
        assertThat(registry.get("srrrs.topology.references.rejected").tag("reason", "DUPLICATE_ID").counter().count())
                .isEqualTo(1);
        assertThat(registry.get("srrrs.topology.plaintext").counter().count()).isEqualTo(a.length + b.length);
        assertThat(registry.get("srrrs.topology.encryption").tag("format", "srrrs-v1").timer().count()).isEqualTo(2);
        assertThat(registry.get("srrrs.topology.source.fetch").tag("scheme", "inline").timer().count()).isEqualTo(2);
        assertThat(registry.get("srrrs.topology.objects.in.flight").gauge().value()).isZero();
    }
}
