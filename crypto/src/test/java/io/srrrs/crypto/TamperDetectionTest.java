package io.srrrs.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.srrrs.crypto.CiphertextException.Failure;
import io.srrrs.crypto.format.EncryptionContext;
import io.srrrs.crypto.format.FormatHeader;
import io.srrrs.crypto.format.FormatV1;
import io.srrrs.crypto.format.ObjectIdentity;
import io.srrrs.crypto.kms.DataKey;
import io.srrrs.crypto.kms.KekId;
import io.srrrs.crypto.kms.WrappedDek;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.ThrowingSupplier;

/** Every way an object can be wrong, each with its own failure and a message that names it. */
class TamperDetectionTest {

    private static final int S = 64;
    private static final int CT_SEGMENT = S + FormatV1.TAG_LENGTH;
    private static final int H = FormatV1.HEADER_LENGTH;

    private DataKey dek;
    private byte[] plaintext;
    private byte[] object;

    @BeforeEach
    void fourSegmentObject() throws IOException {
        dek = TestObjects.newDek();
        plaintext = new byte[3 * S + 20];
        // A recognisable plaintext, so the leak check below means something.
        byte[] canary = "CANARY-PLAINTEXT-".getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < plaintext.length; i++) {
            plaintext[i] = canary[i % canary.length];
        }
        object = TestObjects.encrypt(dek, plaintext, S);
        assertThat(object.length).isEqualTo(H + 4 * CT_SEGMENT - (S - 20));
    }

    @AfterEach
    void close() {
        dek.close();
    }

    private CiphertextException refusal(ThrowingSupplier<?> read) {
        Throwable t = org.junit.jupiter.api.Assertions.assertThrows(CiphertextException.class, read::get);
        CiphertextException e = (CiphertextException) t;
        String message = e.getMessage();
        assertThat(message).isNotBlank();
        // Never key material, never plaintext.
        assertThat(message).doesNotContain(HexFormat.of().formatHex(dek.material()))
                .doesNotContain(Base64.getEncoder().encodeToString(dek.material()))
                .doesNotContain("CANARY");
        return e;
    }

    private CiphertextException readWhole(byte[] obj) {
        return refusal(() -> TestObjects.decrypt(dek, obj));
    }

    private static byte[] flip(byte[] in, int at) {
        byte[] out = in.clone();
        out[at] ^= 0x01;
        return out;
    }

    private byte[] segment(int i) {
        int start = H + i * CT_SEGMENT;
        return Arrays.copyOfRange(object, start, Math.min(object.length, start + CT_SEGMENT));
    }

    private byte[] rebuild(byte[]... segments) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(object, 0, H);
        for (byte[] s : segments) {
            out.writeBytes(s);
        }
        return out.toByteArray();
    }

    @Test
    void aFlippedCiphertextByteIsASegmentModification() {
        CiphertextException e = readWhole(flip(object, H + CT_SEGMENT + 10));
        assertThat(e).isInstanceOf(TamperedObjectException.class);
        assertThat(e.failure()).isEqualTo(Failure.SEGMENT_MODIFIED);
        assertThat(e.getMessage()).contains("segment 1");
    }

    @Test
    void aFlippedTagByteIsASegmentModification() {
        CiphertextException e = readWhole(flip(object, object.length - 1));
        assertThat(e.failure()).isEqualTo(Failure.SEGMENT_MODIFIED);
        assertThat(e.getMessage()).contains("segment 3");
    }

    @Test
    void noByteOfAFailingSegmentIsReleased() throws IOException {
        byte[] tampered = flip(object, H + 2 * CT_SEGMENT + 5);
        try (ObjectDecryptor dec = ObjectDecryptor.open(FormatHeader.read(new ByteArrayInputStream(tampered)), dek,
                TestObjects.IDENTITY, TestObjects.CONTEXT);
             InputStream in = dec.decrypt(new ByteArrayInputStream(tampered))) {
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            byte[] buf = new byte[7];
            assertThatThrownBy(() -> {
                for (int n; (n = in.read(buf)) >= 0; ) {
                    got.write(buf, 0, n);
                }
            }).isInstanceOf(TamperedObjectException.class);
            // Segments 0 and 1 verified and were released; nothing of segment 2.
            assertThat(got.toByteArray()).isEqualTo(Arrays.copyOf(plaintext, 2 * S));
        }
    }

    @Test
    void truncationAtASegmentBoundaryIsTruncation() {
        CiphertextException e = readWhole(Arrays.copyOf(object, H + 2 * CT_SEGMENT));
        assertThat(e.failure()).isEqualTo(Failure.TRUNCATED);
        assertThat(e.getMessage()).contains("segment 1").contains("not its final segment");
    }

    @Test
    void truncationInsideATagIsTruncation() {
        CiphertextException e = readWhole(Arrays.copyOf(object, H + 2 * CT_SEGMENT + 9));
        assertThat(e.failure()).isEqualTo(Failure.TRUNCATED);
    }

    @Test
    void truncationInsideASegmentIsDetected() {
        CiphertextException e = readWhole(Arrays.copyOf(object, H + 2 * CT_SEGMENT + 40));
        assertThat(e).isInstanceOf(TamperedObjectException.class);
        assertThat(e.failure()).isEqualTo(Failure.SEGMENT_MODIFIED);
        assertThat(e.getMessage()).contains("cut short");
    }

    @Test
    void truncationToTheHeaderOrInsideItIsTruncation() {
        assertThat(readWhole(Arrays.copyOf(object, H)).failure()).isEqualTo(Failure.TRUNCATED);
        assertThat(readWhole(Arrays.copyOf(object, H - 30)).failure()).isEqualTo(Failure.TRUNCATED);
        assertThat(refusal(() -> new io.srrrs.crypto.format.CiphertextLayout(S).plaintextLength(H + 10)).failure())
                .isEqualTo(Failure.TRUNCATED);
    }

    @Test
    void aSegmentAfterAFullFinalSegmentIsExtension() throws IOException {
        byte[] full = TestObjects.encrypt(dek, Arrays.copyOf(plaintext, 3 * S), S);
        byte[] extended = Arrays.copyOf(full, full.length + CT_SEGMENT);
        System.arraycopy(full, H, extended, full.length, CT_SEGMENT);
        CiphertextException e = readWhole(extended);
        assertThat(e).isInstanceOf(TamperedObjectException.class);
        assertThat(e.failure()).isEqualTo(Failure.EXTENDED);
        assertThat(e.getMessage()).contains("segment 2").contains("final");
    }

    @Test
    void dataAfterAShortFinalSegmentFailsItsTag() {
        // The final segment's length is implied by the object's length, so appending to a short
        // final segment changes that segment: its tag fails (docs/FORMAT.md §5).
        CiphertextException e = readWhole(rebuild(segment(0), segment(1), segment(2), segment(3), segment(1)));
        assertThat(e.failure()).isEqualTo(Failure.SEGMENT_MODIFIED);
    }

    @Test
    void oneToFifteenBytesAfterAFullFinalSegmentAreTruncatedByTheLengthRule() throws IOException {
        // docs/FORMAT.md §5: a tail shorter than a tag is TRUNCATED, whether it was cut or appended;
        // the streaming reader says so as the length rule does (it used to say EXTENDED).
        byte[] full = TestObjects.encrypt(dek, Arrays.copyOf(plaintext, 2 * S), S);
        for (int extra : new int[] {1, 5, 15}) {
            byte[] extended = Arrays.copyOf(full, full.length + extra);
            assertThat(readWhole(extended).failure()).as("+%d bytes", extra).isEqualTo(Failure.TRUNCATED);
            assertThat(refusal(() -> new io.srrrs.crypto.format.CiphertextLayout(S).plaintextLength(extended.length))
                    .failure()).isEqualTo(Failure.TRUNCATED);
        }
        byte[] sixteen = Arrays.copyOf(full, full.length + 16);
        assertThat(readWhole(sixteen).failure()).isEqualTo(Failure.EXTENDED);
    }

    @Test
    void swappedSegmentsAreOutOfOrder() {
        CiphertextException e = readWhole(rebuild(segment(0), segment(2), segment(1), segment(3)));
        assertThat(e).isInstanceOf(TamperedObjectException.class);
        assertThat(e.failure()).isEqualTo(Failure.SEGMENT_OUT_OF_ORDER);
        assertThat(e.getMessage()).contains("position 1").contains("segment 2");
    }

    @Test
    void aRepeatedSegmentIsOutOfOrder() {
        CiphertextException e = readWhole(rebuild(segment(0), segment(0), segment(2), segment(3)));
        assertThat(e.failure()).isEqualTo(Failure.SEGMENT_OUT_OF_ORDER);
    }

    @Test
    void theFinalSegmentMovedForwardIsOutOfOrder() {
        CiphertextException e = readWhole(rebuild(segment(0), segment(3)));
        assertThat(e.failure()).isEqualTo(Failure.SEGMENT_OUT_OF_ORDER);
        assertThat(e.getMessage()).contains("the final one");
    }

    @Test
    void aSegmentFromAnotherObjectUnderTheSameDekIsRefused() throws IOException {
        byte[] other = TestObjects.encrypt(dek, plaintext, S); // same DEK, identity and context; new salt
        byte[] foreign = Arrays.copyOfRange(other, H + CT_SEGMENT, H + 2 * CT_SEGMENT);
        CiphertextException e = readWhole(rebuild(segment(0), foreign, segment(2), segment(3)));
        assertThat(e.failure()).isEqualTo(Failure.SEGMENT_MODIFIED);
        assertThat(e.getMessage()).contains("segment 1").contains("another object");
    }

    @Test
    void aWrongDekFailsTheKeyCheck() {
        try (DataKey other = TestObjects.newDek()) {
            CiphertextException e = refusal(() -> TestObjects.decrypt(other, object));
            assertThat(e).isInstanceOf(KeyMismatchException.class);
            assertThat(e.failure()).isEqualTo(Failure.WRONG_DEK);
        }
    }

    @Test
    void anotherBucketOrKeyFailsTheIdentityCheck() {
        for (ObjectIdentity elsewhere : new ObjectIdentity[] {
                new ObjectIdentity("bucket", "path/to/other.bin"), new ObjectIdentity("bucket2", "path/to/object.bin")}) {
            CiphertextException e = refusal(() -> TestObjects.decrypt(dek, object, elsewhere, TestObjects.CONTEXT));
            assertThat(e).isInstanceOf(KeyMismatchException.class);
            assertThat(e.failure()).isEqualTo(Failure.WRONG_IDENTITY);
            assertThat(e.getMessage()).contains(elsewhere.toString());
        }
    }

    @Test
    void anotherContextFailsTheContextCheck() {
        for (EncryptionContext other : new EncryptionContext[] {EncryptionContext.EMPTY,
                EncryptionContext.of("tenant", "evil", "class", "internal"),
                EncryptionContext.of("tenant", "acme", "class", "internal", "extra", "")}) {
            CiphertextException e = refusal(() -> TestObjects.decrypt(dek, object, TestObjects.IDENTITY, other));
            assertThat(e).isInstanceOf(KeyMismatchException.class);
            assertThat(e.failure()).isEqualTo(Failure.WRONG_CONTEXT);
        }
    }

    @Test
    void modifiedHeaderParametersFailTheCommitment() {
        byte[] prefixChanged = flip(object, 45);
        assertThat(readWhole(prefixChanged).failure()).isEqualTo(Failure.HEADER_MODIFIED);
        byte[] sizeChanged = object.clone();
        ByteBuffer.wrap(sizeChanged).putInt(7, S + 16);
        assertThat(readWhole(sizeChanged).failure()).isEqualTo(Failure.HEADER_MODIFIED);
        assertThat(readWhole(flip(object, 100)).failure()).isEqualTo(Failure.HEADER_MODIFIED);
    }

    @Test
    void anOutOfRangeSegmentSizeIsMalformed() {
        byte[] tiny = object.clone();
        ByteBuffer.wrap(tiny).putInt(7, 16);
        CiphertextException e = readWhole(tiny);
        assertThat(e.failure()).isEqualTo(Failure.MALFORMED_HEADER);
        assertThat(e.getMessage()).contains("segment size 16");
    }

    @Test
    void aBodyHeaderThatDiffersFromTheMetadataHeaderIsRefused() throws IOException {
        byte[] other = TestObjects.encrypt(dek, plaintext, S);
        FormatHeader metadataHeader = FormatHeader.read(new ByteArrayInputStream(object));
        try (ObjectDecryptor dec = ObjectDecryptor.open(metadataHeader, dek, TestObjects.IDENTITY, TestObjects.CONTEXT)) {
            CiphertextException e = refusal(() -> dec.decrypt(new ByteArrayInputStream(other)));
            assertThat(e.failure()).isEqualTo(Failure.HEADER_MISMATCH);
        }
    }

    @Test
    void unknownVersionAndAlgorithmAreRefusedByName() {
        byte[] v2 = object.clone();
        v2[5] = 2;
        CiphertextException e = readWhole(v2);
        assertThat(e).isInstanceOf(UnsupportedFormatException.class);
        assertThat(e.failure()).isEqualTo(Failure.UNSUPPORTED_VERSION);
        assertThat(e.getMessage()).contains("version 2");

        byte[] alg9 = object.clone();
        alg9[6] = 9;
        e = readWhole(alg9);
        assertThat(e).isInstanceOf(UnsupportedFormatException.class);
        assertThat(e.failure()).isEqualTo(Failure.UNSUPPORTED_ALGORITHM);
        assertThat(e.getMessage()).contains("algorithm id 9");
    }

    @Test
    void plaintextIsRefusedNotPassedThrough() {
        byte[] plain = "just some plaintext that was never encrypted, CANARY".getBytes(StandardCharsets.US_ASCII);
        CiphertextException e = refusal(() -> FormatHeader.read(new ByteArrayInputStream(plain)));
        assertThat(e).isInstanceOf(NotEncryptedException.class);
        assertThat(e.failure()).isEqualTo(Failure.NOT_ENCRYPTED);
        assertThat(refusal(() -> FormatHeader.read(InputStream.nullInputStream())).failure()).isEqualTo(Failure.NOT_ENCRYPTED);

        CiphertextException m = refusal(() -> ObjectMetadata.fromMap(Map.of("content-type", "text/plain", "owner", "x")));
        assertThat(m).isInstanceOf(NotEncryptedException.class);
    }

    @Test
    void metadataWithAMissingOrBrokenFieldIsRefused() throws IOException {
        FormatHeader header = FormatHeader.read(new ByteArrayInputStream(object));
        ObjectMetadata good = new ObjectMetadata(header, new WrappedDek("local", new KekId("k"), new byte[45]),
                TestObjects.CONTEXT);
        for (String drop : new String[] {ObjectMetadata.KMS, ObjectMetadata.KEK_ID, ObjectMetadata.WRAPPED_DEK}) {
            Map<String, String> m = new LinkedHashMap<>(good.toMap());
            m.remove(drop);
            CiphertextException e = refusal(() -> ObjectMetadata.fromMap(m));
            assertThat(e.failure()).isEqualTo(Failure.MALFORMED_METADATA);
            assertThat(e.getMessage()).contains(drop);
        }
        Map<String, String> badContext = new LinkedHashMap<>(good.toMap());
        badContext.put(ObjectMetadata.CONTEXT, "tenant=acme&class=internal"); // not canonical order
        assertThat(refusal(() -> ObjectMetadata.fromMap(badContext)).failure()).isEqualTo(Failure.MALFORMED_METADATA);
        Map<String, String> badHeader = new LinkedHashMap<>(good.toMap());
        badHeader.put(ObjectMetadata.HEADER, "not base64 !");
        assertThat(refusal(() -> ObjectMetadata.fromMap(badHeader)).failure()).isEqualTo(Failure.MALFORMED_METADATA);
        // Keys are matched case-insensitively, as HTTP headers are.
        Map<String, String> upper = new LinkedHashMap<>();
        good.toMap().forEach((k, v) -> upper.put(k.toUpperCase(java.util.Locale.ROOT), v));
        assertThat(ObjectMetadata.fromMap(upper)).isEqualTo(good);
    }

    @Test
    void aRangedReadAuthenticatesOnlyTheSegmentsItNeeds() throws IOException {
        byte[] tampered = flip(object, H + 3 * CT_SEGMENT + 2); // segment 3
        assertThat(TestObjects.readRange(dek, tampered, 10, S)).isEqualTo(Arrays.copyOfRange(plaintext, 10, 10 + S));
        CiphertextException e = refusal(() -> TestObjects.readRange(dek, tampered, 3L * S, 5));
        assertThat(e.failure()).isEqualTo(Failure.SEGMENT_MODIFIED);
    }

    @Test
    void aRangedReadDetectsTruncationAndReordering() {
        byte[] cut = Arrays.copyOf(object, H + 2 * CT_SEGMENT);
        assertThat(refusal(() -> TestObjects.readRange(dek, cut, S + 1, 5)).failure()).isEqualTo(Failure.TRUNCATED);
        byte[] swapped = rebuild(segment(0), segment(2), segment(1), segment(3));
        assertThat(refusal(() -> TestObjects.readRange(dek, swapped, S, 10)).failure())
                .isEqualTo(Failure.SEGMENT_OUT_OF_ORDER);
    }
}
