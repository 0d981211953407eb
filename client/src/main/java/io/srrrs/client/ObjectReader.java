package io.srrrs.client;

import io.srrrs.crypto.CiphertextException;
import io.srrrs.crypto.ObjectDecryptor;
import io.srrrs.crypto.format.ObjectIdentity;
import io.srrrs.crypto.format.S3ecContent;
import io.srrrs.crypto.kms.KmsException;
import io.srrrs.store.SseC;
import io.srrrs.store.SseCHeaders;
import io.srrrs.store.StoreException;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Streams objects' verified plaintext, whole or by range: {@link SrrrsClient}'s reading half. Each
 * stream holds the object's decryptor (and so its DEK) until it is closed. S3EC objects are read
 * whole only; a range of one is refused ({@code RANGE_NOT_AUTHENTICATED}) before any KMS call.
 */
final class ObjectReader {

    private final S3Client s3;
    private final ObjectHeads heads;
    private final KekGate gate;
    private final HeadCache cache;
    private final S3ecBodies s3ec;

    ObjectReader(S3Client s3, ObjectHeads heads, KekGate gate, HeadCache cache) {
        this.s3 = s3;
        this.heads = heads;
        this.gate = gate;
        this.cache = cache;
        this.s3ec = new S3ecBodies(s3, gate);
    }

    /**
     * See {@link SrrrsClient#open}: one GET, or for SSE-C the companion's HEAD, a HEAD and a GET
     * with the key. An S3EC object's body is read by {@link S3ecBodies} (a second GET above its
     * buffer limit).
     */
    InputStream open(String bucket, String key) throws IOException, KmsException {
        ObjectIdentity id = new ObjectIdentity(bucket, key);
        ResponseInputStream<GetObjectResponse> body;
        try {
            body = s3.getObject(b -> b.bucket(bucket).key(key));
        } catch (S3Exception e) {
            if (ObjectHeads.refusedForWantOfKey(e)) {
                return openSseC(heads.describeSseC(id, e));
            }
            throw StoreException.classify("GetObject", bucket, key, e, false);
        } catch (SdkException e) {
            throw StoreException.classify("GetObject", bucket, key, e, false);
        }
        ObjectDecryptor dec = null;
        try {
            GetObjectResponse r = body.response();
            ObjectInfo info = ObjectHeads.info(id, r.contentLength(), r.contentType(), r.metadata(),
                    heads.metadata(r.metadata()));
            if (info.metadata().content() instanceof S3ecContent) {
                return s3ec.open(info, r.eTag(), null, body);
            }
            dec = gate.decryptor(info);
            return closingBoth(dec.decrypt(body), dec::close, () -> { });
        } catch (IOException | RuntimeException e) {
            body.abort();
            if (dec != null) {
                dec.close();
            }
            throw e;
        }
    }

    private InputStream openSseC(ObjectHead head) throws IOException, KmsException {
        ObjectInfo info = head.info();
        if (info.metadata().content() instanceof S3ecContent) {
            return s3ec.open(info, head.etag(), gate.sseC(info), null);
        }
        ObjectDecryptor dec = gate.decryptor(info);
        try {
            SseC sse = KekGate.sseC(dec);
            InputStream body;
            try {
                body = s3.getObject(b -> SseCHeaders.apply(b.bucket(info.identity().bucket())
                        .key(info.identity().key()), sse));
            } catch (SdkException e) {
                throw StoreException.classify("GetObject", info.identity().bucket(), info.identity().key(), e, true);
            }
            return closingBoth(dec.decrypt(body), dec::close, () -> { });
        } catch (IOException | RuntimeException e) {
            dec.close();
            throw e;
        }
    }

    /**
     * See {@link SrrrsClient#openRange(String, String, long, long, boolean)}. With a cached head,
     * one GET (If-Match on its ETag); without, a HEAD first. A 412 (replaced since that HEAD) drops
     * the head and retries once after a fresh HEAD. A cached head serves only a range wholly
     * inside the length it knows: a range it would clamp or refuse, it must not judge, since the
     * object may have grown without any GET to tell.
     */
    InputStream openRange(String bucket, String key, long offset, long length, boolean proveLength)
            throws IOException, KmsException {
        ObjectIdentity id = new ObjectIdentity(bucket, key);
        ObjectHead head = cache.get(id);
        if (head == null || !inside(head.info(), offset, length)) {
            head = heads.describe(id);
        }
        if (head.info().metadata().content() instanceof S3ecContent) {
            throw CiphertextException.of(CiphertextException.Failure.RANGE_NOT_AUTHENTICATED, "s3://" + id + " is an "
                    + head.info().metadata().content().outputFormat().id() + " object: its one GCM tag covers only the"
                    + " whole body, so no range of it can be authenticated; read it whole");
        }
        try {
            return openRange(id, head, offset, length, proveLength);
        } catch (ObjectReplacedException e) {
            return openRange(id, heads.describe(id), offset, length, proveLength);
        }
    }

    private static boolean inside(ObjectInfo info, long offset, long length) {
        return offset >= 0 && length > 0 && offset <= info.plaintextLength() - length;
    }

    /** The range read with {@code head}; the head is cached once its decryptor and GET succeeded, dropped on any failure. */
    private InputStream openRange(ObjectIdentity id, ObjectHead head, long offset, long length, boolean proveLength)
            throws IOException, KmsException {
        ObjectInfo info = head.info();
        ObjectDecryptor dec = null;
        try {
            dec = gate.decryptor(info);
            SseC sse = info.sseC() ? KekGate.sseC(dec) : null;
            String ifMatch = HeadCache.cacheable(head) ? head.etag() : null;
            S3CiphertextSource source = new S3CiphertextSource(s3, id.bucket(), id.key(), info.objectLength(), sse,
                    ifMatch);
            if (proveLength) {
                dec.verifyFinalSegment(source);
            }
            InputStream range = dec.decryptRange(source, offset, length);
            cache.put(id, head);
            return closingBoth(range, dec::close, () -> cache.drop(id, head));
        } catch (IOException | KmsException | RuntimeException e) {
            cache.drop(id, head);
            if (dec != null) {
                dec.close();
            }
            throw e;
        }
    }

    /**
     * {@code in}, running {@code close} (which closes its decryptor, dropping the DEK) when it is
     * closed, and {@code onFailure} if a read fails (a refusal).
     */
    static InputStream closingBoth(InputStream in, Runnable close, Runnable onFailure) {
        return new FilterInputStream(in) {
            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                try {
                    return in.read(b, off, len);
                } catch (IOException | RuntimeException e) {
                    onFailure.run();
                    throw e;
                }
            }

            @Override
            public long transferTo(OutputStream out) throws IOException {
                try {
                    return in.transferTo(out); // the decrypting stream's own, a segment per write
                } catch (IOException | RuntimeException e) {
                    onFailure.run();
                    throw e;
                }
            }

            @Override
            public void close() throws IOException {
                try {
                    super.close();
                } finally {
                    close.run();
                }
            }
        };
    }
}
