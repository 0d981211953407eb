package io.srrrs.crypto;

import io.srrrs.crypto.CiphertextException.Failure;
import io.srrrs.crypto.format.ContentFormat;
import io.srrrs.crypto.format.EncryptionContext;
import io.srrrs.crypto.format.FormatHeader;
import io.srrrs.crypto.format.S3ecContent;
import io.srrrs.crypto.format.FormatV1;
import io.srrrs.crypto.kms.KekId;
import io.srrrs.crypto.kms.WrappedDek;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The {@code x-amz-meta-srrrs-*} user metadata of an object (docs/FORMAT.md §6): the one form of
 * it from the topology (which puts it into chunk 0, through {@code serdes}' {@code ObjectStartFields})
 * over the sink (which writes {@link #toMap()}) to the client (which reads {@link #fromMap}). Keys
 * here are without the {@code x-amz-meta-} prefix, as the AWS SDK's {@code metadata()} maps have them.
 *
 * <p>An S3EC object (docs/S3EC.md) is the same value with {@link S3ecContent} for content: its map
 * holds S3EC's own {@code x-amz-*} keys (read by {@link S3ecMetadata}) beside {@code srrrs-format},
 * {@code srrrs-kms}, {@code srrrs-kek-id} and {@code srrrs-sse-c}.
 *
 * <p>Both size limits are checked here and nowhere else: ours alone on construction
 * ({@link FormatV1#MAX_SRRRS_METADATA_BYTES}), ours with the producer's user metadata in
 * {@link #requireFitsWith} ({@link FormatV1#S3_USER_METADATA_LIMIT_BYTES}).
 */
public record ObjectMetadata(ContentFormat content, WrappedDek wrappedDek, EncryptionContext context, boolean sseC) {

    public static final String HEADER = "srrrs-header";
    /** On an S3EC object written by the pipeline: its output format id ({@code s3ec-v3}, {@code s3ec-v2}). */
    public static final String FORMAT = "srrrs-format";
    public static final String KMS = "srrrs-kms";
    public static final String KEK_ID = "srrrs-kek-id";
    public static final String WRAPPED_DEK = "srrrs-wrapped-dek";
    public static final String CONTEXT = "srrrs-context";
    /** Present (value {@code AES256}) when the object is also stored with SSE-C (docs/FORMAT.md §8). */
    public static final String SSE_C = "srrrs-sse-c";
    /**
     * Where an SSE-C object's metadata is also kept, readable without the SSE-C key: an empty,
     * non-SSE-C object at this prefix + the object's key (docs/FORMAT.md §8).
     */
    public static final String SSE_C_COMPANION_PREFIX = ".srrrs-meta/";
    /** The {@code srrrs-kms} values format v1 defines (docs/FORMAT.md §6); any other is {@code UNKNOWN_KMS}. */
    public static final List<String> KNOWN_KMS_TYPES = List.of("local", "pkcs11", "aws-kms", "vault");
    /** An {@code srrrs-kms} value's letters; compiled once, not per object read. */
    private static final Pattern KMS_TYPE = Pattern.compile("[a-z0-9-]{1,16}");
    /** Every metadata key of ours starts with this; others are the producer's own labels. */
    public static final String PREFIX = "srrrs-";

    /** @throws MetadataTooLargeException our entries would exceed {@link FormatV1#MAX_SRRRS_METADATA_BYTES} */
    public ObjectMetadata {
        Objects.requireNonNull(content, "content");
        Objects.requireNonNull(wrappedDek, "wrappedDek");
        Objects.requireNonNull(context, "context");
        if (content instanceof S3ecContent s3ec) {
            S3ecMetadata.requireValid(s3ec, wrappedDek, context);
        }
        int size = byteSize(toMapUnchecked(content, wrappedDek, context, sseC));
        if (size > FormatV1.MAX_SRRRS_METADATA_BYTES) {
            throw new MetadataTooLargeException("srrrs-* metadata would be " + size + " bytes; the limit is "
                    + FormatV1.MAX_SRRRS_METADATA_BYTES + " (shorten the encryption context or KEK id)");
        }
    }

    /** Metadata of an object stored without SSE-C. */
    public ObjectMetadata(FormatHeader header, WrappedDek wrappedDek, EncryptionContext context) {
        this(header, wrappedDek, context, false);
    }

    /**
     * The format v1 header of a format v1 object.
     *
     * @throws IllegalStateException the object is an S3EC object: switch on {@link #content()}
     */
    public FormatHeader header() {
        if (content instanceof FormatHeader h) {
            return h;
        }
        throw new IllegalStateException("not a format v1 object: " + content);
    }

    /** The metadata entries, in a fixed order; {@code srrrs-context} only when not empty. */
    public Map<String, String> toMap() {
        return toMapUnchecked(content, wrappedDek, context, sseC);
    }

    /**
     * Checks that this metadata and the producer's {@code userMetadata} fit S3's user metadata
     * limit together (S3 refuses a larger object outright, so the pipeline refuses it first).
     *
     * @throws MetadataTooLargeException they do not; the message names the size and the limit
     */
    public void requireFitsWith(Map<String, String> userMetadata) {
        Map<String, String> all = new HashMap<>(userMetadata);
        all.putAll(toMap());
        int size = byteSize(all);
        if (size > FormatV1.S3_USER_METADATA_LIMIT_BYTES) {
            throw new MetadataTooLargeException("object metadata would be " + size
                    + " bytes (ours and the reference's userMetadata); S3 allows " + FormatV1.S3_USER_METADATA_LIMIT_BYTES);
        }
    }

    /** The same metadata under another KEK (after a rewrap). */
    public ObjectMetadata withWrappedDek(WrappedDek rewrapped) {
        return new ObjectMetadata(content, rewrapped, context, sseC);
    }

    private static Map<String, String> toMapUnchecked(ContentFormat content, WrappedDek wrapped, EncryptionContext context,
                                                      boolean sseC) {
        if (content instanceof S3ecContent s3ec) {
            return S3ecMetadata.toMap(s3ec, wrapped, context, sseC);
        }
        Map<String, String> m = new LinkedHashMap<>();
        m.put(HEADER, ((FormatHeader) content).toMetadataValue());
        m.put(KMS, wrapped.kms());
        m.put(KEK_ID, wrapped.kek().value());
        m.put(WRAPPED_DEK, wrapped.blobBase64());
        if (!context.isEmpty()) {
            m.put(CONTEXT, context.toMetadataValue());
        }
        if (sseC) {
            m.put(SSE_C, "AES256");
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
     * @throws NotEncryptedException   neither {@code srrrs-header} nor S3EC metadata: not encrypted
     * @throws CiphertextException     unknown version, algorithm or KMS type, or a malformed field, named
     *                                 as docs/FORMAT.md §11 step 1 orders them; an S3EC object without
     *                                 {@code srrrs-kek-id} (see {@link #fromMap(Map, ForeignKek)})
     */
    public static ObjectMetadata fromMap(Map<String, String> metadata) throws CiphertextException {
        return fromMap(metadata, null);
    }

    /**
     * The KEK a reader assumes for an S3EC object that names none (written by an S3EC application,
     * not the pipeline): aws-kms for a kms+context object, the reader's provider for an AES/GCM one.
     */
    public record ForeignKek(String kms, KekId kek) {
        public ForeignKek {
            Objects.requireNonNull(kms, "kms");
            Objects.requireNonNull(kek, "kek");
        }
    }

    /** As {@link #fromMap(Map)}; an S3EC object without {@code srrrs-kek-id} is read as under {@code foreign}. */
    public static ObjectMetadata fromMap(Map<String, String> metadata, ForeignKek foreign) throws CiphertextException {
        Map<String, String> m = new LinkedHashMap<>();
        metadata.forEach((k, v) -> m.put(k.toLowerCase(Locale.ROOT), v));
        String header = m.get(HEADER);
        if (S3ecMetadata.isS3ec(m)) {
            if (header != null) {
                throw CiphertextException.of(Failure.MALFORMED_METADATA, "both srrrs-header and S3EC metadata");
            }
            return S3ecMetadata.fromMap(m, foreign);
        }
        if (header == null) {
            throw CiphertextException.of(Failure.NOT_ENCRYPTED,
                    "not an encrypted object: no x-amz-meta-" + HEADER + " and no S3EC metadata");
        }
        FormatHeader parsed = FormatHeader.parseMetadataValue(header);
        String kms = require(m, KMS);
        String kek = require(m, KEK_ID);
        String wrapped = require(m, WRAPPED_DEK);
        if (!KMS_TYPE.matcher(kms).matches()) {
            throw CiphertextException.of(Failure.MALFORMED_METADATA, KMS + " must be 1-16 of [a-z0-9-]");
        }
        if (!KNOWN_KMS_TYPES.contains(kms)) {
            throw CiphertextException.of(Failure.UNKNOWN_KMS, KMS + " '" + kms + "' is not a KMS type of format v1 "
                    + KNOWN_KMS_TYPES);
        }
        byte[] blob = FormatHeader.decodeCanonicalBase64(wrapped, WRAPPED_DEK);
        try {
            WrappedDek dek = new WrappedDek(kms, new KekId(kek), blob);
            String ctx = m.getOrDefault(CONTEXT, "");
            String sseC = m.get(SSE_C);
            if (sseC != null && !sseC.equals("AES256")) {
                throw CiphertextException.of(Failure.MALFORMED_METADATA, SSE_C + " must be AES256");
            }
            return new ObjectMetadata(parsed, dek, EncryptionContext.fromMetadataValue(ctx), sseC != null);
        } catch (IllegalArgumentException e) {
            throw CiphertextException.of(Failure.MALFORMED_METADATA, "malformed srrrs-* metadata: " + e.getMessage());
        }
    }

    static String require(Map<String, String> m, String key) throws CiphertextException {
        String v = m.get(key);
        if (v == null || v.isEmpty()) {
            throw CiphertextException.of(Failure.MALFORMED_METADATA, "object metadata has no " + key);
        }
        return v;
    }
}
