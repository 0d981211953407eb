package io.srrrs.sink;

import io.srrrs.schemas.EncryptedChunk;
import io.srrrs.schemas.ObjectStart;
import io.srrrs.serdes.connect.AvroConnectData;

import java.nio.ByteBuffer;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.sink.SinkRecord;

/**
 * An EncryptedChunk as the sink sees it: the generated Avro record, read from the Struct the
 * AvroConverter makes of it (fields an older topology did not write take their schema defaults),
 * and checked to be one the topology could have written.
 */
final class ChunkRecord {

    private final EncryptedChunk value;

    private ChunkRecord(EncryptedChunk value) {
        this.value = value;
    }

    /** Reads a record's value; a value that is not a well-formed EncryptedChunk is refused by name. */
    static ChunkRecord of(SinkRecord record) throws ChunkRefusedException {
        String name = EncryptedChunk.getClassSchema().getFullName();
        if (!(record.value() instanceof Struct s) || !name.equals(s.schema().name())) {
            throw new ChunkRefusedException(ChunkRefusedException.Reason.NOT_A_CHUNK, "record at " + where(record)
                    + " is not an " + name + " (set value.converter=io.srrrs.serdes.connect.AvroConverter"
                    + " and read the topology's chunk topic)");
        }
        EncryptedChunk chunk;
        try {
            chunk = AvroConnectData.toSpecificRecord(s, EncryptedChunk.class);
        } catch (DataException | ClassCastException e) {
            // A struct of the right name but another shape: written by something other than the topology.
            throw new ChunkRefusedException(ChunkRefusedException.Reason.NOT_A_CHUNK, "record at " + where(record)
                    + " is an EncryptedChunk of an unknown shape: " + e.getMessage());
        }
        if (chunk.getReferenceId().isEmpty() || chunk.getSequence() < 0) {
            throw new ChunkRefusedException(ChunkRefusedException.Reason.NOT_A_CHUNK, "record at " + where(record)
                    + " has an empty reference id or not a sequence number >= 0");
        }
        return new ChunkRecord(chunk);
    }

    String referenceId() {
        return value.getReferenceId();
    }

    String bucket() {
        return value.getBucket();
    }

    String key() {
        return value.getKey();
    }

    long sequence() {
        return value.getSequence();
    }

    /**
     * Which attempt at the object the chunk belongs to (0 first; older writers' absent field reads
     * as 0): a restarted topology re-encrypts an object from chunk 0 under the next attempt.
     */
    int attempt() {
        return value.getAttempt();
    }

    boolean last() {
        return value.getLast();
    }

    boolean aborted() {
        return value.getAborted();
    }

    /** Chunk 0's object-level fields, else null. */
    ObjectStart start() {
        return value.getStart();
    }

    Long objectLength() {
        return value.getObjectLength();
    }

    /** On the last chunk: the whole object's plaintext bytes, as the topology counted them (or null). */
    Long plaintextLength() {
        return value.getPlaintextLength();
    }

    /** The ciphertext: the Struct's own array (wrapped on the way in), copied only if it was not whole. */
    byte[] ciphertext() {
        ByteBuffer b = value.getCiphertext();
        if (b.hasArray() && b.arrayOffset() == 0 && b.position() == 0 && b.remaining() == b.array().length) {
            return b.array();
        }
        byte[] out = new byte[b.remaining()];
        b.duplicate().get(out);
        return out;
    }

    static String where(SinkRecord r) {
        return r.topic() + "/" + r.kafkaPartition() + "@" + r.kafkaOffset();
    }
}
