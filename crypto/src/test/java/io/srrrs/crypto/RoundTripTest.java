package io.srrrs.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import io.srrrs.crypto.format.CiphertextLayout;
import io.srrrs.crypto.format.FormatV1;
import io.srrrs.crypto.kms.DataKey;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * Whatever goes in comes out: through the stream and the chunk producer, read whole, streamed in
 * small reads and by range. Sizes concentrate on the edges (0, 1, S-1, S, S+1, many segments).
 */
class RoundTripTest {

    private static final int[] SEGMENT_SIZES = {64, 100, 4096};

    @Provide
    Arbitrary<int[]> sizeAndSegment() {
        Arbitrary<Integer> segment = Arbitraries.of(64, 100, 4096);
        return segment.flatMap(s -> Arbitraries.oneOf(
                Arbitraries.of(0, 1, s - 1, s, s + 1, 2 * s - 1, 2 * s, 2 * s + 1, 7 * s, 7 * s + 3),
                Arbitraries.integers().between(0, 20 * s)).map(p -> new int[] {p, s}));
    }

    @Property(tries = 200)
    void streamEncryptThenDecryptGivesThePlaintextBack(@ForAll("sizeAndSegment") int[] ps,
                                                       @ForAll @IntRange(min = 1, max = 9000) int writeSize) throws IOException {
        byte[] plaintext = TestObjects.randomBytes(ps[0]);
        try (DataKey dek = TestObjects.newDek()) {
            byte[] object = TestObjects.encryptStream(dek, plaintext, ps[1], writeSize, TestObjects.IDENTITY, TestObjects.CONTEXT);
            CiphertextLayout layout = new CiphertextLayout(ps[1]);
            assertThat((long) object.length).isEqualTo(layout.objectLength(ps[0]));
            assertThat(layout.plaintextLength(object.length)).isEqualTo(ps[0]);
            assertThat(TestObjects.decrypt(dek, object)).isEqualTo(plaintext);
        }
    }

    @Property(tries = 200)
    void chunksConcatenateToTheSameKindOfObject(@ForAll("sizeAndSegment") int[] ps,
                                                @ForAll @IntRange(min = 0, max = 6) int extraSegmentsPerChunk) throws IOException {
        byte[] plaintext = TestObjects.randomBytes(ps[0]);
        int maxChunk = FormatV1.HEADER_LENGTH + (1 + extraSegmentsPerChunk) * (ps[1] + FormatV1.TAG_LENGTH);
        try (DataKey dek = TestObjects.newDek()) {
            List<CiphertextChunk> chunks = TestObjects.encryptChunks(dek, plaintext, ps[1], maxChunk,
                    TestObjects.IDENTITY, TestObjects.CONTEXT);
            for (int i = 0; i < chunks.size(); i++) {
                CiphertextChunk c = chunks.get(i);
                assertThat(c.sequence()).isEqualTo(i);
                assertThat(c.last()).isEqualTo(i == chunks.size() - 1);
                assertThat(c.bytes().length).isLessThanOrEqualTo(maxChunk);
            }
            assertThat(chunks.stream().mapToLong(CiphertextChunk::plaintextBytes).sum()).isEqualTo(ps[0]);
            byte[] object = TestObjects.concat(chunks);
            assertThat((long) object.length).isEqualTo(new CiphertextLayout(ps[1]).objectLength(ps[0]));
            assertThat(TestObjects.decrypt(dek, object)).isEqualTo(plaintext);
        }
    }

