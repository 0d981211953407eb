package io.srrrs.crypto.s3ec;

import io.srrrs.crypto.CiphertextChunk;
import io.srrrs.crypto.CiphertextException;
import io.srrrs.crypto.format.S3ecContent;
import io.srrrs.crypto.kms.DataKey;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/** Encrypts and decrypts S3EC bodies for the tests of this package. */
final class S3ecBodies {

    static final SecureRandom RANDOM = new SecureRandom();

    private S3ecBodies() {
    }

    record Encrypted(S3ecContent content, List<CiphertextChunk> chunks) {
        byte[] body() {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            chunks.forEach(c -> out.writeBytes(c.bytes()));
            return out.toByteArray();
        }
    }

    static DataKey newDek() {
        return DataKey.adopt(randomBytes(32));
    }

    static byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        RANDOM.nextBytes(b);
        return b;
    }

    static Encrypted encrypt(S3ecObjectEncryptor enc, byte[] plaintext, int maxChunk, long hint) throws IOException {
        List<CiphertextChunk> chunks = new ArrayList<>();
        try (S3ecChunks c = enc.chunks(new ByteArrayInputStream(plaintext), maxChunk, hint)) {
            for (CiphertextChunk chunk = c.next(); chunk != null; chunk = c.next()) {
                chunks.add(chunk);
            }
            if (c.next() != null || c.plaintextLength() != plaintext.length) {
                throw new AssertionError("chunks did not end after the plaintext");
            }
        }
        return new Encrypted(enc.content(), chunks);
    }

    static Encrypted encrypt(DataKey dek, S3ecContent.Version v, byte[] plaintext, int maxChunk) throws IOException {
        try (S3ecObjectEncryptor enc = S3ecObjectEncryptor.create(dek, v, S3ecContent.WrapAlgorithm.AES_GCM,
                bytes -> { })) {
            return encrypt(enc, plaintext, maxChunk, plaintext.length);
        }
    }

    /** A fetch that serves {@code body} and counts how often it was opened. */
    static final class CountingFetch implements S3ecObjectDecryptor.BodyFetch {
        final AtomicInteger opens = new AtomicInteger();
        private final List<byte[]> bodies;

        CountingFetch(byte[]... bodies) {
            this.bodies = List.of(bodies);
        }

        @Override
        public InputStream open() {
            int i = opens.getAndIncrement();
            return new ByteArrayInputStream(bodies.get(Math.min(i, bodies.size() - 1)));
        }
    }

    /** Decrypts {@code body} whole, with the given buffer limit and block size. */
    static byte[] decrypt(S3ecContent content, DataKey dek, byte[] body, long limit, int block) throws IOException {
        return decrypt(content, dek, body.length, new CountingFetch(body), limit, block);
    }

    static byte[] decrypt(S3ecContent content, DataKey dek, long bodyLength, S3ecObjectDecryptor.BodyFetch fetch,
                          long limit, int block) throws IOException {
        try (S3ecObjectDecryptor dec = S3ecObjectDecryptor.open(content, dek, limit, block);
             InputStream in = dec.decryptVerified(bodyLength, fetch)) {
            return in.readAllBytes();
        }
    }

    static CiphertextException.Failure failureOf(ThrowingRead read) {
        try {
            read.run();
        } catch (CiphertextException e) {
            return e.failure();
        } catch (IOException e) {
            throw new AssertionError("not a CiphertextException: " + e, e);
        }
        throw new AssertionError("not refused");
    }

    @FunctionalInterface
    interface ThrowingRead {
        void run() throws IOException;
    }

    static byte[] flip(byte[] b, int at) {
        byte[] c = b.clone();
        c[at] ^= 0x01;
        return c;
    }
}
