package io.srrrs.serdes.chunk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.srrrs.crypto.CiphertextException;
import io.srrrs.crypto.ObjectMetadata;
import io.srrrs.crypto.format.EncryptionContext;
import io.srrrs.crypto.format.FormatHeader;
import io.srrrs.crypto.format.FormatV1;
import io.srrrs.crypto.format.S3ecContent;
import io.srrrs.crypto.kms.KekId;
import io.srrrs.crypto.kms.WrappedDek;
import io.srrrs.schemas.ObjectStart;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Map;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.junit.jupiter.api.Test;

class ObjectStartFieldsTest {

    static FormatHeader header() {
        byte[] salt = new byte[FormatV1.SALT_LENGTH];
        salt[0] = 7;
        return new FormatHeader(4096, salt, new byte[FormatV1.NONCE_PREFIX_LENGTH], new byte[FormatV1.CHECK_LENGTH],
                new byte[FormatV1.CHECK_LENGTH], new byte[FormatV1.CHECK_LENGTH], new byte[FormatV1.COMMITMENT_LENGTH]);
    }

    static ObjectStartFields fields(boolean sseC) {
        ObjectMetadata metadata = new ObjectMetadata(header(), new WrappedDek("local", new KekId("orders"), new byte[] {1, 2}),
                EncryptionContext.of("tenant", "acme"), sseC);
        return new ObjectStartFields(metadata, "text/plain", Map.of("owner", "ops"), sseC ? new byte[] {9, 9} : null);
    }

    @Test
    void writesEveryFieldAsTheTopologyAlwaysDid() throws Exception {
        ObjectStartFields f = fields(true);
        ObjectStart byHand = ObjectStart.newBuilder()
                .setHeader(ByteBuffer.wrap(header().toBytes())).setKms("local").setKekId("orders")
                .setWrappedDek(ByteBuffer.wrap(new byte[] {1, 2})).setEncryptionContext(Map.of("tenant", "acme"))
                .setContentType("text/plain").setUserMetadata(Map.of("owner", "ops")).setSseC(true)
                .setSealedSseCKey(ByteBuffer.wrap(new byte[] {9, 9})).build();
        assertThat(f.toAvro()).isEqualTo(byHand);
        assertThat(avroBytes(f.toAvro())).isEqualTo(avroBytes(byHand));
    }

    @Test
    void readsBackTheSameMetadata() throws Exception {
        for (boolean sseC : new boolean[] {false, true}) {
            ObjectStartFields back = ObjectStartFields.fromAvro(fields(sseC).toAvro());
            assertThat(back.metadata().toMap()).isEqualTo(fields(sseC).metadata().toMap());
            assertThat(back.metadata().sseC()).isEqualTo(sseC);
            assertThat(back.contentType()).isEqualTo("text/plain");
            assertThat(back.userMetadata()).isEqualTo(Map.of("owner", "ops"));
            assertThat(back.sealedSseCKey()).isEqualTo(sseC ? new byte[] {9, 9} : null);
        }
    }

    @Test
    void s3ecContentTravelsInTheHeaderFieldAndComesBackAsS3ecMetadata() throws Exception {
        for (S3ecContent.Version version : S3ecContent.Version.values()) {
            byte[] nonce = new byte[version.nonceLength()];
            nonce[0] = 5;
            byte[] commitment = new byte[version.commitmentLength()];
            S3ecContent content = new S3ecContent(version, S3ecContent.WrapAlgorithm.AES_GCM, nonce, commitment);
            ObjectMetadata metadata = new ObjectMetadata(content, new WrappedDek("local", new KekId("orders"),
                    new byte[60]), EncryptionContext.of(), true);
            ObjectStartFields f = new ObjectStartFields(metadata, null, Map.of(), new byte[] {9});
            assertThat(f.toAvro().getHeader()).isEqualTo(ByteBuffer.wrap(content.toBytes()));
            ObjectStartFields back = ObjectStartFields.fromAvro(f.toAvro());
            assertThat(back.metadata().content()).isInstanceOf(S3ecContent.class);
            assertThat(back.metadata().content().toBytes()).isEqualTo(content.toBytes());
            assertThat(back.metadata().toMap()).isEqualTo(metadata.toMap())
                    .containsKey(version == S3ecContent.Version.V3 ? "x-amz-3" : "x-amz-key-v2");
            assertThat(back.metadata().wrappedDek().blob()).hasSize(60);
        }
    }

    @Test
    void aBadHeaderIsACiphertextExceptionAndABadKekIdAnIllegalArgument() {
        ObjectStart badHeader = fields(false).toAvro();
        badHeader.setHeader(ByteBuffer.wrap(new byte[10]));
        assertThatThrownBy(() -> ObjectStartFields.fromAvro(badHeader)).isInstanceOf(CiphertextException.class);
        ObjectStart badKek = fields(false).toAvro();
        badKek.setKekId("");
        assertThatThrownBy(() -> ObjectStartFields.fromAvro(badKek)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void readingLeavesTheRecordsBuffersWhereTheyWere() throws Exception {
        ObjectStart start = fields(true).toAvro();
        ObjectStartFields.fromAvro(start);
        assertThat(start.getHeader().remaining()).isEqualTo(FormatV1.HEADER_LENGTH);
        assertThat(start.getSealedSseCKey().remaining()).isEqualTo(2);
    }

    private static byte[] avroBytes(ObjectStart start) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new SpecificDatumWriter<>(ObjectStart.class).write(start, encoder);
        encoder.flush();
        return out.toByteArray();
    }
}
