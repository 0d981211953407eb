package io.srrrs.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.srrrs.crypto.SseCKeySealer;
import io.srrrs.schemas.EncryptedChunk;
import io.srrrs.sink.ChunkRefusedException.Reason;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.RetriableException;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.Test;

/**
 * The sink's rows of the bad-input catalogue (docs/RELIABILITY.md, "The chunk topic (sink)"):
 * one test per class of bad chunk, each asserting the {@link ChunkRefusedException.Reason} the
 * task reported (not its message), that nothing of that object reached the store (no object, no
 * open multipart upload, no SSE-C companion), and that the next good object is still written: the
 * task goes on. Against the real S3Proxy of {@link SinkTaskFixture}.
 */
class BadInputCatalogueTest extends CatalogueFixture {

    // ---- not a chunk ----------------------------------------------------------------------------

    @Test
    void aValueOfAnotherSchemaANullValueOrTheWrongConverterIsNotAChunk() throws Exception {
        List<String> before = keys("objects");
        Schema reference = SchemaBuilder.struct().name("io.srrrs.schemas.PayloadReference")
                .field("id", Schema.STRING_SCHEMA).field("bucket", Schema.STRING_SCHEMA).field("key", Schema.STRING_SCHEMA)
                .build();
        Schema unnamed = SchemaBuilder.struct().field("referenceId", Schema.STRING_SCHEMA).build();
        List<SinkRecord> bad = List.of(
                valueAt(reference, new Struct(reference).put("id", "r").put("bucket", "objects").put("key", "x")),
                valueAt(unnamed, new Struct(unnamed).put("referenceId", "r")),
                valueAt(null, null), // a tombstone
                valueAt(Schema.BYTES_SCHEMA, "not avro".getBytes(StandardCharsets.UTF_8)), // ByteArrayConverter
                valueAt(Schema.STRING_SCHEMA, "{\"referenceId\":\"r\"}"), // StringConverter
                valueAt(null, Map.of("referenceId", "r"))); // JsonConverter without schemas
        put(bad);
        assertThat(context.reported).hasSize(bad.size());
        for (int i = 0; i < bad.size(); i++) {
            assertThat(reason(context.reported.get(i))).as("record %d", i).isEqualTo(Reason.NOT_A_CHUNK);
            assertThat(context.reported.get(i).record().kafkaOffset()).isEqualTo(bad.get(i).kafkaOffset());
        }
        nothingUploaded(before, null);
        goesOn();
    }

    @Test
    void anEncryptedChunkMissingAFieldOrWithANegativeSequenceIsNotAChunk() throws Exception {
        List<String> before = keys("objects");
        List<SinkRecord> bad = new ArrayList<>();
        for (String field : new String[] {"referenceId", "bucket", "key", "sequence", "ciphertext", "last"}) {
            // A one-chunk object whose only chunk lacks the field: nothing of it may be written.
            SinkRecord whole = at(chunks("missing-" + field, "missing/" + field + ".bin", 1000)).get(0);
            bad.add(without(whole, field));
        }
        List<EncryptedChunk> negative = chunks("negative", "negative/x.bin", 1000);
        negative.get(0).setSequence(-1L);
        bad.addAll(at(negative));
        List<EncryptedChunk> emptyId = chunks("", "empty-id/x.bin", 1000);
        bad.addAll(at(emptyId));
        put(bad);
        assertThat(context.reported).hasSize(bad.size());
        for (int i = 0; i < bad.size(); i++) {
            assertThat(reason(context.reported.get(i))).as("record %d", i).isEqualTo(Reason.NOT_A_CHUNK);
        }
        assertThat(context.reported.get(0).error().getMessage()).contains("unknown shape");
        assertThat(context.reported.get(bad.size() - 2).error().getMessage()).contains("sequence number >= 0");
        nothingUploaded(before, "negative/x.bin");
        assertThat(exists("objects", "missing/ciphertext.bin")).isFalse();
        goesOn();
    }

