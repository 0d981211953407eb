package io.srrrs.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.srrrs.crypto.format.ContentFormat;
import io.srrrs.crypto.format.OutputFormat;
import io.srrrs.crypto.format.S3ecContent;
import io.srrrs.crypto.kms.DecoratedKms;
import io.srrrs.crypto.kms.KmsConfig;
import io.srrrs.crypto.kms.local.LocalKeystoreKms;
import io.srrrs.schemas.EncryptedChunk;
import io.srrrs.schemas.PayloadReference;
import io.srrrs.schemas.RejectedReference;
import io.srrrs.serdes.AvroDeserializer;
import io.srrrs.serdes.AvroSerializer;
import io.srrrs.serdes.InMemorySchemaRegistryClient;
import io.srrrs.serdes.chunk.ObjectStartFields;
import io.srrrs.topology.source.PayloadSources;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The output format of a reference (srrrs.output.format.default, srrrs.output.formats.allowed):
 * the configuration's checks at start, the DLQ reasons, and S3EC objects whose chunks decrypt as an
 * S3EC reader would. Inline payloads, the TopologyTestDriver, the real local keystore KMS.
 */
@Timeout(120)
class OutputFormatTopologyTest {

    static final int CHUNK = 8192;

    @TempDir
    Path dir;
    Map<String, String> settings;
    DecoratedKms kms;
    PayloadSources sources;
    TopologyTestDriver driver;
    TestInputTopic<byte[], byte[]> input;
    TestOutputTopic<String, EncryptedChunk> chunks;
    TestOutputTopic<String, RejectedReference> dlq;
    AvroSerializer<PayloadReference> serializer;

    @BeforeEach
    void keys() throws Exception {
        LocalKeystoreKms.openOrCreate(dir.resolve("keks.p12"), "pw".toCharArray()).createKek("orders");
        settings = new HashMap<>();
        settings.put("application.id", "formats");
        settings.put("bootstrap.servers", "unused:9092");
        settings.put(StreamsConfig.STATE_DIR_CONFIG, dir.resolve("state").toString());
        settings.put(TopologyConfig.KEK_DEFAULT, "orders");
        settings.put(TopologyConfig.BUCKET_ALLOWED, "bucket");
        settings.put(TopologyConfig.TRANSIENT_MAX_ATTEMPTS, "1");
        settings.put(TopologyConfig.CHUNK_MAX_BYTES, Integer.toString(CHUNK));
        settings.put(TopologyConfig.SEGMENT_SIZE, "4096");
        settings.put("kms.type", "local");
        settings.put("kms.local.keystore", dir.resolve("keks.p12").toString());
        settings.put("kms.local.password", "pw");
    }

    void start() {
        TopologyConfig config = TopologyConfig.of(settings);
        kms = KmsConfig.stack(config.kmsConfig());
        InMemorySchemaRegistryClient registry = new InMemorySchemaRegistryClient();
        sources = PayloadSources.from(config);
        EncryptionTopology.Dependencies deps = EncryptorApp.dependencies(config, kms, registry, sources,
                ObjectCipher.ENVELOPE);
        driver = new TopologyTestDriver(EncryptionTopology.build(config, deps, registry), config.streamsProperties());
        input = driver.createInputTopic("payload-refs", new ByteArraySerializer(), new ByteArraySerializer());
        chunks = driver.createOutputTopic("ciphertext-chunks", new StringDeserializer(),
                new AvroDeserializer<>(EncryptedChunk.class, registry));
        dlq = driver.createOutputTopic("payload-refs.dlq", new StringDeserializer(),
                new AvroDeserializer<>(RejectedReference.class, registry));
        serializer = new AvroSerializer<>(registry, true);
    }

    @AfterEach
    void close() {
        if (driver != null) {
            driver.close();
            sources.close();
            kms.close();
        }
    }

    void allowAll() {
        settings.put(TopologyConfig.OUTPUT_FORMATS_ALLOWED, "srrrs-v1,s3ec-v3,s3ec-v2");
    }

    static PayloadReference.Builder ref(String id, byte[] data, String format) {
        return Fixtures.inline(id, data).setEncryptionContext(Map.of()).setFormat(format);
    }

