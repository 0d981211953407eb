package io.srrrs.client;

import io.srrrs.crypto.format.ObjectIdentity;
import io.srrrs.store.MetadataCompanion;
import io.srrrs.store.SseC;
import io.srrrs.store.SseCHeaders;
import io.srrrs.store.StoreException;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.CopyObjectRequest;
import software.amazon.awssdk.services.s3.model.MetadataDirective;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * The server-side copies of a rewrap, each onto itself with new metadata and each conditional on
 * the ETag the rewrap's HEAD saw ({@code x-amz-copy-source-if-match}): a version written in
 * between is refused by the store (412) and reported as a {@link RewrapConflictException}, never
 * overwritten with the old version's header and wrapped DEK.
 */
final class ConditionalCopy {

    /** CopyObject handles up to 5 GiB; larger objects are copied part by part (DECISIONS D22). */
    static final long SINGLE_COPY_LIMIT = 5L * 1024 * 1024 * 1024;
    private static final long COPY_PART_SIZE = 1L << 30;
    /**
     * Ceph RGW 16 reads CopyObject's conditions under these older names only, and ignores the
     * standard {@code x-amz-copy-source-if-*} (and any condition on UploadPartCopy); stores that
     * know the standard names ignore these.
     */
    static final String RGW_IF_MATCH = "x-amz-copy-if-match";
    static final String RGW_IF_UNMODIFIED_SINCE = "x-amz-copy-if-unmodified-since";

    private final S3Client s3;
    private final long singleCopyLimit;
    private final MetadataCompanion companions;
    private volatile boolean rgwNames = true;

    ConditionalCopy(S3Client s3, long singleCopyLimit, MetadataCompanion companions) {
        this.s3 = s3;
        this.singleCopyLimit = singleCopyLimit;
        this.companions = companions;
    }

    /** Replaces the object's metadata if it is still the version {@code etag}; SSE-C objects need {@code sse}. */
    void object(ObjectIdentity id, String etag, long length, Map<String, String> metadata, String contentType, SseC sse)
            throws RewrapConflictException {
        if (length <= singleCopyLimit) {
            try {
                whole(id, etag, metadata, contentType, sse);
                return;
            } catch (StoreException e) {
                if (sse == null || e.kind() != StoreException.Kind.SSE_C_REJECTED) {
                    throw e;
                }
                // Ceph RGW 16 cannot CopyObject from an SSE-C source (501) but does UploadPartCopy.
            }
        }
        partByPart(id, etag, length, metadata, contentType, sse);
    }

    /**
     * Replaces the metadata of the SSE-C metadata companion of {@code object} if it is still the
     * one the rewrap read. Its ETag cannot tell (every companion has an empty body, so the same
     * ETag), so the copy is also conditional on its Last-Modified, and its {@code fingerprintKey}
     * (a value fresh per object: the v1 {@code srrrs-header}'s salt, an S3EC object's message id
     * or IV) is compared with {@code fingerprint} just before: a new version's companion, written
     * before its object, is left alone.
     */
    void companion(ObjectIdentity object, String etag, Instant lastModified, String fingerprintKey, String fingerprint,
                   Map<String, String> metadata) throws RewrapConflictException {
        ObjectIdentity companion = new ObjectIdentity(object.bucket(), MetadataCompanion.keyOf(object.key()));
        String conflict = "the SSE-C metadata companion s3://" + companion + " changed since the rewrap read it (a "
                + "new version is being written): the object's own metadata was rewrapped, the companion was left "
                + "as the new writer made it";
        try {
            String now = companions.head(object.bucket(), object.key()).metadata().get(fingerprintKey);
            if (fingerprint == null || !fingerprint.equals(now)) {
                throw new RewrapConflictException(companion, conflict, null);
            }
            copy(MetadataCompanion.replacement(object.bucket(), object.key(), etag, lastModified, metadata), false,
                    etag, lastModified);
        } catch (SdkException e) {
            throw conflictOr(e, companion, conflict, "CopyObject (SSE-C metadata companion)", false);
        }
    }

    private void whole(ObjectIdentity id, String etag, Map<String, String> metadata, String contentType, SseC sse)
            throws RewrapConflictException {
        try {
            copy(b -> SseCHeaders.apply(b.sourceBucket(id.bucket()).sourceKey(id.key())
                    .destinationBucket(id.bucket()).destinationKey(id.key()).copySourceIfMatch(etag)
                    .metadataDirective(MetadataDirective.REPLACE).metadata(metadata).contentType(contentType), sse),
                    sse != null, etag, null);
        } catch (SdkException e) {
            throw conflictOr(e, id, changed(id), "CopyObject", sse != null);
        }
    }