    // ---- chunk 0 and the sequence ---------------------------------------------------------------

    @Test
    void aChunk0WithoutItsStartIsReportedOnceAndItsLaterChunksIgnored() throws Exception {
        List<String> before = keys("objects");
        List<EncryptedChunk> c = chunks("no-start", "no-start/x.bin", 2 * CHUNK);
        assertThat(c).hasSize(3);
        c.get(0).setStart(null);
        put(at(c));
        assertThat(onlyReasonSince(0)).isEqualTo(Reason.NO_START);
        assertThat(context.reported.get(0).record().kafkaOffset()).as("reported by its chunk 0").isZero();
        nothingUploaded(before, "no-start/x.bin");
        goesOn();
        assertThat(context.reported).as("no second report for chunks 1..n").hasSize(1);
    }

    @Test
    void chunksWhoseChunk0NeverCameAreOneSequenceGap() throws Exception {
        List<String> before = keys("objects");
        List<EncryptedChunk> c = chunks("headless", "headless/x.bin", 3 * CHUNK);
        assertThat(c).hasSize(4);
        put(at(c.subList(1, c.size())));
        assertThat(onlyReasonSince(0)).isEqualTo(Reason.SEQUENCE_GAP);
        assertThat(context.reported.get(0).error().getMessage()).contains("has no chunk 0 before it");
        nothingUploaded(before, "headless/x.bin");
        goesOn();
        assertThat(context.reported).as("reported once, not once per chunk").hasSize(1);
    }

    @Test
    void aGapInTheSequenceIsASequenceGapAndItsUploadIsAborted() throws Exception {
        List<String> before = keys("objects");
        // Its key has no "gap" in it: the reason, not the message, is asserted.
        List<EncryptedChunk> c = chunks("holed", "holed/x.bin", MULTIPART);
        assertThat(c).hasSizeGreaterThan(12);
        List<EncryptedChunk> holed = new ArrayList<>(c);
        holed.remove(10); // after the first part was uploaded
        putMultipart(holed, 10, true);
        assertThat(onlyReasonSince(0)).isEqualTo(Reason.SEQUENCE_GAP);
        assertThat(context.reported.get(0).record().kafkaOffset()).as("reported by the chunk after the gap").isEqualTo(10);
        nothingUploaded(before, "holed/x.bin");
        goesOn();
        assertThat(context.reported).hasSize(1);
    }

    @Test
    void aChunkDuplicatedAtANewOffsetIsASequenceGap() throws Exception {
        List<String> before = keys("objects");
        List<EncryptedChunk> c = chunks("twice", "twice/x.bin", MULTIPART);
        List<EncryptedChunk> doubled = new ArrayList<>(c);
        doubled.add(10, c.get(9)); // chunk 9 again, at a new offset: not a redelivery
        putMultipart(doubled, 10, true);
        assertThat(onlyReasonSince(0)).isEqualTo(Reason.SEQUENCE_GAP);
        assertThat(context.reported.get(0).error().getMessage()).contains("expected chunk 10");
        nothingUploaded(before, "twice/x.bin");
        goesOn();
        assertThat(context.reported).hasSize(1);
    }

    @Test
    void chunks1And2SwappedAreASequenceGap() throws Exception {
        List<String> before = keys("objects");
        List<EncryptedChunk> c = chunks("swapped", "swapped/x.bin", MULTIPART);
        List<EncryptedChunk> swapped = new ArrayList<>(c);
        swapped.set(1, c.get(2));
        swapped.set(2, c.get(1));
        put(at(swapped));
        assertThat(onlyReasonSince(0)).isEqualTo(Reason.SEQUENCE_GAP);
        assertThat(context.reported.get(0).error().getMessage()).contains("chunk 2 of").contains("expected chunk 1");
        nothingUploaded(before, "swapped/x.bin");
        goesOn();
        assertThat(context.reported).hasSize(1);
    }

    // ---- chunk 0's contents ---------------------------------------------------------------------

