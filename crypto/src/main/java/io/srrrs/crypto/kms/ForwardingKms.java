package io.srrrs.crypto.kms;

import io.srrrs.crypto.format.EncryptionContext;

import java.util.Objects;

/** Base of the decorators: forwards every call; a decorator overrides what it changes. */
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
    public void close() {
        delegate.close();
    }
}
