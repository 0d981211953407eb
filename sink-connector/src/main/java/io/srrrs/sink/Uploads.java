package io.srrrs.sink;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The task's uploads in flight: a small executor of its own, at most {@code concurrency} uploads
 * submitted and not yet seen finished (those waiting for a retry included), the finishing writes
 * of one key chained in submission order, and the hand-off of finished uploads to the task thread.
 * Every method but the upload threads' own work is called on the task thread only.
 */
final class Uploads {

    private static final Logger LOG = LoggerFactory.getLogger(Uploads.class);

    private final ObjectWriter writer;
    private final int concurrency;
    private final ExecutorService executor;
    private final BlockingQueue<UploadJob> finished = new LinkedBlockingQueue<>();
    /** Submitted and not yet taken back by the task thread, in submission order. */
    private final Set<UploadJob> outstanding = new LinkedHashSet<>();
    /** Per bucket/key: the latest object whose final write was submitted; the next one waits for it. */
    private final Map<String, ObjectAssembly> lastOfKey = new HashMap<>();
    /** Aborts of dropped objects, each run once that object's uploads in flight were over. */
    private final List<CompletableFuture<Void>> pendingAborts = new ArrayList<>();

    Uploads(ObjectWriter writer, int concurrency) {
        this.writer = writer;
        this.concurrency = concurrency;
        AtomicInteger n = new AtomicInteger();
        ThreadFactory threads = r -> {
            Thread t = new Thread(r, "srrrs-sink-upload-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
        this.executor = Executors.newFixedThreadPool(concurrency, threads);
    }

    /** Whether {@code concurrency} uploads are in flight: no new one may be submitted. */
    boolean full() {
        return outstanding.size() >= concurrency;
    }

    int outstanding() {
        return outstanding.size();
    }

    /**
     * Hands an upload to the executor. A final write waits for the final write of the previous
     * object of its key (done or dropped), so that the store sees them in partition order.
     */
    void submit(UploadJob job) {
        job.running = new CompletableFuture<>();
        outstanding.add(job);
        job.object.inFlight.add(job);
        if (!job.finishing()) {
            executor.execute(() -> runAndHandBack(job));
            return;
        }
        ObjectAssembly before = job.object.previousOfKey;
        CompletableFuture<Void> previous = before == null ? CompletableFuture.completedFuture(null) : before.settled;
        previous.whenComplete((ok, e) -> {
            job.object.previousOfKey = null; // settled: no chain of older objects kept alive behind it
            executor.execute(() -> runAndHandBack(job));
        });
    }

    /**
     * The object's place in its key's order, taken at its last chunk on the task thread, so in
     * partition order: its final write will wait for the previous object of the key. Taken here,
     * not when the final write is submitted, because a multipart object submits its Complete only
     * once its parts are in, and a later small object of the key must not overtake it meanwhile.
     */
    void takePlaceInKeyOrder(ObjectAssembly a) {
        ObjectAssembly before = lastOfKey.put(a.storeKey(), a);
        a.previousOfKey = before == a ? null : before;
    }

    /** Sends a failed upload again: it kept its place in the in-flight count, its key's order and its bytes. */
    void resubmit(UploadJob job) {
        job.retryPending = false;
        job.retryAnnounced = false;
        job.running = new CompletableFuture<>();
        executor.execute(() -> runAndHandBack(job));
    }

    private void runAndHandBack(UploadJob job) {
        CompletableFuture<Void> run = job.running; // this run's: a resubmit after the hand-back makes a new one
        try {
            job.run(writer);
        } finally {
            finished.add(job);
            run.complete(null);
        }
    }

    /** A finished upload, waiting up to {@code timeoutMillis} for one; null if none came. */
    UploadJob next(long timeoutMillis) {
        try {
            return timeoutMillis <= 0 ? finished.poll() : finished.poll(timeoutMillis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** The upload is over for good (succeeded, or its object dropped): no longer in flight. */
    void taken(UploadJob job) {
        outstanding.remove(job);
        job.object.inFlight.remove(job);
        ObjectAssembly last = lastOfKey.get(job.object.storeKey());
        if (last == job.object && job.object.settled.isDone()) {
            lastOfKey.remove(job.object.storeKey());
        }
    }

    /** Failed uploads waiting to be sent again. */
    List<UploadJob> retryPending() {
        List<UploadJob> out = new ArrayList<>();
        for (UploadJob j : outstanding) {
            if (j.retryPending) {
                out.add(j);
            }
        }
        return out;
    }

    /** Uploads in flight for {@code state}'s partition (waiting retries included). */
    List<UploadJob> of(PartitionState state) {
        List<UploadJob> out = new ArrayList<>();
        for (UploadJob j : outstanding) {
            if (j.state == state) {
                out.add(j);
            }
        }
        return out;
    }

    /** The multipart uploads this task still owns: never aborted as left by a crash. */
    Set<String> liveUploadIds() {
        Set<String> live = new HashSet<>();
        for (UploadJob j : outstanding) {
            if (j.object.uploadId != null) {
                live.add(j.object.uploadId);
            }
        }
        return live;
    }

    /**
     * Drops an object whose uploads may be in flight: {@code abort} runs once every one of them
     * finished, so that no upload of it lands after its abort; its key's next object goes on.
     * A final write not yet started sees the object dropped and does nothing.
     */
    void afterInFlight(ObjectAssembly a, Runnable abort) {
        a.dropped = true;
        a.settled.complete(null);
        lastOfKey.remove(a.storeKey(), a);
        List<CompletableFuture<Void>> running = new ArrayList<>();
        for (UploadJob j : a.inFlight) {
            if (!j.retryPending) {
                running.add(j.running); // a waiting retry is not running, and is never sent again
            }
        }
        if (running.isEmpty()) {
            abort.run();
            return;
        }
        pendingAborts.removeIf(CompletableFuture::isDone);
        pendingAborts.add(CompletableFuture.allOf(running.toArray(CompletableFuture[]::new))
                .handle((ok, e) -> null).thenRunAsync(abort, executor));
    }

    /** Waits up to {@code millis} for the aborts chained after uploads in flight. */
    void awaitAborts(long millis) {
        pendingAborts.removeIf(CompletableFuture::isDone);
        if (!pendingAborts.isEmpty()) {
            waitFor(new ArrayList<>(pendingAborts), millis);
            pendingAborts.removeIf(CompletableFuture::isDone);
        }
    }

    /** Waits up to {@code millis} for the uploads of {@code jobs} that are running to finish. */
    static void await(List<UploadJob> jobs, long millis) {
        List<CompletableFuture<Void>> running = new ArrayList<>();
        for (UploadJob j : jobs) {
            if (!j.retryPending) {
                running.add(j.running);
            }
        }
        waitFor(running, millis);
    }

    private static void waitFor(List<CompletableFuture<Void>> running, long millis) {
        if (running.isEmpty()) {
            return;
        }
        try {
            CompletableFuture.allOf(running.toArray(CompletableFuture[]::new)).get(millis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            LOG.warn("{} uploads or aborts still running after {} ms: their objects are dropped, their multipart uploads"
                    + " aborted later or by the next start's sweep", running.size(), millis);
        }
    }

    /** Stops the upload threads, waiting up to {@code millis} for uploads still running. */
    void shutdown(long millis) {
        executor.shutdown();
        try {
            if (!executor.awaitTermination(millis, TimeUnit.MILLISECONDS)) {
                LOG.warn("uploads still running after {} ms at stop: interrupted; their objects are written again by"
                        + " the next owner of their partitions", millis);
                executor.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            executor.shutdownNow();
        }
    }
}
