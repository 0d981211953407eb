package io.srrrs.client;

import io.srrrs.crypto.ObjectMetadata;
import io.srrrs.crypto.format.ObjectIdentity;

import java.util.Map;

/**
 * What an object is, without decrypting it: where it is, its sizes, its SRRRS metadata (format
 * header, KMS, KEK, wrapped DEK, encryption context, SSE-C) and the producer's own labels.
 *
 * @param objectLength    bytes the store holds
 * @param plaintextLength bytes it decrypts to
 */
public record ObjectInfo(ObjectIdentity identity, long objectLength, long plaintextLength, ObjectMetadata metadata,
                         String contentType, Map<String, String> userMetadata) {

    public boolean sseC() {
        return metadata.sseC();
    }
}
