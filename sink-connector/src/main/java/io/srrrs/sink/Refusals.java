package io.srrrs.sink;

import io.srrrs.store.StoreException;

import java.util.concurrent.ExecutionException;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.sink.ErrantRecordReporter;
import org.apache.kafka.connect.sink.SinkRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Chunks that can never be written: their object dropped, the chunk reported with its reason to
 * the errant-record reporter (or the task stopped, saying why, without one); and the question
 * whether a store failure that keeps coming is the object's or an outage. Task thread only.
 */
final class Refusals {

    private static final Logger LOG = LoggerFactory.getLogger(Refusals.class);

    private final ObjectWriter writer;
    private final ObjectAssembler assembler;
    private final ErrantRecordReporter reporter;
    private final int maxAttempts;
    private final SinkMetrics metrics;

    Refusals(ObjectWriter writer, ObjectAssembler assembler, ErrantRecordReporter reporter, int maxAttempts,
             SinkMetrics metrics) {
        this.metrics = metrics;
        this.writer = writer;
        this.assembler = assembler;
        this.reporter = reporter;
        this.maxAttempts = maxAttempts;
    }

    /**
     * Whether a 5xx or timeout that keeps coming for this record is the object's, not an outage:
     * after each such failure past the first {@code srrrs.record.max.attempts}, the store is asked
     * something cheap about the object's bucket; when it has answered that many times in a row
     * while this object kept failing, the store is up and only this object fails (a key its
     * backend cannot store, say), which would otherwise hold its partition for ever. In a row, so
     * that a store coming back between a failure and the question is not mistaken for one.
     *
     * @param bucket the object's bucket, or null when the record is not a chunk
     */
    boolean storeAnswersOthers(SinkRecord record, String bucket, PartitionState state) {
        if (state.failed(record.kafkaOffset()) <= maxAttempts) {
            return false;
        }
        boolean answers = bucket != null && writer.answers(bucket);
        return state.failedWhileStoreAnswered(record.kafkaOffset(), answers) >= maxAttempts;
    }

    /** Reports the chunk with its reason and drops its object; its later chunks are then ignored. */
    void refuse(SinkRecord record, PartitionState state, ChunkRefusedException reason) {
        LOG.warn("refused chunk at {}: {}", ChunkRecord.where(record), reason.getMessage());
        try {
            ChunkRecord chunk = ChunkRecord.of(record);
            ObjectAssembly a = state.open.remove(chunk.referenceId());
            long first = a == null ? record.kafkaOffset() : a.firstOffset;
            if (a != null) {
                assembler.discard(a);
            }
            if (chunk.last()) {
                state.finish(first, record.kafkaOffset());
            } else {
                state.drop(chunk.referenceId(), first, record.kafkaOffset(), System.currentTimeMillis());
            }
        } catch (ChunkRefusedException notAChunk) {
            // nothing to drop: the record is not a chunk at all
        }
        report(record, reason);
    }

    /**
     * An object whose upload failed for good: dropped (its later chunks ignored while it is still
     * being assembled), its multipart upload aborted, and {@code record} reported with the reason.
     */
    void refuseUpload(ObjectAssembly a, PartitionState state, SinkRecord record, ChunkRefusedException reason) {
        LOG.warn("refused {} at {}: {}", a, ChunkRecord.where(record), reason.getMessage());
        state.settled(record.kafkaOffset());
        if (state.uploading.remove(a)) {
            state.finish(a.firstOffset, a.span.last);
        } else if (state.open.remove(a.referenceId, a)) {
            state.drop(a.referenceId, a.firstOffset, a.span.last, System.currentTimeMillis());
        }
        assembler.discard(a);
        report(record, reason);
    }

    void report(SinkRecord record, ChunkRefusedException reason) {
        metrics.refused(reason.reason()); // every refusal passes here, reported or stopping the task
        if (reporter == null) {
            throw new ConnectException("refused chunk at " + ChunkRecord.where(record) + ": " + reason.getMessage()
                    + " (set errors.tolerance=all and errors.deadletterqueue.topic.name to report such chunks and go on)",
                    reason);
        }
        try {
            reporter.report(record, reason).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConnectException("interrupted while reporting a refused chunk", e);
        } catch (ExecutionException e) {
            throw new ConnectException("could not report a refused chunk: " + e.getCause(), e.getCause());
        }
    }

    /** A store failure that is the object's, not an outage: a refusal, or a 5xx that keeps coming while the store answers. */
    static ChunkRefusedException storeRefused(StoreException e) {
        return new ChunkRefusedException(ChunkRefusedException.Reason.STORE_REFUSED, e.getMessage()
                + (e.isTransient() ? " (again and again for this object, while the store answers other requests)" : ""), e);
    }

    /** An unforeseen failure, for messages: its class and its printable message. */
    static String describe(RuntimeException e) {
        return e.getClass().getSimpleName() + ": " + ChunkRefusedException.printable(e.getMessage());
    }

    /** An unforeseen failure that kept coming {@code attempts} times. */
    static ChunkRefusedException gaveUp(int attempts, RuntimeException e) {
        return new ChunkRefusedException(ChunkRefusedException.Reason.PROCESSING_FAILED,
                "gave up after " + attempts + " attempts: " + describe(e), e);
    }
}
