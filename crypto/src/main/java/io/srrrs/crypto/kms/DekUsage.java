package io.srrrs.crypto.kms;

/**
 * Told how many plaintext bytes were encrypted under a DEK, so a cache can retire the DEK at its
 * byte limit. Called once per segment; must be cheap and thread-safe.
 */
@FunctionalInterface
public interface DekUsage {

    DekUsage NONE = bytes -> { };

    void bytesEncrypted(long bytes);
}
