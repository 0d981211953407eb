package io.srrrs.serdes;

import java.nio.ByteBuffer;

/**
 * The Confluent wire format: {@code 0x00 ‖ u32 schema id ‖ Avro binary}. Readers refuse any other
 * first byte: a record written by something else is not guessed at.
 */
public final class WireFormat {

    public static final byte MAGIC = 0;
    public static final int HEADER_LENGTH = 5;

    private WireFormat() {
    }

    /** The schema id of a framed record. */
    public static int schemaId(byte[] framed) {
        if (framed == null || framed.length < HEADER_LENGTH) {
            throw new MalformedRecordException("record is " + (framed == null ? "null" : framed.length + " bytes")
                    + ", shorter than the 5-byte Confluent wire-format header");
        }
        if (framed[0] != MAGIC) {
            throw new MalformedRecordException(String.format("record starts with 0x%02x, not the Confluent wire-format "
                    + "magic byte 0x00 (not written by an Avro schema-registry serializer)", framed[0] & 0xFF));
        }
        return ByteBuffer.wrap(framed, 1, 4).getInt();
    }

    static byte[] header(int schemaId) {
        return ByteBuffer.allocate(HEADER_LENGTH).put(MAGIC).putInt(schemaId).array();
    }
}
