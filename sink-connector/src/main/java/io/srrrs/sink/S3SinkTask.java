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
import java.util.function.UnaryOperator;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
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
 *   <li>uploads run in the background, {@code s3.upload.concurrency} at most ({@link Uploads});
 *       {@code put()} goes on with the next records meanwhile, and an object counts as finished
 *       only once this thread saw its final write succeed ({@link UploadSettler}); two objects
 *       of one key reach the store in partition order;
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

    /** How long {@link #close} and {@link #stop} wait for uploads in flight before they abort what is left. */
    static final long CLOSE_WAIT_MILLIS = 30_000;

    private S3SinkConfig config;
    private S3Client s3;
    private ObjectWriter writer;
    private ObjectAssembler assembler;
    private Uploads uploads;
    private UploadSettler settler;
    private Refusals refusals;
    private MemoryBudget budget;
    private SinkMetrics metrics;
    private SinkMetricsJmx metricsJmx;
    private final Map<TopicPartition, PartitionState> partitions = new HashMap<>();
    /** Wraps the store client (tests: a store that blocks or fails on cue); the identity otherwise. */
    UnaryOperator<S3Client> storeClientWrapper = UnaryOperator.identity();

    @Override
    public String version() {
        return Version.get();
    }

    @Override
    public void start(Map<String, String> props) {
        config = new S3SinkConfig(props);
        StoreConfig store = config.store();
        int concurrency = config.getInt(S3SinkConfig.UPLOAD_CONCURRENCY);
        // A connection for each upload in flight, and for the task thread's own requests.
        budget = new MemoryBudget(config.getLong(S3SinkConfig.BUFFER_MEMORY));
        metrics = new SinkMetrics(System::nanoTime, budget::used);
        metricsJmx = SinkMetricsJmx.register(metrics, props.getOrDefault(S3SinkConnector.NAME, "unnamed"),
                props.getOrDefault(S3SinkConnector.TASK_INDEX, "0"));
        s3 = storeClientWrapper.apply(new RetryCountingS3Client(StoreClients.s3(store, concurrency + 2),
                metrics::retried));
        writer = new ObjectWriter(s3, store, config.sseCPrivateKey());
        BucketAllowList buckets = config.buckets();
        ObjectStarter starter = new ObjectStarter(config, buckets, budget);
        uploads = new Uploads(writer, concurrency);
        assembler = new ObjectAssembler(writer, starter, uploads, config.partSize(), partitions, metrics);
        ErrantRecordReporter reporter;
        try {
            reporter = context.errantRecordReporter();
        } catch (NoSuchMethodError | NoClassDefFoundError oldWorker) {
            reporter = null;
        }
        refusals = new Refusals(writer, assembler, reporter, config.getInt(S3SinkConfig.RECORD_MAX_ATTEMPTS), metrics);
        settler = new UploadSettler(uploads, refusals, context, config, metrics);
        Instant cutoff = Instant.now().minusMillis(config.getLong(S3SinkConfig.ABANDONED_AGE));
        for (String bucket : buckets.exactNames()) {
            int n = writer.abortAbandoned(bucket, cutoff);
            if (n > 0) {
                LOG.info("aborted {} abandoned multipart uploads in {}", n, bucket);
            }
        }
        LOG.info("S3 sink task started: {}, buckets {}, {} uploads at once", store, buckets, concurrency);
    }

    @Override
    public void open(Collection<TopicPartition> assigned) {
        for (TopicPartition tp : assigned) {
            partitions.putIfAbsent(tp, new PartitionState());
        }
    }

    @Override
    public void put(Collection<SinkRecord> records) {
        settler.beforePut();
        for (SinkRecord record : records) {
            TopicPartition tp = new TopicPartition(record.topic(), record.kafkaPartition());
            PartitionState state = partitions.computeIfAbsent(tp, t -> new PartitionState());
            if (record.kafkaOffset() <= state.lastApplied) {
                continue; // redelivered after a retriable failure: already applied
            }
            settler.awaitRoom(); // may throw, before the record is applied: its redelivery applies it once
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
            if (e.isTransient() && !refusals.storeAnswersOthers(record, bucketOf(record), state)) {
                context.timeout(config.getLong(S3SinkConfig.RETRY_BACKOFF_MAX));
                metrics.retried(1); // the batch, so this request, is sent again after Connect's backoff
                throw new RetriableException("store unavailable, the batch will be retried: " + e.getMessage(), e);
            }
            state.settled(record.kafkaOffset());
            refuse(record, state, Refusals.storeRefused(e));
        } catch (ChunkRefusedException e) {
            refuse(record, state, e);
        } catch (IOException e) {
            // The local part buffer (a full disk, a bad srrrs.buffer.dir): bounded like any unforeseen failure.
            unforeseen(record, state, new UncheckedIOException("local part buffer failed: " + e.getMessage(), e));
        } catch (RuntimeException e) {
            unforeseen(record, state, e);
        }
    }

    private static String bucketOf(SinkRecord record) {
        try {
            return ChunkRecord.of(record).bucket();
        } catch (ChunkRefusedException notAChunk) {
            return null;
        }
    }

    /** An exception nobody foresaw: retried by redelivery a bounded number of times, then refused. */
    private void unforeseen(SinkRecord record, PartitionState state, RuntimeException e) {
        int attempts = state.failed(record.kafkaOffset());
        int max = config.getInt(S3SinkConfig.RECORD_MAX_ATTEMPTS);
        String what = Refusals.describe(e);
        if (attempts < max) {
            LOG.warn("chunk at {} failed (attempt {} of {}), it will be redelivered: {}", ChunkRecord.where(record),
                    attempts, max, what);
            context.timeout(config.getLong(S3SinkConfig.RETRY_BACKOFF));
            throw new RetriableException("chunk at " + ChunkRecord.where(record) + " failed, it will be retried: " + what, e);
        }
        state.settled(record.kafkaOffset());
        refuse(record, state, Refusals.gaveUp(attempts, e));
    }

    private void refuse(SinkRecord record, PartitionState state, ChunkRefusedException reason) {
        refusals.refuse(record, state, reason);
    }

    /** Objects whose last chunk never came: reported by their chunk 0, so they cannot hold back commits. */
    private void expireIncomplete() {
        long now = System.currentTimeMillis();
        long timeout = config.getLong(S3SinkConfig.ASSEMBLY_TIMEOUT);
        for (PartitionState state : partitions.values()) {
            for (ObjectAssembly a : state.expire(now, timeout)) {
                assembler.discard(a);
                refusals.report(a.firstRecord, new ChunkRefusedException(ChunkRefusedException.Reason.INCOMPLETE, a
                        + ": no chunk after chunk " + (a.nextSequence - 1) + " for " + timeout + " ms while later records"
                        + " of the partition came"));
            }
        }
    }

    /** Commits each partition only at an offset that splits no object ({@link PartitionState}). */
    @Override
    public Map<TopicPartition, OffsetAndMetadata> preCommit(Map<TopicPartition, OffsetAndMetadata> current) {
        settler.collect(); // an object is finished only once its upload's success was seen here
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
        // Nothing to flush: objects are uploaded when their last chunk arrives; preCommit bounds the offsets.
    }

    /**
     * Partitions taken away: their uploads in flight are waited for (bounded), so that none lands
     * after the next owner wrote the same key; then their unfinished objects are dropped and their
     * multipart uploads aborted. Nothing past them was committed: the next owner writes them again.
     */
    @Override
    public void close(Collection<TopicPartition> revoked) {
        closeWithin(revoked, CLOSE_WAIT_MILLIS);
    }

    private void closeWithin(Collection<TopicPartition> revoked, long millis) {
        long deadline = System.currentTimeMillis() + millis;
        for (TopicPartition tp : revoked) {
            PartitionState state = partitions.get(tp);
            if (state != null) {
                Uploads.await(uploads.of(state), Math.max(0, deadline - System.currentTimeMillis()));
            }
        }
        for (TopicPartition tp : revoked) {
            PartitionState state = partitions.remove(tp);
            if (state != null) {
                List.copyOf(state.open.values()).forEach(assembler::discard);
                List.copyOf(state.uploading).forEach(assembler::discard);
                state.open.clear();
                state.uploading.clear();
            }
        }
        settler.collect(); // after the drop: no completion of a revoked object is started now
    }

    /** Waits up to {@code millis} until no upload runs, settling them; throws as put() would for a pending retry. */
    void awaitUploads(long millis) {
        settler.awaitIdle(millis);
    }

    /** The task's metrics, what its MBeans show. */
    SinkMetrics metrics() {
        return metrics;
    }

    /** Bytes of part buffers held in memory now, in flight included. */
    long bufferedBytes() {
        return budget.used();
    }

    @Override
    public void stop() {
        if (uploads != null) {
            closeWithin(List.copyOf(partitions.keySet()), CLOSE_WAIT_MILLIS);
            uploads.awaitAborts(CLOSE_WAIT_MILLIS);
            uploads.shutdown(CLOSE_WAIT_MILLIS);
        }
        if (s3 != null) {
            s3.close();
        }
        if (metricsJmx != null) {
            metricsJmx.close();
        }
    }
}
