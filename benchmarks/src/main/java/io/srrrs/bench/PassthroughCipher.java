package io.srrrs.bench;

import io.srrrs.crypto.CiphertextChunk;
import io.srrrs.crypto.format.FormatHeader;
import io.srrrs.crypto.format.FormatV1;
import io.srrrs.topology.ObjectCipher;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * A cipher that does not encrypt: chunks of the same shape as format v1's (whole "segments" of
 * the same size, header bytes first), made of the plaintext itself. It exists only here, so the
 * pipeline benchmark can measure what encryption costs the topology. Never use it elsewhere.
 */
final class PassthroughCipher implements ObjectCipher {

    private static final FormatHeader FAKE_HEADER = new FormatHeader(FormatV1.DEFAULT_SEGMENT_SIZE, new byte[32],
            new byte[7], new byte[16], new byte[16], new byte[16], new byte[32]);

    @Override
    public Sealing seal(io.srrrs.crypto.kms.DataKeyPair dek, io.srrrs.crypto.format.ObjectIdentity identity,
                        io.srrrs.crypto.format.EncryptionContext context, InputStream plaintext, long lengthHint,
                        int segmentSize, int maxChunkBytes) {
        int ctSegment = segmentSize + FormatV1.TAG_LENGTH;
        int perChunk = (maxChunkBytes - FormatV1.HEADER_LENGTH) / ctSegment;
        int maxChunk = FormatV1.HEADER_LENGTH + perChunk * ctSegment;
        return new Sealing() {
            // Sized like ChunkingEncryptor's: to the object when its length is known.
            byte[] buffer = new byte[lengthHint >= 0
                    ? (int) Math.min(maxChunk, FormatV1.HEADER_LENGTH + lengthHint
                            + Math.max(1, (lengthHint + segmentSize - 1) / segmentSize) * FormatV1.TAG_LENGTH)
                    : FormatV1.HEADER_LENGTH + ctSegment];
            long sequence;
            long length;
            boolean done;
            int carry = -1;

            @Override
            public FormatHeader header() {
                return FAKE_HEADER;
            }

            @Override
            public CiphertextChunk next() throws IOException {
                if (done) {
                    return null;
                }
                int pos = sequence == 0 ? FormatV1.HEADER_LENGTH : 0;
                long covered = 0;
                for (int s = 0; s < perChunk && !done; s++) {
                    int n = 0;
                    if (carry >= 0) {
                        ensure(pos + 1 + FormatV1.TAG_LENGTH);
                        buffer[pos] = (byte) carry;
                        carry = -1;
                        n = 1;
                    }
                    while (n < segmentSize) {
                        if (pos + n + FormatV1.TAG_LENGTH == buffer.length) {
                            int b = plaintext.read();
                            if (b < 0) {
                                break;
                            }
                            ensure(buffer.length + 1);
                            buffer[pos + n++] = (byte) b;
                            continue;
                        }
                        int want = Math.min(segmentSize - n, buffer.length - FormatV1.TAG_LENGTH - pos - n);
                        int got = plaintext.readNBytes(buffer, pos + n, want);
                        n += got;
                        if (got < want) {
                            break;
                        }
                    }
                    if (n < segmentSize) {
                        done = true;
                    } else {
                        int b = plaintext.read();
                        if (b < 0) {
                            done = true;
                        } else {
                            carry = b;
                        }
                    }
                    pos += n + FormatV1.TAG_LENGTH; // same size as a sealed segment; the "tag" is whatever
                    covered += n;
                }
                length += covered;
                byte[] bytes;
                if (pos == buffer.length) {
                    bytes = buffer;
                    buffer = new byte[Math.min(maxChunk, buffer.length)];
                } else {
                    bytes = Arrays.copyOf(buffer, pos);
                }
                return new CiphertextChunk(sequence++, done, bytes, covered);
            }

            private void ensure(int size) {
                if (buffer.length < size) {
                    buffer = Arrays.copyOf(buffer, Math.min(maxChunk, Math.max(size, buffer.length * 2)));
                }
            }

            @Override
            public long plaintextLength() {
                return length;
            }

            @Override
            public byte[] sseCKey() {
                throw new UnsupportedOperationException("the passthrough cipher has no keys");
            }

            @Override
            public void close() throws IOException {
                plaintext.close();
            }
        };
    }
}
