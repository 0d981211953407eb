package io.srrrs.crypto.kms;

import java.util.Objects;

/**
 * A fresh DEK in two forms: plaintext for encrypting now, wrapped for storing beside the object.
 * Close it as soon as the object's keys are derived: that zeroes the plaintext copy.
 *
 * @param usage where to report the bytes encrypted under this DEK ({@link DekUsage#NONE} unless a
 *              cache hands it out)
 */
public record DataKeyPair(DataKey plaintext, WrappedDek wrapped, DekUsage usage) implements AutoCloseable {

    /** All three parts are required. */
    public DataKeyPair {
        Objects.requireNonNull(plaintext, "plaintext");
        Objects.requireNonNull(wrapped, "wrapped");
        Objects.requireNonNull(usage, "usage");
    }

    /** A pair whose DEK has not been used yet ({@link DekUsage#NONE}). */
    public DataKeyPair(DataKey plaintext, WrappedDek wrapped) {
        this(plaintext, wrapped, DekUsage.NONE);
    }

    @Override
    public void close() {
        plaintext.close();
    }

    @Override
    public String toString() {
        return "DataKeyPair[" + wrapped + "]";
    }
}
