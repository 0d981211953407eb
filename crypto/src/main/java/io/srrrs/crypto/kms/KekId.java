package io.srrrs.crypto.kms;

import io.srrrs.crypto.format.FormatV1;

import java.util.Objects;

/**
 * A key encryption key as its KMS names it after alias resolution: a local KEK name, a PKCS#11
 * key label, an AWS key ARN, a Vault transit key. Printable ASCII so it fits object metadata.
 */
public record KekId(String value) {

    /** Refuses an empty, too long or non-printable id. */
    public KekId {
        Objects.requireNonNull(value, "value");
        if (value.isEmpty() || value.length() > FormatV1.MAX_KEK_ID_CHARS) {
            throw new IllegalArgumentException("KEK id must be 1 to " + FormatV1.MAX_KEK_ID_CHARS + " characters");
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x21 || c > 0x7E) {
                throw new IllegalArgumentException("KEK id must be printable ASCII without spaces");
            }
        }
    }

    @Override
    public String toString() {
        return value;
    }
}
