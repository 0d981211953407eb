package io.srrrs.store;

import io.srrrs.crypto.ObjectMetadata;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CopyObjectRequest;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.MetadataDirective;

/**
 * An SSE-C object's metadata companion (docs/FORMAT.md §8): an empty object without SSE-C at
 * {@code .srrrs-meta/<key>} holding the object's {@code srrrs-*} metadata, so that a reader finds
 * how to derive the object's SSE-C key without already having it. The sink writes it before the
 * object ({@link #put}) and removes it when the object will never come ({@link #delete}); a
 * rewrap replaces its metadata with a conditional copy ({@link #replacement}); readers find it
 * with {@link #head}. Companions are never sent with SSE-C headers.
 */
public final class MetadataCompanion {

    /** The companion's content type, telling it from a payload. */
    public static final String CONTENT_TYPE = "application/x-srrrs-metadata";

    private final S3Client s3;

    /** Companions in the store behind {@code s3}. */
    public MetadataCompanion(S3Client s3) {
        this.s3 = Objects.requireNonNull(s3, "s3");
    }

    /** The companion's key for the object at {@code objectKey}. */
    public static String keyOf(String objectKey) {
        return ObjectMetadata.SSE_C_COMPANION_PREFIX + objectKey;
    }

    /**
     * Writes (or overwrites) the companion of {@code bucket/objectKey} with {@code metadata}.
     *
     * @throws StoreException the store's answer, classified
     */
    public void put(String bucket, String objectKey, Map<String, String> metadata) {
        String companion = keyOf(objectKey);
        try {
            s3.putObject(b -> b.bucket(bucket).key(companion).metadata(metadata).contentType(CONTENT_TYPE),
                    RequestBody.empty());
        } catch (SdkException e) {
            throw StoreException.classify("PutObject (SSE-C metadata companion)", bucket, companion, e, false);
        }
    }

    /**
     * Deletes the companion of {@code bucket/objectKey}.
     *
     * @throws StoreException the store's answer, classified
     */
    public void delete(String bucket, String objectKey) {
        String companion = keyOf(objectKey);
        try {
            s3.deleteObject(b -> b.bucket(bucket).key(companion));
        } catch (SdkException e) {
            throw StoreException.classify("DeleteObject (SSE-C metadata companion)", bucket, companion, e, false);
        }
    }

    /**
     * The companion's HEAD. SDK exceptions pass through unclassified: what a missing or refused
     * companion means (no SSE-C object, or a lost race) is the caller's to say.
     */
    public HeadObjectResponse head(String bucket, String objectKey) {
        String companion = keyOf(objectKey);
        return s3.headObject(b -> b.bucket(bucket).key(companion));
    }

    /**
     * The CopyObject that replaces the companion's metadata with {@code metadata}, onto itself,
     * only if it is still the version a HEAD saw: its ETag ({@code x-amz-copy-source-if-match})
     * and, since every companion has the same empty body and so the same ETag, its Last-Modified
     * ({@code x-amz-copy-source-if-unmodified-since}).
     */
    public static Consumer<CopyObjectRequest.Builder> replacement(String bucket, String objectKey, String etag,
                                                                  Instant lastModified, Map<String, String> metadata) {
        String companion = keyOf(objectKey);
        return b -> b.sourceBucket(bucket).sourceKey(companion).destinationBucket(bucket).destinationKey(companion)
                .copySourceIfMatch(etag).copySourceIfUnmodifiedSince(lastModified)
                .metadataDirective(MetadataDirective.REPLACE).metadata(metadata).contentType(CONTENT_TYPE);
    }
}
