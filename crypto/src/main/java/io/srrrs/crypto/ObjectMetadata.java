package io.srrrs.crypto;

import io.srrrs.crypto.CiphertextException.Failure;
import io.srrrs.crypto.format.EncryptionContext;
import io.srrrs.crypto.format.FormatHeader;
import io.srrrs.crypto.format.FormatV1;
import io.srrrs.crypto.kms.KekId;
import io.srrrs.crypto.kms.WrappedDek;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The {@code x-amz-meta-srrrs-*} user metadata of an object (docs/FORMAT.md §6). Keys here are
 * without the {@code x-amz-meta-} prefix, as the AWS SDK's {@code metadata()} maps have them.
 */
public record ObjectMetadata(FormatHeader header, WrappedDek wrappedDek, EncryptionContext context) {

    public static final String HEADER = "srrrs-header";
    public static final String KMS = "srrrs-kms";
    public static final String KEK_ID = "srrrs-kek-id";
    public static final String WRAPPED_DEK = "srrrs-wrapped-dek";
    public static final String CONTEXT = "srrrs-context";
    /** Every metadata key of ours starts with this; others are the producer's own labels. */
    public static final String PREFIX = "srrrs-";

    public ObjectMetadata {
        Objects.requireNonNull(header, "header");
        Objects.requireNonNull(wrappedDek, "wrappedDek");
        Objects.requireNonNull(context, "context");
        int size = byteSize(toMapUnchecked(header, wrappedDek, context));
        if (size > FormatV1.MAX_SRRRS_METADATA_BYTES) {
            throw new IllegalArgumentException("srrrs-* metadata would be " + size + " bytes; the limit is "
                    + FormatV1.MAX_SRRRS_METADATA_BYTES + " (shorten the encryption context or KEK id)");
        }
    }

    /** The metadata entries, in a fixed order; {@code srrrs-context} only when not empty. */
    public Map<String, String> toMap() {
        return toMapUnchecked(header, wrappedDek, context);
    }

    private static Map<String, String> toMapUnchecked(FormatHeader header, WrappedDek wrapped, EncryptionContext context) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(HEADER, header.toMetadataValue());
        m.put(KMS, wrapped.kms());
        m.put(KEK_ID, wrapped.kek().value());
        m.put(WRAPPED_DEK, wrapped.blobBase64());
        if (!context.isEmpty()) {
            m.put(CONTEXT, context.toMetadataValue());
        }
        return m;
    }

    /** Bytes S3 counts against its 2 KB limit: UTF-8 length of every key and value. */
    public static int byteSize(Map<String, String> metadata) {
        int n = 0;
        for (Map.Entry<String, String> e : metadata.entrySet()) {
            n += e.getKey().getBytes(StandardCharsets.UTF_8).length + e.getValue().getBytes(StandardCharsets.UTF_8).length;
        }
        return n;
    }

    /**
     * Parses an object's user metadata. Keys are matched case-insensitively (HTTP headers are);
     * producer labels beside ours are ignored.
     *
     * @throws NotEncryptedException   no {@code srrrs-header}: not an SRRRS object
     * @throws CiphertextException     unknown version or algorithm, or a malformed field
     */
    public static ObjectMetadata fromMap(Map<String, String> metadata) throws CiphertextException {
        Map<String, String> m = new LinkedHashMap<>();
        metadata.forEach((k, v) -> m.put(k.toLowerCase(Locale.ROOT), v));
        String header = m.get(HEADER);
        if (header == null) {
            throw CiphertextException.of(Failure.NOT_ENCRYPTED,
                    "not an SRRRS object: no x-amz-meta-" + HEADER + " metadata");
        }
        FormatHeader parsed = FormatHeader.parseMetadataValue(header);
        String kms = require(m, KMS);
        String kek = require(m, KEK_ID);
        String wrapped = require(m, WRAPPED_DEK);
        try {
            WrappedDek dek = new WrappedDek(kms, new KekId(kek), Base64.getDecoder().decode(wrapped));
            String ctx = m.getOrDefault(CONTEXT, "");
            return new ObjectMetadata(parsed, dek, EncryptionContext.fromMetadataValue(ctx));
        } catch (IllegalArgumentException e) {
            throw CiphertextException.of(Failure.MALFORMED_HEADER, "malformed srrrs-* metadata: " + e.getMessage());
        }
    }

    private static String require(Map<String, String> m, String key) throws CiphertextException {
        String v = m.get(key);
        if (v == null || v.isEmpty()) {
            throw CiphertextException.of(Failure.MALFORMED_HEADER, "object metadata has no " + key);
        }
        return v;
    }
}