    void pipe(PayloadReference ref) {
        input.pipeInput(ref.getId().getBytes(StandardCharsets.UTF_8), serializer.serialize("payload-refs", ref));
    }

    RejectedReference rejected(PayloadReference ref) {
        pipe(ref);
        assertThat(chunks.readValuesToList()).as("no chunk of %s", ref.getId()).isEmpty();
        List<RejectedReference> r = dlq.readValuesToList();
        assertThat(r).hasSize(1);
        return r.get(0);
    }

    // ---- configuration --------------------------------------------------------------------------

    @Test
    void byDefaultOnlyFormatV1IsAllowedAndIsTheDefault() {
        assertThat(TopologyConfig.DEFINITION.configKeys().get(TopologyConfig.OUTPUT_FORMATS_ALLOWED).defaultValue)
                .isEqualTo(List.of("srrrs-v1"));
        OutputFormats formats = OutputFormats.from(TopologyConfig.of(settings));
        assertThat(formats.defaultFormat()).isEqualTo(OutputFormat.SRRRS_V1);
        assertThat(formats.allowed()).containsExactly(OutputFormat.SRRRS_V1);
    }

    @Test
    void aDefaultThatIsNotAllowedRefusesToStartNamingTheFix() {
        settings.put(TopologyConfig.OUTPUT_FORMAT_DEFAULT, "s3ec-v3");
        assertThatThrownBy(() -> TopologyConfig.of(settings)).isInstanceOf(ConfigException.class)
                .hasMessageContaining(TopologyConfig.OUTPUT_FORMAT_DEFAULT)
                .hasMessageContaining(TopologyConfig.OUTPUT_FORMATS_ALLOWED).hasMessageContaining("add it there");
    }

