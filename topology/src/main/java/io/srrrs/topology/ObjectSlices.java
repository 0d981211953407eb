package io.srrrs.topology;

import io.srrrs.crypto.kms.KekId;
import io.srrrs.schemas.PayloadReference;

import java.io.IOException;
import org.apache.kafka.streams.errors.StreamsException;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Objects whose ciphertext exceeds {@code srrrs.transaction.slice.bytes}, committed one slice per
 * transaction (D49). The first slice goes out in {@code process()}; then the object is parked
 * ({@link ObjectsInProgress}) and a wall-clock punctuation forwards its next slice and asks for a
 * commit, until the last slice, its store entry's deletion and its id among the seen ids commit
 * together. An object whose task was restored, or whose attempt failed for a transient reason, is
 * encrypted again from chunk 0 under its next attempt (fresh DEK, fresh salt), bounded by
 * {@code srrrs.transient.max.attempts}; the sink keeps only the newest attempt. Bad input in a
 * later slice ends the object as in one transaction: abandon marker, DLQ record, entry removed.
 */
final class ObjectSlices {

    private static final Logger LOG = LoggerFactory.getLogger(ObjectSlices.class);
    /** Objects in progress per task: each holds an open source and buffers. */
    static final int MAX_IN_PROGRESS = 4;
    /** After a restore, how long the next attempt waits: its number is committed first (see loadStored). */
    static final long RESTART_AFTER_COMMIT_MILLIS = 200;

    private final ProcessorContext<Object, Object> context;
    private final EncryptionTopology.Dependencies deps;
    private final ObjectOpener opener;
    private final DeadLetters deadLetters;
    private final KeyValueStore<String, Long> seenIds;
    private final ObjectsInProgress objects;
    private final TopologyMetrics metrics;

    ObjectSlices(ProcessorContext<Object, Object> context, EncryptionTopology.Dependencies deps, ObjectOpener opener,
                 DeadLetters deadLetters, KeyValueStore<String, Long> seenIds, ObjectsInProgress objects,
                 TopologyMetrics metrics) {
        this.context = context;
        this.deps = deps;
        this.opener = opener;
        this.deadLetters = deadLetters;
        this.seenIds = seenIds;
        this.objects = objects;
        this.metrics = metrics;
    }

    /** Objects of this task parked between two slices. */
    int count() {
        return objects.size();
    }

    boolean inProgress(String id) {
        loadStored();
        return objects.contains(id);
    }

    /**
     * Before a new object for {@code target} starts, in the same transaction: the object in
     * progress for the same bucket/key is finished first (two versions of one key land in order),
     * and the oldest ones while the task holds {@link #MAX_IN_PROGRESS}.
     */
    void makeRoomFor(String target) {
        loadStored();
        ObjectInProgress same = objects.forTarget(target);
        if (same != null) {
            finishNow(same);
        }
        while (objects.size() >= MAX_IN_PROGRESS) {
            finishNow(objects.oldest());
        }
    }

    /** After an object's first slice in process(): complete, or parked until the punctuations go on with it. */
    void firstSliceForwarded(ObjectInProgress o, boolean last) {
        if (last) {
            complete(o);
        } else {
            o.pauseDeadline();
            objects.save(o);
            context.commit();
        }
    }

    /** The punctuation: the next slice of one object in progress (in turn), then a commit. */
    void punctuate(long nowMillis) {
        loadStored();
        ObjectInProgress o = objects.nextReady(nowMillis);
        if (o != null) {
            advance(o, true);
            context.commit();
        }
    }

    /**
     * Whatever is left of {@code o}, in this transaction: the one case that keeps the single-transaction
     * bound, the rest of the object read within one source deadline (each restart gets its own).
     */
    private void finishNow(ObjectInProgress o) {
        long started = System.nanoTime();
        while (objects.contains(o.id())) { // slice after slice, each restart after its backoff, until it is gone
            long wait = o.notBeforeMillis() - context.currentSystemTimeMs();
            if (wait > 0 && !deps.attempts().fitsInPlace((System.nanoTime() - started) / 1_000_000 + wait)) {
                // Attempts and backoffs in one transaction could outlive it: the producer fenced, the
                // task restored, the same reference read again, for ever. Given up instead, with the reason.
                reject(o, new BadReferenceException(RejectReason.PROCESSING_FAILED, "failed in attempt "
                        + o.stored().attempt() + " while it had to be finished at once (a newer reference for its key,"
                        + " or too many objects in progress); retrying it any longer could outlive the transaction"),
                        "FinishedAtOnce");
                return;
            }
            if (wait > 0) {
                sleepQuietly(wait);
            }
            advance(o, false);
        }
    }

