package io.srrrs.s3ec;

import io.srrrs.crypto.format.EncryptionContext;
import io.srrrs.crypto.format.S3ecContent.Version;
import io.srrrs.crypto.format.S3ecContent.WrapAlgorithm;
import io.srrrs.crypto.kms.DataKey;
import io.srrrs.crypto.kms.DataKeyPair;
import io.srrrs.crypto.kms.DekWrapping;
import io.srrrs.crypto.kms.KekId;
import io.srrrs.crypto.kms.Kms;
import io.srrrs.crypto.kms.KmsException;
import io.srrrs.crypto.kms.WrappedDek;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import software.amazon.awssdk.services.s3.model.S3Request;
import software.amazon.encryption.s3.S3EncryptionClient;
import software.amazon.encryption.s3.S3EncryptionClientException;
import software.amazon.encryption.s3.algorithms.AlgorithmSuite;
import software.amazon.encryption.s3.materials.DecryptionMaterials;
import software.amazon.encryption.s3.materials.EncryptedDataKey;
import software.amazon.encryption.s3.materials.EncryptionMaterials;
import software.amazon.encryption.s3.materials.Keyring;

/**
 * An S3EC {@link Keyring} over one KEK of any SRRRS {@link Kms} provider, so that an application
 * on the Amazon S3 Encryption Client (4.x, and 3.x, whose Keyring is the same) reads the
 * pipeline's {@code s3ec-v3} / {@code s3ec-v2} objects, and writes objects the pipeline's client
 * reads, with our KEKs: an aws-kms provider wraps as S3EC's {@code KmsKeyring} does
 * ({@code kms+context}), every other provider (local keystore, PKCS#11, Vault) as its raw
 * {@code AesKeyring} does ({@code AES/GCM}); the KEK never leaves the provider.
 *
 * <p>S3EC's decryption materials carry no object metadata (only the request, the content suite,
 * the stored KMS encryption context or material description), so a keyring is made for one KEK:
 * the one the objects it reads name in {@code srrrs-kek-id}. Unwrapping under another KEK fails
 * in the provider. As with S3EC's {@code KmsKeyring}, a {@code kms+context} object opens only
 * when the request carries its encryption context ({@link S3EncryptionClient#withAdditionalConfiguration(Map)}).
 *
 * <p>Errors are {@link S3EncryptionClientException}s, as S3EC's own keyrings throw, naming the
 * KEK and the cause, never key material.
 */
public final class SrrrsKeyring implements Keyring {

    /** The key provider id S3EC gives every data key of its own keyrings (it stores none). */
    static final String KEY_PROVIDER_ID = "S3Keyring";
    /** The encryption context key S3EC reserves for the content algorithm of a kms+context wrap. */
    static final String RESERVED_CONTEXT_KEY = "aws:x-amz-cek-alg";
    /** S3EC's content suites, by name: the constant of the V3 suite does not exist in S3EC 3.x. */
    private static final String SUITE_V3 = "ALG_AES_256_GCM_HKDF_SHA512_COMMIT_KEY";
    private static final String SUITE_V2 = "ALG_AES_256_GCM_IV12_TAG16_NO_KDF";

    private final Kms kms;
    private final KekId kek;
    private final WrapAlgorithm wrap;

    private SrrrsKeyring(Kms kms, KekId kek) {
        this.kms = kms;
        this.kek = kek;
        this.wrap = WrapAlgorithm.forKms(kms.type());
    }

    /**
     * A keyring over {@code kek} (an alias or id, resolved now) of {@code kms}. The caller keeps
     * {@code kms} open while the keyring is used, and closes it.
     *
     * @throws KmsException the KMS does not know {@code kek}, or could not be asked
     */
    public static SrrrsKeyring forKek(Kms kms, String kek) throws KmsException {
        Objects.requireNonNull(kms, "kms");
        return new SrrrsKeyring(kms, kms.resolve(Objects.requireNonNull(kek, "kek")));
    }

    /** The KEK this keyring wraps and unwraps under. */
    public KekId kek() {
        return kek;
    }