    @Test
    void anUnknownFormatInEitherKeyRefusesToStart() {
        settings.put(TopologyConfig.OUTPUT_FORMATS_ALLOWED, "srrrs-v1,s3ec-v1");
        assertThatThrownBy(() -> TopologyConfig.of(settings)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("s3ec-v1").hasMessageContaining(OutputFormat.ids());
        settings.put(TopologyConfig.OUTPUT_FORMATS_ALLOWED, "srrrs-v1");
        settings.put(TopologyConfig.OUTPUT_FORMAT_DEFAULT, "v1");
        assertThatThrownBy(() -> TopologyConfig.of(settings)).isInstanceOf(ConfigException.class)
                .hasMessageContaining(TopologyConfig.OUTPUT_FORMAT_DEFAULT);
        settings.put(TopologyConfig.OUTPUT_FORMATS_ALLOWED, "");
        settings.put(TopologyConfig.OUTPUT_FORMAT_DEFAULT, "srrrs-v1");
        assertThatThrownBy(() -> TopologyConfig.of(settings)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("at least one");
    }

    // ---- DLQ reasons ----------------------------------------------------------------------------

    @Test
    void aFormatThatIsNotAllowedIsFormatNotAllowedNamingTheAllowedOnes() {
        start();
        RejectedReference r = rejected(ref("v3", new byte[100], "s3ec-v3").build());
        assertThat(r.getReason()).isEqualTo(RejectReason.FORMAT_NOT_ALLOWED.name());
        assertThat(r.getStage()).isEqualTo("VALIDATE");
        assertThat(r.getMessage()).contains("s3ec-v3").contains(TopologyConfig.OUTPUT_FORMATS_ALLOWED)
                .contains("(srrrs-v1)");
    }

    @Test
    void anUnknownFormatIsFormatNotAllowedToo() {
        allowAll();
        start();
        RejectedReference r = rejected(ref("v9", new byte[100], "s3ec-v9").build());
        assertThat(r.getReason()).isEqualTo(RejectReason.FORMAT_NOT_ALLOWED.name());
        assertThat(r.getMessage()).contains("'s3ec-v9' is unknown").contains("srrrs-v1,s3ec-v3,s3ec-v2");
    }

    @Test
    void anS3ecFormatUnderAnAesGcmWrappingKmsRefusesAContext() {
        allowAll();
        start();
        for (String format : List.of("s3ec-v3", "s3ec-v2")) {
            RejectedReference r = rejected(ref("ctx-" + format, new byte[100], format)
                    .setEncryptionContext(Map.of("tenant", "acme")).build());
            assertThat(r.getReason()).isEqualTo(RejectReason.CONTEXT_NOT_SUPPORTED.name());
            assertThat(r.getMessage()).contains(format).contains("aws-kms").contains("drop the context")
                    .doesNotContain("acme");
        }
        pipe(ref("ctx-v1", new byte[100], "srrrs-v1").setEncryptionContext(Map.of("tenant", "acme")).build());
        assertThat(dlq.readValuesToList()).as("format v1 binds a context under any KMS").isEmpty();
        assertThat(chunks.readValuesToList()).isNotEmpty();
    }

    // ---- S3EC objects ---------------------------------------------------------------------------

    @Test
    void s3ecObjectsOfManyChunksDecryptAsAnS3ecReaderWould() throws Exception {
        allowAll();
        start();
        for (OutputFormat format : List.of(OutputFormat.S3EC_V3, OutputFormat.S3EC_V2)) {
            byte[] payload = Fixtures.payload(5 * CHUNK + 123);
            pipe(ref("big-" + format.id(), payload, format.id()).build());
            List<EncryptedChunk> object = chunks.readValuesToList();
            assertThat(dlq.readValuesToList()).isEmpty();
            assertThat(object).hasSizeGreaterThan(5);
            assertThat(object).allSatisfy(c -> assertThat(c.getCiphertext().remaining()).isLessThanOrEqualTo(CHUNK));
            ObjectStartFields start = ObjectStartFields.fromAvro(object.get(0).getStart());
            ContentFormat content = start.metadata().content();
            assertThat(content).isInstanceOf(S3ecContent.class);
            assertThat(content.outputFormat()).isEqualTo(format);
            assertThat(((S3ecContent) content).wrap()).isEqualTo(S3ecContent.WrapAlgorithm.AES_GCM);
            EncryptedChunk last = object.get(object.size() - 1);
            assertThat(last.getPlaintextLength()).isEqualTo(payload.length);
            assertThat(last.getObjectLength()).isEqualTo(content.ciphertextLength(payload.length))
                    .isEqualTo(payload.length + S3ecContent.TAG_LENGTH);
            assertThat(Fixtures.decryptS3ec(object, kms.kms())).isEqualTo(payload);
            assertThat(start.metadata().toMap()).containsKey(format == OutputFormat.S3EC_V3 ? "x-amz-3" : "x-amz-key-v2");
        }
    }

    @Test
    void theDefaultFormatIsWhatAReferenceWithoutOneGets() throws Exception {
        settings.put(TopologyConfig.OUTPUT_FORMATS_ALLOWED, "s3ec-v3");
        settings.put(TopologyConfig.OUTPUT_FORMAT_DEFAULT, "s3ec-v3");
        start();
        byte[] payload = "an object for an S3EC reader".getBytes(StandardCharsets.UTF_8);
        pipe(ref("plain", payload, null).build());
        List<EncryptedChunk> object = chunks.readValuesToList();
        assertThat(ObjectStartFields.fromAvro(object.get(0).getStart()).metadata().content().outputFormat())
                .isEqualTo(OutputFormat.S3EC_V3);
        assertThat(Fixtures.decryptS3ec(object, kms.kms())).isEqualTo(payload);
        RejectedReference r = rejected(ref("asks-v1", payload, "srrrs-v1").build());
        assertThat(r.getReason()).as("format v1 itself is only allowed when listed")
                .isEqualTo(RejectReason.FORMAT_NOT_ALLOWED.name());
    }

    @Test
    void twoS3ecObjectsOfOnePayloadShareNoNonce() throws Exception {
        allowAll();
        start();
        byte[] payload = new byte[64];
        pipe(ref("a", payload, "s3ec-v2").build());
        pipe(ref("b", payload, "s3ec-v2").build());
        List<EncryptedChunk> both = chunks.readValuesToList();
        assertThat(both).hasSize(2);
        S3ecContent a = (S3ecContent) ObjectStartFields.fromAvro(both.get(0).getStart()).metadata().content();
        S3ecContent b = (S3ecContent) ObjectStartFields.fromAvro(both.get(1).getStart()).metadata().content();
        assertThat(a.nonce()).isNotEqualTo(b.nonce());
        assertThat(both.get(0).getCiphertext()).isNotEqualTo(both.get(1).getCiphertext());
    }
}
