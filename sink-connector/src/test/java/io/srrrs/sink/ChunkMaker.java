package io.srrrs.sink;

import io.srrrs.crypto.CiphertextChunk;
import io.srrrs.crypto.ChunkingEncryptor;
import io.srrrs.crypto.ObjectEncryptor;
import io.srrrs.crypto.ObjectMetadata;
import io.srrrs.crypto.SseCKeySealer;
import io.srrrs.crypto.format.EncryptionContext;
import io.srrrs.crypto.format.ObjectIdentity;
import io.srrrs.crypto.format.OutputFormat;
import io.srrrs.crypto.format.S3ecContent;
import io.srrrs.crypto.kms.DataKeyPair;
import io.srrrs.crypto.kms.DekWrapping;
import io.srrrs.crypto.kms.KekId;
import io.srrrs.crypto.kms.Kms;
import io.srrrs.crypto.s3ec.S3ecChunks;
import io.srrrs.crypto.s3ec.S3ecObjectEncryptor;
import io.srrrs.schemas.EncryptedChunk;
import io.srrrs.schemas.ObjectStart;
import io.srrrs.serdes.chunk.ObjectStartFields;
import io.srrrs.serdes.connect.AvroConnectData;

import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.sink.SinkRecord;

/**
 * Makes the chunk records the topology would, for one object, as the sink receives them (Structs
 * from the AvroConverter's mapping): real format v1 encryption under a DEK from a real KMS.
 */
final class ChunkMaker {

    static final Schema SCHEMA = AvroConnectData.toConnectSchema(EncryptedChunk.getClassSchema());
    static final EncryptionContext CONTEXT = EncryptionContext.of("tenant", "acme");

    private ChunkMaker() {
    }

    /** The chunks of one object, as Avro records. */
    static List<EncryptedChunk> chunks(Kms kms, String referenceId, String bucket, String key, byte[] plaintext,
                                       int segmentSize, int maxChunk, String sseCPublicKey) throws Exception {
        ObjectIdentity id = new ObjectIdentity(bucket, key);
        List<EncryptedChunk> out = new ArrayList<>();
        try (DataKeyPair dek = kms.generateDataKey(new KekId("orders"), CONTEXT);
             ObjectEncryptor enc = ObjectEncryptor.create(dek, id, CONTEXT, segmentSize);
             ChunkingEncryptor chunks = enc.chunks(new ByteArrayInputStream(plaintext), maxChunk, plaintext.length)) {
            ByteBuffer sealed = null;
            if (sseCPublicKey != null) {
                byte[] k = enc.sseCKey();
                sealed = ByteBuffer.wrap(SseCKeySealer.seal(sseCPublicKey, k, id));
                java.util.Arrays.fill(k, (byte) 0);
            }
            ObjectStart start = ObjectStart.newBuilder().setHeader(ByteBuffer.wrap(enc.header().toBytes()))
                    .setKms(dek.wrapped().kms()).setKekId(dek.wrapped().kek().value())
                    .setWrappedDek(ByteBuffer.wrap(dek.wrapped().blob())).setEncryptionContext(CONTEXT.asMap())
                    .setContentType("application/pdf").setUserMetadata(Map.of("owner", "billing"))
                    .setSseC(sseCPublicKey != null).setSealedSseCKey(sealed).build();
            long total = 0;
            for (CiphertextChunk c = chunks.next(); c != null; c = chunks.next()) {
                total += c.bytes().length;
                out.add(EncryptedChunk.newBuilder().setReferenceId(referenceId).setBucket(bucket).setKey(key)
                        .setSequence(c.sequence()).setLast(c.last()).setAborted(false)
                        .setStart(c.sequence() == 0 ? start : null).setCiphertext(ByteBuffer.wrap(c.bytes()))
                        .setPlaintextLength(c.last() ? chunks.plaintextLength() : null)
                        .setObjectLength(c.last() ? total : null).build());
            }
        }
        return out;
    }

    /**
     * The chunks of one S3EC object as the topology makes them: the DEK wrapped for the format, the
     * S3EC content in the start's header field, no context (the local KMS wraps as S3EC's AES/GCM keyring).
     */
    static List<EncryptedChunk> s3ecChunks(Kms kms, String referenceId, String bucket, String key, byte[] plaintext,
                                           OutputFormat format, int maxChunk) throws Exception {
        List<EncryptedChunk> out = new ArrayList<>();
        DekWrapping wrapping = DekWrapping.of(format);
        try (DataKeyPair dek = kms.generateDataKey(new KekId("orders"), EncryptionContext.EMPTY, wrapping);
             S3ecObjectEncryptor enc = S3ecObjectEncryptor.create(dek.plaintext(), wrapping.s3ecVersion(),
                     S3ecContent.WrapAlgorithm.forKms(kms.type()), dek.usage());
             S3ecChunks chunks = enc.chunks(new ByteArrayInputStream(plaintext), maxChunk, plaintext.length)) {
            ObjectMetadata metadata = new ObjectMetadata(enc.content(), dek.wrapped(), EncryptionContext.EMPTY, false);
            ObjectStart start = new ObjectStartFields(metadata, "text/csv", Map.of("owner", "billing"), null).toAvro();
            long total = 0;
            for (CiphertextChunk c = chunks.next(); c != null; c = chunks.next()) {
                total += c.bytes().length;
                out.add(EncryptedChunk.newBuilder().setReferenceId(referenceId).setBucket(bucket).setKey(key)
                        .setSequence(c.sequence()).setLast(c.last()).setAborted(false)
                        .setStart(c.sequence() == 0 ? start : null).setCiphertext(ByteBuffer.wrap(c.bytes()))
                        .setPlaintextLength(c.last() ? chunks.plaintextLength() : null)
                        .setObjectLength(c.last() ? total : null).build());
            }
        }
        return out;
    }

    static EncryptedChunk abandonMarker(String referenceId, String bucket, String key, long sequence) {
        return EncryptedChunk.newBuilder().setReferenceId(referenceId).setBucket(bucket).setKey(key).setSequence(sequence)
                .setLast(true).setAborted(true).setStart(null).setCiphertext(ByteBuffer.allocate(0)).build();
    }

    static SinkRecord record(String topic, int partition, long offset, EncryptedChunk chunk) {
        Struct value = (Struct) AvroConnectData.toConnectValue(EncryptedChunk.getClassSchema(), SCHEMA, chunk);
        return new SinkRecord(topic, partition, Schema.STRING_SCHEMA, chunk.getBucket() + "/" + chunk.getKey(),
                SCHEMA, value, offset);
    }
}
