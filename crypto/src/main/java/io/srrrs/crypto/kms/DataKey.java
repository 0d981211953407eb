package io.srrrs.crypto.kms;

import io.srrrs.crypto.format.FormatV1;

import java.util.Arrays;
import javax.security.auth.Destroyable;

/**
 * A plaintext data encryption key (32 bytes). Whoever holds one closes it, which zeroes the bytes.
 * Never printed: {@link #toString()} says only that it is a key.
 */
public final class DataKey implements AutoCloseable, Destroyable {

    private final byte[] material;
    private volatile boolean destroyed;

    private DataKey(byte[] material) {
        if (material.length != FormatV1.DEK_LENGTH) {
            Arrays.fill(material, (byte) 0);
            throw new IllegalArgumentException("a DEK is " + FormatV1.DEK_LENGTH + " bytes");
        }
        this.material = material;
    }

    /** Takes ownership of {@code material}: the caller must not keep or reuse the array. */
    public static DataKey adopt(byte[] material) {
        return new DataKey(material);
    }

    /** Copies {@code material}; the caller still zeroes its own array. */
    public static DataKey copyOf(byte[] material) {
        return new DataKey(material.clone());
    }

    /** The live key bytes, for deriving keys from. Do not keep a reference, do not modify. */
    public byte[] material() {
        if (destroyed) {
            throw new IllegalStateException("data key was destroyed");
        }
        return material;
    }

    /** An independent copy that the caller must close. */
    public DataKey copy() {
        return copyOf(material());
    }

    @Override
    public void destroy() {
        destroyed = true;
        Arrays.fill(material, (byte) 0);
    }

    @Override
    public boolean isDestroyed() {
        return destroyed;
    }

    @Override
    public void close() {
        destroy();
    }

    @Override
    public String toString() {
        return destroyed ? "DataKey[destroyed]" : "DataKey[32 bytes]";
    }
}
