package io.srrrs.crypto.kms;

/**
 * Why a KMS call failed. The subclass decides what happens next: only
 * {@link #isTransient() transient} failures are retried. Messages name the KEK and the operation,
 * never key material.
 */
public abstract sealed class KmsException extends Exception
        permits UnknownKeyException, KmsAccessDeniedException, KeyDisabledException, InvalidWrappedKeyException,
        KmsUnavailableException, KekNotAllowedException {

    KmsException(String message, Throwable cause) {
        super(message, cause);
    }

    /** True where the same call may succeed later (network, overload, throttling). */
    public abstract boolean isTransient();
}
