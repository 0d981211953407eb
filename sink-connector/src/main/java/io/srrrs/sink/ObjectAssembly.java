package io.srrrs.sink;

import io.srrrs.crypto.ObjectMetadata;
import io.srrrs.crypto.format.ObjectIdentity;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.sink.SinkRecord;
import software.amazon.awssdk.services.s3.model.CompletedPart;

/**
 * One object being put together from its chunks: where it goes, its metadata, the offsets its
 * chunks span (which bound what may be committed), the part being filled, and its multipart
 * upload once it is larger than one part.
 */
final class ObjectAssembly {

    final String referenceId;
    final ObjectIdentity identity;
    final long firstOffset;
    /** Chunk 0's record without its ciphertext: what is reported if the object never completes. */
    final SinkRecord firstRecord;
    final PartitionState.Span span;
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

    ObjectAssembly(String referenceId, ObjectIdentity identity, SinkRecord first, long now, ObjectMetadata metadata,
                   Map<String, String> userMetadata, String contentType, byte[] sealedSseCKey, PartBuffer part) {
        this.referenceId = referenceId;
        this.identity = identity;
        this.firstOffset = first.kafkaOffset();
        this.firstRecord = first.newRecord(first.topic(), first.kafkaPartition(), first.keySchema(), first.key(),
                null, null, first.timestamp(), first.headers());
        this.span = new PartitionState.Span(firstOffset, firstOffset, now);
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
