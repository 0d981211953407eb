package io.srrrs.crypto;

import io.srrrs.crypto.format.EncryptionContext;
import io.srrrs.crypto.format.ObjectIdentity;
import io.srrrs.crypto.kms.DataKey;
import io.srrrs.crypto.kms.DekUsage;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;

/** Builds objects for tests: a DEK, an identity, a context, and encrypt/decrypt helpers. */
final class TestObjects {

    static final SecureRandom RANDOM = new SecureRandom();
    static final ObjectIdentity IDENTITY = new ObjectIdentity("bucket", "path/to/object.bin");
    static final EncryptionContext CONTEXT = EncryptionContext.of("tenant", "acme", "class", "internal");

    private TestObjects() {
    }

    static DataKey newDek() {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        return DataKey.adopt(b);
    }

    static byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        RANDOM.nextBytes(b);
        return b;
    }

    /** Encrypts through the OutputStream, in writes of {@code writeSize} bytes. */
    static byte[] encryptStream(DataKey dek, byte[] plaintext, int segmentSize, int writeSize, ObjectIdentity id,
                                EncryptionContext ctx) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ObjectEncryptor enc = ObjectEncryptor.create(dek, id, ctx, segmentSize, DekUsage.NONE);
             OutputStream s = enc.encryptingStream(out)) {
            for (int off = 0; off < plaintext.length; off += writeSize) {
                s.write(plaintext, off, Math.min(writeSize, plaintext.length - off));
            }
        }
        return out.toByteArray();
    }

    static byte[] encrypt(DataKey dek, byte[] plaintext, int segmentSize) throws IOException {
        return encryptStream(dek, plaintext, segmentSize, Math.max(1, plaintext.length), IDENTITY, CONTEXT);
    }

    /** Encrypts through the chunk producer; returns the chunks. */
    static List<CiphertextChunk> encryptChunks(DataKey dek, byte[] plaintext, int segmentSize, int maxChunk,
                                               ObjectIdentity id, EncryptionContext ctx) throws IOException {
        List<CiphertextChunk> chunks = new ArrayList<>();
        try (ObjectEncryptor enc = ObjectEncryptor.create(dek, id, ctx, segmentSize, DekUsage.NONE);
             ChunkingEncryptor c = enc.chunks(new ByteArrayInputStream(plaintext), maxChunk)) {
            for (CiphertextChunk chunk = c.next(); chunk != null; chunk = c.next()) {
                chunks.add(chunk);
            }
        }
        return chunks;
    }

    static byte[] concat(List<CiphertextChunk> chunks) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        chunks.forEach(c -> out.writeBytes(c.bytes()));
        return out.toByteArray();
    }

    /** Opens with the header from the object itself, decrypts the whole body. */
    static byte[] decrypt(DataKey dek, byte[] object, ObjectIdentity id, EncryptionContext ctx) throws IOException {
        try (ObjectDecryptor dec = ObjectDecryptor.open(io.srrrs.crypto.format.FormatHeader.read(
                new ByteArrayInputStream(object)), dek, id, ctx);
             InputStream in = dec.decrypt(new ByteArrayInputStream(object))) {
            return in.readAllBytes();
        }
    }

    static byte[] decrypt(DataKey dek, byte[] object) throws IOException {
        return decrypt(dek, object, IDENTITY, CONTEXT);
    }

    static byte[] readRange(DataKey dek, byte[] object, long offset, long length) throws IOException {
        try (ObjectDecryptor dec = ObjectDecryptor.open(io.srrrs.crypto.format.FormatHeader.read(
                new ByteArrayInputStream(object)), dek, IDENTITY, CONTEXT);
             InputStream in = dec.decryptRange(CiphertextSource.of(object), offset, length)) {
            return in.readAllBytes();
        }
    }
}