    /**
     * A fresh data key from the provider, wrapped under the KEK the S3EC way for the materials'
     * content suite. A kms+context wrap binds the request's encryption context; an AES/GCM wrap
     * cannot bind one and refuses it, rather than drop it as S3EC's raw keyrings do.
     */
    @Override
    public EncryptionMaterials onEncrypt(EncryptionMaterials materials) {
        if (materials.plaintextDataKey() != null || !materials.encryptedDataKeys().isEmpty()) {
            throw new S3EncryptionClientException("SrrrsKeyring makes its own data key: use it as the only keyring");
        }
        DekWrapping wrapping = wrapping(materials.algorithmSuite());
        Map<String, String> context = new HashMap<>(materials.encryptionContext());
        context.putAll(requestContext(materials.s3Request()));
        if (context.containsKey(RESERVED_CONTEXT_KEY)) {
            throw new S3EncryptionClientException(RESERVED_CONTEXT_KEY + " is a reserved key for the S3 encryption client");
        }
        if (wrap == WrapAlgorithm.AES_GCM && !context.isEmpty()) {
            throw new S3EncryptionClientException("the " + kms.type() + " KMS wraps S3EC data keys with AES/GCM, which"
                    + " cannot bind an encryption context; use an aws-kms KEK (kms+context) or no context");
        }
        try (DataKeyPair pair = kms.generateDataKey(kek, EncryptionContext.of(context), wrapping)) {
            EncryptedDataKey edk = KeyProviderInfo.set(EncryptedDataKey.builder().keyProviderId(KEY_PROVIDER_ID),
                    wrap.s3ecName()).encryptedDataKey(pair.wrapped().blob()).build();
            if (wrap == WrapAlgorithm.KMS_CONTEXT) {
                context.put(RESERVED_CONTEXT_KEY, wrapping.s3ecCekAlgorithm()); // S3EC stores the context as wrapped
            }
            return materials.toBuilder().encryptionContext(context).encryptedDataKeys(List.of(edk))
                    .plaintextDataKey(pair.plaintext().material()).build();
        } catch (KmsException | IllegalArgumentException e) {
            throw new S3EncryptionClientException("Unable to wrap a data key under " + kek.value() + ": " + e.getMessage(), e);
        }
    }

    /**
     * The object's data key, unwrapped by the provider under the KEK: the one encrypted data key
     * S3EC read from the object, of this provider's wrapping and the materials' content suite.
     */
    @Override
    public DecryptionMaterials onDecrypt(DecryptionMaterials materials, List<EncryptedDataKey> encryptedDataKeys) {
        if (materials.plaintextDataKey() != null) {
            throw new S3EncryptionClientException("Decryption materials already contains a plaintext data key.");
        }
        if (encryptedDataKeys.size() != 1 || !KEY_PROVIDER_ID.equals(encryptedDataKeys.get(0).keyProviderId())) {
            throw new S3EncryptionClientException("SrrrsKeyring reads objects with one S3EC data key; found "
                    + encryptedDataKeys.size());
        }
        EncryptedDataKey edk = encryptedDataKeys.get(0);
        String info = KeyProviderInfo.get(edk);
        if (!wrap.s3ecName().equals(info)) {
            throw new S3EncryptionClientException("the object's data key is wrapped with " + info
                    + "; the " + kms.type() + " KMS of this keyring unwraps " + wrap.s3ecName() + " only");
        }
        DekWrapping wrapping = wrapping(materials.algorithmSuite());
        EncryptionContext context = storedContext(materials, wrapping);
        WrappedDek wrapped = new WrappedDek(kms.type(), kek, edk.encryptedDatakey());
        try (DataKey dek = kms.unwrap(wrapped, context, wrapping)) {
            return materials.toBuilder().plaintextDataKey(dek.material()).build();
        } catch (KmsException | IllegalArgumentException e) {
            throw new S3EncryptionClientException("Unable to unwrap the data key under " + kek.value() + ": "
                    + e.getMessage(), e);
        }
    }

    /**
     * The context a kms+context data key was wrapped under, without S3EC's reserved key (whose
     * value must be the suite's), and equal to the request's: S3EC's KmsKeyring checks the same.
     */
    private EncryptionContext storedContext(DecryptionMaterials materials, DekWrapping wrapping) {
        if (wrap == WrapAlgorithm.AES_GCM) {
            return EncryptionContext.of(Map.of()); // S3EC stores a material description, not a context
        }
        Map<String, String> stored = new HashMap<>(materials.encryptionContext());
        String reserved = stored.remove(RESERVED_CONTEXT_KEY);
        if (!wrapping.s3ecCekAlgorithm().equals(reserved)) {
            throw new S3EncryptionClientException("the object's encryption context has " + RESERVED_CONTEXT_KEY + "="
                    + reserved + ", not " + wrapping.s3ecCekAlgorithm());
        }
        if (!stored.equals(requestContext(materials.s3Request()))) {
            throw new S3EncryptionClientException("Provided encryption context does not match information retrieved from S3");
        }
        return EncryptionContext.of(stored);
    }

    /** The encryption context the application attached to the request, or none. */
    private static Map<String, String> requestContext(S3Request request) {
        if (request == null) {
            return Map.of();
        }
        return request.overrideConfiguration()
                .flatMap(o -> o.executionAttributes().getOptionalAttribute(S3EncryptionClient.ENCRYPTION_CONTEXT))
                .orElse(Map.of());
    }

    /** The wrapping of a content suite: V3's committing suite, or V2's GCM; no other is wrapped here. */
    static DekWrapping wrapping(AlgorithmSuite suite) {
        return switch (suite.name()) {
            case SUITE_V3 -> DekWrapping.of(Version.V3.outputFormat());
            case SUITE_V2 -> DekWrapping.of(Version.V2.outputFormat());
            default -> throw new S3EncryptionClientException("SrrrsKeyring wraps data keys of the AES-GCM suites only, not "
                    + suite.name());
        };
    }
}