    @Property(tries = 200)
    void aLengthHintRightOrWrongChangesNothingButBuffers(@ForAll("sizeAndSegment") int[] ps,
                                                         @ForAll @IntRange(min = 0, max = 4) int hintKind) throws IOException {
        byte[] plaintext = TestObjects.randomBytes(ps[0]);
        long hint = switch (hintKind) {
            case 0 -> ps[0];
            case 1 -> ps[0] / 2;
            case 2 -> 2L * ps[0] + 1;
            case 3 -> 0;
            default -> -1;
        };
        int maxChunk = FormatV1.HEADER_LENGTH + 3 * (ps[1] + FormatV1.TAG_LENGTH);
        try (DataKey dek = TestObjects.newDek()) {
            List<CiphertextChunk> chunks = new java.util.ArrayList<>();
            try (ObjectEncryptor enc = ObjectEncryptor.create(dek, TestObjects.IDENTITY, TestObjects.CONTEXT, ps[1],
                    io.srrrs.crypto.kms.DekUsage.NONE);
                 ChunkingEncryptor c = enc.chunks(new ByteArrayInputStream(plaintext), maxChunk, hint)) {
                for (CiphertextChunk chunk = c.next(); chunk != null; chunk = c.next()) {
                    assertThat(chunk.bytes().length).isLessThanOrEqualTo(maxChunk);
                    chunks.add(chunk);
                }
            }
            assertThat(TestObjects.decrypt(dek, TestObjects.concat(chunks))).isEqualTo(plaintext);
        }
    }

