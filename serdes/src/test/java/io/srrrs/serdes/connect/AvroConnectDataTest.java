package io.srrrs.serdes.connect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.srrrs.schemas.EncryptedChunk;
import io.srrrs.schemas.ObjectStart;

import java.nio.ByteBuffer;
import java.util.Map;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.DataException;
import org.junit.jupiter.api.Test;

/** A Connect Struct read back as a generated Avro class, the class schema the reader schema. */
class AvroConnectDataTest {

    private static final Schema CONNECT = AvroConnectData.toConnectSchema(EncryptedChunk.getClassSchema());

    static EncryptedChunk chunk() {
        ObjectStart start = ObjectStart.newBuilder().setHeader(ByteBuffer.wrap(new byte[] {1})).setKms("local")
                .setKekId("orders").setWrappedDek(ByteBuffer.wrap(new byte[] {2})).setEncryptionContext(Map.of("a", "b"))
                .setContentType(null).setUserMetadata(Map.of()).setSseC(true)
                .setSealedSseCKey(ByteBuffer.wrap(new byte[] {3})).build();
        return EncryptedChunk.newBuilder().setReferenceId("r").setBucket("b").setKey("k").setSequence(0)
                .setLast(true).setAborted(true).setStart(start).setCiphertext(ByteBuffer.wrap(new byte[] {4, 5}))
                .setPlaintextLength(1L).setObjectLength(2L).build();
    }

    private static Struct struct(EncryptedChunk chunk) {
        return (Struct) AvroConnectData.toConnectValue(EncryptedChunk.getClassSchema(), CONNECT, chunk);
    }

    @Test
    void aStructOfTheGeneratedClassReadsBackAsIt() {
        assertThat(AvroConnectData.toSpecificRecord(struct(chunk()), EncryptedChunk.class)).isEqualTo(chunk());
    }

    @Test
    void theCiphertextIsWrappedNotCopied() {
        Struct s = struct(chunk());
        byte[] ciphertext = s.getBytes("ciphertext");
        ByteBuffer read = AvroConnectData.toSpecificRecord(s, EncryptedChunk.class).getCiphertext();
        assertThat(read.array()).isSameAs(ciphertext);
    }

    @Test
    void fieldsAnOlderWriterDidNotHaveTakeTheirDefaults() {
        Struct s = without(without(struct(chunk()), "aborted", null), "sealedSseCKey", "start");
        EncryptedChunk read = AvroConnectData.toSpecificRecord(s, EncryptedChunk.class);
        assertThat(read.getAborted()).isFalse();
        assertThat(read.getStart().getSealedSseCKey()).isNull();
        assertThat(read.getStart().getSseC()).isTrue();
        assertThat(read.getLast()).isTrue();
    }

    @Test
    void aMissingFieldWithoutDefaultOrAValueOfAnotherTypeIsADataException() {
        assertThatThrownBy(() -> AvroConnectData.toSpecificRecord(without(struct(chunk()), "last", null),
                EncryptedChunk.class)).isInstanceOf(DataException.class).hasMessageContaining("last is missing");
        Schema wrongType = SchemaBuilder.struct().name(EncryptedChunk.getClassSchema().getFullName())
                .field("referenceId", Schema.STRING_SCHEMA).field("sequence", Schema.STRING_SCHEMA).build();
        Struct odd = new Struct(wrongType).put("referenceId", "r").put("sequence", "0");
        assertThatThrownBy(() -> AvroConnectData.toSpecificRecord(odd, EncryptedChunk.class))
                .isInstanceOf(DataException.class);
    }

    @Test
    void theGenericDirectionStillWritesWhatItRead() {
        Object back = AvroConnectData.toAvroValue(EncryptedChunk.getClassSchema(), struct(chunk()));
        assertThat(back.toString()).isEqualTo(chunk().toString());
    }

    /** {@code s} with {@code field} left out (of its nested struct {@code in}, when given). */
    private static Struct without(Struct s, String field, String in) {
        SchemaBuilder sb = SchemaBuilder.struct().name(s.schema().name());
        Struct inner = in == null ? null : without(s.getStruct(in), field, null);
        for (Field f : s.schema().fields()) {
            if (in == null && f.name().equals(field)) {
                continue;
            }
            sb.field(f.name(), f.name().equals(in) ? inner.schema() : f.schema());
        }
        Schema schema = sb.build();
        Struct out = new Struct(schema);
        for (Field f : schema.fields()) {
            out.put(f.name(), f.name().equals(in) ? inner : s.get(f.name()));
        }
        return out;
    }
}
