package io.srrrs.topology;

import io.srrrs.crypto.CiphertextChunk;
import io.srrrs.schemas.EncryptedChunk;
import io.srrrs.schemas.ObjectStart;

import java.nio.ByteBuffer;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Where the EncryptedChunks of the reference being processed go: forwarded in order to the chunk
 * topic (keyed by bucket/key, so one object stays in one partition), counted, and, when the
 * object is given up after some were sent, closed by an abandon marker so the sink drops them.
 * One object's attempt at a time, and its counts go on across the transactions its slices are
 * committed in; every chunk carries the attempt, so the sink can drop a superseded one (D49).
 */
final class ChunkOutput {

    private final ProcessorContext<Object, Object> context;
    private final TopologyMetrics metrics;
    private String referenceId;
    private String bucket;
    private String key;
    private String recordKey;
    private long timestamp;
    private int attempt;
    private long sent;
    private long ciphertextBytes;

    ChunkOutput(ProcessorContext<Object, Object> context, TopologyMetrics metrics) {
        this.context = context;
        this.metrics = metrics;
    }

    /** The chunks of the object {@code stored} names come next, under its attempt, stamped with its timestamp. */
    void begin(InProgressRecord stored, String id) {
        this.referenceId = id;
        this.bucket = stored.bucket();
        this.key = stored.key();
        this.recordKey = stored.target();
        this.timestamp = stored.timestamp();
        this.attempt = stored.attempt();
        this.sent = 0;
        this.ciphertextBytes = 0;
    }

    /**
     * Forwards the next chunk; chunk 0 carries {@code start}, the last the lengths.
     *
     * @param plaintextLength the whole object's plaintext length, read only for the last chunk
     */
    void forward(CiphertextChunk chunk, ObjectStart start, long plaintextLength) {
        EncryptedChunk value = EncryptedChunk.newBuilder()
                .setReferenceId(referenceId).setBucket(bucket).setKey(key).setAttempt(attempt)
                .setSequence(chunk.sequence()).setLast(chunk.last()).setAborted(false)
                .setStart(chunk.sequence() == 0 ? start : null)
                .setCiphertext(ByteBuffer.wrap(chunk.bytes()))
                .setPlaintextLength(chunk.last() ? plaintextLength : null)
                .setObjectLength(chunk.last() ? ciphertextBytes + chunk.bytes().length : null)
                .build();
        context.forward(new Record<Object, Object>(recordKey, value, timestamp), EncryptionTopology.CHUNK_SINK);
        sent++;
        ciphertextBytes += chunk.bytes().length;
    }

    /** Chunks forwarded of this attempt (in this and earlier transactions). */
    long sent() {
        return sent;
    }

    /** Their ciphertext bytes. */
    long ciphertextBytes() {
        return ciphertextBytes;
    }

    /**
     * Tells the sink to drop what it got of the object the topology gave up on; nothing if it got
     * nothing: no chunk of this attempt, and no earlier attempt (whose chunks may be committed).
     */
    void abandon() {
        if (sent == 0 && attempt == 0) {
            return;
        }
        abandonAlways();
    }

    /** The abandon marker whatever was sent in this attempt: for an object whose earlier slices may be committed. */
    void abandonAlways() {
        EncryptedChunk marker = EncryptedChunk.newBuilder()
                .setReferenceId(referenceId).setBucket(bucket).setKey(key).setAttempt(attempt)
                .setSequence(sent).setLast(true).setAborted(true).setStart(null)
                .setCiphertext(ByteBuffer.allocate(0)).build();
        context.forward(new Record<Object, Object>(recordKey, marker, timestamp), EncryptionTopology.CHUNK_SINK);
        metrics.abandoned();
    }
}
