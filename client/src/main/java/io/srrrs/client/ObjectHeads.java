package io.srrrs.client;

import io.srrrs.crypto.CiphertextException;
import io.srrrs.crypto.ObjectMetadata;
import io.srrrs.crypto.ObjectMetadata.ForeignKek;
import io.srrrs.crypto.format.ObjectIdentity;
import io.srrrs.crypto.kms.KmsException;
import io.srrrs.store.MetadataCompanion;
import io.srrrs.store.SseC;
import io.srrrs.store.SseCHeaders;
import io.srrrs.store.StoreException;

import java.io.IOException;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * What an object is before any of it is read: its HEAD, or for an SSE-C object (whose HEAD is
 * refused without its key) the HEAD of its metadata companion, the key derived from the DEK that
 * names, and a HEAD with it. The SSE-C key is never sent over plain http. Format v1 and S3EC
 * objects alike; an S3EC object that names no KEK (written by an S3EC application) is read as
 * under the client's {@link ForeignKek}, if it was given one.
 */
final class ObjectHeads {

    /** S3EC's own user metadata keys all start so; on an S3EC object they are not the producer's labels. */
    private static final String S3EC_PREFIX = "x-amz-";

    private final S3Client s3;
    private final boolean https;
    private final KekGate gate;
    private final MetadataCompanion companions;
    private final ForeignKek foreign;

    ObjectHeads(S3Client s3, boolean https, KekGate gate, MetadataCompanion companions, ForeignKek foreign) {
        this.s3 = s3;
        this.https = https;
        this.gate = gate;
        this.companions = companions;
        this.foreign = foreign;
    }

    /** The object's metadata as stored, parsed; an S3EC object without {@code srrrs-kek-id} as under the foreign KEK. */
    ObjectMetadata metadata(Map<String, String> stored) throws CiphertextException {
        return ObjectMetadata.fromMap(stored, foreign);
    }

    /** The object's HEAD; a refusal for want of an SSE-C key goes through {@link #describeSseC}. */
    ObjectHead describe(ObjectIdentity id) throws IOException, KmsException {
        HeadObjectResponse head;
        try {
            head = s3.headObject(b -> b.bucket(id.bucket()).key(id.key()));
        } catch (S3Exception e) {
            if (refusedForWantOfKey(e)) {
                return describeSseC(id, e);
            }
            throw StoreException.classify("HeadObject", id.bucket(), id.key(), e, false);
        } catch (SdkException e) {
            throw StoreException.classify("HeadObject", id.bucket(), id.key(), e, false);
        }
        ObjectMetadata metadata = metadata(head.metadata());
        return new ObjectHead(info(id, head, metadata), head.eTag(), null, head.metadata());
    }

    /** A refusal that may mean "stored with SSE-C": 400 or 403 to a request without the key. */
    static boolean refusedForWantOfKey(S3Exception e) {
        return e.statusCode() == 400 || e.statusCode() == 403;
    }

    /**
     * A HEAD refused without an SSE-C key: read the companion, derive the key, HEAD again with
     * it. Without a companion that says SSE-C, the store's {@code refused} answer stands.
     */
    ObjectHead describeSseC(ObjectIdentity id, S3Exception refused) throws IOException, KmsException {
        HeadObjectResponse companion;
        try {
            companion = companions.head(id.bucket(), id.key());
        } catch (SdkException e) {
            throw StoreException.classify("HeadObject", id.bucket(), id.key(), refused, false);
        }
        ObjectMetadata metadata = metadata(companion.metadata());
        if (!metadata.sseC()) {
            throw StoreException.classify("HeadObject", id.bucket(), id.key(), refused, false);
        }
        SseC.requireHttps(https, "the store of s3://" + id + " (stored with SSE-C)");
        ObjectInfo partial = new ObjectInfo(id, -1, -1, metadata, null, Map.of());
        SseC sse = gate.sseC(partial);
        HeadObjectResponse head;
        try {
            head = s3.headObject(b -> SseCHeaders.apply(b.bucket(id.bucket()).key(id.key()), sse));
        } catch (SdkException e) {
            throw StoreException.classify("HeadObject", id.bucket(), id.key(), e, true);
        }
        ObjectMetadata own = metadata(head.metadata());
        // The same body: the same v1 header (fresh salt), or the same S3EC nonce and commitment.
        if (!own.content().equals(metadata.content())) {
            throw CiphertextException.of(CiphertextException.Failure.HEADER_MISMATCH,
                    "the SSE-C metadata companion describes another object than s3://" + id);
        }
        return new ObjectHead(info(id, head, own), head.eTag(), companion, head.metadata());
    }

    private static ObjectInfo info(ObjectIdentity id, HeadObjectResponse head, ObjectMetadata metadata)
            throws CiphertextException {
        return info(id, head.contentLength(), head.contentType(), head.metadata(), metadata);
    }

    /**
     * An object's info from what the store answered: sizes, our metadata, and the producer's own
     * labels (for an S3EC object, neither ours nor S3EC's {@code x-amz-*} keys).
     */
    static ObjectInfo info(ObjectIdentity id, long length, String contentType, Map<String, String> stored,
                           ObjectMetadata metadata) throws CiphertextException {
        long plaintext = metadata.content().plaintextLength(length);
        boolean s3ec = metadata.content().outputFormat().isS3ec();
        Map<String, String> user = new HashMap<>();
        stored.forEach((k, v) -> {
            String lower = k.toLowerCase(Locale.ROOT);
            if (!lower.startsWith(ObjectMetadata.PREFIX) && !(s3ec && lower.startsWith(S3EC_PREFIX))) {
                user.put(k, v);
            }
        });
        return new ObjectInfo(id, length, plaintext, metadata, contentType, Map.copyOf(user));
    }
}
