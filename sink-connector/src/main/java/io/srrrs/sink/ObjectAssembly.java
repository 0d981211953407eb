package io.srrrs.sink;

import io.srrrs.crypto.CiphertextException;
import io.srrrs.crypto.ObjectMetadata;
import io.srrrs.crypto.format.CiphertextLayout;
import io.srrrs.crypto.format.FormatV1;
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
    /** The segment layout the object's header names: what its length must fit. */
    final CiphertextLayout layout;
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
        this.layout = new CiphertextLayout(metadata.header().segmentSize());
    }

    /**
     * A chunk that is not the last must hold whole segments (DECISIONS D3: the topology never
     * splits one), chunk 0 the header before them; else the object cannot be well formed, and it
     * is refused before its bytes are buffered.
     */
    void requireWholeSegments(long sequence, int length) throws ChunkRefusedException {
        long body = sequence == 0 ? length - FormatV1.HEADER_LENGTH : length;
        if (body < 0 || body % layout.ciphertextSegmentSize() != 0) {
            throw new ChunkRefusedException(ChunkRefusedException.Reason.LAYOUT_MISMATCH, "chunk " + sequence + " of "
                    + this + " holds " + length + " bytes, not " + (sequence == 0 ? "the header and " : "")
                    + "whole segments of " + layout.ciphertextSegmentSize() + " bytes (segment size "
                    + layout.segmentSize() + ")");
        }
    }

    /** The whole object's length must pass docs/FORMAT.md §5's rule for its segment size before it is completed. */
    void requireLayoutLength(long total) throws ChunkRefusedException {
        try {
            layout.plaintextLength(total);
        } catch (CiphertextException e) {
            throw new ChunkRefusedException(ChunkRefusedException.Reason.LAYOUT_MISMATCH, this + " would be " + total
                    + " bytes, which no object of segment size " + layout.segmentSize() + " has (" + e.failure() + ": "
                    + e.getMessage() + ")", e);
        }
    }

    boolean sseC() {
        return sealedSseCKey != null;
    }

    @Override
    public String toString() {
        return "object s3://" + identity + " (reference " + referenceId + ")";
    }
}
