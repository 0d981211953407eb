package io.srrrs.crypto.format;

import java.io.ByteArrayOutputStream;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Non-secret labels (tenant, data class, …) bound to an object and to its wrapped DEK.
 *
 * <p>Two encodings, both defined in docs/FORMAT.md: {@link #canonicalBytes()} feeds the key
 * derivation; {@link #toMetadataValue()} is what travels in {@code x-amz-meta-srrrs-context}.
 * Both order entries by the unsigned bytes of the UTF-8 key, so equal maps always encode alike.
 */
public final class EncryptionContext {

    /** Entries sort by the unsigned bytes of their UTF-8 keys (that is, by code point). */
    private static final Comparator<String> UTF8_ORDER = (a, b) -> Arrays.compareUnsigned(
            a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));

    public static final EncryptionContext EMPTY = new EncryptionContext(new TreeMap<>(UTF8_ORDER));

    private final Map<String, String> entries;

    private EncryptionContext(TreeMap<String, String> sorted) {
        this.entries = Collections.unmodifiableMap(sorted);
    }

    /** Validates and copies {@code labels}; throws IllegalArgumentException naming what is wrong. */
    public static EncryptionContext of(Map<String, String> labels) {
        Objects.requireNonNull(labels, "labels");
        TreeMap<String, String> sorted = new TreeMap<>(UTF8_ORDER);
        for (Map.Entry<String, String> e : labels.entrySet()) {
            String k = e.getKey();
            String v = e.getValue();
            if (k == null || k.isEmpty()) {
                throw new IllegalArgumentException("encryption context keys must not be empty");
            }
            if (v == null) {
                throw new IllegalArgumentException("encryption context value for '" + k + "' is null");
            }
            sorted.put(k, v);
        }
        if (sorted.size() > FormatV1.MAX_CONTEXT_ENTRIES) {
            throw new IllegalArgumentException("encryption context has " + sorted.size()
                    + " entries; the limit is " + FormatV1.MAX_CONTEXT_ENTRIES);
        }
        EncryptionContext context = new EncryptionContext(sorted);
        int encoded = context.toMetadataValue().length();
        if (encoded > FormatV1.MAX_CONTEXT_METADATA_CHARS) {
            throw new IllegalArgumentException("encryption context encodes to " + encoded
                    + " characters of metadata; the limit is " + FormatV1.MAX_CONTEXT_METADATA_CHARS);
        }
        return context;
    }

    public static EncryptionContext of(String... keyValues) {
        if (keyValues.length % 2 != 0) {
            throw new IllegalArgumentException("key/value pairs expected");
        }
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            m.put(keyValues[i], keyValues[i + 1]);
        }
        return of(m);
    }

    /** Sorted, unmodifiable view of the labels. */
    public Map<String, String> asMap() {
        return entries;
    }

    public boolean isEmpty() {
        return entries.isEmpty();
    }

    /** {@code u16 count ‖ (lp16(key) ‖ lp16(value))*} in canonical order. */
    public byte[] canonicalBytes() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(64);
        Canonical.writeUint16(out, entries.size());
        for (Map.Entry<String, String> e : entries.entrySet()) {
            Canonical.writeLengthPrefixed(out, e.getKey().getBytes(StandardCharsets.UTF_8));
            Canonical.writeLengthPrefixed(out, e.getValue().getBytes(StandardCharsets.UTF_8));
        }
        return out.toByteArray();
    }

    /**
     * {@code k1=v1&k2=v2} in canonical order, every byte outside RFC 3986's unreserved set
     * percent-encoded (upper-case hex). Pure ASCII, so it survives S3 metadata unchanged.
     */
    public String toMetadataValue() {
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, String> e : entries.entrySet()) {
            if (sb.length() > 0) {
                sb.append('&');
            }
            percentEncode(e.getKey(), sb);
            sb.append('=');
            percentEncode(e.getValue(), sb);
        }
        return sb.toString();
    }

    /**
     * Parses the metadata form strictly: it must be exactly what {@link #toMetadataValue()} would
     * produce (canonical order, canonical escapes), so one context has one spelling.
     */
    public static EncryptionContext fromMetadataValue(String value) {
        Objects.requireNonNull(value, "value");
        if (value.isEmpty()) {
            return EMPTY;
        }
        Map<String, String> m = new LinkedHashMap<>();
        for (String pair : value.split("&", -1)) {
            int eq = pair.indexOf('=');
            if (eq < 0) {
                throw new IllegalArgumentException("encryption context entry without '='");
            }
            String k = percentDecode(pair.substring(0, eq));
            String v = percentDecode(pair.substring(eq + 1));
            if (m.put(k, v) != null) {
                throw new IllegalArgumentException("encryption context repeats a key");
            }
        }
        EncryptionContext parsed = of(m);
        if (!parsed.toMetadataValue().equals(value)) {
            throw new IllegalArgumentException("encryption context is not in canonical form");
        }
        return parsed;
    }

    private static void percentEncode(String s, StringBuilder sb) {
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xFF;
            boolean unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '.' || c == '_' || c == '~';
            if (unreserved) {
                sb.append((char) c);
            } else {
                sb.append('%').append(HEX[c >>> 4]).append(HEX[c & 0xF]);
            }
        }
    }

    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private static String percentDecode(String s) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%') {
                if (i + 2 >= s.length()) {
                    throw new IllegalArgumentException("truncated percent escape in encryption context");
                }
                int hi = Character.digit(s.charAt(i + 1), 16);
                int lo = Character.digit(s.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) {
                    throw new IllegalArgumentException("bad percent escape in encryption context");
                }
                out.write(hi << 4 | lo);
                i += 2;
            } else if (c < 0x80) {
                out.write(c);
            } else {
                throw new IllegalArgumentException("non-ASCII character in encryption context metadata");
            }
        }
        try {
            return Canonical.decodeUtf8(out.toByteArray());
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("encryption context is not valid UTF-8");
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof EncryptionContext other && entries.equals(other.entries);
    }

    @Override
    public int hashCode() {
        return entries.hashCode();
    }

    @Override
    public String toString() {
        return entries.toString();
    }
}
