package io.srrrs.crypto.kms;

import io.srrrs.crypto.format.EncryptionContext;

import java.util.Objects;

/**
 * Base of the decorators: forwards every call, the wrapping-aware ones as they are (never through
 * the v1 methods, so a provider's S3EC wrapping reaches it); a decorator overrides what it changes.
 */
abstract class ForwardingKms implements Kms {

    /** The KMS every call is passed to. */
    protected final Kms delegate;

    ForwardingKms(Kms delegate) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
    }

    @Override
    public String type() {
        return delegate.type();
    }

    @Override
    public KekId resolve(String aliasOrId) throws KmsException {
        return delegate.resolve(aliasOrId);
    }

    @Override
    public DataKeyPair generateDataKey(KekId kek, EncryptionContext context) throws KmsException {
        return delegate.generateDataKey(kek, context);
    }

    @Override
    public DataKey unwrap(WrappedDek wrapped, EncryptionContext context) throws KmsException {
        return delegate.unwrap(wrapped, context);
    }

    @Override
    public WrappedDek rewrap(WrappedDek wrapped, EncryptionContext context, KekId target) throws KmsException {
        return delegate.rewrap(wrapped, context, target);
    }

    @Override
    public DataKeyPair generateDataKey(KekId kek, EncryptionContext context, DekWrapping wrapping) throws KmsException {
        return delegate.generateDataKey(kek, context, wrapping);
    }

    @Override
    public DataKey unwrap(WrappedDek wrapped, EncryptionContext context, DekWrapping wrapping) throws KmsException {
        return delegate.unwrap(wrapped, context, wrapping);
    }

    @Override
    public WrappedDek rewrap(WrappedDek wrapped, EncryptionContext context, DekWrapping wrapping, KekId target)
            throws KmsException {
        return delegate.rewrap(wrapped, context, wrapping, target);
    }

    @Override
    public void close() {
        delegate.close();
    }
}
