package io.srrrs.sink;

import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;

/**
 * Upload latency as Prometheus reads a histogram: a cumulative count per upper bound ({@code le}),
 * their sum and count. Cumulative totals, not percentiles, because only they survive a JMX export:
 * a scraper can take rates of them and aggregate tasks, which it cannot do with a task's quantiles.
 */
final class UploadHistogram {

    /** Upper bounds in seconds, the last one +Inf; what dashboards and alerts name in {@code le}. */
    static final double[] BOUNDS = {0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, Double.POSITIVE_INFINITY};

    private final LongAdder[] buckets = new LongAdder[BOUNDS.length];
    private final LongAdder count = new LongAdder();
    private final DoubleAdder sum = new DoubleAdder();

    UploadHistogram() {
        for (int i = 0; i < buckets.length; i++) {
            buckets[i] = new LongAdder();
        }
    }

    void observe(double seconds) {
        // Each bucket counts every observation at or below its bound: cumulative, as "le" means.
        for (int i = 0; i < BOUNDS.length; i++) {
            if (seconds <= BOUNDS[i]) {
                buckets[i].increment();
            }
        }
        count.increment();
        sum.add(seconds);
    }

    /** Observations at or below {@code BOUNDS[i]}. */
    long bucket(int i) {
        return buckets[i].sum();
    }

    long count() {
        return count.sum();
    }

    double sum() {
        return sum.sum();
    }

    /** The label value Prometheus uses for a bound: "0.05", "1.0", "+Inf". */
    static String le(int i) {
        double b = BOUNDS[i];
        return Double.isInfinite(b) ? "+Inf" : Double.toString(b);
    }
}
