package io.srrrs.kms.aws;

import io.srrrs.crypto.format.EncryptionContext;
import io.srrrs.crypto.format.FormatV1;
import io.srrrs.crypto.kms.DataKey;
import io.srrrs.crypto.kms.DataKeyPair;
import io.srrrs.crypto.kms.DekWrapping;
import io.srrrs.crypto.kms.InvalidWrappedKeyException;
import io.srrrs.crypto.kms.KekId;
import io.srrrs.crypto.kms.KeyDisabledException;
import io.srrrs.crypto.kms.Kms;
import io.srrrs.crypto.kms.KmsAccessDeniedException;
import io.srrrs.crypto.kms.KmsException;
import io.srrrs.crypto.kms.KmsThrottledException;
import io.srrrs.crypto.kms.KmsUnavailableException;
import io.srrrs.crypto.kms.UnknownKeyException;
import io.srrrs.crypto.kms.WrappedDek;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Map;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.DataKeySpec;
import software.amazon.awssdk.services.kms.model.DecryptResponse;
import software.amazon.awssdk.services.kms.model.DisabledException;
import software.amazon.awssdk.services.kms.model.GenerateDataKeyResponse;
import software.amazon.awssdk.services.kms.model.IncorrectKeyException;
import software.amazon.awssdk.services.kms.model.InvalidCiphertextException;
import software.amazon.awssdk.services.kms.model.KeyMetadata;
import software.amazon.awssdk.services.kms.model.KeyState;
import software.amazon.awssdk.services.kms.model.KmsInvalidStateException;
import software.amazon.awssdk.services.kms.model.NotFoundException;

/**
 * The {@code aws-kms} provider: DEKs from {@code GenerateDataKey} (AES_256), opened with
 * {@code Decrypt}, moved with {@code ReEncrypt} — the DEK never leaves AWS KMS on a rewrap. The
 * encryption context is AWS KMS's own encryption context, so AWS binds it and logs it in
 * CloudTrail. KEK ids are key ARNs (an alias or key id resolves to the ARN by {@code DescribeKey}).
 * The wrapped blob is KMS's {@code CiphertextBlob} as is.
 *
 * <p>The S3EC wrappings are S3EC's KmsKeyring ("kms+context"): the same calls under the caller's
 * context plus {@code aws:x-amz-cek-alg} = "115" (V3) or "AES/GCM/NoPadding" (V2), so an S3EC
 * application reads our objects with its own KmsKeyring, and a DEK wrapped for one format never
 * opens as another. A caller's context holding that reserved key is refused
 * (IllegalArgumentException).
 *
 * <p>No retries here: the SDK's are switched off by {@link AwsKmsFactory} and the
 * {@code DecoratedKms}'s resilience decorator retries what {@link #translate} calls transient.
 */
public final class AwsKms implements Kms {

    /** The {@code kms.type} and {@link WrappedDek#kms()} value of this provider. */
    public static final String TYPE = "aws-kms";

    private final KmsClient client;

