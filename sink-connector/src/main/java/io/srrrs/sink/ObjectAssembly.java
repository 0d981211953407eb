package io.srrrs.sink;

import io.srrrs.crypto.ObjectMetadata;
import io.srrrs.crypto.format.ObjectIdentity;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.s3.model.CompletedPart;

/**
 * One object being put together from its chunks: where it goes, its metadata, the offset of its
 * first chunk (which bounds what may be committed), the part being filled, and its multipart
 * upload once it is larger than one part.
 */
final class ObjectAssembly {

    final String referenceId;
    final ObjectIdentity identity;
    final long firstOffset;
    final ObjectMetadata metadata;
    final Map<String, String> userMetadata;
    final String contentType;
    /** The SSE-C key sealed to this sink, or null for an object without SSE-C. */
    final byte[] sealedSseCKey;
    final PartBuffer part;
    long nextSequence = 1;
    long bytes;
    String uploadId;
    final List<CompletedPart> parts = new ArrayList<>();

    ObjectAssembly(String referenceId, ObjectIdentity identity, long firstOffset, ObjectMetadata metadata,
                   Map<String, String> userMetadata, String contentType, byte[] sealedSseCKey, PartBuffer part) {
        this.referenceId = referenceId;
        this.identity = identity;
        this.firstOffset = firstOffset;
        this.metadata = metadata;
        this.userMetadata = userMetadata;
        this.contentType = contentType;
        this.sealedSseCKey = sealedSseCKey;
        this.part = part;
    }

    boolean sseC() {
        return sealedSseCKey != null;
    }

    @Override
    public String toString() {
        return "object s3://" + identity + " (reference " + referenceId + ")";
    }
}
