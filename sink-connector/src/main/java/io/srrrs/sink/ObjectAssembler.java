package io.srrrs.sink;

import io.srrrs.store.StoreException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.sink.SinkRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What one chunk does to its object: chunk 0 starts it ({@link ObjectStarter}), each next chunk is
 * appended in sequence (a part uploaded whenever one is full), the last completes it, an abandon
 * marker drops it. Refusals are thrown as {@link ChunkRefusedException}s and store failures as
 * {@link StoreException}s; {@link S3SinkTask} decides what they mean for the record and its offset.
 */
final class ObjectAssembler {

    private static final Logger LOG = LoggerFactory.getLogger(ObjectAssembler.class);

    private final ObjectWriter writer;
    private final ObjectStarter starter;
    private final long partSize;
    /** The task's partitions (shared, not copied): every open upload of the task is in one of them. */
    private final Map<TopicPartition, PartitionState> partitions;

    ObjectAssembler(ObjectWriter writer, ObjectStarter starter, long partSize,
                    Map<TopicPartition, PartitionState> partitions) {
        this.writer = writer;
        this.starter = starter;
        this.partSize = partSize;
        this.partitions = partitions;
    }

    /** Applies one chunk record to its partition's objects. */
    void apply(SinkRecord record, PartitionState state) throws ChunkRefusedException, IOException {
        ChunkRecord chunk = ChunkRecord.of(record);
        long offset = record.kafkaOffset();
        long now = System.currentTimeMillis();
        String id = chunk.referenceId();
        if (chunk.sequence() != 0 && state.isDropped(id)) {
            state.touchDropped(id, offset, chunk.last(), now);
            return;
        }
        ObjectAssembly a = state.open.get(id);
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
        } else if (a == null) {
            throw new ChunkRefusedException(ChunkRefusedException.Reason.SEQUENCE_GAP, "chunk " + chunk.sequence()
                    + " of reference " + id + " at " + ChunkRecord.where(record) + " has no chunk 0 before it");
        } else if (chunk.sequence() != a.nextSequence) {
            throw new ChunkRefusedException(ChunkRefusedException.Reason.SEQUENCE_GAP, "chunk " + chunk.sequence() + " of "
                    + a + " at " + ChunkRecord.where(record) + ", expected chunk " + a.nextSequence);
        }
        a.span.last = offset;
        a.span.touchedAtMillis = now;
        append(a, chunk, state);
    }

    /** Chunk 0: the object starts, again from the start if it was open (redelivered after a retry or rebalance). */
    private ObjectAssembly restart(ChunkRecord chunk, SinkRecord record, PartitionState state, ObjectAssembly open,
                                   long now) throws ChunkRefusedException {
        if (open != null) {
            LOG.info("chunk 0 of {} came again at {}: assembling it again from the start", open, ChunkRecord.where(record));
            state.open.remove(chunk.referenceId());
            discard(open);
        }
        state.undrop(chunk.referenceId());
        ObjectAssembly a = starter.start(chunk, record, now);
        state.open.put(chunk.referenceId(), a);
        return a;
    }

    private void append(ObjectAssembly a, ChunkRecord chunk, PartitionState state)
            throws ChunkRefusedException, IOException {
        byte[] bytes = chunk.ciphertext();
        long total = a.bytes + bytes.length;
        if (!chunk.last()) {
            a.requireWholeSegments(chunk.sequence(), bytes.length);
        } else if (chunk.objectLength() != null && chunk.objectLength() != total) {
            throw new ChunkRefusedException(ChunkRefusedException.Reason.LENGTH_MISMATCH, a + " assembled to "
                    + total + " bytes, but its last chunk says " + chunk.objectLength());
        } else {
            a.requireLayoutLength(total); // never completed unless the whole length fits the header's layout
        }
        a.part.append(bytes);
        try {
            if (chunk.last()) {
                finish(a);
                a.bytes = total;
                state.open.remove(a.referenceId);
                state.finish(a.firstOffset, a.span.last);
                a.part.close();
                LOG.debug("wrote {} ({} bytes)", a, total);
            } else if (a.part.size() >= partSize) {
                if (a.uploadId == null) {
                    a.uploadId = writer.createMultipartUpload(a, liveUploads());
                }
                a.parts.add(writer.uploadPart(a, a.parts.size() + 1, a.part.body()));
                a.part.reset();
                a.bytes += bytes.length;
            } else {
                a.bytes += bytes.length;
            }
            a.nextSequence = chunk.sequence() + 1;
        } catch (RuntimeException e) {
            if (!(e instanceof StoreException se) || se.isTransient()) {
                a.part.dropLast(bytes.length); // the same record comes again
            }
            throw e;
        }
    }

    private void finish(ObjectAssembly a) {
        if (a.uploadId == null) {
            writer.putObject(a);
        } else {
            a.parts.add(writer.uploadPart(a, a.parts.size() + 1, a.part.body()));
            try {
                writer.completeMultipartUpload(a);
            } catch (RuntimeException e) {
                a.parts.remove(a.parts.size() - 1); // the final part is sent again with the retried record
                throw e;
            }
        }
    }

    private Set<String> liveUploads() {
        Set<String> live = new HashSet<>();
        for (PartitionState s : partitions.values()) {
            for (ObjectAssembly a : s.open.values()) {
                if (a.uploadId != null) {
                    live.add(a.uploadId);
                }
            }
        }
        return live;
    }

    /** Drops an object: its multipart upload aborted, its buffered part freed. */
    void discard(ObjectAssembly a) {
        writer.abort(a);
        try {
            a.part.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
