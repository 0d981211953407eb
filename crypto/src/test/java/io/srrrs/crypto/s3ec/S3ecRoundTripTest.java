package io.srrrs.crypto.s3ec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.srrrs.crypto.CiphertextChunk;
import io.srrrs.crypto.format.ObjectIdentity;
import io.srrrs.crypto.format.S3ecContent;
import io.srrrs.crypto.format.S3ecContent.Version;
import io.srrrs.crypto.format.S3ecContent.WrapAlgorithm;
import io.srrrs.crypto.kms.DataKey;
import io.srrrs.crypto.s3ec.S3ecBodies.CountingFetch;
import io.srrrs.crypto.s3ec.S3ecBodies.Encrypted;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

/** Bodies written by {@link S3ecObjectEncryptor} come back whole through {@link S3ecObjectDecryptor}. */
class S3ecRoundTripTest {

    private static final int CHUNK = 64; // 32 plaintext bytes per chunk
    private static final int[] SIZES = {0, 1, 15, 16, 17, 31, 32, 33, 63, 64, 65, 1000};

    @ParameterizedTest
    @EnumSource(Version.class)
    void everySizeRoundTripsBufferedWithBoundedChunks(Version v) throws IOException {
        for (int size : SIZES) {
            for (long hint : new long[] {-1, size, 3, 10_000}) {
                byte[] plaintext = S3ecBodies.randomBytes(size);
                try (DataKey dek = S3ecBodies.newDek()) {
                    AtomicLong used = new AtomicLong();
                    Encrypted e;
                    try (S3ecObjectEncryptor enc = S3ecObjectEncryptor.create(dek, v, WrapAlgorithm.AES_GCM,
                            used::addAndGet)) {
                        e = S3ecBodies.encrypt(enc, plaintext, CHUNK, hint);
                    }
                    assertChunks(e, size);
                    assertThat(used).as("DEK usage").hasValue(size);
                    byte[] body = e.body();
                    assertThat(body).hasSize(size + 16);
                    CountingFetch fetch = new CountingFetch(body);
                    byte[] back = S3ecBodies.decrypt(e.content(), dek, body.length, fetch,
                            S3ecObjectDecryptor.BUFFER_LIMIT_BYTES, 16);
                    assertThat(back).as("size %d hint %d", size, hint).isEqualTo(plaintext);
                    assertThat(fetch.opens).as("buffered: one fetch").hasValue(1);
                }
            }
        }
    }

    private static void assertChunks(Encrypted e, int size) {
        long covered = 0;
        for (int i = 0; i < e.chunks().size(); i++) {
            CiphertextChunk c = e.chunks().get(i);
            assertThat(c.sequence()).isEqualTo(i);
            assertThat(c.last()).isEqualTo(i == e.chunks().size() - 1);
            assertThat(c.bytes().length).isLessThanOrEqualTo(CHUNK);
            covered += c.plaintextBytes();
        }
        assertThat(covered).isEqualTo(size);
        assertThat(e.chunks().get(e.chunks().size() - 1).bytes().length).isGreaterThanOrEqualTo(16);
        // 32 plaintext bytes per chunk: the chunk count follows; an exact multiple ends with a tag-only chunk? No:
        // the one-byte lookahead makes the last full chunk final.
        assertThat(e.chunks()).hasSize(Math.max(1, (size + 31) / 32));
    }

    /** Above the buffer limit, with a real multi-block body: a block size that does not divide it, the tag split. */
    @ParameterizedTest
    @EnumSource(Version.class)
    void aBodyAboveTheLimitIsReadInTwoPasses(Version v) throws IOException {
        for (int size : new int[] {1000, 1024 - 16, 1024 - 8, 1024, 4096 + 5, 10_000}) {
            byte[] plaintext = S3ecBodies.randomBytes(size);
            try (DataKey dek = S3ecBodies.newDek()) {
                Encrypted e = S3ecBodies.encrypt(dek, v, plaintext, 4096);
                byte[] body = e.body();
                CountingFetch fetch = new CountingFetch(body);
                byte[] back = S3ecBodies.decrypt(e.content(), dek, body.length, fetch, 512, 256);
                assertThat(back).as("size %d", size).isEqualTo(plaintext);
                assertThat(fetch.opens).as("two passes").hasValue(2);
            }
        }
    }

