package io.srrrs.crypto.format;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * Where an object lives: its bucket and key. Bound into the object's key derivation, so an
 * object copied or swapped to another name no longer decrypts.
 *
 * <p>The crypto core only checks what the format needs (non-empty, length limits, UTF-8 with no
 * NUL); S3 naming rules are checked where objects are named (the topology).
 */
public record ObjectIdentity(String bucket, String key) {

    public ObjectIdentity {
        Objects.requireNonNull(bucket, "bucket");
        Objects.requireNonNull(key, "key");
        requireText("bucket", bucket, FormatV1.MAX_BUCKET_BYTES);
        requireText("object key", key, FormatV1.MAX_OBJECT_KEY_BYTES);
    }

    /** {@code lp16(bucket) ‖ lp16(key)}, as docs/FORMAT.md defines it. */
    public byte[] canonicalBytes() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(4 + bucket.length() + key.length());
        Canonical.writeLengthPrefixed(out, bucket.getBytes(StandardCharsets.UTF_8));
        Canonical.writeLengthPrefixed(out, key.getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }

    @Override
    public String toString() {
        return bucket + "/" + key;
    }

    private static void requireText(String what, String value, int maxBytes) {
        if (value.isEmpty()) {
            throw new IllegalArgumentException(what + " must not be empty");
        }
        if (value.indexOf('\0') >= 0) {
            throw new IllegalArgumentException(what + " must not contain NUL");
        }
        int bytes = Canonical.utf8Length(value);
        if (bytes > maxBytes) {
            throw new IllegalArgumentException(what + " is " + bytes + " bytes in UTF-8; the limit is " + maxBytes);
        }
    }
}
