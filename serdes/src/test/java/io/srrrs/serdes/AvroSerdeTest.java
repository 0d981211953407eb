package io.srrrs.serdes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.srrrs.schemas.EncryptedChunk;
import io.srrrs.schemas.InlineSource;
import io.srrrs.schemas.ObjectStart;
import io.srrrs.schemas.PayloadReference;
import io.srrrs.schemas.Sha256;
import io.srrrs.schemas.UriSource;
import io.srrrs.serdes.connect.AvroConverter;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.DataException;
import org.junit.jupiter.api.Test;

class AvroSerdeTest {

    private final InMemorySchemaRegistryClient registry = new InMemorySchemaRegistryClient();
    private final AvroSerializer<PayloadReference> serializer = new AvroSerializer<>(registry, true);
    private final AvroDeserializer<PayloadReference> deserializer = new AvroDeserializer<>(PayloadReference.class, registry);

    static PayloadReference reference() {
        return PayloadReference.newBuilder()
                .setId("ref-1")
                .setSource(new UriSource("file:/data/in/a.bin"))
                .setBucket("bucket")
                .setKey("a/b.bin")
                .setEncryptionContext(Map.of("tenant", "acme"))
                .setExpectedSha256(new Sha256(new byte[32]))
                .build();
    }

    @Test
    void writesTheConfluentWireFormatAndReadsItBack() {
        byte[] bytes = serializer.serialize("payload-refs", reference());
        assertThat(bytes[0]).isEqualTo((byte) 0);
        int id = ByteBuffer.wrap(bytes, 1, 4).getInt();
        assertThat(registry.latest("payload-refs-value").id()).isEqualTo(id);
        assertThat(registry.schemaById(id)).isEqualTo(PayloadReference.getClassSchema());
        assertThat(deserializer.deserialize("payload-refs", bytes)).isEqualTo(reference());
    }

    @Test
    void anInlineSourceRoundTrips() {
        PayloadReference inline = PayloadReference.newBuilder(reference())
                .setSource(new InlineSource(ByteBuffer.wrap(new byte[] {1, 2, 3}))).build();
        PayloadReference back = deserializer.deserialize("t", serializer.serialize("t", inline));
        assertThat(((InlineSource) back.getSource()).getData()).isEqualTo(ByteBuffer.wrap(new byte[] {1, 2, 3}));
    }

    @Test
    void recordsOfAnotherFormatAreRefusedByName() {
        assertThatThrownBy(() -> deserializer.deserialize("t", "{\"json\":true}".getBytes()))
                .isInstanceOf(MalformedRecordException.class).hasMessageContaining("magic byte");
        assertThatThrownBy(() -> deserializer.deserialize("t", new byte[] {0, 0}))
                .isInstanceOf(MalformedRecordException.class).hasMessageContaining("shorter than");
    }

    @Test
    void anUnknownSchemaIdIsItsOwnError() {
        byte[] bytes = serializer.serialize("t", reference());
        ByteBuffer.wrap(bytes).putInt(1, 4242);
        assertThatThrownBy(() -> deserializer.deserialize("t", bytes))
                .isInstanceOf(UnknownSchemaException.class).hasMessageContaining("4242");
    }

    @Test
    void truncatedOrGarbageAvroIsMalformedAndQuotesNoData() {
        byte[] bytes = serializer.serialize("t", reference());
        byte[] cut = Arrays.copyOf(bytes, bytes.length - 20);
        assertThatThrownBy(() -> deserializer.deserialize("t", cut)).isInstanceOf(MalformedRecordException.class)
                .hasMessageNotContaining("a/b.bin");
        byte[] extra = Arrays.copyOf(bytes, bytes.length + 3);
        assertThatThrownBy(() -> deserializer.deserialize("t", extra)).isInstanceOf(MalformedRecordException.class)
                .hasMessageContaining("after its Avro data");
    }

    @Test
    void aRecordOfAnUnrelatedSchemaIsMalformedForThisReader() {
        Schema other = SchemaBuilder.record("Other").fields().requiredInt("n").endRecord();
        GenericRecord r = new GenericData.Record(other);
        r.put("n", 7);
        byte[] bytes = new AvroSerializer<GenericRecord>(registry, true).serialize("t", r);
        assertThatThrownBy(() -> deserializer.deserialize("t", bytes)).isInstanceOf(MalformedRecordException.class)
                .hasMessageContaining("Other").hasMessageContaining("PayloadReference");
    }

