package io.srrrs.serdes.chunk;

import io.srrrs.crypto.CiphertextException;
import io.srrrs.crypto.ObjectMetadata;
import io.srrrs.crypto.format.ContentFormat;
import io.srrrs.crypto.format.EncryptionContext;
import io.srrrs.crypto.kms.KekId;
import io.srrrs.crypto.kms.WrappedDek;
import io.srrrs.schemas.ObjectStart;

import java.nio.ByteBuffer;
import java.util.Map;
import java.util.Objects;

/**
 * What chunk 0 of an object says about it: the one mapping between the format's
 * {@link ObjectMetadata} (plus what S3 needs beside it) and the generated Avro {@link ObjectStart}.
 * The topology writes one with {@link #toAvro()}, the sink reads it back with {@link #fromAvro};
 * neither names an Avro field. The size limits are {@link ObjectMetadata}'s.
 *
 * @param metadata      the object's metadata, format v1 or S3EC (its {@code sseC} is the start's {@code sseC})
 * @param contentType   the object's Content-Type, or null
 * @param userMetadata  the producer's own {@code x-amz-meta-*} labels (never {@code srrrs-*} ones)
 * @param sealedSseCKey with SSE-C, the object's SSE-C key sealed to the sink's public key; else null.
 *                      Compared by identity, as arrays are in records.
 */
public record ObjectStartFields(ObjectMetadata metadata, String contentType, Map<String, String> userMetadata,
                                byte[] sealedSseCKey) {

    public ObjectStartFields {
        Objects.requireNonNull(metadata, "metadata");
        Objects.requireNonNull(userMetadata, "userMetadata");
    }

    /** The Avro record, sharing this value's maps and the sealed key; byte-identical to what the topology always wrote. */
    public ObjectStart toAvro() {
        WrappedDek dek = metadata.wrappedDek();
        return ObjectStart.newBuilder()
                .setHeader(ByteBuffer.wrap(metadata.content().toBytes())) // a v1 header or S3EC content: both travel
                .setKms(dek.kms())
                .setKekId(dek.kek().value())
                .setWrappedDek(ByteBuffer.wrap(dek.blob()))
                .setEncryptionContext(metadata.context().asMap())
                .setContentType(contentType)
                .setUserMetadata(userMetadata)
                .setSseC(metadata.sseC())
                .setSealedSseCKey(sealedSseCKey == null ? null : ByteBuffer.wrap(sealedSseCKey))
                .build();
    }

    /**
     * Reads an ObjectStart, checking every field as the format's own types do.
     *
     * @throws CiphertextException       the header is neither a format v1 header nor S3EC content this code knows
     * @throws IllegalArgumentException  a KMS type, KEK id, wrapped DEK or context is invalid, or our
     *                                   metadata is over its limit ({@link io.srrrs.crypto.MetadataTooLargeException})
     * @throws NullPointerException      a required field is null
     */
    public static ObjectStartFields fromAvro(ObjectStart start) throws CiphertextException {
        ContentFormat content = ContentFormat.parse(bytes(start.getHeader()));
        WrappedDek dek = new WrappedDek(start.getKms(), new KekId(start.getKekId()), bytes(start.getWrappedDek()));
        ObjectMetadata metadata = new ObjectMetadata(content, dek, EncryptionContext.of(start.getEncryptionContext()),
                start.getSseC());
        Map<String, String> user = start.getUserMetadata() == null ? Map.of() : start.getUserMetadata();
        ByteBuffer sealed = start.getSealedSseCKey();
        return new ObjectStartFields(metadata, start.getContentType(), user, sealed == null ? null : bytes(sealed));
    }

    /** A copy of a small field's bytes (header, wrapped DEK, sealed key): the buffer is left as it was. */
    private static byte[] bytes(ByteBuffer buffer) {
        ByteBuffer b = buffer.duplicate();
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }
}
