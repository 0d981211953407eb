package io.srrrs.topology.source;

import java.time.Duration;

/**
 * The time one payload has, from the first connection to the last byte of its body
 * ({@code srrrs.source.deadline.ms}). Started when the source is opened; every step of the
 * source (connect, each redirect, the headers, the body) gets only what is left.
 */
public final class SourceDeadline {

    private final Duration budget;
    private final long endNanos;

    private SourceDeadline(Duration budget, long endNanos) {
        this.budget = budget;
        this.endNanos = endNanos;
    }

    /** A deadline {@code budget} from now. */
    public static SourceDeadline start(Duration budget) {
        if (budget.isNegative() || budget.isZero()) {
            throw new IllegalArgumentException("a source deadline must be positive");
        }
        return new SourceDeadline(budget, System.nanoTime() + budget.toNanos());
    }

    public Duration budget() {
        return budget;
    }

    public boolean expired() {
        return endNanos - System.nanoTime() <= 0;
    }

    /** Time left, at least 1 ms; {@link SourceDeadlineExceededException} when none is. */
    public Duration remaining() throws SourceDeadlineExceededException {
        long left = endNanos - System.nanoTime();
        if (left <= 0) {
            throw new SourceDeadlineExceededException(budget);
        }
        return Duration.ofMillis(Math.max(1, left / 1_000_000));
    }

    /** Milliseconds left, 0 once expired. */
    long remainingMillis() {
        return Math.max(0, (endNanos - System.nanoTime()) / 1_000_000);
    }
}
