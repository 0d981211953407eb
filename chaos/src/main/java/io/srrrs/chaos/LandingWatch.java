package io.srrrs.chaos;

import io.srrrs.store.StoreClients;
import io.srrrs.store.StoreConfig;

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
    private final Map<String, Long> landedAt = new ConcurrentHashMap<>();
    private final Thread thread;
    private volatile boolean running = true;
    private volatile long lastListing;

    LandingWatch(StoreConfig store) {
        this.store = store;
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
        String token = null;
        do {
            String t = token;
            ListObjectsV2Response page = s3.listObjectsV2(b -> b.bucket(Workload.BUCKET).prefix(PREFIX)
                    .continuationToken(t));
            for (S3Object o : page.contents()) {
                landedAt.putIfAbsent(o.key(), now);
            }
            token = page.isTruncated() ? page.nextContinuationToken() : null;
        } while (token != null && running);
    }

    private void sleepRest(long began) {
        long rest = 1_000_000_000L - (System.nanoTime() - began);
        if (rest > 0) {
            try {
                Thread.sleep(rest / 1_000_000);
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
