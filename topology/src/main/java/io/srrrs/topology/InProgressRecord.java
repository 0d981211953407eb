package io.srrrs.topology;

import io.srrrs.crypto.format.OutputFormat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/**
 * What the store of objects in progress keeps of one object (key: its reference id): enough to
 * re-encrypt it from the start after a crash or rebalance, and to dead-letter it with the input's
 * coordinates when no record context is at hand (a punctuation has none). Encoded small and
 * versioned, the version byte first, so that a later layout can still read this one.
 *
 * @param attempt   the attempt whose chunks are (being) committed: 0 first, each restart + 1
 * @param bucket    the object's bucket, for an abandon marker without decoding {@code value}
 * @param key       its key
 * @param topic     the input record's topic
 * @param partition its partition
 * @param offset    its offset
 * @param timestamp its timestamp (the chunks carry it)
 * @param value     its value as read: the PayloadReference in the Confluent wire format
 * @param format    the output format's id the first attempt chose (the reference's or the default
 *                  then): every attempt writes the same format, whatever the default is by then
 */
record InProgressRecord(int attempt, String bucket, String key, String topic, int partition, long offset,
                        long timestamp, byte[] value, String format) {

    static final byte VERSION = 2;
    /** Version 1 had no format: its objects were all format v1. */
    private static final byte VERSION_WITHOUT_FORMAT = 1;

    /** The same object under its next attempt (in the same format; the encryption starts afresh). */
    InProgressRecord nextAttempt() {
        return new InProgressRecord(attempt + 1, bucket, key, topic, partition, offset, timestamp, value, format);
    }

    /** Where the chunks go: one object per bucket/key (the chunk topic's record key). */
    String target() {
        return bucket + "/" + key;
    }

    /** The input record as the DLQ writer wants it. */
    Record<byte[], byte[]> inputRecord() {
        return new Record<>(null, value, timestamp);
    }

    /** The input's coordinates as the DLQ writer wants them. */
    RecordMetadata inputMetadata() {
        return new RecordMetadata() {
            @Override
            public String topic() {
                return topic;
            }

            @Override
            public int partition() {
                return partition;
            }

            @Override
            public long offset() {
                return offset;
            }
        };
    }

    byte[] encode() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 + value.length);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(VERSION);
            out.writeInt(attempt);
            out.writeUTF(bucket);
            out.writeUTF(key);
            out.writeUTF(topic);
            out.writeInt(partition);
            out.writeLong(offset);
            out.writeLong(timestamp);
            out.writeInt(value.length);
            out.write(value);
            out.writeUTF(format);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a byte array does not fail
        }
        return bytes.toByteArray();
    }

    /** @throws IllegalArgumentException for bytes this version did not write */
    static InProgressRecord decode(byte[] encoded) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(encoded))) {
            byte version = in.readByte();
            if (version != VERSION && version != VERSION_WITHOUT_FORMAT) {
                throw new IllegalArgumentException("object-in-progress record of version " + version + ", expected "
                        + VERSION_WITHOUT_FORMAT + " or " + VERSION);
            }
            int attempt = in.readInt();
            String bucket = in.readUTF();
            String key = in.readUTF();
            String topic = in.readUTF();
            int partition = in.readInt();
            long offset = in.readLong();
            long timestamp = in.readLong();
            byte[] value = new byte[in.readInt()];
            in.readFully(value);
            String format = version == VERSION ? in.readUTF() : OutputFormat.SRRRS_V1.id();
            return new InProgressRecord(attempt, bucket, key, topic, partition, offset, timestamp, value, format);
        } catch (IOException e) {
            throw new IllegalArgumentException("truncated object-in-progress record", e);
        }
    }
}