    @Property(tries = 150)
    void theChunkProducerAndTheStreamWriteTheSameBytes(@ForAll("sizeAndSegment") int[] ps,
                                                       @ForAll @IntRange(min = 0, max = 3) int extraSegments) throws IOException {
        byte[] plaintext = TestObjects.randomBytes(ps[0]);
        byte[] salt = TestObjects.randomBytes(FormatV1.SALT_LENGTH);
        byte[] prefix = TestObjects.randomBytes(FormatV1.NONCE_PREFIX_LENGTH);
        int maxChunk = FormatV1.HEADER_LENGTH + (1 + extraSegments) * (ps[1] + FormatV1.TAG_LENGTH);
        try (DataKey dek = TestObjects.newDek()) {
            java.io.ByteArrayOutputStream streamed = new java.io.ByteArrayOutputStream();
            try (ObjectEncryptor enc = ObjectEncryptor.withFixedRandomness(dek, TestObjects.IDENTITY, TestObjects.CONTEXT,
                    ps[1], io.srrrs.crypto.kms.DekUsage.NONE, salt, prefix);
                 java.io.OutputStream out = enc.encryptingStream(streamed)) {
                out.write(plaintext);
            }
            // Another thread: this one's cipher just used the same key and nonce, which the JDK
            // refuses to repeat (the fixed salt and prefix exist only in tests).
            List<CiphertextChunk> chunks = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                List<CiphertextChunk> out = new java.util.ArrayList<>();
                try (ObjectEncryptor enc = ObjectEncryptor.withFixedRandomness(dek, TestObjects.IDENTITY,
                        TestObjects.CONTEXT, ps[1], io.srrrs.crypto.kms.DekUsage.NONE, salt, prefix);
                     ChunkingEncryptor c = enc.chunks(new ByteArrayInputStream(plaintext), maxChunk, ps[0])) {
                    for (CiphertextChunk chunk = c.next(); chunk != null; chunk = c.next()) {
                        out.add(chunk);
                    }
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
                return out;
            }).join();
            assertThat(TestObjects.concat(chunks)).isEqualTo(streamed.toByteArray());
        }
    }

    @Property(tries = 150)
    void smallReadsSeeTheSameBytes(@ForAll("sizeAndSegment") int[] ps, @ForAll @IntRange(min = 1, max = 300) int readSize)
            throws IOException {
        byte[] plaintext = TestObjects.randomBytes(ps[0]);
        try (DataKey dek = TestObjects.newDek()) {
            byte[] object = TestObjects.encrypt(dek, plaintext, ps[1]);
            try (ObjectDecryptor dec = ObjectDecryptor.open(io.srrrs.crypto.format.FormatHeader.read(
                    new ByteArrayInputStream(object)), dek, TestObjects.IDENTITY, TestObjects.CONTEXT);
                 InputStream in = dec.decrypt(new ByteArrayInputStream(object))) {
                byte[] buf = new byte[readSize];
                java.io.ByteArrayOutputStream got = new java.io.ByteArrayOutputStream();
                for (int n; (n = in.read(buf)) >= 0; ) {
                    assertThat(n).isPositive();
                    got.write(buf, 0, n);
                }
                assertThat(got.toByteArray()).isEqualTo(plaintext);
            }
        }
    }

    @Provide
    Arbitrary<long[]> objectAndRange() {
        return Combinators.combine(Arbitraries.of(64, 100, 4096).flatMap(s ->
                        Arbitraries.integers().between(1, 12 * s).map(p -> new int[] {p, s})),
                Arbitraries.doubles().between(0, 1), Arbitraries.doubles().between(0, 1))
                .as((ps, a, b) -> {
                    long offset = (long) (a * ps[0]);
                    long length = (long) (b * (ps[0] - offset + 1));
                    return new long[] {ps[0], ps[1], offset, length};
                });
    }

    @Property(tries = 300)
    void anyRangeReadsTheSameBytesAsTheWhole(@ForAll("objectAndRange") long[] v) throws IOException {
        int p = (int) v[0];
        int s = (int) v[1];
        byte[] plaintext = TestObjects.randomBytes(p);
        try (DataKey dek = TestObjects.newDek()) {
            byte[] object = TestObjects.encrypt(dek, plaintext, s);
            byte[] range = TestObjects.readRange(dek, object, v[2], v[3]);
            assertThat(range).isEqualTo(Arrays.copyOfRange(plaintext, (int) v[2], (int) Math.min(p, v[2] + v[3])));
        }
    }

    @Example
    void rangesAtSegmentBoundaries() throws IOException {
        for (int s : SEGMENT_SIZES) {
            byte[] plaintext = TestObjects.randomBytes(5 * s + 17);
            try (DataKey dek = TestObjects.newDek()) {
                byte[] object = TestObjects.encrypt(dek, plaintext, s);
                long[][] ranges = {{0, s}, {s - 1, 2}, {s, s}, {2L * s - 1, 1}, {5L * s, 17}, {5L * s + 16, 1},
                        {0, plaintext.length}, {plaintext.length, 10}, {3L * s, 0}};
                for (long[] r : ranges) {
                    byte[] expected = Arrays.copyOfRange(plaintext, (int) r[0], (int) Math.min(plaintext.length, r[0] + r[1]));
                    assertThat(TestObjects.readRange(dek, object, r[0], r[1])).as("range %s+%s of S=%s", r[0], r[1], s)
                            .isEqualTo(expected);
                }
            }
        }
    }

    @Example
    void manySegmentsWithTheDefaultSegmentSize() throws IOException {
        byte[] plaintext = TestObjects.randomBytes(3 * FormatV1.DEFAULT_SEGMENT_SIZE * 10 + 12345);
        try (DataKey dek = TestObjects.newDek()) {
            byte[] object = TestObjects.encrypt(dek, plaintext, FormatV1.DEFAULT_SEGMENT_SIZE);
            assertThat(TestObjects.decrypt(dek, object)).isEqualTo(plaintext);
            byte[] viaChunks = TestObjects.concat(TestObjects.encryptChunks(dek, plaintext, FormatV1.DEFAULT_SEGMENT_SIZE,
                    512 * 1024, TestObjects.IDENTITY, TestObjects.CONTEXT));
            assertThat(TestObjects.decrypt(dek, viaChunks)).isEqualTo(plaintext);
        }
    }

    @Example
    void twoEncryptionsOfTheSameInputDiffer() throws IOException {
        byte[] plaintext = TestObjects.randomBytes(1000);
        try (DataKey dek = TestObjects.newDek()) {
            byte[] a = TestObjects.encrypt(dek, plaintext, 64);
            byte[] b = TestObjects.encrypt(dek, plaintext, 64);
            assertThat(a).isNotEqualTo(b);
            // Different salt and prefix, so different keys and nonces.
            assertThat(Arrays.copyOfRange(a, 11, 50)).isNotEqualTo(Arrays.copyOfRange(b, 11, 50));
        }
    }
}
