package io.srrrs.client;

import io.srrrs.crypto.format.ObjectIdentity;
import io.srrrs.crypto.kms.KmsException;
import io.srrrs.crypto.s3ec.S3ecObjectDecryptor;
import io.srrrs.store.SseC;
import io.srrrs.store.SseCHeaders;
import io.srrrs.store.StoreException;

import java.io.IOException;
import java.io.InputStream;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Reads S3EC objects whole (docs/S3EC.md §5). Their one GCM tag covers the whole body, so the
 * decryptor releases nothing before the end authenticated, and a body above its buffer limit is
 * read twice: every GET after the first is conditional on the ETag the first saw (If-Match), so
 * both passes read one version; a 412 is reported, never mixed into the plaintext.
 */
final class S3ecBodies {

    private final S3Client s3;
    private final KekGate gate;

    S3ecBodies(S3Client s3, KekGate gate) {
        this.s3 = s3;
        this.gate = gate;
    }

    /**
     * The verified plaintext of the S3EC object {@code info} describes, as stored at {@code etag}.
     * {@code first}, if not null, is the body of the GET that found the object: the first pass
     * reads it instead of a new GET. The returned stream holds the decryptor until it is closed.
     *
     * @param sse the object's SSE-C key, or null
     */
    InputStream open(ObjectInfo info, String etag, SseC sse, InputStream first) throws IOException, KmsException {
        S3ecObjectDecryptor dec = gate.s3ecDecryptor(info);
        try {
            Fetch fetch = new Fetch(info.identity(), etag, sse, first);
            return ObjectReader.closingBoth(dec.decryptVerified(info.objectLength(), fetch), dec::close, () -> { });
        } catch (IOException | RuntimeException e) {
            dec.close();
            throw e;
        }
    }

    /** The object's body from byte 0: {@code first} once, then GETs pinned to {@code etag}. */
    private final class Fetch implements S3ecObjectDecryptor.BodyFetch {
        private final ObjectIdentity id;
        private final String etag;
        private final SseC sse;
        private InputStream first;

        Fetch(ObjectIdentity id, String etag, SseC sse, InputStream first) {
            this.id = id;
            this.etag = etag;
            this.sse = sse;
            this.first = first;
        }

        @Override
        public InputStream open() throws IOException {
            if (first != null) {
                InputStream body = first;
                first = null;
                return body;
            }
            try {
                return s3.getObject(b -> SseCHeaders.apply(b.bucket(id.bucket()).key(id.key()).ifMatch(etag), sse));
            } catch (S3Exception e) {
                if (etag != null && e.statusCode() == 412) {
                    throw new ObjectReplacedException("s3://" + id + " was replaced while it was being read (412 to"
                            + " If-Match); nothing of it was released unverified: read it again", e);
                }
                throw StoreException.classify("GetObject", id.bucket(), id.key(), e, sse != null);
            } catch (SdkException e) {
                throw StoreException.classify("GetObject", id.bucket(), id.key(), e, sse != null);
            }
        }
    }
}
