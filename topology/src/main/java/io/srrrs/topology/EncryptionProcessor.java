package io.srrrs.topology;

import io.srrrs.crypto.kms.KekId;
import io.srrrs.schemas.PayloadReference;
import io.srrrs.schemas.RejectedReference;
import io.srrrs.serdes.MalformedRecordException;
import io.srrrs.serdes.UnknownSchemaException;
import io.srrrs.topology.ops.TopologyMeters;

import java.io.IOException;
import java.time.Duration;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.errors.StreamsException;
import org.apache.kafka.streams.errors.TaskCorruptedException;
import org.apache.kafka.streams.errors.TaskMigratedException;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The heart of the pipeline: one PayloadReference in, its object's EncryptedChunks out, all in
 * the same Kafka transaction as the input offset (exactly_once_v2), or the reference to the DLQ.
 *
 * <p>An object whose ciphertext exceeds {@code srrrs.transaction.slice.bytes} forwards its first
 * slice here and goes on in later transactions ({@link ObjectSlices}, D49); what follows is about
 * this call, the first slice. Three outcomes per reference:
 * <ul>
 *   <li>encrypted: chunks 0..n forwarded to the chunk topic, the id remembered against duplicates;
 *   <li>bad input ({@link BadReferenceException}): a {@link RejectedReference} to the DLQ, and, when
 *       chunks were already forwarded, an abandon marker so the sink discards them; processing
 *       goes on with the next reference;
 *   <li>transient failure (KMS or registry outage, source 5xx): the exception leaves
 *       {@code process()}, the transaction aborts (no partial output is ever visible) and the
 *       record is retried; after {@code srrrs.transient.max.attempts} it goes to the DLQ as
 *       PROCESSING_FAILED, so nothing loops for ever.
 * </ul>
 */
final class EncryptionProcessor implements Processor<byte[], byte[], Object, Object> {

    private static final Logger LOG = LoggerFactory.getLogger(EncryptionProcessor.class);
    /** How often the next slice of an object in progress is forwarded (and committed), at most. */
    static final Duration SLICE_PUNCTUATION = Duration.ofMillis(5);
    private static final String INLINE = "inline";

    private final EncryptionTopology.Dependencies deps;
    private final RecordAttempts attempts;
    private final ObjectOpener opener;
    private ProcessorContext<Object, Object> context;
    private DeadLetters deadLetters;
    /** The current reference's chunks, or null: none forwarded in this attempt means it can be retried in place. */
    private ChunkOutput current;
    private KeyValueStore<String, Long> seenIds;
    private TopologyMetrics metrics;
    private ObjectSlices slices;
    /** This thread's share of the objects-in-flight gauge: the one in process() plus those parked. */
    private TopologyMeters.InFlight inFlight;

    EncryptionProcessor(EncryptionTopology.Dependencies deps) {
        this.deps = deps;
        this.attempts = deps.attempts();
        this.opener = new ObjectOpener(deps);
    }

    @Override
    public void init(ProcessorContext<Object, Object> context) {
        this.context = context;
        this.seenIds = context.getStateStore(EncryptionTopology.SEEN_IDS_STORE);
        this.metrics = new TopologyMetrics(context.metrics(), Thread.currentThread().getName(),
                deps.kmsCalls(), deps.dekCacheHits(), deps.meters());
        this.inFlight = deps.meters().inFlight();
        this.deadLetters = new DeadLetters(context, metrics);
        this.slices = new ObjectSlices(context, deps, opener, deadLetters, seenIds,
                new ObjectsInProgress(context.getStateStore(EncryptionTopology.OBJECTS_IN_PROGRESS_STORE)), metrics);
        context.schedule(Duration.ofMinutes(10), PunctuationType.WALL_CLOCK_TIME, this::forgetOldIds);
        // No forwarding in init(): objects a restored task had in progress start again in the first punctuation.
        context.schedule(SLICE_PUNCTUATION, PunctuationType.WALL_CLOCK_TIME, now -> {
            slices.punctuate(now);
            inFlight.set(slices.count());
        });
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        RecordMetadata meta = context.recordMetadata().orElseThrow();
        String attemptKey = meta.topic() + "/" + meta.partition() + "/" + meta.offset();
        RecordAttempts.Failure earlier = attempts.of(attemptKey);
        if (attempts.exhausted(earlier)) {
            // Its last attempt failed after forwarding chunks, so that transaction was aborted: give up now.
            giveUp(record, meta, attemptKey, earlier);
            return;
        }
        metrics.received();
        long started = System.nanoTime();
        while (true) {
            current = null;
            try {
                handle(record, meta);
                attempts.settled(attemptKey);
                return;
            } catch (TaskMigratedException | TaskCorruptedException e) {
                throw e; // Kafka Streams' own business: the task is no longer ours or must restore
            } catch (TransientFailureException | RuntimeException e) {
                RecordAttempts.Failure failure = attempts.failed(attemptKey, e);
                boolean retryHere = current == null || current.sent() == 0; // nothing of this record is in the transaction yet
                if (attempts.exhausted(failure) && retryHere) {
                    giveUp(record, meta, attemptKey, failure);
                    return;
                }
                LOG.warn("reference at {} failed (attempt {} of {}), will be retried{}: {}: {}", attemptKey,
                        failure.attempts(), attempts.maxAttempts(), retryHere ? "" : " after aborting its transaction",
                        failure.errorClass(), failure.message());
                sleepQuietly(attempts.backoffMillis(failure.attempts()));
                if (!retryHere) {
                    // Chunks were forwarded: only aborting the transaction takes them back.
                    throw new StreamsException("reference at " + attemptKey + " failed after some of its chunks were "
                            + "produced; its transaction is aborted and it is retried", e);
                }
                if (!attempts.fitsInPlace((System.nanoTime() - started) / 1_000_000)) {
                    // Earlier references' chunks may share this transaction: another whole attempt here
                    // could outlive it and get the producer fenced, which counts no attempt.
                    throw new StreamsException("reference at " + attemptKey + " is retried after its transaction is "
                            + "committed or aborted: retrying it here any longer could outlive the transaction", e);
                }
            }
        }
    }

