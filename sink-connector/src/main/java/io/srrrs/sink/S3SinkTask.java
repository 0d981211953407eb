package io.srrrs.sink;

import io.srrrs.crypto.CiphertextException;
import io.srrrs.crypto.ObjectMetadata;
import io.srrrs.crypto.format.EncryptionContext;
import io.srrrs.crypto.format.FormatHeader;
import io.srrrs.crypto.format.ObjectIdentity;
import io.srrrs.crypto.kms.KekId;
import io.srrrs.crypto.kms.WrappedDek;
import io.srrrs.store.StoreClients;
import io.srrrs.store.StoreConfig;
import io.srrrs.store.StoreException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
 * Assembles objects from chunks and writes them, exactly once:
 * <ul>
 *   <li>an object becomes visible only when its last chunk is written: one PutObject for an
 *       object of one part, else CompleteMultipartUpload;
 *   <li>{@link #preCommit} lets Connect commit a partition only up to the first chunk of its oldest
 *       unfinished object, so after a crash the object is assembled again from its start, and
 *       objects finished meanwhile are written again with the same bytes to the same key;
 *   <li>a multipart upload left by a crash is aborted when its object is started again; one left
 *       by an object that never comes back is aborted by a later start after
 *       {@code srrrs.multipart.abandoned.age.ms};
 *   <li>a store that fails after the SDK's retries makes the batch fail with a
 *       {@link RetriableException}: Connect redelivers it, and records already applied are
 *       skipped, so nothing is lost or doubled;
 *   <li>a chunk that can never be written (gap, unknown format, refused bucket, store refusal) goes
 *       to the errant record reporter with the reason, its object is dropped, and the task goes on.
 * </ul>
 */
public final class S3SinkTask extends org.apache.kafka.connect.sink.SinkTask {

    private static final Logger LOG = LoggerFactory.getLogger(S3SinkTask.class);

    /** One partition's objects under way, in the order their first chunks came. */
    private static final class PartitionState {
        final LinkedHashMap<String, ObjectAssembly> open = new LinkedHashMap<>();
        /** References whose object was dropped; their later chunks are ignored. */
        final Set<String> dropped = new HashSet<>();
        long lastApplied = -1;
    }

    private S3SinkConfig config;
    private S3Client s3;
    private ObjectWriter writer;
    private MemoryBudget budget;
    private ErrantRecordReporter reporter;
    private Set<String> buckets;
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
        budget = new MemoryBudget(config.getLong(S3SinkConfig.BUFFER_MEMORY));
        buckets = new HashSet<>(config.buckets());
        try {
            reporter = context.errantRecordReporter();
        } catch (NoSuchMethodError | NoClassDefFoundError oldWorker) {
            reporter = null;
        }
        Instant cutoff = Instant.now().minusMillis(config.getLong(S3SinkConfig.ABANDONED_AGE));
        for (String bucket : buckets) {
            int n = writer.abortAbandoned(bucket, cutoff);
            if (n > 0) {
                LOG.info("aborted {} abandoned multipart uploads in {}", n, bucket);
            }
        }
        LOG.info("S3 sink task started: {}, buckets {}", store, buckets.isEmpty() ? "(any)" : buckets);
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
            try {
                apply(record, state);
            } catch (StoreException e) {
                if (e.isTransient()) {
                    context.timeout(config.getLong(S3SinkConfig.RETRY_BACKOFF_MAX));
                    throw new RetriableException("store unavailable, the batch will be retried: " + e.getMessage(), e);
                }
                refuse(record, state, new Refusal(e.getMessage(), e));
            } catch (Refusal e) {
                refuse(record, state, e);
            } catch (IOException e) {
                throw new RetriableException("local part buffer failed: " + e.getMessage(), e);
            }
            state.lastApplied = record.kafkaOffset();
        }
    }

    private void apply(SinkRecord record, PartitionState state) throws Refusal, IOException {
        ChunkRecord chunk = ChunkRecord.of(record);
        if (state.dropped.contains(chunk.referenceId())) {
            if (chunk.last()) {
                state.dropped.remove(chunk.referenceId());
            }
            return;
        }
        if (chunk.aborted()) {
            // The topology gave this object up (its reference is in the topology's DLQ): drop it.
            ObjectAssembly a = state.open.remove(chunk.referenceId());
            if (a != null) {
                discard(a);
                LOG.info("dropped {}: the topology abandoned it", a);
            }
            return;
        }
        ObjectAssembly a = state.open.get(chunk.referenceId());
        if (chunk.sequence() == 0) {
            if (a != null) {
                throw new Refusal("chunk 0 of reference " + chunk.referenceId() + " came again while its object was "
                        + "being assembled at " + ChunkRecord.where(record));
            }
            a = start(chunk, record);
            state.open.put(chunk.referenceId(), a);
        } else if (a == null) {
            throw new Refusal("chunk " + chunk.sequence() + " of reference " + chunk.referenceId() + " at "
                    + ChunkRecord.where(record) + " has no chunk 0 before it: the sequence has a gap");
        } else if (chunk.sequence() != a.nextSequence) {
            throw new Refusal("chunk " + chunk.sequence() + " of " + a + " at " + ChunkRecord.where(record)
                    + ", expected chunk " + a.nextSequence + ": the sequence has a gap");
        }
        append(a, chunk, state);
    }

    private ObjectAssembly start(ChunkRecord chunk, SinkRecord record) throws Refusal {
        ChunkRecord.Start s = chunk.start();
        if (s == null) {
            throw new Refusal("chunk 0 of reference " + chunk.referenceId() + " has no object start");
        }
        if (!buckets.isEmpty() && !buckets.contains(chunk.bucket())) {
            throw new Refusal("bucket '" + chunk.bucket() + "' is not in " + S3SinkConfig.BUCKETS + " " + buckets);
        }
        ObjectIdentity identity;
        ObjectMetadata metadata;
        try {
            identity = new ObjectIdentity(chunk.bucket(), chunk.key());
            FormatHeader header = FormatHeader.parse(s.header());
            metadata = new ObjectMetadata(header, new WrappedDek(s.kms(), new KekId(s.kekId()), s.wrappedDek()),
                    EncryptionContext.of(s.encryptionContext()), s.sseC());
        } catch (CiphertextException e) {
            throw new Refusal("object of reference " + chunk.referenceId() + " is not in a format this sink knows: "
                    + e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new Refusal("object of reference " + chunk.referenceId() + " has invalid metadata: " + e.getMessage(), e);
        }
        byte[] header = s.header();
        if (chunk.ciphertext().length < header.length
                || !Arrays.equals(chunk.ciphertext(), 0, header.length, header, 0, header.length)) {
            throw new Refusal("chunk 0 of reference " + chunk.referenceId() + " does not start with its format header");
        }
        Map<String, String> user = s.userMetadata() == null ? Map.of() : s.userMetadata();
        Map<String, String> all = new HashMap<>(user);
        all.putAll(metadata.toMap());
        if (ObjectMetadata.byteSize(all) > io.srrrs.crypto.format.FormatV1.S3_USER_METADATA_LIMIT_BYTES) {
            throw new Refusal("metadata of " + identity + " exceeds S3's 2 KB");
        }
        byte[] sealed = null;
        if (s.sseC()) {
            if (config.sseCPrivateKey() == null) {
                throw new Refusal(identity + " asks for SSE-C, but " + S3SinkConfig.SSE_C_PRIVATE_KEY + " is not set");
            }
            if (s.sealedSseCKey() == null) {
                throw new Refusal(identity + " asks for SSE-C but carries no sealed SSE-C key");
            }
            if (!config.store().isHttps()) {
                throw new Refusal(identity + " asks for SSE-C, which is refused over plain http (" + config.storeUrl() + ")");
            }
            sealed = s.sealedSseCKey();
        }
        String contentType = s.contentType() == null || s.contentType().isBlank() ? "application/octet-stream"
                : s.contentType();
        return new ObjectAssembly(chunk.referenceId(), identity, record.kafkaOffset(), metadata, user, contentType,
                sealed, new PartBuffer(budget, config.bufferDir()));
    }

    private void append(ObjectAssembly a, ChunkRecord chunk, PartitionState state) throws Refusal, IOException {
        byte[] bytes = chunk.ciphertext();
        a.part.append(bytes);
        try {
            if (chunk.last()) {
                long total = a.bytes + bytes.length;
                if (chunk.objectLength() != null && chunk.objectLength() != total) {
                    throw new Refusal(a + " assembled to " + total + " bytes, but its last chunk says "
                            + chunk.objectLength());
                }
                finish(a);
                a.bytes = total;
                state.open.remove(a.referenceId);
                a.part.close();
                LOG.debug("wrote {} ({} bytes)", a, total);
            } else if (a.part.size() >= config.partSize()) {
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
        } catch (StoreException e) {
            if (e.isTransient()) {
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
            } catch (StoreException e) {
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

    /** Reports the chunk with its reason (errors.tolerance decides what that means) and drops its object. */
    private void refuse(SinkRecord record, PartitionState state, Refusal reason) {
        LOG.warn("refused chunk at {}: {}", ChunkRecord.where(record), reason.getMessage());
        String referenceId = null;
        boolean last = false;
        try {
            ChunkRecord chunk = ChunkRecord.of(record);
            referenceId = chunk.referenceId();
            last = chunk.last();
        } catch (Refusal notAChunk) {
            // nothing to drop: the record is not a chunk at all
        }
        if (referenceId != null) {
            ObjectAssembly a = state.open.remove(referenceId);
            if (a != null) {
                discard(a);
            }
            if (!last) {
                state.dropped.add(referenceId);
            }
        }
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
        } catch (java.util.concurrent.ExecutionException e) {
            throw new ConnectException("could not report a refused chunk: " + e.getCause(), e.getCause());
        }
    }

    private void discard(ObjectAssembly a) {
        writer.abort(a);
        try {
            a.part.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Commits each partition only up to the first chunk of its oldest unfinished object: after a
     * restart, that object is read again from its first chunk.
     */
    @Override
    public Map<TopicPartition, OffsetAndMetadata> preCommit(Map<TopicPartition, OffsetAndMetadata> current) {
        Map<TopicPartition, OffsetAndMetadata> safe = new HashMap<>();
        for (Map.Entry<TopicPartition, OffsetAndMetadata> e : current.entrySet()) {
            PartitionState state = partitions.get(e.getKey());
            long offset = e.getValue().offset();
            if (state != null && !state.open.isEmpty()) {
                long oldest = state.open.values().stream().mapToLong(a -> a.firstOffset).min().orElse(offset);
                offset = Math.min(offset, oldest);
            }
            safe.put(e.getKey(), new OffsetAndMetadata(offset));
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
                state.open.values().forEach(this::discard);
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
