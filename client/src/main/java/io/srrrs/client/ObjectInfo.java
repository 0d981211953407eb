package io.srrrs.client;

import io.srrrs.crypto.ObjectMetadata;
import io.srrrs.crypto.format.ObjectIdentity;

import java.util.Map;

/**
 * What an object is, without decrypting it: where it is, its sizes, its SRRRS metadata (format
 * header, KMS, KEK, wrapped DEK, encryption context, SSE-C) and the producer's own labels.
 *
 * @param identity        the bucket and key it was read from (and is bound to)
 * @param objectLength    bytes the store holds
 * @param plaintextLength bytes it decrypts to
 * @param metadata        its {@code srrrs-*} metadata, parsed
 * @param contentType     the producer's content type, or null
 * @param userMetadata    the producer's labels: the stored user metadata other than {@code srrrs-*}
 */
public record ObjectInfo(ObjectIdentity identity, long objectLength, long plaintextLength, ObjectMetadata metadata,
                         String contentType, Map<String, String> userMetadata) {

    /** Whether the object is stored with SSE-C (its key derived from the DEK). */
    public boolean sseC() {
        return metadata.sseC();
    }
}