    /** Over {@code client}, whose own retries should be off ({@link AwsKmsFactory} builds one so). */
    public AwsKms(KmsClient client) {
        this.client = client;
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public KekId resolve(String aliasOrId) throws KmsException {
        try {
            KeyMetadata key = client.describeKey(b -> b.keyId(aliasOrId)).keyMetadata();
            if (key.keyState() == KeyState.DISABLED || key.keyState() == KeyState.PENDING_DELETION) {
                throw new KeyDisabledException("KMS key " + aliasOrId + " is " + key.keyStateAsString());
            }
            return new KekId(key.arn());
        } catch (SdkException e) {
            throw translate(e, "DescribeKey", aliasOrId);
        }
    }

    @Override
    public DataKeyPair generateDataKey(KekId kek, EncryptionContext context) throws KmsException {
        return generate(kek, context.asMap());
    }

    @Override
    public DataKey unwrap(WrappedDek wrapped, EncryptionContext context) throws KmsException {
        return decrypt(wrapped, context.asMap());
    }

    @Override
    public WrappedDek rewrap(WrappedDek wrapped, EncryptionContext context, KekId target) throws KmsException {
        return reEncrypt(wrapped, context.asMap(), target);
    }

    /** S3EC's kms+context: the KMS encryption context is the caller's plus {@code aws:x-amz-cek-alg}. */
    @Override
    public DataKeyPair generateDataKey(KekId kek, EncryptionContext context, DekWrapping wrapping) throws KmsException {
        return generate(kek, kmsContext(context, wrapping));
    }

    @Override
    public DataKey unwrap(WrappedDek wrapped, EncryptionContext context, DekWrapping wrapping) throws KmsException {
        return decrypt(wrapped, kmsContext(context, wrapping));
    }

    @Override
    public WrappedDek rewrap(WrappedDek wrapped, EncryptionContext context, DekWrapping wrapping, KekId target)
            throws KmsException {
        return reEncrypt(wrapped, kmsContext(context, wrapping), target);
    }

    /**
     * The EncryptionContext AWS KMS binds: the caller's for format v1, S3EC's for an S3EC wrapping.
     * Built as a plain map, not an {@link EncryptionContext}: the reserved key is KMS's business and
     * must not count against our context's own limits.
     */
    private static Map<String, String> kmsContext(EncryptionContext context, DekWrapping wrapping) {
        return wrapping == DekWrapping.SRRRS_V1 ? context.asMap() : wrapping.kmsContext(context);
    }

    private DataKeyPair generate(KekId kek, Map<String, String> context) throws KmsException {
        GenerateDataKeyResponse r;
        try {
            r = client.generateDataKey(b -> b.keyId(kek.value()).keySpec(DataKeySpec.AES_256).encryptionContext(context));
        } catch (SdkException e) {
            throw translate(e, "GenerateDataKey", kek.value());
        }
        DataKey plaintext = dataKey(r.plaintext(), "GenerateDataKey");
        try {
            // The key that wrapped it, as KMS reports it (an alias resolves to its key's ARN).
            KekId wrappedUnder = r.keyId() == null ? kek : new KekId(r.keyId());
            return new DataKeyPair(plaintext, new WrappedDek(TYPE, wrappedUnder, r.ciphertextBlob().asByteArray()));
        } catch (RuntimeException e) {
            plaintext.close();
            throw new KmsUnavailableException("GenerateDataKey answered an unusable blob: " + e.getMessage(), e);
        }
    }

    private DataKey decrypt(WrappedDek wrapped, Map<String, String> context) throws KmsException {
        requireOurs(wrapped);
        DecryptResponse r;
        try {
            r = client.decrypt(b -> b.keyId(wrapped.kek().value()).ciphertextBlob(SdkBytes.fromByteArray(wrapped.blob()))
                    .encryptionContext(context));
        } catch (SdkException e) {
            throw translate(e, "Decrypt", wrapped.kek().value());
        }
        return dataKey(r.plaintext(), "Decrypt");
    }

    private WrappedDek reEncrypt(WrappedDek wrapped, Map<String, String> ctx, KekId target) throws KmsException {
        requireOurs(wrapped);
        try {
            var r = client.reEncrypt(b -> b.ciphertextBlob(SdkBytes.fromByteArray(wrapped.blob()))
                    .sourceKeyId(wrapped.kek().value()).sourceEncryptionContext(ctx)
                    .destinationKeyId(target.value()).destinationEncryptionContext(ctx));
            return new WrappedDek(TYPE, r.keyId() == null ? target : new KekId(r.keyId()), r.ciphertextBlob().asByteArray());
        } catch (SdkException e) {
            throw translate(e, "ReEncrypt", wrapped.kek().value() + " -> " + target.value());
        }
    }

    private static void requireOurs(WrappedDek wrapped) throws InvalidWrappedKeyException {
        if (!TYPE.equals(wrapped.kms())) {
            throw new InvalidWrappedKeyException("DEK was wrapped by KMS type '" + wrapped.kms() + "', not by AWS KMS");
        }
    }

    @Override
    public void close() {
        client.close();
    }

    /** The 32 plaintext bytes as a {@link DataKey}; the SDK's own copy is overwritten where we can reach it. */
    private static DataKey dataKey(SdkBytes bytes, String operation) throws KmsException {
        if (bytes == null) {
            throw new KmsUnavailableException(operation + " answered without a plaintext key");
        }
        ByteBuffer view = bytes.asByteBuffer();
        byte[] material = new byte[view.remaining()];
        view.get(material);
        if (material.length != FormatV1.DEK_LENGTH) {
            Arrays.fill(material, (byte) 0);
            throw new KmsUnavailableException(operation + " answered a key of the wrong length");
        }
        return DataKey.adopt(material);
    }

    /**
     * AWS errors as our distinct types: unknown key, access denied and disabled key are final;
     * throttling and outages are transient. Messages carry the operation and key id, never key
     * material (AWS error messages carry none either).
     */
    static KmsException translate(SdkException e, String operation, String key) {
        String what = operation + " on " + key + ": ";
        if (e instanceof NotFoundException) {
            return new UnknownKeyException(what + "no such KMS key or alias", e);
        }
        if (e instanceof DisabledException) {
            return new KeyDisabledException(what + "the KMS key is disabled", e);
        }
        if (e instanceof KmsInvalidStateException) {
            return new KeyDisabledException(what + "the KMS key is not usable in its state (" + e.getMessage() + ")", e);
        }
        if (e instanceof InvalidCiphertextException || e instanceof IncorrectKeyException) {
            return new InvalidWrappedKeyException(what + "the wrapped DEK does not open under this key and encryption "
                    + "context", e);
        }
        // Fully qualified: the SDK's KmsException, whose simple name is our SPI's exception.
        if (e instanceof software.amazon.awssdk.services.kms.model.KmsException aws) {
            int status = aws.statusCode();
            String code = aws.awsErrorDetails() == null ? "" : aws.awsErrorDetails().errorCode();
            if (status == 429 || "ThrottlingException".equals(code) || "LimitExceededException".equals(code)) {
                return new KmsThrottledException(what + "throttled (" + code + ")", e);
            }
            if (status == 403 || "AccessDeniedException".equals(code) || "UnrecognizedClientException".equals(code)) {
                return new KmsAccessDeniedException(what + "access denied (" + code + ")", e);
            }
            if (status >= 500) {
                return new KmsUnavailableException(what + "AWS KMS answered " + status + " (" + code + ")", e);
            }
            return new KmsAccessDeniedException(what + "refused (" + status + " " + code + ")", e);
        }
        if (e instanceof SdkClientException) {
            return new KmsUnavailableException(what + "cannot reach AWS KMS (" + e.getMessage() + ")", e);
        }
        return new KmsUnavailableException(what + e.getMessage(), e);
    }
}
