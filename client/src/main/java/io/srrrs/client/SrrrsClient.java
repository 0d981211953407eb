package io.srrrs.client;

import io.srrrs.crypto.CiphertextException;
import io.srrrs.crypto.ObjectDecryptor;
import io.srrrs.crypto.ObjectMetadata;
import io.srrrs.crypto.format.CiphertextLayout;
import io.srrrs.crypto.format.ObjectIdentity;
import io.srrrs.crypto.kms.KekAllowList;
import io.srrrs.crypto.kms.KekId;
import io.srrrs.crypto.kms.KekNotAllowedException;
import io.srrrs.crypto.kms.Kms;
import io.srrrs.crypto.kms.KmsException;
import io.srrrs.crypto.kms.WrappedDek;
import io.srrrs.store.SseC;
import io.srrrs.store.StoreClients;
import io.srrrs.store.StoreConfig;
import io.srrrs.store.StoreException;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Reads SRRRS objects back: whole or streamed ({@link #open}), by plaintext byte range
 * ({@link #openRange}, fetching only the segments needed), or just their metadata
 * ({@link #inspect}); and moves an object's DEK to another KEK ({@link #rewrap}) with a
 * server-side copy, downloading nothing.
 *
 * <p>Every byte returned has been authenticated; anything that is not an intact SRRRS object
 * written for this bucket and key is refused with the {@link CiphertextException} subclass that
 * names why. DEKs come through the given {@link Kms} (use a {@code DecoratedKms} for its unwrap
 * cache), and only for objects whose {@code srrrs-kek-id} the client's {@link KekAllowList}
 * allows: any other is refused with a {@link KekNotAllowedException} before the KMS is asked
 * ({@link #inspect} of an object without SSE-C asks no KMS and shows any KEK). SSE-C objects are read with their SSE-C key, derived from the DEK, sent automatically.
 * Store failures are {@link StoreException}s (unchecked, as the AWS SDK's are).
 */
public final class SrrrsClient implements AutoCloseable {

    private final S3Client s3;
    private final Kms kms;
    private final KekAllowList allowed;
    private final boolean ownsS3;
    private final boolean https;
    private final ConditionalCopy copy;
    private volatile Runnable beforeCopy = () -> { };

    private SrrrsClient(S3Client s3, boolean ownsS3, boolean https, Kms kms, KekAllowList allowed,
                        long singleCopyLimit) {
        this.s3 = Objects.requireNonNull(s3, "s3");
        this.kms = Objects.requireNonNull(kms, "kms");
        this.allowed = Objects.requireNonNull(allowed, "allowed KEKs (KekAllowList.any(...) to allow any)");
        this.ownsS3 = ownsS3;
        this.https = https;
        this.copy = new ConditionalCopy(s3, singleCopyLimit);
    }

    /**
     * A client for the store described by {@code store}; it builds and owns its S3 client.
     *
     * @param allowed the KEKs this reader opens objects under ({@code srrrs.kek.allowed});
     *                {@link KekAllowList#any} is the explicit opt-out
     */
    public static SrrrsClient create(StoreConfig store, Kms kms, KekAllowList allowed) {
        return new SrrrsClient(StoreClients.s3(store), true, store.isHttps(), kms, allowed,
                ConditionalCopy.SINGLE_COPY_LIMIT);
    }

    /** A client over an S3 client the caller configured and closes ({@code https}: whether it speaks TLS). */
    public static SrrrsClient create(S3Client s3, boolean https, Kms kms, KekAllowList allowed) {
        return new SrrrsClient(s3, false, https, kms, allowed, ConditionalCopy.SINGLE_COPY_LIMIT);
    }

    /** As {@link #create(StoreConfig, Kms, KekAllowList)}, copying part by part above {@code singleCopyLimit} (tests). */
    static SrrrsClient create(StoreConfig store, Kms kms, KekAllowList allowed, long singleCopyLimit) {
        return new SrrrsClient(StoreClients.s3(store), true, store.isHttps(), kms, allowed, singleCopyLimit);
    }

    // ---- reading --------------------------------------------------------------------------------

    /** The object's metadata and sizes; nothing is decrypted (an SSE-C object needs its DEK unwrapped). */
    public ObjectInfo inspect(String bucket, String key) throws IOException, KmsException {
        return describe(new ObjectIdentity(bucket, key)).info;
    }

    /**
     * The whole object's verified plaintext, streamed in constant memory. Close the stream. One
     * GET: the metadata comes with the body. An SSE-C object (refused without its key) costs a
     * HEAD of its metadata companion and a HEAD with the derived key first.
     */
    public InputStream open(String bucket, String key) throws IOException, KmsException {
        ObjectIdentity id = new ObjectIdentity(bucket, key);
        ResponseInputStream<GetObjectResponse> body;
        try {
            body = s3.getObject(b -> b.bucket(bucket).key(key));
        } catch (S3Exception e) {
            if (e.statusCode() == 400 || e.statusCode() == 403) {
                return openSseC(describeSseC(id, e).info);
            }
            throw StoreException.classify("GetObject", bucket, key, e, false);
        } catch (SdkException e) {
            throw StoreException.classify("GetObject", bucket, key, e, false);
        }
        ObjectDecryptor dec = null;
        try {
            GetObjectResponse r = body.response();
            ObjectInfo info = info(id, r.contentLength(), r.contentType(), r.metadata(),
                    ObjectMetadata.fromMap(r.metadata()));
            dec = decryptor(info);
            return closingBoth(dec.decrypt(body), dec);
        } catch (IOException | RuntimeException e) {
            body.abort();
            if (dec != null) {
                dec.close();
            }
            throw e;
        }
    }

    private InputStream openSseC(ObjectInfo info) throws IOException, KmsException {
        ObjectDecryptor dec = decryptor(info);
        try {
            SseC sse = sseC(dec);
            InputStream body;
            try {
                body = s3.getObject(b -> {
                    b.bucket(info.identity().bucket()).key(info.identity().key());
                    withSseC(sse, b::sseCustomerAlgorithm, b::sseCustomerKey, b::sseCustomerKeyMD5);
                });
            } catch (SdkException e) {
                throw StoreException.classify("GetObject", info.identity().bucket(), info.identity().key(), e, true);
            }
            return closingBoth(dec.decrypt(body), dec);
        } catch (IOException | RuntimeException e) {
            dec.close();
            throw e;
        }
    }

    /**
     * Plaintext bytes {@code [offset, offset + length)} (clamped to the object's end): one ranged
     * GET of just the segments that hold them, each authenticated. The object's length is taken
     * from its HEAD: a range that does not reach the final segment cannot tell that the object was
     * cut short; {@link #openRange(String, String, long, long, boolean)} can.
     */
    public InputStream openRange(String bucket, String key, long offset, long length) throws IOException, KmsException {
        return openRange(bucket, key, offset, length, false);
    }

    /**
     * As {@link #openRange(String, String, long, long)}; with {@code proveLength}, first one more
     * small GET of the final segment, authenticated as the final one, so that a truncated or
     * extended object is refused ({@code TRUNCATED}, {@code EXTENDED}, {@code SEGMENT_MODIFIED})
     * whichever range is asked for.
     */
    public InputStream openRange(String bucket, String key, long offset, long length, boolean proveLength)
            throws IOException, KmsException {
        ObjectIdentity id = new ObjectIdentity(bucket, key);
        Described d = describe(id);
        ObjectDecryptor dec = decryptor(d.info);
        try {
            SseC sse = d.info.sseC() ? sseC(dec) : null;
            S3CiphertextSource source = new S3CiphertextSource(s3, bucket, key, d.info.objectLength(), sse);
            if (proveLength) {
                dec.verifyFinalSegment(source);
            }
            InputStream range = dec.decryptRange(source, offset, length);
            return closingBoth(range, dec);
        } catch (IOException | RuntimeException e) {
            dec.close();
            throw e;
        }
    }

    /** Reads the whole plaintext into memory: for small objects. */
    public byte[] readAll(String bucket, String key) throws IOException, KmsException {
        try (InputStream in = open(bucket, key)) {
            return in.readAllBytes();
        }
    }

    // ---- rewrap ---------------------------------------------------------------------------------

    /**
     * Moves the object's DEK under {@code targetKek} (an alias or id) with the KMS's rewrap and
     * replaces the object's metadata with a server-side copy onto itself: no data is downloaded
     * and the ciphertext does not change. For an SSE-C object the copy carries the copy-source
     * SSE-C headers, and its metadata companion is updated after the copy succeeded. Every copy
     * is conditional on the ETag the HEAD saw, so a version written meanwhile is never given this
     * one's header and wrapped DEK. Both the object's KEK and the target must be allowed.
     *
     * @throws RewrapConflictException the object (or its companion) changed between the HEAD and the copy
     * @throws KekNotAllowedException  the object's KEK or the target is not allowed; nothing was changed
     * @throws StoreException {@link StoreException.Kind#SSE_C_REJECTED} where the store can copy an
     *                        SSE-C object server-side neither whole (CopyObject; Ceph RGW 16 answers
     *                        501) nor part by part (UploadPartCopy, which Ceph RGW 16 does)
     */
    public ObjectInfo rewrap(String bucket, String key, String targetKek) throws IOException, KmsException {
        ObjectIdentity id = new ObjectIdentity(bucket, key);
        Described d = describe(id);
        checkKek(id, d.info.metadata().wrappedDek().kek());
        KekId target = kms.resolve(targetKek);
        if (!allowed.allows(target, kms)) {
            throw new KekNotAllowedException("rewrap target KEK " + target.value() + " is not allowed by "
                    + KekAllowList.KEY + (allowed.accounts().isEmpty() ? "" : " and " + KekAllowList.ACCOUNTS_KEY)
                    + "; nothing was changed");
        }
        WrappedDek rewrapped = kms.rewrap(d.info.metadata().wrappedDek(), d.info.metadata().context(), target);
        ObjectMetadata updated = d.info.metadata().withWrappedDek(rewrapped);
        Map<String, String> metadata = new HashMap<>(d.info.userMetadata());
        metadata.putAll(updated.toMap());
        SseC sse = null;
        if (d.info.sseC()) {
            try (ObjectDecryptor dec = decryptor(d.info)) {
                sse = sseC(dec);
            }
        }
        beforeCopy.run();
        copy.object(id, d.etag, d.info.objectLength(), metadata, d.info.contentType(), sse);
        if (d.info.sseC()) {
            copy.companion(new ObjectIdentity(bucket, ObjectMetadata.SSE_C_COMPANION_PREFIX + key), d.companion.eTag(),
                    d.companion.lastModified(), d.companion.metadata().get(ObjectMetadata.HEADER), updated.toMap());
        }
        return new ObjectInfo(id, d.info.objectLength(), d.info.plaintextLength(), updated, d.info.contentType(),
                d.info.userMetadata());
    }

    /** Test hook: runs between the rewrap's HEAD and its copy (to make a new version land there). */
    void beforeCopy(Runnable hook) {
        beforeCopy = Objects.requireNonNull(hook, "hook");
    }

    // ---- internals ------------------------------------------------------------------------------

    /**
     * An object's info (for SSE-C objects found through their metadata companion) and the ETags
     * its HEADs saw, which a rewrap's copies are conditional on.
     */
    private record Described(ObjectInfo info, String etag, HeadObjectResponse companion) {
    }

    private Described describe(ObjectIdentity id) throws IOException, KmsException {
        HeadObjectResponse head;
        try {
            head = s3.headObject(b -> b.bucket(id.bucket()).key(id.key()));
        } catch (S3Exception e) {
            if (e.statusCode() == 400 || e.statusCode() == 403) {
                return describeSseC(id, e);
            }
            throw StoreException.classify("HeadObject", id.bucket(), id.key(), e, false);
        } catch (SdkException e) {
            throw StoreException.classify("HeadObject", id.bucket(), id.key(), e, false);
        }
        ObjectMetadata metadata = ObjectMetadata.fromMap(head.metadata());
        return new Described(info(id, head, metadata), head.eTag(), null);
    }

    /** A HEAD refused without an SSE-C key: read the companion, derive the key, HEAD again with it. */
    private Described describeSseC(ObjectIdentity id, S3Exception refused) throws IOException, KmsException {
        String companion = ObjectMetadata.SSE_C_COMPANION_PREFIX + id.key();
        HeadObjectResponse meta;
        try {
            meta = s3.headObject(b -> b.bucket(id.bucket()).key(companion));
        } catch (SdkException e) {
            throw StoreException.classify("HeadObject", id.bucket(), id.key(), refused, false);
        }
        ObjectMetadata metadata = ObjectMetadata.fromMap(meta.metadata());
        if (!metadata.sseC()) {
            throw StoreException.classify("HeadObject", id.bucket(), id.key(), refused, false);
        }
        if (!https) {
            throw new StoreException(StoreException.Kind.PERMANENT, "s3://" + id + " is stored with SSE-C, which is "
                    + "never sent over plain http; use the store's https endpoint", null);
        }
        ObjectInfo partial = new ObjectInfo(id, -1, -1, metadata, null, Map.of());
        try (ObjectDecryptor dec = decryptor(partial)) {
            SseC sse = sseC(dec);
            HeadObjectResponse head;
            try {
                head = s3.headObject(b -> {
                    b.bucket(id.bucket()).key(id.key());
                    withSseC(sse, b::sseCustomerAlgorithm, b::sseCustomerKey, b::sseCustomerKeyMD5);
                });
            } catch (SdkException e) {
                throw StoreException.classify("HeadObject", id.bucket(), id.key(), e, true);
            }
            ObjectMetadata own = ObjectMetadata.fromMap(head.metadata());
            if (!own.header().equals(metadata.header())) {
                throw CiphertextException.of(CiphertextException.Failure.HEADER_MISMATCH,
                        "the SSE-C metadata companion describes another object than s3://" + id);
            }
            return new Described(info(id, head, own), head.eTag(), meta);
        }
    }

    private static ObjectInfo info(ObjectIdentity id, HeadObjectResponse head, ObjectMetadata metadata)
            throws CiphertextException {
        return info(id, head.contentLength(), head.contentType(), head.metadata(), metadata);
    }

    private static ObjectInfo info(ObjectIdentity id, long length, String contentType, Map<String, String> stored,
                                   ObjectMetadata metadata) throws CiphertextException {
        long plaintext = new CiphertextLayout(metadata.header().segmentSize()).plaintextLength(length);
        Map<String, String> user = new HashMap<>();
        stored.forEach((k, v) -> {
            if (!k.toLowerCase(Locale.ROOT).startsWith(ObjectMetadata.PREFIX)) {
                user.put(k, v);
            }
        });
        return new ObjectInfo(id, length, plaintext, metadata, contentType, Map.copyOf(user));
    }

    /**
     * Every unwrap goes through here, in the order of docs/FORMAT.md §11 (KMS type, allow-list,
     * unwrap, key checks): the object's KEK is checked before the KMS hears of it.
     */
    private ObjectDecryptor decryptor(ObjectInfo info) throws IOException, KmsException {
        try {
            return ObjectDecryptor.open(info.metadata(), info.identity(), kms, allowed);
        } catch (KekNotAllowedException e) {
            throw notAllowed(info.identity(), info.metadata().wrappedDek().kek());
        }
    }

    /**
     * Refuses an object whose {@code srrrs-kek-id} is not allowed: whoever can write to the bucket
     * could otherwise point this reader's KMS calls at a key of their own.
     */
    private void checkKek(ObjectIdentity id, KekId kek) throws KmsException {
        if (!allowed.allows(kek, kms)) {
            throw notAllowed(id, kek);
        }
    }

    private KekNotAllowedException notAllowed(ObjectIdentity id, KekId kek) {
        return new KekNotAllowedException("s3://" + id + " is under KEK " + kek.value() + ", which "
                + KekAllowList.KEY + (allowed.accounts().isEmpty() ? "" : " or " + KekAllowList.ACCOUNTS_KEY)
                + " does not allow: not opened, no KMS call made with it");
    }

    private SseC sseC(ObjectDecryptor dec) {
        byte[] key = dec.sseCKey();
        try {
            return SseC.of(key);
        } finally {
            Arrays.fill(key, (byte) 0);
        }
    }

    private static void withSseC(SseC sse, java.util.function.Consumer<String> algorithm,
                                 java.util.function.Consumer<String> key, java.util.function.Consumer<String> md5) {
        if (sse != null) {
            algorithm.accept(sse.algorithm());
            key.accept(sse.keyBase64());
            md5.accept(sse.keyMd5Base64());
        }
    }

    private static InputStream closingBoth(InputStream in, ObjectDecryptor dec) {
        return new FilterInputStream(in) {
            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                return in.read(b, off, len);
            }

            @Override
            public void close() throws IOException {
                try {
                    super.close();
                } finally {
                    dec.close();
                }
            }
        };
    }

    @Override
    public void close() {
        if (ownsS3) {
            s3.close();
        }
    }
}
