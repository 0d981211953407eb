package io.srrrs.topology;

import io.srrrs.crypto.kms.KekNotAllowedException;
import io.srrrs.crypto.kms.KeyDisabledException;
import io.srrrs.crypto.kms.KmsAccessDeniedException;
import io.srrrs.crypto.kms.KmsException;
import io.srrrs.crypto.kms.UnknownKeyException;

/**
 * What a KMS failure means for the reference being encrypted: the KEK's fault (unknown, disabled,
 * access denied, not allowed) is a {@link BadReferenceException} with its reason; anything else
 * is a {@link TransientFailureException}, retried.
 */
final class KmsCalls {

    /** A call to the KMS (or a check that asks it, which may reject the reference itself). */
    @FunctionalInterface
    interface KmsCall<T> {
        T call() throws KmsException, BadReferenceException;
    }

    private KmsCalls() {
    }

    /**
     * Makes the call, its {@link KmsException} mapped to what it means here.
     *
     * @param kek the KEK alias or id the call is about, for the message
     */
    static <T> T call(KmsCall<T> call, String kek) throws BadReferenceException, TransientFailureException {
        try {
            return call.call();
        } catch (KmsException e) {
            BadReferenceException bad = rejectionOrNull(e, kek);
            if (bad != null) {
                throw bad;
            }
            throw new TransientFailureException("KMS: " + e.getMessage(), e);
        }
    }

    /** The rejection a KMS failure that is the KEK's fault means, or null for an outage. */
    private static BadReferenceException rejectionOrNull(KmsException e, String kek) {
        if (e instanceof UnknownKeyException) {
            return new BadReferenceException(RejectReason.UNKNOWN_KEK, "KEK '" + Sanitizer.text(kek) + "': " + e.getMessage(), e);
        }
        if (e instanceof KeyDisabledException) {
            return new BadReferenceException(RejectReason.KEK_DISABLED, e.getMessage(), e);
        }
        if (e instanceof KmsAccessDeniedException) {
            return new BadReferenceException(RejectReason.KMS_ACCESS_DENIED, e.getMessage(), e);
        }
        if (e instanceof KekNotAllowedException) {
            return new BadReferenceException(RejectReason.KEK_NOT_ALLOWED, e.getMessage(), e);
        }
        return null;
    }
}