    /** The real limit and block size: 64 MiB + 1 MiB of body, 17 blocks of 4 MiB. */
    @Test
    void theDefaultLimitSwitchesToTwoPassesJustAboveIt() throws IOException {
        byte[] plaintext = new byte[(int) S3ecObjectDecryptor.BUFFER_LIMIT_BYTES + (1 << 20)];
        S3ecBodies.RANDOM.nextBytes(plaintext);
        try (DataKey dek = S3ecBodies.newDek()) {
            Encrypted e = S3ecBodies.encrypt(dek, Version.V3, plaintext, 8 << 20);
            byte[] body = e.body();
            CountingFetch fetch = new CountingFetch(body);
            try (S3ecObjectDecryptor dec = S3ecObjectDecryptor.open(e.content(), dek);
                 InputStream in = dec.decryptVerified(body.length, fetch)) {
                assertThat(fetch.opens).as("pass 1 done before the stream is handed out").hasValue(2);
                assertThat(in.readAllBytes()).isEqualTo(plaintext);
            }
        }
    }

    @Test
    void eachEncryptorHasItsOwnNonceAndEncryptsOneBody() throws IOException {
        try (DataKey dek = S3ecBodies.newDek();
             S3ecObjectEncryptor a = S3ecObjectEncryptor.create(dek, Version.V2, WrapAlgorithm.AES_GCM, b -> { });
             S3ecObjectEncryptor b = S3ecObjectEncryptor.create(dek, Version.V2, WrapAlgorithm.AES_GCM, x -> { })) {
            assertThat(a.content().nonce()).isNotEqualTo(b.content().nonce());
            a.chunks(new ByteArrayInputStream(new byte[1]), 64, 1).close();
            assertThatThrownBy(() -> a.chunks(new ByteArrayInputStream(new byte[1]), 64, 1))
                    .isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(() -> b.chunks(new ByteArrayInputStream(new byte[1]), 47, 1))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @ParameterizedTest
    @EnumSource(Version.class)
    void theContentSaysWhatWasWritten(Version v) {
        try (DataKey dek = S3ecBodies.newDek();
             S3ecObjectEncryptor enc = S3ecObjectEncryptor.create(dek, v, WrapAlgorithm.KMS_CONTEXT, b -> { })) {
            S3ecContent c = enc.content();
            assertThat(c.version()).isEqualTo(v);
            assertThat(c.wrap()).isEqualTo(WrapAlgorithm.KMS_CONTEXT);
            assertThat(c.nonce()).hasSize(v.nonceLength());
            assertThat(c.commitment()).hasSize(v.commitmentLength());
        }
    }

    @Test
    void encryptorAndDecryptorDeriveTheSameSseCKeyBoundToTheIdentity() throws IOException {
        try (DataKey dek = S3ecBodies.newDek()) {
            Encrypted e;
            byte[] written;
            ObjectIdentity id = new ObjectIdentity("bucket", "a/b.bin");
            try (S3ecObjectEncryptor enc = S3ecObjectEncryptor.create(dek, Version.V3, WrapAlgorithm.AES_GCM,
                    b -> { })) {
                e = S3ecBodies.encrypt(enc, new byte[3], 64, 3);
                written = enc.sseCKey(id);
            }
            try (S3ecObjectDecryptor dec = S3ecObjectDecryptor.open(e.content(), dek)) {
                assertThat(dec.sseCKey(id)).hasSize(32).isEqualTo(written);
                assertThat(dec.sseCKey(new ObjectIdentity("bucket", "a/c.bin"))).isNotEqualTo(written);
            }
        }
    }
}
