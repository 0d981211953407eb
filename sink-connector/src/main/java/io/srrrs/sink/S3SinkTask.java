package io.srrrs.sink;

import io.srrrs.store.StoreClients;
import io.srrrs.store.StoreConfig;
import io.srrrs.store.StoreException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.errors.RetriableException;
import org.apache.kafka.connect.sink.ErrantRecordReporter;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The Connect task: hands each record to its {@link ObjectAssembler} (which assembles objects
 * from chunks and writes them) and decides what a failure means for the record and its offset.
 * Together they write each object exactly once:
 * <ul>
 *   <li>an object becomes visible only when its last chunk is written: one PutObject for an
 *       object of one part, else CompleteMultipartUpload;
 *   <li>{@link #preCommit} lets Connect commit a partition only at an offset that splits no object
 *       ({@link PartitionState}), so after a crash every object is assembled again from its start,
 *       and objects finished meanwhile are written again with the same bytes to the same key;
 *   <li>redelivery is normal: records already applied are skipped, and a chunk 0 that comes again
 *       (after a {@link RetriableException}, a rebalance, a restart) starts its object again;
 *   <li>a multipart upload left by a crash is aborted when its object is started again; one left
 *       by an object that never comes back is aborted by a later start after
 *       {@code srrrs.multipart.abandoned.age.ms};
 *   <li>a store that fails after the SDK's retries makes the batch fail with a
 *       {@link RetriableException}: Connect redelivers it, so nothing is lost or doubled;
 *   <li>a chunk that can never be written (gap, unknown format, refused bucket or key, a length off
 *       its header's segment layout, store refusal, an
 *       object that never completes, or an unforeseen failure {@code srrrs.record.max.attempts}
 *       times) goes to the errant record reporter with its {@link ChunkRefusedException.Reason},
 *       its object is dropped, and the task goes on.
 * </ul>
 */
public final class S3SinkTask extends SinkTask {

    private static final Logger LOG = LoggerFactory.getLogger(S3SinkTask.class);

    private S3SinkConfig config;
    private S3Client s3;
    private ObjectWriter writer;
    private ObjectAssembler assembler;
    private ErrantRecordReporter reporter;
    private final Map<TopicPartition, PartitionState> partitions = new HashMap<>();

    @Override
    public String version() {
        return Version.get();
    }

    @Override
    public void start(Map<String, String> props) {
        config = new S3SinkConfig(props);
        StoreConfig store = config.store();
        s3 = StoreClients.s3(store);
        writer = new ObjectWriter(s3, store, config.sseCPrivateKey());
        BucketAllowList buckets = config.buckets();
        ObjectStarter starter = new ObjectStarter(config, buckets,
                new MemoryBudget(config.getLong(S3SinkConfig.BUFFER_MEMORY)));
        assembler = new ObjectAssembler(writer, starter, config.partSize(), partitions);
        try {
            reporter = context.errantRecordReporter();
        } catch (NoSuchMethodError | NoClassDefFoundError oldWorker) {
            reporter = null;
        }
        Instant cutoff = Instant.now().minusMillis(config.getLong(S3SinkConfig.ABANDONED_AGE));
        for (String bucket : buckets.exactNames()) {
            int n = writer.abortAbandoned(bucket, cutoff);
            if (n > 0) {
                LOG.info("aborted {} abandoned multipart uploads in {}", n, bucket);
            }
        }
        LOG.info("S3 sink task started: {}, buckets {}", store, buckets);
    }

    @Override
    public void open(Collection<TopicPartition> assigned) {
        for (TopicPartition tp : assigned) {
            partitions.putIfAbsent(tp, new PartitionState());
        }
    }

    @Override
    public void put(Collection<SinkRecord> records) {
        for (SinkRecord record : records) {
            TopicPartition tp = new TopicPartition(record.topic(), record.kafkaPartition());
            PartitionState state = partitions.computeIfAbsent(tp, t -> new PartitionState());
            if (record.kafkaOffset() <= state.lastApplied) {
                continue; // redelivered after a retriable failure: already applied
            }
            handle(record, state);
            state.lastApplied = record.kafkaOffset();
            state.lastAppliedAtMillis = System.currentTimeMillis();
        }
        expireIncomplete(); // Connect calls put() with an empty batch too, so this runs while idle
    }

    /** Applies one record; whatever goes wrong ends as a retry, or a refusal with its reason. */
    private void handle(SinkRecord record, PartitionState state) {
        try {
            assembler.apply(record, state);
            state.settled(record.kafkaOffset());
        } catch (StoreException e) {
            if (e.isTransient() && !storeAnswersOthers(record, state)) {
                context.timeout(config.getLong(S3SinkConfig.RETRY_BACKOFF_MAX));
                throw new RetriableException("store unavailable, the batch will be retried: " + e.getMessage(), e);
            }
            state.settled(record.kafkaOffset());
            refuse(record, state, new ChunkRefusedException(ChunkRefusedException.Reason.STORE_REFUSED, e.getMessage()
                    + (e.isTransient() ? " (again and again for this object, while the store answers other requests)" : ""),
                    e));
        } catch (ChunkRefusedException e) {
            refuse(record, state, e);
        } catch (IOException e) {
            // The local part buffer (a full disk, a bad srrrs.buffer.dir): bounded like any unforeseen failure.
            unforeseen(record, state, new UncheckedIOException("local part buffer failed: " + e.getMessage(), e));
        } catch (RuntimeException e) {
            unforeseen(record, state, e);
        }
    }

    /**
     * Whether a 5xx or timeout that keeps coming for this record is the object's, not an outage:
     * after each such failure past the first {@code srrrs.record.max.attempts}, the store is asked
     * something cheap about the object's bucket; when it has answered that many times in a row
     * while this object kept failing, the store is up and only this object fails (a key its
     * backend cannot store, say), which would otherwise hold its partition for ever. In a row, so
     * that a store coming back between a failure and the question is not mistaken for one.
     */
    private boolean storeAnswersOthers(SinkRecord record, PartitionState state) {
        int max = config.getInt(S3SinkConfig.RECORD_MAX_ATTEMPTS);
        if (state.failed(record.kafkaOffset()) <= max) {
            return false;
        }
        boolean answers;
        try {
            answers = writer.answers(ChunkRecord.of(record).bucket());
        } catch (ChunkRefusedException notAChunk) {
            answers = false;
        }
        return state.failedWhileStoreAnswered(record.kafkaOffset(), answers) >= max;
    }

    /** An exception nobody foresaw: retried by redelivery a bounded number of times, then refused. */
    private void unforeseen(SinkRecord record, PartitionState state, RuntimeException e) {
        int attempts = state.failed(record.kafkaOffset());
        int max = config.getInt(S3SinkConfig.RECORD_MAX_ATTEMPTS);
        String what = e.getClass().getSimpleName() + ": " + ChunkRefusedException.printable(e.getMessage());
        if (attempts < max) {
            LOG.warn("chunk at {} failed (attempt {} of {}), it will be redelivered: {}", ChunkRecord.where(record),
                    attempts, max, what);
            context.timeout(config.getLong(S3SinkConfig.RETRY_BACKOFF));
            throw new RetriableException("chunk at " + ChunkRecord.where(record) + " failed, it will be retried: " + what, e);
        }
        state.settled(record.kafkaOffset());
        refuse(record, state, new ChunkRefusedException(ChunkRefusedException.Reason.PROCESSING_FAILED,
                "gave up after " + attempts + " attempts: " + what, e));
    }

    /** Reports the chunk with its reason and drops its object; its later chunks are then ignored. */
    private void refuse(SinkRecord record, PartitionState state, ChunkRefusedException reason) {
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

    private void report(SinkRecord record, ChunkRefusedException reason) {
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

    /** Objects whose last chunk never came: reported by their chunk 0, so they cannot hold back commits. */
    private void expireIncomplete() {
        long now = System.currentTimeMillis();
        long timeout = config.getLong(S3SinkConfig.ASSEMBLY_TIMEOUT);
        for (PartitionState state : partitions.values()) {
            for (ObjectAssembly a : state.expire(now, timeout)) {
                assembler.discard(a);
                report(a.firstRecord, new ChunkRefusedException(ChunkRefusedException.Reason.INCOMPLETE, a
                        + ": no chunk after chunk " + (a.nextSequence - 1) + " for " + timeout + " ms while later records"
                        + " of the partition came"));
            }
        }
    }

    /** Commits each partition only at an offset that splits no object ({@link PartitionState}). */
    @Override
    public Map<TopicPartition, OffsetAndMetadata> preCommit(Map<TopicPartition, OffsetAndMetadata> current) {
        Map<TopicPartition, OffsetAndMetadata> safe = new HashMap<>();
        for (Map.Entry<TopicPartition, OffsetAndMetadata> e : current.entrySet()) {
            PartitionState state = partitions.get(e.getKey());
            long offset = e.getValue().offset();
            safe.put(e.getKey(), new OffsetAndMetadata(state == null ? offset : state.safeOffset(offset)));
        }
        return safe;
    }

    @Override
    public void flush(Map<TopicPartition, OffsetAndMetadata> currentOffsets) {
        // Nothing to flush: objects are written when their last chunk arrives; preCommit bounds the offsets.
    }

    /** Partitions taken away: their unfinished objects are dropped; their next owner starts them again. */
    @Override
    public void close(Collection<TopicPartition> revoked) {
        for (TopicPartition tp : revoked) {
            PartitionState state = partitions.remove(tp);
            if (state != null) {
                state.open.values().forEach(assembler::discard);
            }
        }
    }

    @Override
    public void stop() {
        close(List.copyOf(partitions.keySet()));
        if (s3 != null) {
            s3.close();
        }
    }
}
