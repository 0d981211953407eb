package io.srrrs.crypto.kms;

import io.srrrs.crypto.format.FormatV1;

import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A DEK encrypted under a KEK, in the provider's own blob format. Not secret: it travels in
 * {@code x-amz-meta-srrrs-wrapped-dek} and only the KMS can open it.
 *
 * @param kms  the provider type that wrapped it ({@code local}, {@code pkcs11}, …)
 * @param kek  the KEK it is wrapped under
 * @param blob the provider's ciphertext
 */
public record WrappedDek(String kms, KekId kek, byte[] blob) {

    /** A KMS type's letters; compiled once, not per DEK. */
    private static final Pattern KMS_TYPE = Pattern.compile("[a-z0-9-]{1,16}");

    /**
     * Checks the type's letters and the blob's size, and copies {@code blob}, so the caller's array
     * cannot change it.
     */
    public WrappedDek {
        Objects.requireNonNull(kms, "kms");
        Objects.requireNonNull(kek, "kek");
        Objects.requireNonNull(blob, "blob");
        if (!KMS_TYPE.matcher(kms).matches()) {
            throw new IllegalArgumentException("KMS type must be 1-16 of [a-z0-9-]");
        }
        if (blob.length == 0 || blob.length > FormatV1.MAX_WRAPPED_DEK_BYTES) {
            throw new IllegalArgumentException("wrapped DEK must be 1 to " + FormatV1.MAX_WRAPPED_DEK_BYTES + " bytes");
        }
        blob = blob.clone();
    }

    @Override
    public byte[] blob() {
        return blob.clone();
    }

    /** The blob as {@code srrrs-wrapped-dek} carries it: standard base64. */
    public String blobBase64() {
        return Base64.getEncoder().encodeToString(blob);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof WrappedDek w && kms.equals(w.kms) && kek.equals(w.kek) && Arrays.equals(blob, w.blob);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * kms.hashCode() + kek.hashCode()) + Arrays.hashCode(blob);
    }

    @Override
    public String toString() {
        return "WrappedDek[" + kms + ":" + kek + ", " + blob.length + " bytes]";
    }
}
