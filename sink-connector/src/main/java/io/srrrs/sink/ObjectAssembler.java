package io.srrrs.sink;

import io.srrrs.store.StoreException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.sink.SinkRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What one chunk does to its object: chunk 0 starts it ({@link ObjectStarter}), each next chunk is
 * appended in sequence (a full part handed to {@link Uploads}), the last hands the object's final
 * write over, an abandon marker drops it. Attempts: an open object remembers its attempt; a chunk 0
 * of that attempt or a newer one starts it again, a chunk of an older attempt is superseded and
 * ignored, a later chunk of a newer attempt is a gap. Refusals are thrown as
 * {@link ChunkRefusedException}s and store failures as {@link StoreException}s; {@link S3SinkTask}
 * decides what they mean for the record and its offset.
 */
final class ObjectAssembler {

    private static final Logger LOG = LoggerFactory.getLogger(ObjectAssembler.class);

    private final ObjectWriter writer;
    private final ObjectStarter starter;
    private final Uploads uploads;
    private final long partSize;
    /** The task's partitions (shared, not copied): every open upload of the task is in one of them. */
    private final Map<TopicPartition, PartitionState> partitions;
    private final SinkMetrics metrics;

    ObjectAssembler(ObjectWriter writer, ObjectStarter starter, Uploads uploads, long partSize,
                    Map<TopicPartition, PartitionState> partitions, SinkMetrics metrics) {
        this.metrics = metrics;
        this.writer = writer;
        this.starter = starter;
        this.uploads = uploads;
        this.partSize = partSize;
        this.partitions = partitions;
    }

    /** Applies one chunk record to its partition's objects. */
    void apply(SinkRecord record, PartitionState state) throws ChunkRefusedException, IOException {
        ChunkRecord chunk = ChunkRecord.of(record);
        long offset = record.kafkaOffset();
        long now = System.currentTimeMillis();
        String id = chunk.referenceId();
        ObjectAssembly a = state.open.get(id);
        if (a != null && chunk.attempt() < a.attempt || state.superseded(id, chunk.attempt())) {
            // Superseded: the topology started this reference again under a newer attempt.
            LOG.debug("chunk {} of attempt {} of reference {} at {}: superseded by a newer attempt, ignored",
                    chunk.sequence(), chunk.attempt(), id, ChunkRecord.where(record));
            return;
        }
        if (chunk.sequence() != 0 && state.isDropped(id)) {
            state.touchDropped(id, offset, chunk.last(), now);
            return;
        }
        if (chunk.aborted()) {
            // The topology gave this object up (its reference is in the topology's DLQ): drop it.
            if (a != null) {
                state.open.remove(id);
                state.finish(a.firstOffset, offset);
                discard(a);
                LOG.info("dropped {}: the topology abandoned it", a);
            }
            return;
        }
        if (chunk.sequence() == 0) {
            a = restart(chunk, record, state, a, now);
        } else {
            requireNext(a, chunk, record);
        }
        a.span.last = offset;
        a.span.touchedAtMillis = now;
        append(a, chunk, record, state);
    }

    /** A chunk after chunk 0 must be the next one of the open object's attempt. */
    private static void requireNext(ObjectAssembly a, ChunkRecord chunk, SinkRecord record) throws ChunkRefusedException {
        if (a == null) {
            throw new ChunkRefusedException(ChunkRefusedException.Reason.SEQUENCE_GAP, "chunk " + chunk.sequence()
                    + " of reference " + chunk.referenceId() + " at " + ChunkRecord.where(record)
                    + " has no chunk 0 before it");
        }
        if (chunk.attempt() > a.attempt) {
            throw new ChunkRefusedException(ChunkRefusedException.Reason.SEQUENCE_GAP, "chunk " + chunk.sequence()
                    + " of attempt " + chunk.attempt() + " of " + a + " at " + ChunkRecord.where(record)
                    + " has no chunk 0 of its attempt before it (attempt " + a.attempt + " is open)");
        }
        if (chunk.sequence() != a.nextSequence) {
            throw new ChunkRefusedException(ChunkRefusedException.Reason.SEQUENCE_GAP, "chunk " + chunk.sequence() + " of "
                    + a + " at " + ChunkRecord.where(record) + ", expected chunk " + a.nextSequence);
        }
    }

