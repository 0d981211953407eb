package io.srrrs.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import io.srrrs.crypto.CiphertextException.Failure;
import io.srrrs.crypto.format.FormatHeader;
import io.srrrs.crypto.format.FormatV1;
import io.srrrs.crypto.kms.DataKey;
import io.srrrs.crypto.kms.KekId;
import io.srrrs.crypto.kms.WrappedDek;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.ThrowingSupplier;

/**
 * The object-format rows of the bad-input catalogue (docs/RELIABILITY.md) that
 * {@link TamperDetectionTest} does not already prove: every header field modified on its own,
 * preambles cut or forged, metadata fields broken one at a time, and chunks of the topology's
 * chunk producer put together wrongly (what a faulty sink would upload). Each case is refused
 * with its own {@link Failure}, and no message carries key material or plaintext.
 */
class BadInputCatalogueTest {

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
        byte[] canary = "CANARY-PLAINTEXT-".getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < plaintext.length; i++) {
            plaintext[i] = canary[i % canary.length];
        }
        object = TestObjects.encrypt(dek, plaintext, S);
    }

    @AfterEach
    void close() {
        dek.close();
    }

    private CiphertextException refusal(ThrowingSupplier<?> read) {
        Throwable t = org.junit.jupiter.api.Assertions.assertThrows(CiphertextException.class, read::get);
        CiphertextException e = (CiphertextException) t;
        assertThat(e.getMessage()).isNotBlank()
                .doesNotContain(HexFormat.of().formatHex(dek.material()))
                .doesNotContain(Base64.getEncoder().encodeToString(dek.material()))
                .doesNotContain("CANARY");
        return e;
    }

    private Failure readWhole(byte[] obj) {
        return refusal(() -> TestObjects.decrypt(dek, obj)).failure();
    }

    private static byte[] flip(byte[] in, int at) {
        byte[] out = in.clone();
        out[at] ^= 0x01;
        return out;
    }

    private ObjectMetadata metadata() throws IOException {
        return new ObjectMetadata(FormatHeader.read(new ByteArrayInputStream(object)),
                new WrappedDek("local", new KekId("orders"), new byte[45]), TestObjects.CONTEXT);
    }

    private Map<String, String> metadataWith(String key, String value) throws IOException {
        Map<String, String> m = new LinkedHashMap<>(metadata().toMap());
        m.put(key, value);
        return m;
    }

    // ---- the preamble ---------------------------------------------------------------------------

    @Test
    void anyWrongMagicByteIsNotEncrypted() {
        for (int i = 0; i < FormatV1.MAGIC_LENGTH; i++) {
            byte[] bad = flip(object, i);
            CiphertextException e = refusal(() -> TestObjects.decrypt(dek, bad));
            assertThat(e).as("magic byte %d", i).isInstanceOf(NotEncryptedException.class);
            assertThat(e.failure()).isEqualTo(Failure.NOT_ENCRYPTED);
        }
    }

    @Test
    void anObjectCutInsideItsMagicIsNotEncryptedAndCutAfterItIsTruncated() {
        assertThat(readWhole(Arrays.copyOf(object, 3))).isEqualTo(Failure.NOT_ENCRYPTED);
        assertThat(readWhole(Arrays.copyOf(object, FormatV1.MAGIC_LENGTH))).isEqualTo(Failure.TRUNCATED);
        assertThat(readWhole(Arrays.copyOf(object, FormatV1.MAGIC_LENGTH + 1))).isEqualTo(Failure.TRUNCATED);
    }

    // ---- every header field on its own ----------------------------------------------------------

    @Test
    void eachHeaderFieldModifiedIsNamed() {
        // offsets from docs/FORMAT.md §2
        assertThat(readWhole(flip(object, 11))).as("salt").isEqualTo(Failure.WRONG_DEK);
        assertThat(readWhole(flip(object, 42))).as("salt, last byte").isEqualTo(Failure.WRONG_DEK);
        assertThat(readWhole(flip(object, 50))).as("key check").isEqualTo(Failure.WRONG_DEK);
        assertThat(readWhole(flip(object, 66))).as("identity check").isEqualTo(Failure.WRONG_IDENTITY);
        assertThat(readWhole(flip(object, 82))).as("context check").isEqualTo(Failure.WRONG_CONTEXT);
        assertThat(readWhole(flip(object, 98))).as("commitment").isEqualTo(Failure.HEADER_MODIFIED);
        assertThat(readWhole(flip(object, 129))).as("commitment, last byte").isEqualTo(Failure.HEADER_MODIFIED);
        assertThat(readWhole(flip(object, 43))).as("nonce prefix").isEqualTo(Failure.HEADER_MODIFIED);
        assertThat(readWhole(flip(object, 10))).as("segment size, low byte").isEqualTo(Failure.HEADER_MODIFIED);
    }

    @Test
    void aSegmentSizeAboveTheMaximumIsMalformed() {
        for (int size : new int[] {FormatV1.MAX_SEGMENT_SIZE + 1, -1, 0, FormatV1.MIN_SEGMENT_SIZE - 1}) {
            byte[] bad = object.clone();
            ByteBuffer.wrap(bad).putInt(7, size);
            CiphertextException e = refusal(() -> TestObjects.decrypt(dek, bad));
            assertThat(e.failure()).as("segment size %s", Integer.toUnsignedString(size)).isEqualTo(Failure.MALFORMED_HEADER);
            assertThat(e).isInstanceOf(TamperedObjectException.class);
        }
    }

    // ---- the metadata ---------------------------------------------------------------------------

    @Test
    void aMetadataHeaderOfTheWrongLengthOrNotOursIsRefused() throws IOException {
        byte[] header = Arrays.copyOf(object, H);
        String short129 = Base64.getEncoder().encodeToString(Arrays.copyOf(header, H - 1));
        String long131 = Base64.getEncoder().encodeToString(Arrays.copyOf(header, H + 1));
        String plain = Base64.getEncoder().encodeToString("not a header at all".getBytes(StandardCharsets.US_ASCII));
        byte[] v2 = header.clone();
        v2[5] = 2;
        assertThat(refusal(() -> ObjectMetadata.fromMap(metadataWith(ObjectMetadata.HEADER, short129))).failure())
                .isEqualTo(Failure.MALFORMED_METADATA);
        assertThat(refusal(() -> ObjectMetadata.fromMap(metadataWith(ObjectMetadata.HEADER, long131))).failure())
                .isEqualTo(Failure.MALFORMED_METADATA);
        assertThat(refusal(() -> ObjectMetadata.fromMap(metadataWith(ObjectMetadata.HEADER, plain))))
                .isInstanceOf(NotEncryptedException.class);
        assertThat(refusal(() -> ObjectMetadata.fromMap(metadataWith(ObjectMetadata.HEADER,
                Base64.getEncoder().encodeToString(v2))))).isInstanceOf(UnsupportedFormatException.class)
                .extracting(CiphertextException::failure).isEqualTo(Failure.UNSUPPORTED_VERSION);
        assertThat(refusal(() -> ObjectMetadata.fromMap(metadataWith(ObjectMetadata.HEADER, ""))))
                .isInstanceOf(NotEncryptedException.class);
    }

    @Test
    void brokenMetadataFieldsAreMalformedOneByOne() throws IOException {
        Map<String, String> cases = new LinkedHashMap<>();
        cases.put(ObjectMetadata.WRAPPED_DEK, "!!not base64!!");
        cases.put(ObjectMetadata.SSE_C, "AES128");
        cases.put(ObjectMetadata.KEK_ID, "");
        cases.put(ObjectMetadata.KMS, "");
        cases.put(ObjectMetadata.CONTEXT, "tenant%3dacme"); // lower-case hex, no '=': not canonical
        cases.put(ObjectMetadata.CONTEXT + "#2", "class=internal&tenant=acme&tenant=acme"); // repeated key
        for (Map.Entry<String, String> c : cases.entrySet()) {
            String key = c.getKey().replace("#2", "");
            CiphertextException e = refusal(() -> ObjectMetadata.fromMap(metadataWith(key, c.getValue())));
            assertThat(e.failure()).as("%s = %s", key, c.getValue()).isEqualTo(Failure.MALFORMED_METADATA);
        }
    }

    @Test
    void aContextInTheMetadataOtherThanTheWrittenOneFailsTheContextCheck() throws IOException {
        ObjectMetadata forged = ObjectMetadata.fromMap(metadataWith(ObjectMetadata.CONTEXT, "class=internal&tenant=evil"));
        CiphertextException e = refusal(() -> ObjectDecryptor.open(forged.header(), dek, TestObjects.IDENTITY,
                forged.context()));
        assertThat(e).isInstanceOf(KeyMismatchException.class);
        assertThat(e.failure()).isEqualTo(Failure.WRONG_CONTEXT);
        Map<String, String> dropped = new LinkedHashMap<>(metadata().toMap());
        dropped.remove(ObjectMetadata.CONTEXT);
        ObjectMetadata noContext = ObjectMetadata.fromMap(dropped);
        assertThat(refusal(() -> ObjectDecryptor.open(noContext.header(), dek, TestObjects.IDENTITY, noContext.context()))
                .failure()).isEqualTo(Failure.WRONG_CONTEXT);
    }

    // ---- a ranged read --------------------------------------------------------------------------

    @Test
    void aRangedReadOfAnExtendedObjectIsRefused() throws IOException {
        byte[] full = TestObjects.encrypt(dek, Arrays.copyOf(plaintext, 3 * S), S);
        byte[] extended = Arrays.copyOf(full, full.length + CT_SEGMENT);
        System.arraycopy(full, H, extended, full.length, CT_SEGMENT);
        assertThat(refusal(() -> TestObjects.readRange(dek, extended, 2L * S, 5)).failure()).isEqualTo(Failure.EXTENDED);
    }

    @Test
    void aRangedReadWithAModifiedHeaderIsRefusedBeforeAnySegment() {
        assertThat(refusal(() -> TestObjects.readRange(dek, flip(object, 45), 0, 5)).failure())
                .isEqualTo(Failure.HEADER_MODIFIED);
    }

    // ---- chunks put together wrongly (what a faulty sink would upload) ---------------------------

    private List<CiphertextChunk> chunks(byte[] data) throws IOException {
        // chunk 0 holds the header and 2 segments, later chunks 2 or 3 segments each
        return TestObjects.encryptChunks(dek, data, S, H + 3 * CT_SEGMENT, TestObjects.IDENTITY, TestObjects.CONTEXT);
    }

    private static byte[] join(List<CiphertextChunk> chunks, int... order) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i : order) {
            out.writeBytes(chunks.get(i).bytes());
        }
        return out.toByteArray();
    }

    @Test
    void chunksAssembledWithAGapADuplicateOrOutOfOrderAreRefused() throws IOException {
        byte[] data = TestObjects.randomBytes(12 * S + 5);
        List<CiphertextChunk> c = chunks(data);
        assertThat(c.size()).isGreaterThanOrEqualTo(4);
        int last = c.size() - 1;
        int[] all = new int[c.size()];
        for (int i = 0; i < all.length; i++) {
            all[i] = i;
        }
        assertThat(TestObjects.decrypt(dek, join(c, all))).isEqualTo(data);

        int[] gap = Arrays.stream(all).filter(i -> i != 1).toArray();
        assertThat(readWhole(join(c, gap))).as("chunk 1 missing").isEqualTo(Failure.SEGMENT_OUT_OF_ORDER);
        int[] duplicate = new int[all.length + 1];
        duplicate[0] = 0;
        duplicate[1] = 1;
        System.arraycopy(all, 1, duplicate, 2, all.length - 1);
        assertThat(readWhole(join(c, duplicate))).as("chunk 1 twice").isEqualTo(Failure.SEGMENT_OUT_OF_ORDER);
        int[] swapped = all.clone();
        swapped[1] = 2;
        swapped[2] = 1;
        assertThat(readWhole(join(c, swapped))).as("chunks 1 and 2 swapped").isEqualTo(Failure.SEGMENT_OUT_OF_ORDER);
        int[] noLast = Arrays.copyOf(all, last);
        assertThat(readWhole(join(c, noLast))).as("last chunk missing").isEqualTo(Failure.TRUNCATED);
        int[] lastTwice = Arrays.copyOf(all, all.length + 1);
        lastTwice[all.length] = last;
        assertThat(readWhole(join(c, lastTwice))).as("last chunk twice").isIn(Failure.EXTENDED, Failure.SEGMENT_MODIFIED,
                Failure.SEGMENT_OUT_OF_ORDER);
    }

    @Test
    void chunksOfAnotherObjectSplicedInAreRefused() throws IOException {
        byte[] data = TestObjects.randomBytes(12 * S + 5);
        List<CiphertextChunk> mine = chunks(data);
        List<CiphertextChunk> other = chunks(data); // same DEK, name and plaintext; fresh salt
        List<CiphertextChunk> spliced = new java.util.ArrayList<>(mine);
        spliced.set(1, other.get(1));
        int[] all = new int[spliced.size()];
        for (int i = 0; i < all.length; i++) {
            all[i] = i;
        }
        assertThat(readWhole(join(spliced, all))).isEqualTo(Failure.SEGMENT_MODIFIED);
        // chunk 0 of another object: its header commits to another salt, so the body no longer matches the metadata
        List<CiphertextChunk> otherStart = new java.util.ArrayList<>(mine);
        otherStart.set(0, other.get(0));
        byte[] body = join(otherStart, all);
        FormatHeader metadataHeader = FormatHeader.read(new ByteArrayInputStream(join(mine, all)));
        try (ObjectDecryptor dec = ObjectDecryptor.open(metadataHeader, dek, TestObjects.IDENTITY, TestObjects.CONTEXT)) {
            assertThat(refusal(() -> dec.decrypt(new ByteArrayInputStream(body))).failure())
                    .isEqualTo(Failure.HEADER_MISMATCH);
        }
    }
}
