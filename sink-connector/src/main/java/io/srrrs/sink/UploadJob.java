package io.srrrs.sink;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.connect.sink.SinkRecord;
import software.amazon.awssdk.services.s3.model.CompletedPart;

/**
 * One store upload of one object (its PutObject, one UploadPart, or its CompleteMultipartUpload)
 * and its outcome. Made and settled on the task thread, run on an upload thread of
 * {@link Uploads}; the hand-off queue between them orders the writes of {@link #run} before the
 * task thread reads them. It owns its {@link PartBuffer} until the upload succeeded or its object
 * is dropped, so that a retry sends the same bytes again.
 */
final class UploadJob {

    enum Kind { PUT_OBJECT, UPLOAD_PART, COMPLETE }

    final Kind kind;
    final ObjectAssembly object;
    final PartitionState state;
    /** The record that made this upload due, without its ciphertext: what a refusal reports. */
    final SinkRecord record;
    /** The bytes, for PUT_OBJECT and UPLOAD_PART; null for COMPLETE. */
    private PartBuffer buffer;
    final int partNumber;
    /** The ciphertext bytes it sends (0 for COMPLETE), known when submitted: what the metrics count. */
    final long length;

    /** Set by the upload thread: the part's ETag, or why the upload failed. */
    private CompletedPart uploaded;
    private RuntimeException failure;
    /** Its bytes reached the store in this run (not so when its object was dropped before it ran). */
    private boolean sent;
    /** Done when the current run is over and handed back (made anew for each run). */
    CompletableFuture<Void> running;
    /** Failed and waiting to be sent again (task thread only). */
    boolean retryPending;
    /** That failure has been answered with a RetriableException already (task thread only). */
    boolean retryAnnounced;

    UploadJob(Kind kind, ObjectAssembly object, PartitionState state, SinkRecord record, PartBuffer buffer,
              int partNumber) {
        this.kind = kind;
        this.object = object;
        this.state = state;
        this.record = withoutValue(record);
        this.buffer = buffer;
        this.partNumber = partNumber;
        this.length = buffer == null ? 0 : buffer.size();
    }

    /** The upload itself, on an upload thread; never throws, the outcome is kept for the task thread. */
    void run(ObjectWriter writer) {
        failure = null;
        sent = false;
        if (object.dropped) {
            return; // dropped while this upload waited for its turn: nothing of it may land
        }
        try {
            switch (kind) {
                case PUT_OBJECT -> writer.putObject(object, buffer.body());
                case UPLOAD_PART -> uploaded = writer.uploadPart(object, partNumber, buffer.body());
                case COMPLETE -> writer.completeMultipartUpload(object, object.completedParts());
                default -> throw new IllegalStateException("unknown upload " + kind);
            }
            sent = true;
            if (kind != Kind.UPLOAD_PART) {
                object.settled.complete(null); // the next object of this key may go
            }
        } catch (RuntimeException e) {
            failure = e;
        }
    }

    boolean sent() {
        return sent;
    }

    RuntimeException failure() {
        return failure;
    }

    CompletedPart uploaded() {
        return uploaded;
    }

    /** Whether this upload makes its object visible: the ones ordered per key. */
    boolean finishing() {
        return kind != Kind.UPLOAD_PART;
    }

    /** Gives the part's bytes back (memory budget, spill file): after success, or when the object is dropped. */
    void release() {
        if (buffer == null) {
            return;
        }
        try {
            buffer.close();
        } catch (IOException e) {
            throw new UncheckedIOException("could not free a part buffer: " + e.getMessage(), e);
        } finally {
            buffer = null;
        }
    }

    static SinkRecord withoutValue(SinkRecord r) {
        // The ciphertext is in the part buffer already, counted against the budget; not held twice.
        return r.newRecord(r.topic(), r.kafkaPartition(), r.keySchema(), r.key(), null, null, r.timestamp(),
                r.headers());
    }

    @Override
    public String toString() {
        return (kind == Kind.UPLOAD_PART ? "part " + partNumber + " of " : kind + " of ") + object;
    }
}
