package io.srrrs.sink;

import io.srrrs.crypto.SseCKeySealer;
import io.srrrs.store.MetadataCompanion;
import io.srrrs.store.SseC;
import io.srrrs.store.SseCHeaders;
import io.srrrs.store.StoreConfig;
import io.srrrs.store.StoreException;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.MultipartUpload;

/**
 * Every store call the sink makes, with SSE-C headers where the object asks for them. The SSE-C
 * key is opened from its sealed form just before each call that needs it and dropped after: the
 * sink holds it no longer than one request, and never holds a DEK. Stateless apart from the
 * thread-safe S3 client: the upload threads of {@link Uploads} call it at once.
 */
final class ObjectWriter {

    private static final Logger LOG = LoggerFactory.getLogger(ObjectWriter.class);

    private final S3Client s3;
    private final StoreConfig store;
    private final String sseCPrivateKey;
    private final MetadataCompanion companions;

    ObjectWriter(S3Client s3, StoreConfig store, String sseCPrivateKey) {
        this.s3 = s3;
        this.store = store;
        this.sseCPrivateKey = sseCPrivateKey;
        this.companions = new MetadataCompanion(s3);
    }

    /** The object's full user metadata: ours, then the producer's labels. */
    static Map<String, String> userMetadata(ObjectAssembly a) {
        Map<String, String> m = new HashMap<>(a.userMetadata);
        m.putAll(a.metadata.toMap());
        return m;
    }

    void putObject(ObjectAssembly a, RequestBody body) {
        if (a.sseC()) {
            // The companion first: an SSE-C object is never visible without its readable metadata.
            writeCompanion(a);
        }
        try {
            call("PutObject", a, sse -> s3.putObject(b -> SseCHeaders.apply(b.bucket(a.identity.bucket())
                    .key(a.identity.key()).metadata(userMetadata(a)).contentType(a.contentType), sse), body));
        } catch (StoreException e) {
            if (a.sseC() && !e.isTransient()) {
                deleteCompanion(a); // the object will never come: leave no companion without it
            }
            throw e;
        }
    }

    /** Starts the object's multipart upload, first aborting uploads of the same key left by a crash. */
    String createMultipartUpload(ObjectAssembly a, Set<String> liveUploads) {
        abortStaleUploads(a, liveUploads);
        return call("CreateMultipartUpload", a, sse -> s3.createMultipartUpload(b -> SseCHeaders.apply(
                b.bucket(a.identity.bucket()).key(a.identity.key()).metadata(userMetadata(a)).contentType(a.contentType),
                sse)).uploadId());
    }

    CompletedPart uploadPart(ObjectAssembly a, int partNumber, RequestBody body) {
        String etag = call("UploadPart", a, sse -> s3.uploadPart(b -> SseCHeaders.apply(b.bucket(a.identity.bucket())
                .key(a.identity.key()).uploadId(a.uploadId).partNumber(partNumber), sse), body).eTag());
        return CompletedPart.builder().partNumber(partNumber).eTag(etag).build();
    }

    /** Completes the upload from {@code parts}, in part-number order. */
    void completeMultipartUpload(ObjectAssembly a, List<CompletedPart> parts) {
        if (a.sseC()) {
            writeCompanion(a);
        }
        try {
            s3.completeMultipartUpload(b -> b.bucket(a.identity.bucket()).key(a.identity.key()).uploadId(a.uploadId)
                    .multipartUpload(m -> m.parts(parts)));
        } catch (SdkException e) {
            StoreException failure = StoreException.classify("CompleteMultipartUpload", a.identity.bucket(),
                    a.identity.key(), e, false);
            // A retried Complete whose first attempt succeeded finds no upload: the object is there.
            if (failure.kind() == StoreException.Kind.NOT_FOUND && exists(a)) {
                return;
            }
            if (a.sseC() && !failure.isTransient()) {
                deleteCompanion(a);
            }
            throw failure;
        }
    }

