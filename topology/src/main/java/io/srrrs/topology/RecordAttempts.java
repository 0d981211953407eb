package io.srrrs.topology;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Attempts at input records that failed for a reason that is not bad input (a KMS or registry
 * outage, a source that broke off, or an exception nobody foresaw), so that no record is tried
 * for ever: after {@code maxAttempts} it goes to the DLQ as PROCESSING_FAILED. One instance per
 * application, shared by its stream threads, so a count outlives the replacement of a thread
 * (not a restart of the JVM, which starts every count again: still bounded per life).
 *
 * @param maxAttempts        attempts in all, the first included
 * @param initialBackoffMillis the wait after the first failure; it doubles after each
 * @param maxBackoffMillis   the longest wait
 * @param inPlaceBudgetMillis how long one process() call may keep retrying in place before the next
 *                           attempt (see {@link io.srrrs.topology.source.SourceDeadlineRule#inPlaceRetryBudget})
 */
record RecordAttempts(int maxAttempts, long initialBackoffMillis, long maxBackoffMillis, long inPlaceBudgetMillis,
                      Map<String, Failure> failures) {

    /** What is known of a record's failures so far: how many, and the latest one, fit to show. */
    record Failure(int attempts, String errorClass, String message) {
    }

    RecordAttempts(int maxAttempts, long initialBackoffMillis, long maxBackoffMillis, long inPlaceBudgetMillis) {
        this(maxAttempts, initialBackoffMillis, maxBackoffMillis, inPlaceBudgetMillis, new ConcurrentHashMap<>());
    }

    /** Whether another attempt may still start in place, {@code elapsedMillis} into the process() call. */
    boolean fitsInPlace(long elapsedMillis) {
        return elapsedMillis <= inPlaceBudgetMillis;
    }

    /** The record's failures so far, or null. */
    Failure of(String record) {
        return failures.get(record);
    }

    /** Counts one more failure of {@code record}. */
    Failure failed(String record, Throwable e) {
        Failure one = describe(1, e);
        return failures.merge(record, one, (old, now) -> new Failure(old.attempts() + 1, one.errorClass(), one.message()));
    }

    /** {@code e} fit to show, as the {@code attempts}-th failure (the cause of a transient failure names the class). */
    static Failure describe(int attempts, Throwable e) {
        Throwable shown = e.getCause() != null && e instanceof TransientFailureException ? e.getCause() : e;
        return new Failure(attempts, shown.getClass().getSimpleName(), Sanitizer.text(e.getMessage()));
    }

    void settled(String record) {
        failures.remove(record);
    }

    boolean exhausted(Failure f) {
        return f != null && f.attempts() >= maxAttempts;
    }

    /** How long to wait after the {@code attempts}-th failure: doubling from the initial, capped. */
    long backoffMillis(int attempts) {
        long wait = initialBackoffMillis << Math.min(attempts - 1, 20);
        return Math.min(maxBackoffMillis, wait);
    }
}
