package io.srrrs.topology;

import io.srrrs.crypto.ChunkingEncryptor;
import io.srrrs.crypto.CiphertextChunk;
import io.srrrs.crypto.ObjectEncryptor;
import io.srrrs.crypto.format.ContentFormat;
import io.srrrs.crypto.format.EncryptionContext;
import io.srrrs.crypto.format.ObjectIdentity;
import io.srrrs.crypto.format.OutputFormat;
import io.srrrs.crypto.kms.DataKeyPair;

import java.io.IOException;
import java.io.InputStream;

/**
 * What turns one payload into chunks. The topology always uses {@link #ENVELOPE}, format v1
 * through {@code crypto/}; the seam exists so the pipeline benchmark can measure the same
 * topology with a cipher that does nothing, and nowhere else. S3EC objects do not go through the
 * seam ({@link #seal(OutputFormat, DataKeyPair, ObjectIdentity, EncryptionContext, InputStream, long, int, int)}):
 * nothing measures them without their cipher.
 */
@FunctionalInterface
public interface ObjectCipher {

    /** @param lengthHint the plaintext's length if the source said so, else -1 */
    Sealing seal(DataKeyPair dek, ObjectIdentity identity, EncryptionContext context, InputStream plaintext,
                 long lengthHint, int segmentSize, int maxChunkBytes);

    /** The object in {@code format}: format v1 through this cipher, an S3EC format through {@link S3ecSealing}. */
    default Sealing seal(OutputFormat format, DataKeyPair dek, ObjectIdentity identity, EncryptionContext context,
                         InputStream plaintext, long lengthHint, int segmentSize, int maxChunkBytes) {
        if (format.isS3ec()) {
            return S3ecSealing.open(format, dek, identity, plaintext, lengthHint, maxChunkBytes);
        }
        return seal(dek, identity, context, plaintext, lengthHint, segmentSize, maxChunkBytes);
    }

    /** One object being sealed: its header, then its chunks in order, the last marked. */
    interface Sealing extends AutoCloseable {
        /**
         * What the object's metadata says its body is: the v1 header (also chunk 0's first bytes),
         * or the S3EC content parameters.
         */
        ContentFormat content();

        /** The next chunk, or null after the last. */
        CiphertextChunk next() throws IOException;

        /** Plaintext bytes read so far (the object's length after the last chunk). */
        long plaintextLength();

        /** The object's SSE-C key (docs/FORMAT.md §8); the caller zeroes it. */
        byte[] sseCKey();

        @Override
        void close() throws IOException;
    }

    /** Envelope encryption in format v1. The DEK may be closed as soon as this returns. */
    ObjectCipher ENVELOPE = (dek, identity, context, plaintext, lengthHint, segmentSize, maxChunkBytes) -> {
        ObjectEncryptor encryptor = ObjectEncryptor.create(dek, identity, context, segmentSize);
        ChunkingEncryptor chunks = encryptor.chunks(plaintext, maxChunkBytes, lengthHint);
        return new Sealing() {
            @Override
            public ContentFormat content() {
                return encryptor.header();
            }

            @Override
            public CiphertextChunk next() throws IOException {
                return chunks.next();
            }

            @Override
            public long plaintextLength() {
                return chunks.plaintextLength();
            }

            @Override
            public byte[] sseCKey() {
                return encryptor.sseCKey();
            }

            @Override
            public void close() throws IOException {
                try {
                    chunks.close();
                } finally {
                    encryptor.close();
                }
            }
        };
    };
}
