package io.srrrs.client;

import io.srrrs.crypto.CiphertextSource;
import io.srrrs.store.SseC;
import io.srrrs.store.SseCHeaders;
import io.srrrs.store.StoreException;

import java.io.InputStream;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * An object in the store as a {@link CiphertextSource}: each range is one ranged GET (with its
 * SSE-C key, if any), conditional on {@code ifMatch} when that is not null, so that the bytes are
 * of the version whose head was read; a 412 to it is an {@link ObjectReplacedException}.
 */
final class S3CiphertextSource implements CiphertextSource {

    private final S3Client s3;
    private final String bucket;
    private final String key;
    private final long length;
    private final SseC sseC;
    private final String ifMatch;

    S3CiphertextSource(S3Client s3, String bucket, String key, long length, SseC sseC, String ifMatch) {
        this.s3 = s3;
        this.bucket = bucket;
        this.key = key;
        this.length = length;
        this.sseC = sseC;
        this.ifMatch = ifMatch;
    }

    @Override
    public long length() {
        return length;
    }

    @Override
    public InputStream open(long start, long endExclusive) throws ObjectReplacedException {
        try {
            return s3.getObject(b -> SseCHeaders.apply(b.bucket(bucket).key(key).ifMatch(ifMatch)
                    .range("bytes=" + start + "-" + (endExclusive - 1)), sseC));
        } catch (S3Exception e) {
            if (ifMatch != null && e.statusCode() == 412) {
                throw new ObjectReplacedException("s3://" + bucket + "/" + key
                        + " was replaced since its HEAD (412 to If-Match)", e);
            }
            throw StoreException.classify("GetObject (range)", bucket, key, e, sseC != null);
        } catch (SdkException e) {
            throw StoreException.classify("GetObject (range)", bucket, key, e, sseC != null);
        }
    }
}