    private void giveUp(Record<byte[], byte[]> record, RecordMetadata meta, String attemptKey,
                        RecordAttempts.Failure failure) {
        attempts.settled(attemptKey);
        deadLetters.send(record, meta, decodedOrNull(record, meta), new BadReferenceException(
                RejectReason.PROCESSING_FAILED, "gave up after " + failure.attempts() + " attempts: "
                + failure.errorClass() + ": " + failure.message()), failure.errorClass());
        // Commit soon: a long outage must not pile several given-up records into one transaction
        // that could outlive transaction.timeout.ms and be aborted, starting their attempts again.
        context.commit();
    }

    /** The reference, for the DLQ record's sake, if it decodes; else null. */
    private PayloadReference decodedOrNull(Record<byte[], byte[]> record, RecordMetadata meta) {
        try {
            return deps.deserializer().deserialize(meta.topic(), record.value());
        } catch (RuntimeException e) {
            return null;
        }
    }

    private void handle(Record<byte[], byte[]> record, RecordMetadata meta) throws TransientFailureException {
        PayloadReference ref;
        try {
            ref = deps.deserializer().deserialize(meta.topic(), record.value());
        } catch (MalformedRecordException e) {
            deadLetters.send(record, meta, null, new BadReferenceException(RejectReason.MALFORMED_RECORD, e.getMessage()));
            return;
        } catch (UnknownSchemaException e) {
            deadLetters.send(record, meta, null, new BadReferenceException(RejectReason.UNKNOWN_SCHEMA, e.getMessage()));
            return;
        } catch (SerializationException e) {
            throw new TransientFailureException("schema registry: " + e.getMessage(), e);
        }
        if (ref == null) {
            deadLetters.send(record, meta, null, new BadReferenceException(RejectReason.EMPTY_RECORD, "the record has no value"));
            return;
        }
        try {
            ObjectOpener.Checked checked = opener.check(ref, meta.topic());
            if (seenIds.get(ref.getId()) != null || slices.inProgress(ref.getId())) {
                throw new BadReferenceException(RejectReason.DUPLICATE_ID, "reference id '" + Sanitizer.text(ref.getId())
                        + "' was already processed");
            }
            KekId kek = opener.resolveKek(checked, meta.topic());
            InProgressRecord stored = new InProgressRecord(0, ref.getBucket(), ref.getKey(), meta.topic(),
                    meta.partition(), meta.offset(), record.timestamp(), record.value(), checked.format().id());
            slices.makeRoomFor(stored.target());
            encrypt(checked.valid(), kek, stored);
        } catch (BadReferenceException e) {
            deadLetters.send(record, meta, ref, e);
        } finally {
            metrics.kms();
            inFlight.set(slices.count());
        }
    }

    /**
     * Opens the object and forwards its first slice: all of it when it fits in one, else the
     * object goes on in later transactions ({@link ObjectSlices}). A failure here is handled as
     * when an object was one transaction: nothing of this attempt is committed yet.
     */
    private void encrypt(ReferenceValidator.Valid valid, KekId kek, InProgressRecord stored)
            throws BadReferenceException, TransientFailureException {
        ObjectInProgress object = new ObjectInProgress(valid.reference().getId(), stored, 0);
        ChunkOutput chunks = new ChunkOutput(context, metrics);
        current = chunks;
        inFlight.set(slices.count() + 1);
        object.opened(opener.open(valid, kek, stored, chunks));
        // The store repeats the reference, and an inline one carries its plaintext, which must never
        // reach the store's changelog; the input topic's max.message.bytes bounds it to one transaction anyway.
        long slice = INLINE.equals(valid.scheme()) ? Long.MAX_VALUE : deps.sliceBytes();
        boolean last;
        try {
            last = object.forwardSlice(slice);
        } catch (BadReferenceException e) {
            chunks.abandon();
            object.close();
            throw e;
        } catch (IOException e) {
            BadReferenceException bad = ObjectInProgress.badInputOrNull(e);
            if (bad != null) {
                chunks.abandon();
            }
            object.close();
            if (bad != null) {
                throw bad;
            }
            // A network failure mid-payload: the whole transaction aborts, nothing partial is seen.
            throw new TransientFailureException("reading the payload failed: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            object.close();
            throw e;
        }
        slices.firstSliceForwarded(object, last);
    }

    private void forgetOldIds(long now) {
        long cutoff = now - deps.dedupRetentionMillis();
        try (KeyValueIterator<String, Long> it = seenIds.all()) {
            while (it.hasNext()) {
                KeyValue<String, Long> entry = it.next();
                if (entry.value < cutoff) {
                    seenIds.delete(entry.key);
                }
            }
        }
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        if (slices != null) {
            slices.close();
        }
        if (metrics != null) {
            metrics.close();
        }
        if (inFlight != null) {
            inFlight.close();
        }
    }
}
