package io.srrrs.sink;

import java.util.Map;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.sink.SinkRecord;

/**
 * An EncryptedChunk as the sink sees it, read from the Struct the AvroConverter makes of it.
 *
 * @param start chunk 0's object-level fields, else null
 */
record ChunkRecord(String referenceId, String bucket, String key, long sequence, boolean last, boolean aborted,
                   Start start, byte[] ciphertext, Long objectLength) {

    /** ObjectStart: what becomes the object's metadata. */
    record Start(byte[] header, String kms, String kekId, byte[] wrappedDek, Map<String, String> encryptionContext,
                 String contentType, Map<String, String> userMetadata, boolean sseC, byte[] sealedSseCKey) {
    }

    /** Reads a record's value; a value that is not a well-formed EncryptedChunk is refused by name. */
    static ChunkRecord of(SinkRecord record) throws ChunkRefusedException {
        if (!(record.value() instanceof Struct s) || s.schema().name() == null
                || !s.schema().name().equals("io.srrrs.schemas.EncryptedChunk")) {
            throw new ChunkRefusedException(ChunkRefusedException.Reason.NOT_A_CHUNK, "record at " + where(record)
                    + " is not an io.srrrs.schemas.EncryptedChunk (set value.converter=io.srrrs.serdes.connect.AvroConverter"
                    + " and read the topology's chunk topic)");
        }
        ChunkRecord chunk;
        try {
            chunk = read(s);
        } catch (DataException | ClassCastException e) {
            // A struct of the right name but another shape: written by something other than the topology.
            throw new ChunkRefusedException(ChunkRefusedException.Reason.NOT_A_CHUNK, "record at " + where(record)
                    + " is an EncryptedChunk of an unknown shape: " + e.getMessage());
        }
        if (chunk.referenceId == null || chunk.referenceId.isEmpty() || chunk.bucket == null || chunk.key == null
                || chunk.ciphertext == null || chunk.sequence < 0) {
            throw new ChunkRefusedException(ChunkRefusedException.Reason.NOT_A_CHUNK, "record at " + where(record)
                    + " lacks a reference id, bucket, key, ciphertext or a sequence number >= 0");
        }
        return chunk;
    }

    @SuppressWarnings("unchecked")
    private static ChunkRecord read(Struct s) {
        Struct st = s.getStruct("start");
        Start start = st == null ? null : new Start(st.getBytes("header"), st.getString("kms"), st.getString("kekId"),
                st.getBytes("wrappedDek"), (Map<String, String>) (Map<?, ?>) st.getMap("encryptionContext"),
                st.getString("contentType"), (Map<String, String>) (Map<?, ?>) st.getMap("userMetadata"),
                Boolean.TRUE.equals(st.getBoolean("sseC")),
                st.schema().field("sealedSseCKey") == null ? null : st.getBytes("sealedSseCKey"));
        Long sequence = s.getInt64("sequence");
        return new ChunkRecord(s.getString("referenceId"), s.getString("bucket"), s.getString("key"),
                sequence == null ? -1 : sequence, Boolean.TRUE.equals(s.getBoolean("last")),
                s.schema().field("aborted") != null && Boolean.TRUE.equals(s.getBoolean("aborted")), start,
                s.getBytes("ciphertext"), s.getInt64("objectLength"));
    }

    static String where(SinkRecord r) {
        return r.topic() + "/" + r.kafkaPartition() + "@" + r.kafkaOffset();
    }
}
