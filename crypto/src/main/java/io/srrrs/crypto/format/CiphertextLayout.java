package io.srrrs.crypto.format;

import io.srrrs.crypto.CiphertextException;
import io.srrrs.crypto.CiphertextException.Failure;

/**
 * Where things are in a v1 object body of a given segment size (docs/FORMAT.md §5):
 * {@code header ‖ segment 0 ‖ … ‖ segment n-1}, every segment but the last holding exactly
 * {@code segmentSize} plaintext bytes plus a 16-byte tag, the last holding 0 to segmentSize.
 * An empty plaintext is one empty final segment (just its tag).
 */
public record CiphertextLayout(int segmentSize) {

    public CiphertextLayout {
        FormatHeader.requireSegmentSize(segmentSize);
    }

    public int ciphertextSegmentSize() {
        return segmentSize + FormatV1.TAG_LENGTH;
    }

    /** Number of segments for a plaintext: max(1, ceil(p / segmentSize)). */
    public long segmentCount(long plaintextLength) {
        if (plaintextLength < 0) {
            throw new IllegalArgumentException("negative length");
        }
        return Math.max(1, (plaintextLength + segmentSize - 1) / segmentSize);
    }

    /** Object length (header included) for a plaintext of {@code plaintextLength} bytes. */
    public long objectLength(long plaintextLength) {
        long segments = segmentCount(plaintextLength);
        if (segments > FormatV1.MAX_SEGMENTS) {
            throw new IllegalArgumentException("plaintext exceeds the v1 limit of 2^32 segments");
        }
        return FormatV1.HEADER_LENGTH + plaintextLength + segments * FormatV1.TAG_LENGTH;
    }

    /** Offset in the object of segment {@code index}'s first byte. */
    public long segmentOffset(long index) {
        return FormatV1.HEADER_LENGTH + index * ciphertextSegmentSize();
    }

    /**
     * Number of physical segments in an object of {@code objectLength} bytes; the last one may be
     * a fragment too short for a tag, which {@link #plaintextLength} refuses.
     */
    public long physicalSegmentCount(long objectLength) {
        long body = objectLength - FormatV1.HEADER_LENGTH;
        return body <= 0 ? 0 : (body + ciphertextSegmentSize() - 1) / ciphertextSegmentSize();
    }

    /** Plaintext length of a well-formed object of {@code objectLength} bytes. */
    public long plaintextLength(long objectLength) throws CiphertextException {
        long body = objectLength - FormatV1.HEADER_LENGTH;
        if (body < FormatV1.TAG_LENGTH) {
            throw CiphertextException.of(Failure.TRUNCATED, "object is " + objectLength
                    + " bytes: too short for a header and one segment");
        }
        long segments = physicalSegmentCount(objectLength);
        if (segments > FormatV1.MAX_SEGMENTS) {
            throw CiphertextException.of(Failure.EXTENDED, "object holds more than 2^32 segments");
        }
        long lastLength = body - (segments - 1) * ciphertextSegmentSize();
        if (lastLength < FormatV1.TAG_LENGTH) {
            throw CiphertextException.of(Failure.TRUNCATED, "object length " + objectLength
                    + " ends " + lastLength + " bytes into segment " + (segments - 1) + ", inside its tag");
        }
        return body - segments * FormatV1.TAG_LENGTH;
    }
}