    /**
     * Chunk 0: the object starts, again from the start if it was open (redelivered after a retry or
     * rebalance, or a newer attempt at it); the old one's uploads in flight finish before its abort.
     */
    private ObjectAssembly restart(ChunkRecord chunk, SinkRecord record, PartitionState state, ObjectAssembly open,
                                   long now) throws ChunkRefusedException {
        if (open != null) {
            LOG.info("chunk 0 of attempt {} of {} came at {}: assembling it again from the start", chunk.attempt(), open,
                    ChunkRecord.where(record));
            state.open.remove(chunk.referenceId());
            // Its span stays on record: a commit inside it would, after a restart, deliver its later
            // chunks without their chunk 0 (a false gap), the newer attempt's record being gone.
            state.finish(open.firstOffset, open.span.last);
            discard(open);
        }
        state.undrop(chunk.referenceId());
        ObjectAssembly a = starter.start(chunk, record, now);
        state.open.put(chunk.referenceId(), a);
        state.started(chunk.referenceId(), chunk.attempt());
        metrics.started(a);
        return a;
    }

    private void append(ObjectAssembly a, ChunkRecord chunk, SinkRecord record, PartitionState state)
            throws ChunkRefusedException, IOException {
        byte[] bytes = chunk.ciphertext();
        long total = a.bytes + bytes.length;
        if (!chunk.last()) {
            a.requireWholeSegments(chunk.sequence(), bytes.length);
            if (a.uploadId == null && a.part.size() + bytes.length >= partSize) {
                // Before a byte is appended: a failure here leaves nothing to undo when the record comes again.
                a.uploadId = writer.createMultipartUpload(a, liveUploads());
            }
        } else if (chunk.objectLength() != null && chunk.objectLength() != total) {
            throw new ChunkRefusedException(ChunkRefusedException.Reason.LENGTH_MISMATCH, a + " assembled to "
                    + total + " bytes, but its last chunk says " + chunk.objectLength());
        } else {
            a.requireLayoutLength(total, chunk.plaintextLength()); // never completed unless the length fits its format
        }
        a.part.append(bytes);
        a.bytes = total;
        a.nextSequence = chunk.sequence() + 1;
        if (chunk.last()) {
            lastChunk(a, record, state);
        } else if (a.part.size() >= partSize) {
            submitPart(a, record, state);
            a.part = starter.newPart();
        }
    }

    /** The object is whole: its final write goes to the uploads; it holds back commits until that succeeded. */
    private void lastChunk(ObjectAssembly a, SinkRecord record, PartitionState state) throws IOException {
        a.lastChunkSeen = true;
        a.lastRecord = UploadJob.withoutValue(record);
        state.open.remove(a.referenceId);
        state.uploading.add(a);
        uploads.takePlaceInKeyOrder(a);
        if (a.uploadId == null) {
            uploads.submit(new UploadJob(UploadJob.Kind.PUT_OBJECT, a, state, record, a.part, 0));
        } else if (a.part.size() > 0) {
            submitPart(a, record, state);
        } else {
            a.part.close(); // the previous chunk filled the last part: complete once the parts are in
            if (a.readyToComplete()) {
                uploads.submit(new UploadJob(UploadJob.Kind.COMPLETE, a, state, record, null, 0));
            }
        }
        a.part = null;
    }

    private void submitPart(ObjectAssembly a, SinkRecord record, PartitionState state) {
        a.partsSubmitted++;
        uploads.submit(new UploadJob(UploadJob.Kind.UPLOAD_PART, a, state, record, a.part, a.partsSubmitted));
    }

    private Set<String> liveUploads() {
        Set<String> live = uploads.liveUploadIds();
        for (PartitionState s : partitions.values()) {
            for (ObjectAssembly a : s.open.values()) {
                if (a.uploadId != null) {
                    live.add(a.uploadId);
                }
            }
        }
        return live;
    }

    /**
     * Drops an object: its buffered part freed, its waiting retries let go, and its multipart upload
     * aborted once its uploads in flight are over (their parts are freed as they come back).
     */
    void discard(ObjectAssembly a) {
        metrics.dropped(a, a.uploadedBytes);
        a.uploadedBytes = 0; // counted once, should it be dropped again
        for (UploadJob j : List.copyOf(a.inFlight)) {
            if (j.retryPending) {
                uploads.taken(j);
                j.release();
            }
        }
        uploads.afterInFlight(a, () -> writer.abort(a));
        if (a.part != null) {
            try {
                a.part.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
