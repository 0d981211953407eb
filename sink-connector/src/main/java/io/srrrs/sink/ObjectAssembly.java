package io.srrrs.sink;

import io.srrrs.crypto.CiphertextException;
import io.srrrs.crypto.ObjectMetadata;
import io.srrrs.crypto.format.CiphertextLayout;
import io.srrrs.crypto.format.FormatHeader;
import io.srrrs.crypto.format.FormatV1;
import io.srrrs.crypto.format.ObjectIdentity;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.connect.sink.SinkRecord;
import software.amazon.awssdk.services.s3.model.CompletedPart;

/**
 * One object being put together from its chunks: where it goes, its metadata, the offsets its
 * chunks span (which bound what may be committed), the part being filled, its multipart upload
 * once it is larger than one part, and its uploads in flight ({@link UploadJob}). Its fields are
 * the task thread's alone, but {@link #settled}, which upload threads complete.
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
    /** The part being filled; a full one goes to its upload and a new one takes its place. */
    PartBuffer part;
    /** The segment layout a format v1 object's header names, what its length must fit; null for S3EC. */
    final CiphertextLayout layout;
    /** The attempt at the object its chunks belong to: a newer attempt's chunk 0 replaces it. */
    final int attempt;
    long nextSequence = 1;
    long bytes;
    String uploadId;
    /** Parts uploaded, by number. */
    final TreeMap<Integer, CompletedPart> parts = new TreeMap<>();
    int partsSubmitted;
    /** Bytes of its parts in the store, counted as discarded should it be dropped (task thread). */
    long uploadedBytes;
    /** The last chunk's record without its ciphertext, once it came: what a failed completion reports. */
    SinkRecord lastRecord;
    /** Its last chunk came: it is no longer assembled, only uploaded. */
    boolean lastChunkSeen;
    /** Given up (refused, superseded, revoked): results of its uploads in flight are ignored. */
    volatile boolean dropped;
    /** Its uploads submitted and not yet seen finished by the task thread. */
    final Set<UploadJob> inFlight = new HashSet<>();
    /**
     * Done when the object's final write (PutObject or CompleteMultipartUpload) succeeded or the
     * object was dropped: the next object of the same key waits for it.
     */
    final CompletableFuture<Void> settled = new CompletableFuture<>();
    /** The previous object of this bucket/key, whose final write this one's waits for (task thread until submitted). */
    volatile ObjectAssembly previousOfKey;

    ObjectAssembly(String referenceId, ObjectIdentity identity, SinkRecord first, long now, ObjectMetadata metadata,
                   Map<String, String> userMetadata, String contentType, byte[] sealedSseCKey, PartBuffer part,
                   int attempt) {
        this.referenceId = referenceId;
        this.attempt = attempt;
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
        // Switch on the content: header() throws for an S3EC object, whose body is one GCM message.
        this.layout = metadata.content() instanceof FormatHeader v1 ? new CiphertextLayout(v1.segmentSize()) : null;
    }

    /**
     * A chunk that is not the last must hold whole segments (DECISIONS D3: the topology never
     * splits one), chunk 0 the header before them; else the object cannot be well formed, and it
     * is refused before its bytes are buffered.
     */
    void requireWholeSegments(long sequence, int length) throws ChunkRefusedException {
        if (layout == null) {
            return; // S3EC: chunks split the one GCM message anywhere; only the whole length is checked
        }
        long body = sequence == 0 ? length - FormatV1.HEADER_LENGTH : length;
        if (body < 0 || body % layout.ciphertextSegmentSize() != 0) {
            throw new ChunkRefusedException(ChunkRefusedException.Reason.LAYOUT_MISMATCH, "chunk " + sequence + " of "
                    + this + " holds " + length + " bytes, not " + (sequence == 0 ? "the header and " : "")
                    + "whole segments of " + layout.ciphertextSegmentSize() + " bytes (segment size "
                    + layout.segmentSize() + ")");
        }
    }

    /**
     * The whole object's length must be one its format has (docs/FORMAT.md §5's rule for its segment
     * size; S3EC: plaintext + tag) before it is completed, and give the plaintext length the last
     * chunk names, if it names one.
     */
    void requireLayoutLength(long total, Long plaintextLength) throws ChunkRefusedException {
        long plain;
        try {
            plain = layout != null ? layout.plaintextLength(total) : metadata.content().plaintextLength(total);
        } catch (CiphertextException e) {
            String which = layout != null ? "segment size " + layout.segmentSize() : metadata.content().outputFormat().id();
            throw new ChunkRefusedException(ChunkRefusedException.Reason.LAYOUT_MISMATCH, this + " would be " + total
                    + " bytes, which no object of " + which + " has (" + e.failure() + ": " + e.getMessage() + ")", e);
        }
        if (plaintextLength != null && plaintextLength != plain) {
            throw new ChunkRefusedException(ChunkRefusedException.Reason.LENGTH_MISMATCH, this + " of " + total
                    + " bytes holds " + plain + " plaintext bytes, but its last chunk says " + plaintextLength);
        }
    }

    /** The parts uploaded, in part-number order, for CompleteMultipartUpload. */
    List<CompletedPart> completedParts() {
        return new ArrayList<>(parts.values());
    }

    /** Whether every part submitted has been uploaded and the last chunk came: time to complete. */
    boolean readyToComplete() {
        return lastChunkSeen && uploadId != null && parts.size() == partsSubmitted;
    }

    /** The store key, what uploads of one key are ordered by. */
    String storeKey() {
        return identity.bucket() + "/" + identity.key();
    }

    boolean sseC() {
        return sealedSseCKey != null;
    }

    @Override
    public String toString() {
        return "object s3://" + identity + " (reference " + referenceId + ")";
    }
}
