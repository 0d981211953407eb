package io.srrrs.chaos;

import io.srrrs.store.StoreClients;
import io.srrrs.store.StoreConfig;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * When each object became visible in the store: the bucket is listed about once a second and the
 * first listing that shows a key is its landing time. That is what a reader experiences, and it
 * needs nothing from the sink. During a store outage the listing fails and is simply tried again.
 */
final class LandingWatch implements AutoCloseable {

    private static final String PREFIX = "chaos/";

    private final StoreConfig store;
    private final String prefix;
    private final long intervalNanos;
    private final List<String> expected;
    private int landedPrefix; // how many of expected (in key order) have all landed; the listing thread's
    private final Map<String, Long> landedAt = new ConcurrentHashMap<>();
    private final Thread thread;
    private volatile boolean running = true;
    private volatile long lastListing;

    LandingWatch(StoreConfig store) {
        this(store, PREFIX, 1_000, List.of());
    }

    /**
     * Under {@code prefix}, listed every {@code intervalMillis} (the bench: finer than a second).
     * When {@code expected} names the keys to come, each listing starts after the longest run of
     * them (in key order) that has all landed, so a listing stays short however many landed before.
     */
    LandingWatch(StoreConfig store, String prefix, long intervalMillis, List<String> expected) {
        this.store = store;
        this.prefix = prefix;
        this.intervalNanos = intervalMillis * 1_000_000L;
        this.expected = expected.stream().sorted().toList();
        this.thread = new Thread(this::loop, "chaos-landing-watch");
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    private void loop() {
        S3Client s3 = null;
        while (running) {
            long began = System.nanoTime();
            try {
                if (s3 == null) {
                    s3 = StoreClients.s3(store);
                }
                listOnce(s3, began);
                lastListing = System.nanoTime();
            } catch (RuntimeException e) {
                // the store is down (an outage we made): next round
            }
            sleepRest(began);
        }
        if (s3 != null) {
            s3.close();
        }
    }

    private void listOnce(S3Client s3, long now) {
        while (landedPrefix < expected.size() && landedAt.containsKey(expected.get(landedPrefix))) {
            landedPrefix++;
        }
        String after = landedPrefix == 0 ? null : expected.get(landedPrefix - 1);
        String token = null;
        do {
            String t = token;
            ListObjectsV2Response page = s3.listObjectsV2(b -> b.bucket(Workload.BUCKET).prefix(prefix)
                    .startAfter(t == null ? after : null).continuationToken(t));
            for (S3Object o : page.contents()) {
                landedAt.putIfAbsent(o.key(), now);
            }
            token = page.isTruncated() ? page.nextContinuationToken() : null;
        } while (token != null && running);
    }

    private void sleepRest(long began) {
        long rest = intervalNanos - (System.nanoTime() - began);
        if (rest > 0) {
            try {
                Thread.sleep(rest / 1_000_000, (int) (rest % 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                running = false;
            }
        }
    }

    /** Key to the nanoTime of the first listing that showed it. */
    Map<String, Long> landedAt() {
        return landedAt;
    }

    /** nanoTime of the last listing that succeeded (0 before the first). */
    long lastListing() {
        return lastListing;
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.join(30_000);
    }
}
