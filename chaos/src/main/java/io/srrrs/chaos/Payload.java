package io.srrrs.chaos;

import java.nio.file.Path;

/**
 * One reference of the workload and what must become of it.
 *
 * @param index   its place in the publishing order
 * @param kind    inline bytes, a {@code file:} source, or a reference the topology must refuse
 * @param data    the inline plaintext (null otherwise)
 * @param file    the source file (null for inline)
 * @param sha256  hex SHA-256 of the plaintext; what the object must decrypt to
 */
record Payload(int index, String id, String bucket, String key, Kind kind, long size, boolean sseC, byte[] data,
               Path file, String sha256) {

    enum Kind { INLINE, FILE, REFUSED }

    /** The reason a {@link Kind#REFUSED} reference must be dead-lettered with. */
    static final String EXPECTED_REFUSAL = "PATH_NOT_ALLOWED";

    boolean mustLand() {
        return kind != Kind.REFUSED;
    }
}
