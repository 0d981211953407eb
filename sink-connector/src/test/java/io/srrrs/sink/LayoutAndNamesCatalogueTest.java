package io.srrrs.sink;

import static org.assertj.core.api.Assertions.assertThat;

import io.srrrs.client.SrrrsClient;
import io.srrrs.crypto.format.FormatV1;
import io.srrrs.schemas.EncryptedChunk;
import io.srrrs.sink.ChunkRefusedException.Reason;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The sink's catalogue rows of issue 10 (docs/RELIABILITY.md, rows 101a-101e): lengths that do
 * not fit the header's segment layout, keys under {@code .srrrs-meta/}, reserved metadata names
 * in any case, and the bucket allow-list's patterns. Each bad object's own {@code objectLength}
 * is kept consistent, so only the new checks can catch it: without them it would be completed.
 */
class LayoutAndNamesCatalogueTest extends CatalogueFixture {

    static final int CT_SEGMENT = SEGMENT + FormatV1.TAG_LENGTH;

    /** The chunk with its ciphertext replaced, and its objectLength (if it is the last) moved by as much. */
    static EncryptedChunk resized(EncryptedChunk c, int newLength) {
        byte[] old = new byte[c.getCiphertext().remaining()];
        c.getCiphertext().duplicate().get(old);
        c.setCiphertext(ByteBuffer.wrap(Arrays.copyOf(old, newLength)));
        if (c.getObjectLength() != null) {
            c.setObjectLength(c.getObjectLength() + newLength - old.length);
        }
        return c;
    }

    static int length(EncryptedChunk c) {
        return c.getCiphertext().remaining();
    }

    @Test
    void aChunkBeforeTheLastThatIsNotWholeSegmentsIsALayoutMismatchAndItsUploadIsAborted() throws Exception {
        List<String> before = keys("objects");
        List<EncryptedChunk> c = new ArrayList<>(chunks("cut-mid", "layout/cut-mid.bin", MULTIPART));
        assertThat(c).hasSizeGreaterThan(12);
        assertThat(length(c.get(10)) % CT_SEGMENT).as("the topology sends whole segments").isZero();
        resized(c.get(10), length(c.get(10)) - 1); // one byte lost after the first part was uploaded
        resized(c.get(c.size() - 1), length(c.get(c.size() - 1)) - 1); // and the total made to agree
        putMultipart(c, 10, true);
        assertThat(onlyReasonSince(0)).isEqualTo(Reason.LAYOUT_MISMATCH);
        assertThat(context.reported.get(0).record().kafkaOffset()).as("reported by the bad chunk").isEqualTo(10);
        assertThat(context.reported.get(0).error().getMessage()).contains("whole segments of " + CT_SEGMENT);
        nothingUploaded(before, "layout/cut-mid.bin");

        List<EncryptedChunk> three = new ArrayList<>(chunks("grown-0", "layout/grown-0.bin", 3 * CHUNK));
        resized(three.get(0), length(three.get(0)) + 16); // chunk 0: header and segments plus a stray tag's worth
        resized(three.get(three.size() - 1), length(three.get(three.size() - 1)) - 16);
        put(at(three));
        assertThat(onlyReasonSince(1)).isEqualTo(Reason.LAYOUT_MISMATCH);
        nothingUploaded(before, "layout/grown-0.bin");
        goesOn();
    }

    @Test
    void aTotalLengthTheLayoutRefusesIsALayoutMismatchAndNeverCompleted() throws Exception {
        List<String> before = keys("objects");
        // One full segment, then 5 bytes: a final segment too short for its tag.
        List<EncryptedChunk> full = chunks("tail-5", "layout/tail-5.bin", SEGMENT);
        assertThat(full).hasSize(1);
        resized(full.get(0), length(full.get(0)) + 5);
        put(at(full));
        assertThat(onlyReasonSince(0)).isEqualTo(Reason.LAYOUT_MISMATCH);
        assertThat(context.reported.get(0).error().getMessage()).contains("segment size " + SEGMENT);

        // The header and 10 bytes: no room for one segment's tag.
        List<EncryptedChunk> tiny = chunks("tiny", "layout/tiny.bin", 1000);
        resized(tiny.get(0), FormatV1.HEADER_LENGTH + 10);
        put(at(tiny));
        assertThat(onlyReasonSince(1)).isEqualTo(Reason.LAYOUT_MISMATCH);

        // Multipart: 144 full segments, 7 bytes appended to the last chunk; its upload is open until then.
        List<EncryptedChunk> big = chunks("big-tail", "layout/big-tail.bin", MULTIPART);
        EncryptedChunk last = big.get(big.size() - 1);
        assertThat(length(last) % CT_SEGMENT).as("ends on a full segment").isZero();
        resized(last, length(last) + 7);
        putMultipart(big, big.size() - 1, true);
        assertThat(onlyReasonSince(2)).isEqualTo(Reason.LAYOUT_MISMATCH);
        nothingUploaded(before, "layout/big-tail.bin");
        assertThat(exists("objects", "layout/tail-5.bin")).isFalse();
        assertThat(exists("objects", "layout/tiny.bin")).isFalse();
        goesOn();
    }