    /** An SSE-C object's metadata, kept readable without its key (docs/FORMAT.md §8). */
    private void writeCompanion(ObjectAssembly a) {
        companions.put(a.identity.bucket(), a.identity.key(), a.metadata.toMap());
    }

    private void deleteCompanion(ObjectAssembly a) {
        try {
            companions.delete(a.identity.bucket(), a.identity.key());
        } catch (StoreException e) {
            LOG.warn("could not delete s3://{}/{} after its object failed: {}", a.identity.bucket(),
                    MetadataCompanion.keyOf(a.identity.key()), e.getMessage());
        }
    }

    private boolean exists(ObjectAssembly a) {
        try {
            call("HeadObject", a, sse -> s3.headObject(b -> SseCHeaders.apply(b.bucket(a.identity.bucket())
                    .key(a.identity.key()), sse)));
            return true;
        } catch (StoreException e) {
            return false;
        }
    }

    /** Whether the store answers a HeadBucket for {@code bucket}: up, whatever it does with one object. */
    boolean answers(String bucket) {
        try {
            s3.headBucket(b -> b.bucket(bucket));
            return true;
        } catch (SdkException e) {
            return false;
        }
    }

    /** Aborts an upload, best effort: an upload left behind is aborted by the next start. */
    void abort(ObjectAssembly a) {
        if (a.uploadId == null) {
            return;
        }
        try {
            s3.abortMultipartUpload(b -> b.bucket(a.identity.bucket()).key(a.identity.key()).uploadId(a.uploadId));
            LOG.info("aborted multipart upload {} of {}", a.uploadId, a);
        } catch (SdkException e) {
            LOG.warn("could not abort multipart upload {} of {}: {}", a.uploadId, a, e.getMessage());
        }
    }

    /** Aborts the uploads of this exact key that this task does not own: left by a crash. */
    private void abortStaleUploads(ObjectAssembly a, Set<String> liveUploads) {
        List<MultipartUpload> uploads;
        try {
            uploads = s3.listMultipartUploads(b -> b.bucket(a.identity.bucket()).prefix(a.identity.key())).uploads();
        } catch (SdkException e) {
            throw StoreException.classify("ListMultipartUploads", a.identity.bucket(), a.identity.key(), e, false);
        }
        for (MultipartUpload u : uploads) {
            if (u.key().equals(a.identity.key()) && !liveUploads.contains(u.uploadId())) {
                try {
                    s3.abortMultipartUpload(b -> b.bucket(a.identity.bucket()).key(u.key()).uploadId(u.uploadId()));
                    LOG.info("aborted multipart upload {} of s3://{}/{} left by an earlier attempt", u.uploadId(),
                            a.identity.bucket(), u.key());
                } catch (SdkException e) {
                    throw StoreException.classify("AbortMultipartUpload", a.identity.bucket(), u.key(), e, false);
                }
            }
        }
    }

    /** At start: aborts uploads in {@code bucket} older than {@code cutoff}. Returns how many. */
    int abortAbandoned(String bucket, Instant cutoff) {
        int n = 0;
        try {
            for (MultipartUpload u : s3.listMultipartUploads(b -> b.bucket(bucket)).uploads()) {
                if (u.initiated() != null && u.initiated().isBefore(cutoff)) {
                    s3.abortMultipartUpload(b -> b.bucket(bucket).key(u.key()).uploadId(u.uploadId()));
                    n++;
                }
            }
        } catch (SdkException e) {
            LOG.warn("could not sweep abandoned multipart uploads in {}: {}", bucket, e.getMessage());
        }
        return n;
    }

    /** Runs a store call, with the object's SSE-C key opened just for it. */
    private <T> T call(String operation, ObjectAssembly a, Function<SseC, T> request) {
        SseC sse = null;
        if (a.sseC()) {
            SseC.requireHttps(store);
            sse = SseC.consuming(SseCKeySealer.open(sseCPrivateKey, a.sealedSseCKey, a.identity));
        }
        try {
            return request.apply(sse);
        } catch (SdkException e) {
            throw StoreException.classify(operation, a.identity.bucket(), a.identity.key(), e, a.sseC());
        }
    }
}
