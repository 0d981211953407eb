package io.srrrs.crypto.kms;

/**
 * The KEK is not on the operator's allow-list ({@link KekAllowList}): refused before any KMS call
 * is made with it, by the topology (nothing is encrypted under it) and by readers (an object whose
 * metadata names it is not opened). Not retried.
 */
public final class KekNotAllowedException extends KmsException {

    /** @param message which KEK was refused, and by which list */
    public KekNotAllowedException(String message) {
        super(message, null);
    }

    @Override
    public boolean isTransient() {
        return false;
    }
}
