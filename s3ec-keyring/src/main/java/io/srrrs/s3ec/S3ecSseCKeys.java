package io.srrrs.s3ec;

import io.srrrs.crypto.CiphertextException;
import io.srrrs.crypto.CiphertextException.Failure;
import io.srrrs.crypto.ObjectMetadata;
import io.srrrs.crypto.format.ObjectIdentity;
import io.srrrs.crypto.format.S3ecContent;
import io.srrrs.crypto.kms.DataKey;
import io.srrrs.crypto.kms.DekWrapping;
import io.srrrs.crypto.kms.KekAllowList;
import io.srrrs.crypto.kms.Kms;
import io.srrrs.crypto.kms.KmsException;
import io.srrrs.crypto.kms.WrappedDek;
import io.srrrs.crypto.s3ec.S3ecObjectDecryptor;
import io.srrrs.store.MetadataCompanion;
import io.srrrs.store.SseC;
import io.srrrs.store.SseCHeaders;
import io.srrrs.store.StoreException;

import java.util.Objects;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;

/**
 * The SSE-C key an S3EC application's GetObject of a pipeline object stored with SSE-C needs
 * (docs/S3EC.md §6): each such object has its own, derived from its DEK and its bucket and key,
 * so the application cannot know it. It is found as the pipeline's client finds it: the object's
 * metadata companion ({@code .srrrs-meta/<key>}, readable without the key) names the KEK and the
 * wrapped DEK; the KEK must be on the allow-list before the KMS unwraps the DEK; the key
 * commitment of a V3 object is checked; the key is derived. Send it over https only.
 */
public final class S3ecSseCKeys {

    private final S3Client s3;
    private final MetadataCompanion companions;
    private final Kms kms;
    private final KekAllowList allowed;

    /**
     * Keys of the objects in the store behind {@code s3}, unwrapped through {@code kms} for the
     * KEKs {@code allowed} names. The caller keeps {@code s3} and {@code kms} open, and closes them.
     */
    public S3ecSseCKeys(S3Client s3, Kms kms, KekAllowList allowed) {
        this.s3 = Objects.requireNonNull(s3, "s3");
        this.companions = new MetadataCompanion(s3);
        this.kms = Objects.requireNonNull(kms, "kms");
        this.allowed = Objects.requireNonNull(allowed, "allowed KEKs (KekAllowList.any(...) to allow any)");
    }

    /**
     * The SSE-C key of {@code bucket/key}.
     *
     * @throws CiphertextException the companion is not an SSE-C S3EC object's, or names another
     *                             KMS type ({@code UNKNOWN_KMS}); the DEK is not the object's
     *                             ({@code WRONG_DEK})
     * @throws KmsException        the KEK is not allowed (no KMS call made with it), or the KMS refused
     * @throws StoreException      the companion could not be read
     */
    public SseC forObject(String bucket, String key) throws CiphertextException, KmsException {
        ObjectIdentity id = new ObjectIdentity(bucket, key);
        ObjectMetadata metadata;
        try {
            metadata = ObjectMetadata.fromMap(companions.head(bucket, key).metadata());
        } catch (SdkException e) {
            throw StoreException.classify("HeadObject (SSE-C metadata companion)", bucket,
                    MetadataCompanion.keyOf(key), e, false);
        }
        if (!(metadata.content() instanceof S3ecContent content) || !metadata.sseC()) {
            throw CiphertextException.of(Failure.UNSUPPORTED_VERSION, "s3://" + id
                    + " is not an S3EC object stored with SSE-C (its metadata companion says "
                    + metadata.content().outputFormat().id() + (metadata.sseC() ? ", SSE-C" : ", no SSE-C") + ")");
        }
        WrappedDek wrapped = metadata.wrappedDek();
        if (!wrapped.kms().equals(kms.type())) {
            throw CiphertextException.of(Failure.UNKNOWN_KMS, "the DEK of s3://" + id + " was wrapped by KMS type '"
                    + wrapped.kms() + "'; this reader uses '" + kms.type() + "'");
        }
        allowed.check(wrapped.kek(), kms);
        try (DataKey dek = kms.unwrap(wrapped, metadata.context(), DekWrapping.of(content.outputFormat()));
             S3ecObjectDecryptor dec = S3ecObjectDecryptor.open(content, dek)) {
            return SseC.consuming(dec.sseCKey(id));
        }
    }

    /** {@code request} with the SSE-C key of the object it gets, for an S3EC client's getObject. */
    public GetObjectRequest withSseC(GetObjectRequest request) throws CiphertextException, KmsException {
        SseC sse = forObject(request.bucket(), request.key());
        return SseCHeaders.apply(request.toBuilder(), sse).build();
    }
}