    @Test
    void withoutAutoRegistrationAnUnregisteredSchemaIsAnError() {
        AvroSerializer<PayloadReference> strict = new AvroSerializer<>(registry, false);
        assertThatThrownBy(() -> strict.serialize("never-registered", reference()))
                .isInstanceOf(org.apache.kafka.common.errors.SerializationException.class)
                .hasMessageContaining("never-registered-value");
    }

    @Test
    void theConverterCallsARegistryOutageRetriableAndABadRecordData() throws Exception {
        int closedPort;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        AvroConverter converter = new AvroConverter();
        converter.configure(Map.of("schema.registry.url", "http://127.0.0.1:" + closedPort), false);
        byte[] unknownId = new byte[] {0, 0, 0, 0, 42, 2, 'x'};
        // Connect retries a RetriableException for errors.retry.timeout; a DataException is dead-lettered.
        assertThatThrownBy(() -> converter.toConnectData("chunks", unknownId))
                .isInstanceOf(org.apache.kafka.connect.errors.RetriableException.class);
        assertThatThrownBy(() -> converter.toConnectData("chunks", new byte[] {7, 1, 2}))
                .isInstanceOf(org.apache.kafka.connect.errors.DataException.class)
                .isNotInstanceOf(org.apache.kafka.connect.errors.RetriableException.class);
    }

    @Test
    void theConverterTurnsChunksIntoStructsAndBack() {
        EncryptedChunk chunk = EncryptedChunk.newBuilder()
                .setReferenceId("r").setBucket("b").setKey("k").setSequence(0).setLast(true)
                .setStart(ObjectStart.newBuilder().setHeader(ByteBuffer.wrap(new byte[] {9})).setKms("local")
                        .setKekId("orders").setWrappedDek(ByteBuffer.wrap(new byte[] {1, 2}))
                        .setEncryptionContext(Map.of("tenant", "acme")).build())
                .setCiphertext(ByteBuffer.wrap(new byte[] {5, 6, 7})).setPlaintextLength(3L).setObjectLength(3L)
                .build();
        byte[] bytes = new AvroSerializer<EncryptedChunk>(registry, true).serialize("chunks", chunk);
        AvroConverter converter = new AvroConverter(registry);
        converter.configure(Map.of("schema.registry.url", "http://unused"), false);
        SchemaAndValue sv = converter.toConnectData("chunks", bytes);
        Struct struct = (Struct) sv.value();
        assertThat(sv.schema().name()).isEqualTo("io.srrrs.schemas.EncryptedChunk");
        assertThat(struct.getString("key")).isEqualTo("k");
        assertThat(struct.getBytes("ciphertext")).containsExactly(5, 6, 7);
        assertThat(struct.getStruct("start").getString("kekId")).isEqualTo("orders");
        assertThat(struct.getStruct("start").getMap("encryptionContext")).containsEntry("tenant", "acme");
        assertThat(struct.getInt64("plaintextLength")).isEqualTo(3L);
        assertThat(sv.schema().field("start").schema().isOptional()).isTrue();

        byte[] again = converter.fromConnectData("chunks", sv.schema(), struct);
        assertThat(new AvroDeserializer<>(EncryptedChunk.class, registry).deserialize("chunks", again)).isEqualTo(chunk);
        assertThatThrownBy(() -> converter.toConnectData("chunks", new byte[] {1, 2, 3, 4, 5, 6}))
                .isInstanceOf(DataException.class).hasMessageContaining("magic byte");
    }

    @Test
    void unionsOfRecordsBecomeAStructWithOneFieldPerBranch() {
        byte[] bytes = serializer.serialize("refs", reference());
        AvroConverter converter = new AvroConverter(registry);
        converter.configure(Map.of("schema.registry.url", "http://unused"), false);
        Struct struct = (Struct) converter.toConnectData("refs", bytes).value();
        Struct source = struct.getStruct("source");
        assertThat(source.schema().name()).isEqualTo(io.srrrs.serdes.connect.AvroConnectData.UNION);
        assertThat(source.getStruct("UriSource").getString("uri")).isEqualTo("file:/data/in/a.bin");
        assertThat(source.get("InlineSource")).isNull();
        assertThat(struct.getBytes("expectedSha256")).hasSize(32);
    }
}