    /**
     * One slice of {@code o}, starting its attempt first if needed; whether it is no longer in progress.
     *
     * @param pauseAfter whether the source's deadline stops after the slice (not while finishing it at once)
     */
    private boolean advance(ObjectInProgress o, boolean pauseAfter) {
        try {
            if (o.opened() == null) {
                reopen(o);
            }
            o.resumeDeadline();
            if (o.forwardSlice(deps.sliceBytes())) {
                complete(o);
                return true;
            }
            if (pauseAfter) {
                o.pauseDeadline();
            }
            return false;
        } catch (BadReferenceException e) {
            reject(o, e, (e.getCause() != null ? e.getCause() : e).getClass().getSimpleName());
            return true;
        } catch (IOException e) {
            BadReferenceException bad = ObjectInProgress.badInputOrNull(e);
            if (bad != null) {
                reject(o, bad, e.getClass().getSimpleName());
                return true;
            }
            return restartLater(o, new TransientFailureException("reading the payload failed: " + e.getMessage(), e));
        } catch (StreamsException e) {
            throw e; // Kafka Streams' own business (a fenced producer, a task that moved)
        } catch (TransientFailureException | RuntimeException e) {
            return restartLater(o, e);
        } finally {
            metrics.kms();
        }
    }

    /** Starts {@code o}'s current attempt from chunk 0, its attempt number stored with its first chunks. */
    private void reopen(ObjectInProgress o) throws BadReferenceException, TransientFailureException {
        InProgressRecord stored = o.stored();
        PayloadReference ref = deps.deserializer().deserialize(stored.topic(), stored.value());
        ObjectOpener.Checked checked = opener.check(ref, stored.topic(), stored.format());
        KekId kek = opener.resolveKek(checked, stored.topic());
        o.opened(opener.open(checked.valid(), kek, stored, new ChunkOutput(context, metrics)));
        objects.save(o);
        LOG.info("object of reference {} started again from chunk 0 as attempt {}", Sanitizer.text(o.id()),
                stored.attempt());
    }

    /** After a transient failure: the next attempt after a backoff, or, past the last attempt, the DLQ. */
    private boolean restartLater(ObjectInProgress o, Exception e) {
        InProgressRecord next = o.stored().nextAttempt();
        RecordAttempts attempts = deps.attempts();
        RecordAttempts.Failure failure = RecordAttempts.describe(next.attempt(), e);
        if (next.attempt() >= attempts.maxAttempts()) {
            reject(o, new BadReferenceException(RejectReason.PROCESSING_FAILED, "gave up after " + failure.attempts()
                    + " attempts: " + failure.errorClass() + ": " + failure.message()), failure.errorClass());
            return true;
        }
        long wait = attempts.backoffMillis(next.attempt());
        LOG.warn("object of reference {} failed in attempt {} of {}, starts again in {} ms: {}: {}",
                Sanitizer.text(o.id()), next.attempt(), attempts.maxAttempts(), wait, failure.errorClass(),
                failure.message());
        o.restartAs(next, context.currentSystemTimeMs() + wait);
        objects.save(o);
        return false;
    }

    /** The last slice went out: the entry goes and the id is remembered, in the same transaction. */
    private void complete(ObjectInProgress o) {
        ObjectInProgress.Opened a = o.opened();
        metrics.processed(o.stored().format(), a.sealing().plaintextLength(), a.chunks().ciphertextBytes(),
                a.chunks().sent(), System.nanoTime() - a.startedNanos());
        seenIds.put(o.id(), context.currentSystemTimeMs());
        objects.remove(o);
    }

    /** Gives up on {@code o}: an abandon marker for whatever the sink got of it, the DLQ record, the entry removed. */
    private void reject(ObjectInProgress o, BadReferenceException e, String errorClass) {
        InProgressRecord stored = o.stored();
        ChunkOutput chunks = o.opened() != null ? o.opened().chunks() : new ChunkOutput(context, metrics);
        PayloadReference ref = o.opened() != null ? o.opened().valid().reference() : decodedOrNull(stored);
        if (o.opened() == null) {
            chunks.begin(stored, o.id());
        }
        // Always a marker: an object in progress had a slice committed (in an earlier attempt, or
        // in this one before a restore), which the sink would otherwise hold until its timeout.
        chunks.abandonAlways();
        deadLetters.send(stored.inputRecord(), stored.inputMetadata(), ref, e, errorClass);
        objects.remove(o);
    }

    private PayloadReference decodedOrNull(InProgressRecord stored) {
        try {
            return deps.deserializer().deserialize(stored.topic(), stored.value());
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** Objects the store holds and this instance did not start: their task was restored; each starts again. */
    private void loadStored() {
        for (ObjectInProgress o : objects.loadStored()) {
            InProgressRecord next = o.stored().nextAttempt();
            if (next.attempt() >= deps.attempts().maxAttempts()) {
                reject(o, new BadReferenceException(RejectReason.PROCESSING_FAILED, "gave up after " + next.attempt()
                        + " attempts: the topology stopped while the object was in progress"), "TaskRestored");
            } else {
                // The next attempt's number is committed before that attempt starts (a later
                // punctuation): an object that kills its instance each time still runs out of attempts.
                o.restartAs(next, context.currentSystemTimeMs() + RESTART_AFTER_COMMIT_MILLIS);
                objects.save(o);
                context.commit();
            }
        }
    }

    /** Releases every open source; the store keeps the entries. */
    void close() {
        objects.closeAll();
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
