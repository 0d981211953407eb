package io.srrrs.topology;

import io.srrrs.crypto.CiphertextChunk;
import io.srrrs.schemas.EncryptedChunk;
import io.srrrs.schemas.ObjectStart;
import io.srrrs.schemas.PayloadReference;

import java.nio.ByteBuffer;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Where the EncryptedChunks of the reference being processed go: forwarded in order to the chunk
 * topic (keyed by bucket/key, so one object stays in one partition), counted, and, when the
 * object is given up after some were sent, closed by an abandon marker so the sink drops them.
 * One reference at a time: {@link #begin} starts the count again.
 */
final class ChunkOutput {

    private final ProcessorContext<Object, Object> context;
    private final TopologyMetrics metrics;
    private PayloadReference ref;
    private String recordKey;
    private long timestamp;
    private long sent;
    private long ciphertextBytes;

    ChunkOutput(ProcessorContext<Object, Object> context, TopologyMetrics metrics) {
        this.context = context;
        this.metrics = metrics;
    }

    /** Forgets the last reference's chunks: none of this attempt's are in the transaction yet. */
    void reset() {
        ref = null;
        sent = 0;
        ciphertextBytes = 0;
    }

    /** The chunks of {@code reference}'s object come next, stamped {@code timestamp}. */
    void begin(PayloadReference reference, long timestamp) {
        reset();
        this.ref = reference;
        this.recordKey = reference.getBucket() + "/" + reference.getKey();
        this.timestamp = timestamp;
    }

    /**
     * Forwards the next chunk; chunk 0 carries {@code start}, the last the lengths.
     *
     * @param plaintextLength the whole object's plaintext length, read only for the last chunk
     */
    void forward(CiphertextChunk chunk, ObjectStart start, long plaintextLength) {
        EncryptedChunk value = EncryptedChunk.newBuilder()
                .setReferenceId(ref.getId()).setBucket(ref.getBucket()).setKey(ref.getKey())
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

    /** Chunks forwarded for the current reference (in this attempt). */
    long sent() {
        return sent;
    }

    /** Their ciphertext bytes. */
    long ciphertextBytes() {
        return ciphertextBytes;
    }

    /** Tells the sink to drop what it got of the object the topology gave up on; nothing if it got nothing. */
    void abandon() {
        if (sent == 0) {
            return;
        }
        EncryptedChunk marker = EncryptedChunk.newBuilder()
                .setReferenceId(ref.getId()).setBucket(ref.getBucket()).setKey(ref.getKey())
                .setSequence(sent).setLast(true).setAborted(true).setStart(null)
                .setCiphertext(ByteBuffer.allocate(0)).build();
        context.forward(new Record<Object, Object>(recordKey, marker, timestamp), EncryptionTopology.CHUNK_SINK);
        metrics.abandoned();
    }
}
