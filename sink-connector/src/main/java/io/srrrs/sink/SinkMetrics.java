package io.srrrs.sink;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * The task's metrics, fed where the task already decides things (an object started, written or
 * dropped, an upload settled, a retry, a refusal) and read by JMX ({@link SinkMetricsJmx}) from
 * another thread: counters are cumulative totals, gauges are computed when read. Thread-safe.
 */
final class SinkMetrics {

    private final LongSupplier nanoClock;
    private final LongSupplier budgetUsed;
    private final LongAdder objectsWritten = new LongAdder();
    private final LongAdder bytesWritten = new LongAdder();
    private final LongAdder bytesDiscarded = new LongAdder();
    private final LongAdder parts = new LongAdder();
    private final LongAdder retries = new LongAdder();
    private final LongAdder sseCUploads = new LongAdder();
    private final Map<ChunkRefusedException.Reason, LongAdder> refusals = new EnumMap<>(ChunkRefusedException.Reason.class);
    private final UploadHistogram uploadSeconds = new UploadHistogram();
    /** Objects started and not yet written or dropped, with when they started: the two gauges read it. */
    private final Map<ObjectAssembly, Long> unfinished = new ConcurrentHashMap<>();

    /**
     * @param nanoClock  {@link System#nanoTime()} but in tests
     * @param budgetUsed the bytes of the part-buffer budget in use now
     */
    SinkMetrics(LongSupplier nanoClock, LongSupplier budgetUsed) {
        this.nanoClock = nanoClock;
        this.budgetUsed = budgetUsed;
        for (ChunkRefusedException.Reason r : ChunkRefusedException.Reason.values()) {
            refusals.put(r, new LongAdder()); // every reason from the start: an alert sees 0, not no series
        }
    }

    /** Its chunk 0 came (again: a restarted object's clock starts again, its old one was dropped). */
    void started(ObjectAssembly a) {
        unfinished.put(a, nanoClock.getAsLong());
    }

    /**
     * Dropped for whatever reason (refused, superseded, revoked, abandoned): no longer unfinished;
     * the {@code uploadedBytes} of it already in the store were uploaded for nothing.
     */
    void dropped(ObjectAssembly a, long uploadedBytes) {
        unfinished.remove(a);
        bytesDiscarded.add(uploadedBytes);
    }

    /** An upload of an object dropped while it ran succeeded: its bytes went up for nothing. */
    void discarded(long bytes) {
        bytesDiscarded.add(bytes);
    }

    /** A PutObject or UploadPart succeeded with {@code bytes} of ciphertext. */
    void uploaded(UploadJob.Kind kind, long bytes) {
        bytesWritten.add(bytes);
        if (kind == UploadJob.Kind.UPLOAD_PART) {
            parts.increment();
        }
    }

    /** The object's final write succeeded: it is visible in the store. */
    void written(ObjectAssembly a) {
        Long start = unfinished.remove(a);
        objectsWritten.increment();
        if (a.sseC()) {
            sseCUploads.increment();
        }
        if (start != null) {
            uploadSeconds.observe((nanoClock.getAsLong() - start) / 1e9);
        }
    }

    /** Store requests sent again: by the SDK, or by the task after Connect's backoff. */
    void retried(long requests) {
        retries.add(requests);
    }

    void refused(ChunkRefusedException.Reason reason) {
        refusals.get(reason).increment();
    }

    long objectsWritten() {
        return objectsWritten.sum();
    }

    long bytesWritten() {
        return bytesWritten.sum();
    }

    /** Of {@link #bytesWritten()}, those of objects then dropped: the rest are the written objects' bytes. */
    long bytesDiscarded() {
        return bytesDiscarded.sum();
    }

    long multipartParts() {
        return parts.sum();
    }

    long retries() {
        return retries.sum();
    }

    long sseCUploads() {
        return sseCUploads.sum();
    }

    long refusals(ChunkRefusedException.Reason reason) {
        return refusals.get(reason).sum();
    }

    UploadHistogram uploadSeconds() {
        return uploadSeconds;
    }

    long objectsInAssembly() {
        return unfinished.size();
    }

    long memoryBudgetUsedBytes() {
        return budgetUsed.getAsLong();
    }

    /** Seconds since the oldest unfinished object's chunk 0 came; 0 when none is unfinished. */
    double oldestUnfinishedAgeSeconds() {
        long now = nanoClock.getAsLong();
        long oldest = now;
        for (long started : unfinished.values()) {
            oldest = Math.min(oldest, started);
        }
        return (now - oldest) / 1e9;
    }
}