    @Test
    void aChunk0ThatDoesNotStartWithTheHeaderOfItsStartIsAHeaderMismatch() throws Exception {
        List<String> before = keys("objects");
        List<EncryptedChunk> other = chunks("other", "header/other.bin", 1000);
        List<EncryptedChunk> c = withStart("header", "header/x.bin",
                s -> s.setHeader(other.get(0).getStart().getHeader()));
        put(at(c));
        assertThat(onlyReasonSince(0)).isEqualTo(Reason.HEADER_MISMATCH);
        nothingUploaded(before, "header/x.bin");
        goesOn();
    }

    @Test
    void aLastChunkWhoseObjectLengthDiffersIsALengthMismatchOnePartOrMultipart() throws Exception {
        List<String> before = keys("objects");
        List<EncryptedChunk> one = chunks("length-one", "length/one.bin", 1000);
        assertThat(one).hasSize(1);
        one.get(0).setObjectLength(one.get(0).getObjectLength() + 1);
        put(at(one));
        assertThat(onlyReasonSince(0)).isEqualTo(Reason.LENGTH_MISMATCH);
        nothingUploaded(before, "length/one.bin");

        List<EncryptedChunk> big = chunks("length-big", "length/big.bin", MULTIPART);
        EncryptedChunk last = big.get(big.size() - 1);
        last.setObjectLength(last.getObjectLength() + 1);
        putMultipart(big, big.size() - 1, true);
        assertThat(onlyReasonSince(1)).isEqualTo(Reason.LENGTH_MISMATCH);
        nothingUploaded(before, "length/big.bin");
        goesOn();
    }

    @Test
    void anUnknownFormatVersionIsUnknownFormat() throws Exception {
        List<String> before = keys("objects");
        List<EncryptedChunk> c = withStart("v2", "format/v2.bin", s -> {
            ByteBuffer header = s.getHeader();
            header.put(header.position() + 5, (byte) 2); // format version 2
        });
        put(at(c));
        assertThat(onlyReasonSince(0)).isEqualTo(Reason.UNKNOWN_FORMAT);
        nothingUploaded(before, "format/v2.bin");
        goesOn();
    }

    @Test
    void aBucketOutsideTheAllowListIsBucketNotAllowed() throws Exception {
        List<String> before = keys("objects");
        List<String> elsewhere = keys("elsewhere");
        put(at(ChunkMaker.chunks(kms.kms(), "elsewhere", "elsewhere", "x.bin", payload(500), SEGMENT, CHUNK, null)));
        assertThat(onlyReasonSince(0)).isEqualTo(Reason.BUCKET_NOT_ALLOWED);
        assertThat(keys("elsewhere")).isEqualTo(elsewhere);
        nothingUploaded(before, null);
        goesOn();
    }

    @Test
    void anEmptyKekIdAnOversizeContextOrAKeyWithNulIsInvalidMetadata() throws Exception {
        List<String> before = keys("objects");
        put(at(withStart("empty-kek", "invalid/empty-kek.bin", s -> s.setKekId(""))));
        assertThat(onlyReasonSince(0)).isEqualTo(Reason.INVALID_METADATA);

        Map<String, String> context33 = new HashMap<>();
        for (int i = 0; i < 33; i++) {
            context33.put("label" + i, "v");
        }
        put(at(withStart("context-33", "invalid/context-33.bin", s -> s.setEncryptionContext(context33))));
        assertThat(onlyReasonSince(1)).isEqualTo(Reason.INVALID_METADATA);
        assertThat(context.reported.get(1).error().getMessage()).contains("33 entries");

        List<EncryptedChunk> nul = chunks("nul-key", "invalid/nul.bin", 1000);
        nul.get(0).setKey("invalid/a\0b.bin");
        put(at(nul));
        assertThat(onlyReasonSince(2)).isEqualTo(Reason.INVALID_METADATA);
        assertThat(context.reported.get(2).error().getMessage()).doesNotContain("\0");

        nothingUploaded(before, "invalid/empty-kek.bin");
        assertThat(exists("objects", "invalid/context-33.bin")).isFalse();
        goesOn();
    }

