package io.srrrs.crypto.kms;

/**
 * Told how many plaintext bytes were encrypted under a DEK, so a cache can retire the DEK at its
 * byte limit. Called once per segment; must be cheap and thread-safe.
 */
@FunctionalInterface
public interface DekUsage {

    /** Tells no one: for a DEK that is not cached. */
    DekUsage NONE = bytes -> { };

    /** {@code bytes} more plaintext bytes were encrypted under the DEK. */
    void bytesEncrypted(long bytes);
}
