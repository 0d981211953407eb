package io.srrrs.sink;

import static org.assertj.core.api.Assertions.assertThat;

import io.srrrs.crypto.ObjectMetadata;
import io.srrrs.crypto.format.OutputFormat;
import io.srrrs.crypto.format.S3ecContent;
import io.srrrs.crypto.kms.DataKey;
import io.srrrs.crypto.kms.DekWrapping;
import io.srrrs.crypto.s3ec.S3ecObjectDecryptor;
import io.srrrs.schemas.EncryptedChunk;

import java.io.InputStream;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;

/**
 * S3EC objects through the sink task, against the real S3 server: their body is the chunks'
 * concatenation (one PutObject, or a multipart upload of byte ranges), their metadata S3EC's
 * x-amz-* keys plus ours, and what lands decrypts as an S3EC reader would; lengths are checked.
 */
class S3ecSinkTest extends SinkTaskFixture {

    /** Reads the object back and decrypts it from its stored metadata alone. */
    static byte[] readS3ec(String key) throws Exception {
        ResponseBytes<GetObjectResponse> object = admin.getObjectAsBytes(b -> b.bucket("objects").key(key));
        ObjectMetadata metadata = ObjectMetadata.fromMap(object.response().metadata());
        S3ecContent content = (S3ecContent) metadata.content();
        byte[] body = object.asByteArray();
        try (DataKey dek = kms.kms().unwrap(metadata.wrappedDek(), metadata.context(),
                DekWrapping.of(content.outputFormat()));
             S3ecObjectDecryptor dec = S3ecObjectDecryptor.open(content, dek);
             InputStream in = dec.decryptVerified(body.length, () -> new java.io.ByteArrayInputStream(body))) {
            return in.readAllBytes();
        }
    }

    @Test
    void aV3ObjectLandsWithS3ecMetadataAndDecrypts() throws Exception {
        byte[] plaintext = payload(3 * CHUNK + 77);
        List<EncryptedChunk> chunks = ChunkMaker.s3ecChunks(kms.kms(), "v3", "objects", "s3ec/v3.csv", plaintext,
                OutputFormat.S3EC_V3, CHUNK);
        assertThat(chunks).hasSizeGreaterThan(3);
        settled(records(0, chunks));
        assertThat(context.reported).isEmpty();
        Map<String, String> metadata = admin.headObject(b -> b.bucket("objects").key("s3ec/v3.csv")).metadata();
        assertThat(metadata).containsEntry("x-amz-c", "115").containsEntry("x-amz-w", "02")
                .containsKeys("x-amz-3", "x-amz-i", "x-amz-d", "srrrs-format", "srrrs-kms", "srrrs-kek-id")
                .containsEntry("srrrs-format", "s3ec-v3").containsEntry("owner", "billing")
                .doesNotContainKeys("srrrs-header", "srrrs-wrapped-dek");
        assertThat(admin.headObject(b -> b.bucket("objects").key("s3ec/v3.csv")).contentLength())
                .isEqualTo(plaintext.length + S3ecContent.TAG_LENGTH);
        assertThat(readS3ec("s3ec/v3.csv")).isEqualTo(plaintext);
    }

    @Test
    void aLargeV2ObjectIsAMultipartUploadOfTheConcatenatedChunks() throws Exception {
        byte[] plaintext = payload(11 * 1024 * 1024 + 5);
        List<EncryptedChunk> chunks = ChunkMaker.s3ecChunks(kms.kms(), "v2", "objects", "s3ec/v2.bin", plaintext,
                OutputFormat.S3EC_V2, CHUNK);
        var records = records(10, chunks);
        settled(records.subList(0, records.size() - 1));
        assertThat(openUploads("objects")).as("over one part: multipart").isEqualTo(1);
        settled(records.subList(records.size() - 1, records.size()));
        assertThat(openUploads("objects")).isZero();
        Map<String, String> metadata = admin.headObject(b -> b.bucket("objects").key("s3ec/v2.bin")).metadata();
        assertThat(metadata).containsEntry("x-amz-cek-alg", "AES/GCM/NoPadding").containsEntry("x-amz-wrap-alg", "AES/GCM")
                .containsEntry("x-amz-tag-len", "128").containsKeys("x-amz-key-v2", "x-amz-iv", "x-amz-matdesc");
        assertThat(readS3ec("s3ec/v2.bin")).isEqualTo(plaintext);
        assertThat(preCommit(10 + records.size())).containsEntry(new TopicPartition(TOPIC, 0),
                new OffsetAndMetadata(10 + records.size()));
    }

    @Test
    void aWrongPlaintextLengthOrATruncatedBodyIsRefusedAndNothingLands() throws Exception {
        byte[] plaintext = payload(1000);
        List<EncryptedChunk> lying = ChunkMaker.s3ecChunks(kms.kms(), "lies", "objects", "s3ec/lies.bin", plaintext,
                OutputFormat.S3EC_V3, CHUNK);
        lying.get(lying.size() - 1).setPlaintextLength(999L);
        settled(records(0, lying));
        List<EncryptedChunk> tiny = ChunkMaker.s3ecChunks(kms.kms(), "tiny", "objects", "s3ec/tiny.bin", plaintext,
                OutputFormat.S3EC_V3, CHUNK);
        EncryptedChunk only = tiny.get(0);
        only.setCiphertext(java.nio.ByteBuffer.wrap(new byte[10]));
        only.setObjectLength(10L);
        only.setPlaintextLength(null);
        settled(records(1, tiny));
        assertThat(context.reported).hasSize(2);
        assertThat(context.reported.get(0).error()).isInstanceOf(ChunkRefusedException.class)
                .hasMessageStartingWith("LENGTH_MISMATCH").hasMessageContaining("999");
        assertThat(context.reported.get(1).error()).isInstanceOf(ChunkRefusedException.class)
                .hasMessageStartingWith("LAYOUT_MISMATCH").hasMessageContaining("s3ec-v3");
        assertThat(exists("objects", "s3ec/lies.bin")).isFalse();
        assertThat(exists("objects", "s3ec/tiny.bin")).isFalse();
    }
}