    /**
     * A CopyObject with its conditions also under Ceph RGW's names while this store takes them. A
     * store that refuses those names (501: AWS S3, S3Proxy) reads the standard ones: the copy is
     * sent again without them (nothing was done), and for a plain copy they are dropped for good
     * (an SSE-C copy's 501 may be RGW refusing SSE-C copies instead, which proves nothing).
     */
    private void copy(Consumer<CopyObjectRequest.Builder> request, boolean sseC, String etag, Instant unmodifiedSince) {
        if (rgwNames) {
            try {
                s3.copyObject(b -> {
                    request.accept(b);
                    b.overrideConfiguration(o -> {
                        o.putHeader(RGW_IF_MATCH, etag);
                        if (unmodifiedSince != null) {
                            o.putHeader(RGW_IF_UNMODIFIED_SINCE,
                                    DateTimeFormatter.RFC_1123_DATE_TIME.format(unmodifiedSince.atOffset(ZoneOffset.UTC)));
                        }
                    });
                });
                return;
            } catch (S3Exception e) {
                if (e.statusCode() != 501) {
                    throw e;
                }
                if (!sseC) {
                    rgwNames = false;
                }
            }
        }
        s3.copyObject(request);
    }

    /**
     * The copy as a multipart upload of part copies. Where the store ignores the part copies'
     * condition (Ceph RGW 16), a version written meanwhile shows in a fresh HEAD before the
     * completion; If-Match on the completion closes the last window where the store checks it
     * (AWS S3). A failed copy aborts its upload.
     */
    private void partByPart(ObjectIdentity id, String etag, long length, Map<String, String> metadata,
                            String contentType, SseC sse) throws RewrapConflictException {
        String uploadId;
        try {
            uploadId = s3.createMultipartUpload(b -> SseCHeaders.apply(b.bucket(id.bucket()).key(id.key())
                    .metadata(metadata).contentType(contentType), sse)).uploadId();
        } catch (SdkException e) {
            throw copyFailure("CreateMultipartUpload", id, e, sse != null);
        }
        try {
            List<CompletedPart> parts = copyParts(id, etag, length, uploadId, sse);
            if (!etag.equals(currentEtag(id, sse))) {
                throw S3Exception.builder().statusCode(412).message("the object's ETag changed during the copy").build();
            }
            s3.completeMultipartUpload(b -> b.bucket(id.bucket()).key(id.key()).uploadId(uploadId).ifMatch(etag)
                    .multipartUpload(m -> m.parts(parts)));
        } catch (SdkException e) {
            try {
                s3.abortMultipartUpload(b -> b.bucket(id.bucket()).key(id.key()).uploadId(uploadId));
            } catch (SdkException ignored) {
                // the failure below is what matters
            }
            throw conflictOr(e, id, changed(id), "UploadPartCopy", sse != null);
        }
    }

    /** Copies the object onto upload {@code uploadId} part by part, each conditional on {@code etag}. */
    private List<CompletedPart> copyParts(ObjectIdentity id, String etag, long length, String uploadId, SseC sse) {
        List<CompletedPart> parts = new ArrayList<>();
        long partSize = Math.max(5L * 1024 * 1024, Math.min(COPY_PART_SIZE, singleCopyLimit));
        for (long start = 0; start < length; start += partSize) {
            String range = "bytes=" + start + "-" + (Math.min(length, start + partSize) - 1);
            int number = parts.size() + 1;
            String partEtag = s3.uploadPartCopy(b -> SseCHeaders.apply(b.sourceBucket(id.bucket()).sourceKey(id.key())
                    .destinationBucket(id.bucket()).destinationKey(id.key()).copySourceIfMatch(etag)
                    .uploadId(uploadId).partNumber(number).copySourceRange(range), sse)).copyPartResult().eTag();
            parts.add(CompletedPart.builder().partNumber(number).eTag(partEtag).build());
        }
        return parts;
    }

    private String currentEtag(ObjectIdentity id, SseC sse) {
        return s3.headObject(b -> SseCHeaders.apply(b.bucket(id.bucket()).key(id.key()), sse)).eTag();
    }

    private static String changed(ObjectIdentity id) {
        return "s3://" + id + " changed since the rewrap read it (a new version was written): nothing was changed, "
                + "the new version is left as it is; rewrap it again if it should move too";
    }

    /**
     * 412 is the lost race. So is, for an SSE-C source, the store refusing the copy-source key (400
     * or 403; Ceph RGW checks it before the ETag): the rewrap's HEAD just succeeded with that key,
     * and each object has its own, so only a new version refuses it. Anything else is a store
     * failure as {@link #copyFailure} names it.
     */
    private static RuntimeException conflictOr(SdkException e, ObjectIdentity id, String conflict, String operation,
                                               boolean sseC) throws RewrapConflictException {
        if (e instanceof S3Exception s3e && (s3e.statusCode() == 412
                || sseC && (s3e.statusCode() == 400 || s3e.statusCode() == 403))) {
            throw new RewrapConflictException(id, conflict, e);
        }
        return copyFailure(operation, id, e, sseC);
    }

    static StoreException copyFailure(String operation, ObjectIdentity id, SdkException e, boolean sseC) {
        StoreException failure = StoreException.classify(operation, id.bucket(), id.key(), e, false);
        if (sseC && e instanceof S3Exception s3e && s3e.statusCode() == 501) {
            return new StoreException(StoreException.Kind.SSE_C_REJECTED, failure.getMessage()
                    + ". This store cannot copy an SSE-C object server-side, so its DEK cannot be rewrapped "
                    + "without downloading the object; nothing was changed.", e);
        }
        return failure;
    }
}
