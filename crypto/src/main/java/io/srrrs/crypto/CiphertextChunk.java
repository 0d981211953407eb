package io.srrrs.crypto;

import java.util.Objects;

/**
 * A piece of an object body for one Kafka record: whole segments, chunk 0 starting with the
 * header. Concatenating the chunks in sequence order gives the object body.
 *
 * @param sequence       0, 1, 2, … within the object
 * @param last           true on the chunk holding the final segment
 * @param bytes          ciphertext (and, in chunk 0, the header first)
 * @param plaintextBytes plaintext bytes covered by this chunk
 */
public record CiphertextChunk(long sequence, boolean last, byte[] bytes, long plaintextBytes) {

    /** The bytes are required. */
    public CiphertextChunk {
        Objects.requireNonNull(bytes, "bytes");
    }

    @Override
    public String toString() {
        return "CiphertextChunk[" + sequence + (last ? ", last" : "") + ", " + bytes.length + " bytes]";
    }
}