    @Test
    void aKeyUnderTheCompanionPrefixIsInvalidKeyHoweverItIsSpelled() throws Exception {
        List<String> before = keys("objects");
        List<String> spellings = List.of(".srrrs-meta/victim.bin", "/.srrrs-meta/victim.bin", "./.srrrs-meta/victim.bin",
                "a/../.srrrs-meta/victim.bin", ".SRRRS-Meta/victim.bin", ".srrrs-meta/");
        for (int i = 0; i < spellings.size(); i++) {
            put(at(ChunkMaker.chunks(kms.kms(), "meta-" + i, "objects", spellings.get(i), payload(300), SEGMENT, CHUNK,
                    null)));
            assertThat(onlyReasonSince(i)).as(spellings.get(i)).isEqualTo(Reason.INVALID_KEY);
        }
        nothingUploaded(before, null);
        assertThat(keys("objects")).noneMatch(k -> k.toLowerCase().contains(".srrrs-meta"));

        // Not a companion location: the prefix is only one at the bucket's root.
        byte[] plaintext = payload(300);
        put(at(ChunkMaker.chunks(kms.kms(), "nested", "objects", "notes/.srrrs-meta/x.bin", plaintext, SEGMENT, CHUNK,
                null)));
        assertThat(context.reported).hasSize(spellings.size());
        try (SrrrsClient client = client()) {
            assertThat(client.readAll("objects", "notes/.srrrs-meta/x.bin")).isEqualTo(plaintext);
        }
        goesOn();
    }

    @Test
    void userMetadataNamedSrrrsInAnyCaseIsInvalidMetadata() throws Exception {
        List<String> before = keys("objects");
        List<String> names = List.of("SRRRS-Kek-Id", "srrrs-header", "sRrRs-anything");
        for (int i = 0; i < names.size(); i++) {
            String name = names.get(i);
            put(at(withStart("reserved-" + i, "reserved/" + i + ".bin",
                    s -> s.setUserMetadata(Map.of("owner", "billing", name, "alias/not-yours")))));
            assertThat(onlyReasonSince(i)).as(name).isEqualTo(Reason.INVALID_METADATA);
            assertThat(context.reported.get(i).error().getMessage()).contains("reserved").doesNotContain("not-yours");
        }
        nothingUploaded(before, "reserved/0.bin");
        goesOn();
    }

    @Test
    void aPatternOrStarAllowListAdmitsWhatItNamesAndNothingElse() throws Exception {
        restartWith(S3SinkConfig.BUCKETS, "obj*");
        put(at(ChunkMaker.chunks(kms.kms(), "elsewhere", "elsewhere", "pattern/x.bin", payload(300), SEGMENT, CHUNK,
                null)));
        assertThat(onlyReasonSince(0)).isEqualTo(Reason.BUCKET_NOT_ALLOWED);
        goesOn(); // "objects" matches obj*

        restartWith(S3SinkConfig.BUCKETS, "*");
        byte[] plaintext = payload(300);
        put(at(ChunkMaker.chunks(kms.kms(), "anywhere", "elsewhere", "star/x.bin", plaintext, SEGMENT, CHUNK, null)));
        assertThat(context.reported).as("nothing refused with *").isEmpty();
        try (SrrrsClient client = client()) {
            assertThat(client.readAll("elsewhere", "star/x.bin")).isEqualTo(plaintext);
        }
    }

    void restartWith(String key, String value) {
        task.stop();
        props.put(key, value);
        start(true);
    }
}
