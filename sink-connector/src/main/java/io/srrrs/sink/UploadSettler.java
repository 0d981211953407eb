package io.srrrs.sink;

import io.srrrs.store.StoreException;

import java.util.List;
import org.apache.kafka.connect.errors.RetriableException;
import org.apache.kafka.connect.sink.SinkTaskContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a finished upload means, decided on the task thread, the only one that touches
 * {@link PartitionState}: a success finishes its object (or, for a part, may make its completion
 * due); a transient failure keeps the upload and its bytes for a retry, and the next {@code put()}
 * throws a {@link RetriableException} so that Connect backs off, then sends it again; a failure
 * for good (or one that keeps coming while the store answers others, or an unforeseen one
 * {@code srrrs.record.max.attempts} times) drops the object and reports its record with the reason.
 */
final class UploadSettler {

    private static final Logger LOG = LoggerFactory.getLogger(UploadSettler.class);
    /** How long the task thread waits for one upload to come back before looking again. */
    private static final long POLL_MILLIS = 100;

    private final Uploads uploads;
    private final Refusals refusals;
    private final SinkTaskContext context;
    private final int maxAttempts;
    private final long backoffMillis;
    private final long outageBackoffMillis;
    private final SinkMetrics metrics;
    /** Why the latest retry is pending, and the backoff asked of Connect for it. */
    private String pendingReason;
    private long pendingBackoff;
    private RuntimeException pendingCause;

    UploadSettler(Uploads uploads, Refusals refusals, SinkTaskContext context, S3SinkConfig config,
                  SinkMetrics metrics) {
        this.metrics = metrics;
        this.uploads = uploads;
        this.refusals = refusals;
        this.context = context;
        this.maxAttempts = config.getInt(S3SinkConfig.RECORD_MAX_ATTEMPTS);
        this.backoffMillis = config.getLong(S3SinkConfig.RETRY_BACKOFF);
        this.outageBackoffMillis = config.getLong(S3SinkConfig.RETRY_BACKOFF_MAX);
    }

    /**
     * At the start of {@code put()}: uploads that came back are settled; if one failed and will be
     * retried, the batch is refused with a {@link RetriableException} (Connect backs off and hands
     * it over again, its applied records skipped); uploads whose failure was answered so already
     * have had that backoff and are sent again.
     */
    void beforePut() {
        collect();
        throwIfNewRetry();
        for (UploadJob j : uploads.retryPending()) {
            LOG.debug("sending {} again", j);
            metrics.retried(1);
            uploads.resubmit(j);
        }
    }

    /**
     * Before a record is applied (it may hand one upload over): waits while {@code concurrency}
     * uploads are in flight, settling those that come back. Throws before the record is applied,
     * so that its redelivery applies it once.
     */
    void awaitRoom() {
        collect();
        throwIfNewRetry();
        while (uploads.full()) {
            if (!uploads.retryPending().isEmpty()) {
                announce(); // nothing running can free a place until Connect's backoff sends them again
            }
            UploadJob job = uploads.next(POLL_MILLIS);
            if (job != null) {
                settle(job);
                throwIfNewRetry();
            }
        }
    }

    /** Settles every upload that came back, without waiting. */
    void collect() {
        for (UploadJob job = uploads.next(0); job != null; job = uploads.next(0)) {
            settle(job);
        }
    }

    /**
     * Waits up to {@code millis} until no upload is running (retries waiting excepted), settling
     * them as they come back; then throws as {@code put()} would if one waits for a retry.
     */
    void awaitIdle(long millis) {
        long deadline = System.currentTimeMillis() + millis;
        while (uploads.outstanding() > uploads.retryPending().size() && System.currentTimeMillis() < deadline) {
            UploadJob job = uploads.next(POLL_MILLIS);
            if (job != null) {
                settle(job);
            }
        }
        collect();
        uploads.awaitAborts(Math.max(0, deadline - System.currentTimeMillis()));
        throwIfNewRetry();
    }

    private void settle(UploadJob job) {
        ObjectAssembly a = job.object;
        RuntimeException failure = job.failure();
        if (a.dropped || failure == null) {
            if (job.sent() && job.kind != UploadJob.Kind.COMPLETE) {
                metrics.uploaded(job.kind, job.length); // its bytes went up, even if its object was dropped since
                if (a.dropped) {
                    metrics.discarded(job.length);
                } else {
                    a.uploadedBytes += job.length;
                }
            }
            uploads.taken(job);
            job.release(); // a part's bytes go back to the budget only now
            if (!a.dropped) {
                succeeded(job);
            }
            return;
        }
        if (failure instanceof StoreException e) {
            String bucket = a.identity.bucket();
            if (e.isTransient() && !refusals.storeAnswersOthers(job.record, bucket, job.state)) {
                retry(job, outageBackoffMillis, "store unavailable, the upload of " + job
                        + " will be retried: " + e.getMessage(), e);
                return;
            }
            giveUp(job, Refusals.storeRefused(e));
            return;
        }
        int attempts = job.state.failed(job.record.kafkaOffset());
        String what = Refusals.describe(failure);
        if (attempts < maxAttempts) {
            LOG.warn("{} failed (attempt {} of {}), it will be retried: {}", job, attempts, maxAttempts, what);
            retry(job, backoffMillis, "chunk at " + ChunkRecord.where(job.record) + " failed, it will be retried: "
                    + what, failure);
            return;
        }
        giveUp(job, Refusals.gaveUp(attempts, failure));
    }

    private void succeeded(UploadJob job) {
        ObjectAssembly a = job.object;
        if (job.kind == UploadJob.Kind.UPLOAD_PART) {
            a.parts.put(job.partNumber, job.uploaded());
            if (a.readyToComplete()) {
                uploads.submit(new UploadJob(UploadJob.Kind.COMPLETE, a, job.state, a.lastRecord, null, 0));
            }
            return;
        }
        job.state.settled(job.record.kafkaOffset());
        if (job.state.uploading.remove(a)) {
            job.state.finish(a.firstOffset, a.span.last);
        }
        metrics.written(a);
        LOG.debug("wrote {} ({} bytes)", a, a.bytes);
    }

    private void retry(UploadJob job, long backoff, String reason, RuntimeException cause) {
        job.retryPending = true;
        pendingReason = reason;
        pendingBackoff = backoff;
        pendingCause = cause;
    }

    private void giveUp(UploadJob job, ChunkRefusedException reason) {
        uploads.taken(job);
        job.release();
        refusals.refuseUpload(job.object, job.state, job.record, reason);
    }

    private void throwIfNewRetry() {
        List<UploadJob> pending = uploads.retryPending();
        if (pending.stream().anyMatch(j -> !j.retryAnnounced)) {
            announce();
        }
    }

    private void announce() {
        uploads.retryPending().forEach(j -> j.retryAnnounced = true);
        context.timeout(pendingBackoff);
        throw new RetriableException(pendingReason, pendingCause);
    }
}
