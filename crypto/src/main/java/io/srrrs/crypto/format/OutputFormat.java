package io.srrrs.crypto.format;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * The object formats the pipeline writes (docs/S3EC.md §1): its own format v1, or one an Amazon S3
 * Encryption Client reads. A reference or a policy names one by {@link #id()}.
 */
public enum OutputFormat {
    /** Format v1 (docs/FORMAT.md): segments, identity and context bound, ranges authenticated. The default. */
    SRRRS_V1("srrrs-v1"),
    /** S3EC "V3" (4.x default): key-committing AES-256-GCM over the whole object, per-object key by HKDF-SHA512. */
    S3EC_V3("s3ec-v3"),
    /** S3EC "V2" (3.x): AES-256-GCM under the DEK itself, random 12-byte IV, no key commitment. The weaker choice. */
    S3EC_V2("s3ec-v2");

    private final String id;

    OutputFormat(String id) {
        this.id = id;
    }

    /** The name references, policies and configuration use. */
    public String id() {
        return id;
    }

    public boolean isS3ec() {
        return this != SRRRS_V1;
    }

    /**
     * The format of this name.
     *
     * @throws IllegalArgumentException no format has this name; the message lists those that do
     */
    public static OutputFormat parse(String id) {
        for (OutputFormat f : values()) {
            if (f.id.equals(id)) {
                return f;
            }
        }
        throw new IllegalArgumentException("unknown output format '" + id + "'; known: " + ids());
    }

    /** Every format's name, comma-separated, in declaration order. */
    public static String ids() {
        return Arrays.stream(values()).map(OutputFormat::id).collect(Collectors.joining(","));
    }
}
