package io.srrrs.client;

import io.srrrs.crypto.CiphertextSource;
import io.srrrs.store.SseC;
import io.srrrs.store.SseCHeaders;
import io.srrrs.store.StoreException;

import java.io.InputStream;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;

/** An object in the store as a {@link CiphertextSource}: each range is one ranged GET (with its SSE-C key, if any). */
final class S3CiphertextSource implements CiphertextSource {

    private final S3Client s3;
    private final String bucket;
    private final String key;
    private final long length;
    private final SseC sseC;

    S3CiphertextSource(S3Client s3, String bucket, String key, long length, SseC sseC) {
        this.s3 = s3;
        this.bucket = bucket;
        this.key = key;
        this.length = length;
        this.sseC = sseC;
    }

    @Override
    public long length() {
        return length;
    }

    @Override
    public InputStream open(long start, long endExclusive) {
        try {
            return s3.getObject(b -> SseCHeaders.apply(b.bucket(bucket).key(key)
                    .range("bytes=" + start + "-" + (endExclusive - 1)), sseC));
        } catch (SdkException e) {
            throw StoreException.classify("GetObject (range)", bucket, key, e, sseC != null);
        }
    }
}