    @Test
    void userMetadataThatTakesOursOverS3sTwoKilobytesIsMetadataTooLarge() throws Exception {
        List<String> before = keys("objects");
        put(at(withStart("too-large", "large/x.bin", s -> s.setUserMetadata(Map.of("owner", "x".repeat(1900))))));
        assertThat(onlyReasonSince(0)).isEqualTo(Reason.METADATA_TOO_LARGE);
        nothingUploaded(before, "large/x.bin");
        goesOn();
    }

    // ---- SSE-C ----------------------------------------------------------------------------------

    void restartWith(String key, String value) {
        task.stop();
        props.put(key, value);
        start(true);
    }

    @Test
    void sseCAskedOfASinkWithoutAPrivateKeyIsSseCNotConfigured() throws Exception {
        List<String> before = keys("objects");
        SseCKeySealer.KeyPair sink = SseCKeySealer.generateKeyPair();
        put(at(ChunkMaker.chunks(kms.kms(), "ssec-unconfigured", "objects", "ssec/unconfigured.bin", payload(1000), SEGMENT,
                CHUNK, sink.publicKeyBase64())));
        assertThat(onlyReasonSince(0)).isEqualTo(Reason.SSE_C_NOT_CONFIGURED);
        nothingUploaded(before, "ssec/unconfigured.bin");
        goesOn();
    }

    @Test
    void sseCWithoutASealedKeyInChunk0IsSseCKeyMissing() throws Exception {
        restartWith(S3SinkConfig.SSE_C_PRIVATE_KEY, SseCKeySealer.generateKeyPair().privateKeyBase64());
        List<String> before = keys("objects");
        put(at(withStart("ssec-missing", "ssec/missing.bin", s -> {
            s.setSseC(true);
            s.setSealedSseCKey(null);
        })));
        assertThat(onlyReasonSince(0)).isEqualTo(Reason.SSE_C_KEY_MISSING);
        nothingUploaded(before, "ssec/missing.bin");
        goesOn();
    }

    @Test
    void sseCTowardsAPlainHttpStoreIsSseCOverHttp() throws Exception {
        SseCKeySealer.KeyPair sink = SseCKeySealer.generateKeyPair();
        props.put(S3SinkConfig.STORE_URL, s3.httpEndpoint().toString());
        restartWith(S3SinkConfig.SSE_C_PRIVATE_KEY, sink.privateKeyBase64());
        List<String> before = keys("objects");
        put(at(ChunkMaker.chunks(kms.kms(), "ssec-http", "objects", "ssec/http.bin", payload(1000), SEGMENT, CHUNK,
                sink.publicKeyBase64())));
        assertThat(onlyReasonSince(0)).isEqualTo(Reason.SSE_C_OVER_HTTP);
        nothingUploaded(before, "ssec/http.bin");
        goesOn(); // without SSE-C, over the same plain-http store
    }

