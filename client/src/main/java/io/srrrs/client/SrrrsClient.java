package io.srrrs.client;

import io.micrometer.core.instrument.MeterRegistry;
import io.srrrs.crypto.CiphertextException;
import io.srrrs.crypto.ObjectMetadata.ForeignKek;
import io.srrrs.crypto.format.ObjectIdentity;
import io.srrrs.crypto.kms.DecoratedKms;
import io.srrrs.crypto.kms.KekAllowList;
import io.srrrs.crypto.kms.KekNotAllowedException;
import io.srrrs.crypto.kms.Kms;
import io.srrrs.crypto.kms.KmsException;
import io.srrrs.crypto.kms.UnwrappedDekCache;
import io.srrrs.store.MetadataCompanion;
import io.srrrs.store.SseC;
import io.srrrs.store.StoreClients;
import io.srrrs.store.StoreConfig;
import io.srrrs.store.StoreException;

import java.io.IOException;
import java.io.InputStream;
import java.util.Objects;
import java.util.function.Supplier;
import software.amazon.awssdk.services.s3.S3Client;

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
 * ({@link #inspect} of an object without SSE-C asks no KMS and shows any KEK). SSE-C objects are
 * read with their SSE-C key, derived from the DEK, sent automatically, and only over https.
 * Store failures are {@link StoreException}s (unchecked, as the AWS SDK's are).
 *
 * <p>S3EC objects (docs/S3EC.md: written by the pipeline in format {@code s3ec-v3} or
 * {@code s3ec-v2}, or by an Amazon S3 Encryption Client) are read whole, through the same
 * allow-list: their one GCM tag covers the whole body, so no byte is returned before it
 * authenticated, and a range of one is refused ({@code RANGE_NOT_AUTHENTICATED}). Objects an S3EC
 * application wrote name no KEK: give the client a {@link ForeignKek} for them.
 *
 * <p>A thin front: reading is {@link ObjectReader}'s, rewrapping {@link Rewrapper}'s, both over
 * {@link ObjectHeads} (what an object is) and {@link KekGate} (the allow-list before the KMS).
 */
public final class SrrrsClient implements AutoCloseable {

    private final S3Client s3;
    private final boolean ownsS3;
    private final ObjectHeads heads;
    private final ObjectReader reader;
    private final Rewrapper rewrapper;
    private final HeadCache cache;
    private final ClientMetrics metrics;

    private SrrrsClient(S3Client s3, boolean ownsS3, boolean https, Kms kms, KekAllowList allowed,
                        long singleCopyLimit, boolean cacheHeads, ForeignKek foreignKek) {
        this(s3, ownsS3, https, kms, allowed, singleCopyLimit, cacheHeads, foreignKek, ClientMetrics.NONE);
    }

    private SrrrsClient(S3Client s3, boolean ownsS3, boolean https, Kms kms, KekAllowList allowed,
                        long singleCopyLimit, boolean cacheHeads, ForeignKek foreignKek, ClientMetrics metrics) {
        this.s3 = Objects.requireNonNull(s3, "s3");
        this.metrics = metrics;
        this.ownsS3 = ownsS3;
        KekGate gate = new KekGate(kms, allowed);
        MetadataCompanion companions = new MetadataCompanion(s3);
        this.heads = new ObjectHeads(s3, https, gate, companions, foreignKek);
        this.cache = cacheHeads ? new HeadCache(HeadCache.MAX_ENTRIES) : HeadCache.disabled();
        this.reader = new ObjectReader(s3, heads, gate, cache);
        this.rewrapper = new Rewrapper(heads, gate, new ConditionalCopy(s3, singleCopyLimit, companions));
    }

    /**
     * A client for the store described by {@code store}; it builds and owns its S3 client.
     *
     * @param allowed the KEKs this reader opens objects under ({@code srrrs.kek.allowed});
     *                {@link KekAllowList#any} is the explicit opt-out
     */
    public static SrrrsClient create(StoreConfig store, Kms kms, KekAllowList allowed) {
        return create(store, kms, allowed, ConditionalCopy.SINGLE_COPY_LIMIT, null);
    }

    /**
     * As {@link #create(StoreConfig, Kms, KekAllowList)}, reading S3EC objects that name no KEK
     * (written by an S3EC application, not the pipeline) as under {@code foreignKek}: an aws-kms
     * key for kms+context objects, a KEK of {@code kms} for AES/GCM ones. The KEK must still be
     * allowed by {@code allowed}. Null: such objects are refused ({@code MALFORMED_METADATA}).
     */
    public static SrrrsClient create(StoreConfig store, Kms kms, KekAllowList allowed, ForeignKek foreignKek) {
        return create(store, kms, allowed, ConditionalCopy.SINGLE_COPY_LIMIT, foreignKek);
    }

    /**
     * A client over an S3 client the caller configured and closes.
     *
     * @param https whether {@code s3} speaks TLS to its store: SSE-C keys are sent only if so
     */
    public static SrrrsClient create(S3Client s3, boolean https, Kms kms, KekAllowList allowed) {
        return create(s3, https, kms, allowed, true);
    }

    /**
     * As {@link #create(S3Client, boolean, Kms, KekAllowList)}; {@code cacheHeads} false turns off
     * the cache of object heads that lets a further {@link #openRange} of an object skip its HEAD.
     */
    public static SrrrsClient create(S3Client s3, boolean https, Kms kms, KekAllowList allowed, boolean cacheHeads) {
        return create(s3, https, kms, allowed, cacheHeads, null);
    }

    /**
     * As {@link #create(S3Client, boolean, Kms, KekAllowList, boolean)}, reading S3EC objects that
     * name no KEK as under {@code foreignKek} (see {@link #create(StoreConfig, Kms, KekAllowList, ForeignKek)}).
     */
    public static SrrrsClient create(S3Client s3, boolean https, Kms kms, KekAllowList allowed, boolean cacheHeads,
                                     ForeignKek foreignKek) {
        return new SrrrsClient(s3, false, https, kms, allowed, ConditionalCopy.SINGLE_COPY_LIMIT, cacheHeads,
                foreignKek);
    }

    /** As {@link #create(StoreConfig, Kms, KekAllowList)}, copying part by part above {@code singleCopyLimit} (tests). */
    static SrrrsClient create(StoreConfig store, Kms kms, KekAllowList allowed, long singleCopyLimit) {
        return create(store, kms, allowed, singleCopyLimit, null);
    }

    private static SrrrsClient create(StoreConfig store, Kms kms, KekAllowList allowed, long singleCopyLimit,
                                      ForeignKek foreignKek) {
        return new SrrrsClient(StoreClients.s3(store), true, SseC.allowedOver(store), kms, allowed, singleCopyLimit,
                true, foreignKek);
    }

    /**
     * A client with metrics in {@code registry} (see {@link Builder}); {@code kms}'s unwrap cache
     * hits are counted, and its {@link DecoratedKms#kms()} reads the objects.
     */
    public static Builder builder(StoreConfig store, DecoratedKms kms, KekAllowList allowed) {
        return new Builder(store, kms.kms(), allowed).unwrapCache(kms::unwrapCacheStats);
    }

    /** A client built step by step: {@link Builder#meterRegistry} for metrics, {@link Builder#foreignKek}. */
    public static Builder builder(StoreConfig store, Kms kms, KekAllowList allowed) {
        return new Builder(store, kms, allowed);
    }

    /**
     * The optional parts of a client over {@link StoreConfig}; what the {@code create} methods
     * leave out (a null or absent registry: no metrics).
     */
    public static final class Builder {
        private final StoreConfig store;
        private final Kms kms;
        private final KekAllowList allowed;
        private ForeignKek foreignKek;
        private MeterRegistry registry;
        private Supplier<UnwrappedDekCache.Stats> unwrapCache;

        private Builder(StoreConfig store, Kms kms, KekAllowList allowed) {
            this.store = Objects.requireNonNull(store, "store");
            this.kms = Objects.requireNonNull(kms, "kms");
            this.allowed = Objects.requireNonNull(allowed, "allowed");
        }

        /** See {@link SrrrsClient#create(StoreConfig, Kms, KekAllowList, ForeignKek)}. */
        public Builder foreignKek(ForeignKek kek) {
            this.foreignKek = kek;
            return this;
        }

        /** Where the client's counters go (srrrs.client.*); null: no metrics. */
        public Builder meterRegistry(MeterRegistry meterRegistry) {
            this.registry = meterRegistry;
            return this;
        }

        /** Whose hits count as srrrs.client.unwrap.cache.hits: the cache {@code kms} unwraps through. */
        public Builder unwrapCache(Supplier<UnwrappedDekCache.Stats> stats) {
            this.unwrapCache = stats;
            return this;
        }

        public SrrrsClient build() {
            return new SrrrsClient(StoreClients.s3(store), true, SseC.allowedOver(store), kms, allowed,
                    ConditionalCopy.SINGLE_COPY_LIMIT, true, foreignKek, ClientMetrics.of(registry, unwrapCache));
        }
    }

    /** The object's metadata and sizes; nothing is decrypted (an SSE-C object needs its DEK unwrapped). */
    public ObjectInfo inspect(String bucket, String key) throws IOException, KmsException {
        return heads.describe(new ObjectIdentity(bucket, key)).info();
    }

    /**
     * The whole object's verified plaintext, streamed in constant memory. Close the stream. One
     * GET: the metadata comes with the body. An SSE-C object (refused without its key) costs a
     * HEAD of its metadata companion and a HEAD with the derived key first. An S3EC object's body
     * is authenticated whole before the first byte is returned: up to 64 MiB held in memory, a
     * larger one read twice (the second GET conditional on the first's ETag).
     */
    public InputStream open(String bucket, String key) throws IOException, KmsException {
        metrics.opened(ClientMetrics.Kind.WHOLE);
        try {
            return metrics.meter(reader.open(bucket, key));
        } catch (CiphertextException e) {
            metrics.refused(e);
            throw e;
        }
    }

    /**
     * Plaintext bytes {@code [offset, offset + length)} (clamped to the object's end): one ranged
     * GET of just the segments that hold them, each authenticated. The object's length is taken
     * from its HEAD, which the client keeps (at most 1 024 objects, least recently used out) so a
     * further range of the object is one GET, conditional with If-Match on that HEAD's ETag (a 412
     * means a new version: a fresh HEAD, and one retry). SSE-C objects make their HEADs each time. A range that does not reach the final segment cannot tell that the object was
     * cut short; {@link #openRange(String, String, long, long, boolean)} can. An S3EC object
     * cannot be read by range: refused with an {@link io.srrrs.crypto.UnsupportedFormatException}
     * ({@code RANGE_NOT_AUTHENTICATED}) after its HEAD, before any KMS call.
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
        metrics.opened(ClientMetrics.Kind.RANGE);
        try {
            return metrics.meter(reader.openRange(bucket, key, offset, length, proveLength));
        } catch (CiphertextException e) {
            metrics.refused(e);
            throw e;
        }
    }

    /** Reads the whole plaintext into memory: for small objects. */
    public byte[] readAll(String bucket, String key) throws IOException, KmsException {
        try (InputStream in = open(bucket, key)) {
            return in.readAllBytes();
        }
    }

    /**
     * Moves the object's DEK under {@code targetKek} (an alias or id) with the KMS's rewrap and
     * replaces the object's metadata with a server-side copy onto itself: no data is downloaded
     * and the ciphertext does not change. For an SSE-C object the copy carries the copy-source
     * SSE-C headers, and its metadata companion is updated after the copy succeeded. Every copy
     * is conditional on the ETag the HEAD saw, so a version written meanwhile is never given this
     * one's header and wrapped DEK. Both the object's KEK and the target must be allowed. An S3EC
     * object's DEK is rewrapped the S3EC way and only its wrapped DEK ({@code x-amz-3} or
     * {@code x-amz-key-v2}), {@code srrrs-kms} and {@code srrrs-kek-id} are replaced, so S3EC
     * applications read it as before (under the new KEK).
     *
     * @return the object's info with its new metadata
     * @throws RewrapConflictException the object (or its companion) changed between the HEAD and the copy
     * @throws KekNotAllowedException  the object's KEK or the target is not allowed; nothing was changed
     * @throws StoreException {@link StoreException.Kind#SSE_C_REJECTED} where the store can copy an
     *                        SSE-C object server-side neither whole (CopyObject; Ceph RGW 16 answers
     *                        501) nor part by part (UploadPartCopy, which Ceph RGW 16 does)
     */
    public ObjectInfo rewrap(String bucket, String key, String targetKek) throws IOException, KmsException {
        try {
            return rewrapper.rewrap(bucket, key, targetKek);
        } finally {
            // A copy onto itself may keep the ETag (same bytes): without this, a cached head would
            // go on unwrapping the old wrapped DEK, under the KEK the rewrap is meant to retire.
            cache.forget(new ObjectIdentity(bucket, key));
        }
    }

    /** Test hook: runs between the rewrap's HEAD and its copy (to make a new version land there). */
    void beforeCopy(Runnable hook) {
        rewrapper.beforeCopy(hook);
    }

    /** Closes the S3 client if this client built it ({@link #create(StoreConfig, Kms, KekAllowList)}). */
    @Override
    public void close() {
        if (ownsS3) {
            s3.close();
        }
    }
}
