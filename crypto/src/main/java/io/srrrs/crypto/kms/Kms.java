package io.srrrs.crypto.kms;

import io.srrrs.crypto.format.EncryptionContext;

/**
 * The one interface every key manager is used through (DESIGN.md §4). A KEK never leaves its
 * KMS; DEKs leave it in plaintext only towards the caller, who zeroes them after use.
 *
 * <p>The encryption context is bound into every wrapped DEK: unwrapping or rewrapping with a
 * different context fails with {@link InvalidWrappedKeyException}.
 *
 * <p>Resilience, caching and metrics are decorators ({@link ResilientKms}, {@link DekCache},
 * {@link UnwrappedDekCache}, {@link MeteredKms}) around any implementation, never code inside one.
 * Implementations are thread-safe.
 */
public interface Kms extends AutoCloseable {

    /** The provider type recorded in {@code srrrs-kms}: {@code local}, {@code pkcs11}, … */
    String type();

    /** Resolves an alias or id to the KEK id the KMS uses. {@link UnknownKeyException} if none. */
    KekId resolve(String aliasOrId) throws KmsException;

    /** A new random DEK, with its copy wrapped under {@code kek} and bound to {@code context}. */
    DataKeyPair generateDataKey(KekId kek, EncryptionContext context) throws KmsException;

    /** Opens a wrapped DEK. The caller closes the returned key. */
    DataKey unwrap(WrappedDek wrapped, EncryptionContext context) throws KmsException;

    /** Re-encrypts a wrapped DEK under {@code target} without the DEK leaving the KMS where it can. */
    WrappedDek rewrap(WrappedDek wrapped, EncryptionContext context, KekId target) throws KmsException;

    /**
     * As {@link #generateDataKey(KekId, EncryptionContext)}, wrapped the way {@code wrapping} says
     * (docs/S3EC.md §3). The built-in providers and aws-kms, vault support every wrapping.
     */
    default DataKeyPair generateDataKey(KekId kek, EncryptionContext context, DekWrapping wrapping) throws KmsException {
        if (wrapping == DekWrapping.SRRRS_V1) {
            return generateDataKey(kek, context);
        }
        throw new UnsupportedOperationException(type() + " does not wrap DEKs for S3EC");
    }

    /** As {@link #unwrap(WrappedDek, EncryptionContext)}, for a DEK wrapped the way {@code wrapping} says. */
    default DataKey unwrap(WrappedDek wrapped, EncryptionContext context, DekWrapping wrapping) throws KmsException {
        if (wrapping == DekWrapping.SRRRS_V1) {
            return unwrap(wrapped, context);
        }
        throw new UnsupportedOperationException(type() + " does not unwrap S3EC DEKs");
    }

    /** As {@link #rewrap(WrappedDek, EncryptionContext, KekId)}, keeping the wrapping {@code wrapping}. */
    default WrappedDek rewrap(WrappedDek wrapped, EncryptionContext context, DekWrapping wrapping, KekId target)
            throws KmsException {
        if (wrapping == DekWrapping.SRRRS_V1) {
            return rewrap(wrapped, context, target);
        }
        throw new UnsupportedOperationException(type() + " does not rewrap S3EC DEKs");
    }

    @Override
    default void close() {
    }
}