    @Test
    void aStoreThatRefusesForGoodIsStoreRefused() throws Exception {
        SseCKeySealer.KeyPair sink = SseCKeySealer.generateKeyPair();
        // "missing-bucket" is allowed here but does not exist on the store.
        props.put(S3SinkConfig.BUCKETS, "objects,missing-bucket");
        restartWith(S3SinkConfig.SSE_C_PRIVATE_KEY, sink.privateKeyBase64());
        List<String> before = keys("objects");

        // SSE-C on S3Proxy, which does not implement it: 501 (its metadata companion is removed again).
        put(at(ChunkMaker.chunks(kms.kms(), "ssec-501", "objects", "refused/ssec.bin", payload(1000), SEGMENT, CHUNK,
                sink.publicKeyBase64())));
        assertThat(onlyReasonSince(0)).isEqualTo(Reason.STORE_REFUSED);
        assertThat(context.reported.get(0).error().getMessage()).contains("501").contains("does not accept SSE-C");
        nothingUploaded(before, "refused/ssec.bin");

        // A metadata name that is no HTTP token: 400.
        put(at(withStart("bad-name", "refused/bad-name.bin", s -> s.setUserMetadata(Map.of("bad name", "v")))));
        assertThat(onlyReasonSince(1)).isEqualTo(Reason.STORE_REFUSED);
        assertThat(context.reported.get(1).error().getMessage()).contains("-> 400");
        // One that breaks the request's signature: 403.
        put(at(withStart("bad-colon", "refused/bad-colon.bin", s -> s.setUserMetadata(Map.of("bad:name", "v")))));
        assertThat(onlyReasonSince(2)).isEqualTo(Reason.STORE_REFUSED);
        assertThat(context.reported.get(2).error().getMessage()).contains("-> 403");
        // A bucket the store does not have: 404.
        put(at(ChunkMaker.chunks(kms.kms(), "no-bucket", "missing-bucket", "x.bin", payload(1000), SEGMENT, CHUNK, null)));
        assertThat(onlyReasonSince(3)).isEqualTo(Reason.STORE_REFUSED);
        assertThat(context.reported.get(3).error().getMessage()).contains("-> 404");
        nothingUploaded(before, "refused/bad-name.bin");
        assertThat(exists("objects", "refused/bad-colon.bin")).isFalse();
        goesOn();
    }

    // ---- the unforeseen -------------------------------------------------------------------------

    /**
     * An unforeseen exception through the task's real inputs: the part of an object spilled to
     * srrrs.buffer.dir (memory budget of 1 byte) is deleted under the task between two of its
     * chunks, as a temporary-file cleaner would. The upload of the last chunk then cannot read
     * the part back: the SDK passes on the body's {@code UncheckedIOException(NoSuchFileException)},
     * which is neither a store answer nor a refusal.
     */
    @Test
    void anUnforeseenFailureIsRedeliveredThenProcessingFailedAndTheNextObjectIsWritten() throws Exception {
        Path spill = dir.resolve("spill-unforeseen");
        props.put(S3SinkConfig.BUFFER_DIR, spill.toString());
        props.put(S3SinkConfig.RECORD_MAX_ATTEMPTS, "3");
        restartWith(S3SinkConfig.BUFFER_MEMORY, "1");
        List<String> before = keys("objects");
        List<SinkRecord> records = at(chunks("spill-gone", "unforeseen/x.bin", 2 * CHUNK));
        assertThat(records).hasSize(3);
        put(records.subList(0, 2));
        try (var files = Files.list(spill)) {
            List<Path> parts = files.toList();
            assertThat(parts).as("the object's part is spilled").hasSize(1);
            Files.delete(parts.get(0));
        }
        List<SinkRecord> tail = records.subList(2, 3);
        for (int attempt = 1; attempt < 3; attempt++) {
            // Connect redelivers the batch after each RetriableException, after the backoff asked for.
            context.lastTimeout = -1;
            assertThatThrownBy(() -> put(tail)).as("attempt %d", attempt).isInstanceOf(RetriableException.class)
                    .hasMessageContaining("chunks/0@2").hasMessageContaining("NoSuchFileException");
            assertThat(context.lastTimeout).isEqualTo(10);
            assertThat(context.reported).isEmpty();
        }
        put(tail); // the third attempt: refused, not thrown
        assertThat(onlyReasonSince(0)).isEqualTo(Reason.PROCESSING_FAILED);
        assertThat(context.reported.get(0).record().kafkaOffset()).isEqualTo(2);
        assertThat(context.reported.get(0).error().getMessage()).contains("gave up after 3 attempts")
                .contains("UncheckedIOException");
        nothingUploaded(before, "unforeseen/x.bin");
        goesOn(); // with the same 1-byte budget: it spills, and is written
        try (var files = Files.list(spill)) {
            assertThat(files.toList()).as("no spill file left behind").isEmpty();
        }
    }
}
