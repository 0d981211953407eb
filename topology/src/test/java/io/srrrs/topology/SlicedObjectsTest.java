package io.srrrs.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.srrrs.crypto.CiphertextChunk;
import io.srrrs.crypto.format.ContentFormat;
import io.srrrs.crypto.format.EncryptionContext;
import io.srrrs.crypto.format.ObjectIdentity;
import io.srrrs.crypto.format.OutputFormat;
import io.srrrs.crypto.format.S3ecContent;
import io.srrrs.crypto.kms.DataKeyPair;
import io.srrrs.crypto.kms.DecoratedKms;
import io.srrrs.crypto.kms.KmsConfig;
import io.srrrs.crypto.kms.local.LocalKeystoreKms;
import io.srrrs.schemas.EncryptedChunk;
import io.srrrs.schemas.PayloadReference;
import io.srrrs.schemas.RejectedReference;
import io.srrrs.serdes.AvroDeserializer;
import io.srrrs.serdes.AvroSerializer;
import io.srrrs.serdes.InMemorySchemaRegistryClient;
import io.srrrs.serdes.chunk.ObjectStartFields;
import io.srrrs.topology.source.PayloadSources;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Objects larger than a slice, committed over several transactions (D49), through the
 * TopologyTestDriver: punctuations forward the next slices, the store of objects in progress holds
 * each until its last chunk, a restored task or a transient failure starts the object again from
 * chunk 0 under the next attempt, and a second version of one key waits for the first.
 */
class SlicedObjectsTest {

    static final int S = 4096;
    static final int CHUNK = 16384; // 3 segments per chunk
    static final int SLICE = 2 * 3 * (S + 16); // two chunks (three sealed segments each) per transaction
    static final int BIG = 300_000; // about 19 chunks: ten slices

    @TempDir
    Path dir;
    InMemorySchemaRegistryClient registry = new InMemorySchemaRegistryClient();
    Map<String, String> settings = new HashMap<>();
    DecoratedKms kms;
    PayloadSources sources;
    TopologyTestDriver driver;
    TestInputTopic<byte[], byte[]> input;
    TestOutputTopic<String, EncryptedChunk> chunks;
    TestOutputTopic<String, RejectedReference> dlq;
    AvroSerializer<PayloadReference> serializer;
    /** The sealing fails (IOException, as a source that broke off) when asked for this chunk; -1 never. */
    int failAtChunk = -1;
    /** How many sealings may still fail so; each attempt is a sealing. */
    AtomicInteger failuresLeft = new AtomicInteger();

    @BeforeEach
    void setUp() throws Exception {
        try (LocalKeystoreKms keystore = LocalKeystoreKms.openOrCreate(dir.resolve("keks.p12"), "pw".toCharArray())) {
            keystore.createKek("orders");
        }
        settings.put("application.id", "sliced");
        settings.put("bootstrap.servers", "unused:9092");
        settings.put(StreamsConfig.STATE_DIR_CONFIG, dir.resolve("state").toString());
        settings.put(TopologyConfig.SEGMENT_SIZE, Integer.toString(S));
        settings.put(TopologyConfig.CHUNK_MAX_BYTES, Integer.toString(CHUNK));
        settings.put(TopologyConfig.SLICE_BYTES, Integer.toString(SLICE));
        settings.put(TopologyConfig.SOURCE_MAX_BYTES, "1000000");
        settings.put(TopologyConfig.FILE_ROOTS, dir.toString());
        settings.put(TopologyConfig.KEK_DEFAULT, "orders");
        settings.put(TopologyConfig.BUCKET_ALLOWED, "bucket");
        settings.put("kms.type", "local");
        settings.put("kms.local.keystore", dir.resolve("keks.p12").toString());
        settings.put("kms.local.password", "pw");
        start(5);
    }

    void start(int maxAttempts) {
        TopologyConfig config = TopologyConfig.of(settings);
        kms = KmsConfig.stack(config.kmsConfig());
        sources = PayloadSources.from(config);
        EncryptionTopology.Dependencies d = EncryptorApp.dependencies(config, kms, registry, sources, failing());
        d = new EncryptionTopology.Dependencies(d.deserializer(), d.validator(), d.kekPolicy(), d.referencePolicy(),
                d.kms(), d.sources(), d.cipher(), d.segmentSize(), d.chunkMaxBytes(), d.sliceBytes(),
                d.dedupRetentionMillis(), new RecordAttempts(maxAttempts, 10, 40, 60_000), d.sseCSinkPublicKey(),
                d.kmsCalls(), d.dekCacheHits(), d.formats());
        driver = new TopologyTestDriver(EncryptionTopology.build(config, d, registry), config.streamsProperties());
        input = driver.createInputTopic("payload-refs", new ByteArraySerializer(), new ByteArraySerializer());
        chunks = driver.createOutputTopic("ciphertext-chunks", new StringDeserializer(),
                new AvroDeserializer<>(EncryptedChunk.class, registry));
        dlq = driver.createOutputTopic("payload-refs.dlq", new StringDeserializer(),
                new AvroDeserializer<>(RejectedReference.class, registry));
        serializer = new AvroSerializer<>(registry, true);
    }

    /** The real formats, but a sealing fails at {@link #failAtChunk} while {@link #failuresLeft} lasts. */
    ObjectCipher failing() {
        return new ObjectCipher() {
            @Override
            public Sealing seal(DataKeyPair dek, ObjectIdentity identity, EncryptionContext context,
                                InputStream plaintext, long hint, int segment, int max) {
                return failing(ObjectCipher.ENVELOPE.seal(dek, identity, context, plaintext, hint, segment, max));
            }

            @Override
            public Sealing seal(OutputFormat format, DataKeyPair dek, ObjectIdentity identity, EncryptionContext context,
                                InputStream plaintext, long hint, int segment, int max) {
                return failing(ObjectCipher.ENVELOPE.seal(format, dek, identity, context, plaintext, hint, segment, max));
            }
        };
    }

    /** {@code real}, failing as {@link #failAtChunk} and {@link #failuresLeft} say. */
    ObjectCipher.Sealing failing(ObjectCipher.Sealing real) {
        boolean fails = failAtChunk >= 0 && failuresLeft.getAndDecrement() > 0;
        return new ObjectCipher.Sealing() {
            int asked;

            @Override
            public ContentFormat content() {
                return real.content();
            }

            @Override
            public CiphertextChunk next() throws IOException {
                if (fails && asked++ == failAtChunk) {
                    throw new IOException("connection reset by the source");
                }
                return real.next();
            }

            @Override
            public long plaintextLength() {
                return real.plaintextLength();
            }

            @Override
            public byte[] sseCKey() {
                return real.sseCKey();
            }

            @Override
            public void close() throws IOException {
                real.close();
            }
        };
    }

    @AfterEach
    void close() {
        driver.close();
        sources.close();
        kms.close();
    }

    void send(PayloadReference ref) {
        input.pipeInput(ref.getId().getBytes(StandardCharsets.UTF_8), serializer.serialize("payload-refs", ref));
    }

    /** A reference to a file source holding {@code data} (inline payloads are never sliced). */
    PayloadReference.Builder file(String id, byte[] data) throws IOException {
        Path f = dir.resolve(id + ".bin");
        java.nio.file.Files.write(f, data);
        return Fixtures.uri(id, "file:" + f);
    }

    KeyValueStore<String, byte[]> inProgress() {
        return driver.getKeyValueStore(EncryptionTopology.OBJECTS_IN_PROGRESS_STORE);
    }

    /** Entries of the store of objects in progress (RocksDB's own count is approximate). */
    long storedCount() {
        long n = 0;
        try (var it = inProgress().all()) {
            for (; it.hasNext(); it.next()) {
                n++;
            }
        }
        return n;
    }

    /** One punctuation (the slice punctuator's interval): the next slice of one object in progress. */
    List<EncryptedChunk> punctuate() {
        driver.advanceWallClockTime(EncryptionProcessor.SLICE_PUNCTUATION);
        return chunks.readValuesToList();
    }

    /** Punctuations until no object is in progress; every chunk forwarded meanwhile. */
    List<EncryptedChunk> drain(List<EncryptedChunk> into) {
        for (int i = 0; i < 200 && storedCount() > 0; i++) {
            driver.advanceWallClockTime(Duration.ofMillis(50)); // past any test backoff
            into.addAll(chunks.readValuesToList());
        }
        into.addAll(chunks.readValuesToList());
        return into;
    }

    static List<EncryptedChunk> of(List<EncryptedChunk> all, String id, int attempt) {
        return all.stream().filter(c -> c.getReferenceId().equals(id) && c.getAttempt() == attempt).toList();
    }

    static void assertComplete(List<EncryptedChunk> object) {
        for (int i = 0; i < object.size(); i++) {
            assertThat(object.get(i).getSequence()).as("sequence continuous").isEqualTo(i);
            assertThat(object.get(i).getLast()).isEqualTo(i == object.size() - 1);
            assertThat(object.get(i).getAborted()).isFalse();
        }
    }

    static byte[] header(EncryptedChunk chunk0) {
        return EncryptionPipelineIT.bytes(chunk0.getStart().getHeader());
    }

    @Test
    void anObjectOverThreeSlicesGoesOutOverSeveralPunctuationsAsOneContinuousAttempt() throws Exception {
        byte[] data = Fixtures.payload(BIG);
        send(file("big", data).build());
        List<EncryptedChunk> all = new java.util.ArrayList<>(chunks.readValuesToList());
        assertThat(all).as("process() forwards the first slice only").hasSize(2);
        assertThat(inProgress().get("big")).as("the object is in progress").isNotNull();
        InProgressRecord stored = InProgressRecord.decode(inProgress().get("big"));
        assertThat(stored.attempt()).isZero();
        assertThat(stored.offset()).isZero();
        assertThat(stored.target()).isEqualTo("bucket/objects/big.bin");
        int punctuations = 0;
        while (all.isEmpty() || !all.get(all.size() - 1).getLast()) {
            List<EncryptedChunk> slice = punctuate();
            punctuations++;
            assertThat(slice).as("one slice per punctuation").hasSizeBetween(1, 2);
            all.addAll(slice);
            if (!all.get(all.size() - 1).getLast()) {
                assertThat(inProgress().get("big")).as("held until the last chunk").isNotNull();
            }
        }
        assertThat(punctuations).isGreaterThanOrEqualTo(3);
        assertThat(inProgress().get("big")).as("removed with the last chunk").isNull();
        assertThat(all).allMatch(c -> c.getAttempt() == 0);
        assertComplete(all);
        assertThat(Fixtures.decrypt(all, kms.kms())).isEqualTo(data);
        assertThat(punctuate()).as("nothing more").isEmpty();
        assertThat(dlq.isEmpty()).isTrue();
        KeyValueStore<String, Long> seen = driver.getKeyValueStore(EncryptionTopology.SEEN_IDS_STORE);
        assertThat(seen.get("big")).isNotNull();
    }

    @Test
    void anInlinePayloadLargerThanASliceStaysInOneTransactionSoItsPlaintextNeverReachesTheStore() throws Exception {
        byte[] data = Fixtures.payload(BIG);
        send(Fixtures.inline("inline-big", data).build());
        List<EncryptedChunk> object = chunks.readValuesToList();
        assertThat(object.size()).isGreaterThan(3);
        assertComplete(object);
        assertThat(storedCount()).isZero();
        assertThat(Fixtures.decrypt(object, kms.kms())).isEqualTo(data);
    }

    @Test
    void smallObjectsStayInOneTransactionAndNeverTouchTheStore() throws Exception {
        byte[] data = Fixtures.payload(SLICE - 1000);
        send(Fixtures.inline("small", data).build());
        List<EncryptedChunk> object = chunks.readValuesToList();
        assertComplete(object);
        assertThat(storedCount()).isZero();
        assertThat(Fixtures.decrypt(object, kms.kms())).isEqualTo(data);
    }

    @Test
    void aRestoredTaskStartsItsObjectAgainFromChunkZeroUnderTheNextAttempt() throws Exception {
        byte[] data = Fixtures.payload(BIG);
        send(file("restart", data).build());
        List<EncryptedChunk> before = new java.util.ArrayList<>(chunks.readValuesToList());
        before.addAll(punctuate());
        assertThat(before).hasSize(4).allMatch(c -> c.getAttempt() == 0);
        byte[] stored = inProgress().get("restart");
        assertThat(stored).isNotNull();
        // A crash: a new instance whose store was restored from the changelog (seeded here with what
        // the first one committed), with no open state of the object.
        close();
        start(5);
        inProgress().put("restart", stored);
        List<EncryptedChunk> after = drain(new java.util.ArrayList<>());
        assertThat(after).allMatch(c -> c.getAttempt() == 1);
        assertComplete(after);
        assertThat(Fixtures.decrypt(after, kms.kms())).isEqualTo(data);
        EncryptedChunk oldFirst = before.get(0);
        assertThat(oldFirst.getSequence()).isZero();
        assertThat(header(after.get(0))).as("a fresh salt, so a new header").isNotEqualTo(header(oldFirst));
        assertThat(inProgress().get("restart")).isNull();
        assertThat(dlq.isEmpty()).isTrue();
    }

    @Test
    void aRestoredS3ecObjectKeepsItsFormatButGetsAFreshIv() throws Exception {
        close();
        settings.put(TopologyConfig.OUTPUT_FORMATS_ALLOWED, "s3ec-v2,s3ec-v3");
        settings.put(TopologyConfig.OUTPUT_FORMAT_DEFAULT, "s3ec-v2");
        start(5);
        byte[] data = Fixtures.payload(BIG);
        send(file("s3ec-restart", data).setEncryptionContext(Map.of()).build());
        List<EncryptedChunk> before = new java.util.ArrayList<>(chunks.readValuesToList());
        before.addAll(punctuate());
        assertThat(before).isNotEmpty().noneMatch(EncryptedChunk::getLast);
        byte[] stored = inProgress().get("s3ec-restart");
        close();
        settings.put(TopologyConfig.OUTPUT_FORMAT_DEFAULT, "s3ec-v3"); // the operator changed the default meanwhile
        start(5);
        inProgress().put("s3ec-restart", stored);
        List<EncryptedChunk> after = drain(new java.util.ArrayList<>());
        assertThat(after).allMatch(c -> c.getAttempt() == 1);
        assertComplete(after);
        S3ecContent first = (S3ecContent) ObjectStartFields.fromAvro(before.get(0).getStart()).metadata().content();
        S3ecContent again = (S3ecContent) ObjectStartFields.fromAvro(after.get(0).getStart()).metadata().content();
        assertThat(again.version()).as("the format the first attempt chose").isEqualTo(S3ecContent.Version.V2);
        assertThat(again.nonce()).as("never the body again under the same V2 IV").isNotEqualTo(first.nonce());
        assertThat(Fixtures.decryptS3ec(after, kms.kms())).isEqualTo(data);
        assertThat(dlq.isEmpty()).isTrue();
    }

    @Test
    void aTransientFailureInALaterSliceStartsTheObjectAgainUnderTheNextAttempt() throws Exception {
        failAtChunk = 4; // the third slice
        failuresLeft.set(1);
        byte[] data = Fixtures.payload(BIG);
        send(file("flaky", data).build());
        List<EncryptedChunk> all = drain(new java.util.ArrayList<>(chunks.readValuesToList()));
        List<EncryptedChunk> first = of(all, "flaky", 0);
        assertThat(first).as("attempt 0 up to the failure").hasSize(4).noneMatch(EncryptedChunk::getLast);
        List<EncryptedChunk> second = of(all, "flaky", 1);
        assertComplete(second);
        assertThat(Fixtures.decrypt(second, kms.kms())).isEqualTo(data);
        assertThat(header(second.get(0))).isNotEqualTo(header(first.get(0)));
        assertThat(dlq.isEmpty()).as("no DLQ record for a failure that passed").isTrue();
        assertThat(storedCount()).isZero();
    }

    @Test
    void aTransientFailureOfAnS3ecObjectStartsItAgainUnderANewMessageId() throws Exception {
        close();
        settings.put(TopologyConfig.OUTPUT_FORMATS_ALLOWED, "s3ec-v3");
        settings.put(TopologyConfig.OUTPUT_FORMAT_DEFAULT, "s3ec-v3");
        start(5);
        failAtChunk = 4;
        failuresLeft.set(1);
        byte[] data = Fixtures.payload(BIG);
        send(file("flaky-s3ec", data).setEncryptionContext(Map.of()).build());
        List<EncryptedChunk> all = drain(new java.util.ArrayList<>(chunks.readValuesToList()));
        List<EncryptedChunk> first = of(all, "flaky-s3ec", 0);
        List<EncryptedChunk> second = of(all, "flaky-s3ec", 1);
        assertThat(first).hasSize(4).noneMatch(EncryptedChunk::getLast);
        assertComplete(second);
        assertThat(Fixtures.decryptS3ec(second, kms.kms())).isEqualTo(data);
        assertThat(ObjectStartFields.fromAvro(second.get(0).getStart()).metadata().content().toBytes())
                .isNotEqualTo(ObjectStartFields.fromAvro(first.get(0).getStart()).metadata().content().toBytes());
        assertThat(dlq.isEmpty()).isTrue();
    }

    @Test
    void pastTheLastAttemptTheObjectIsAbandonedAndDeadLettered() throws Exception {
        close();
        start(3);
        failAtChunk = 3;
        failuresLeft.set(100);
        send(file("doomed", Fixtures.payload(BIG)).build());
        List<EncryptedChunk> all = drain(new java.util.ArrayList<>(chunks.readValuesToList()));
        assertThat(of(all, "doomed", 0)).hasSize(3);
        assertThat(of(all, "doomed", 1)).hasSize(3);
        List<EncryptedChunk> last = of(all, "doomed", 2);
        EncryptedChunk marker = all.get(all.size() - 1);
        assertThat(marker.getAborted()).isTrue();
        assertThat(marker.getLast()).isTrue();
        assertThat(marker.getAttempt()).isEqualTo(2);
        assertThat(last).filteredOn(c -> !c.getAborted()).hasSize(3);
        List<RejectedReference> rejected = dlq.readValuesToList();
        assertThat(rejected).hasSize(1);
        assertThat(rejected.get(0).getReason()).isEqualTo("PROCESSING_FAILED");
        assertThat(rejected.get(0).getReferenceId()).isEqualTo("doomed");
        assertThat(rejected.get(0).getInputOffset()).isZero();
        assertThat(rejected.get(0).getMessage()).contains("gave up after 3 attempts").contains("connection reset");
        assertThat(storedCount()).isZero();
    }

    @Test
    void aSecondReferenceForTheSameKeyWaitsForTheFirstWhileOtherKeysGoOn() throws Exception {
        byte[] v1 = Fixtures.payload(BIG);
        byte[] other = Fixtures.payload(1000);
        byte[] v2 = Fixtures.payload(2000);
        send(file("v1", v1).setKey("same.bin").build());
        send(Fixtures.inline("other", other).build());
        List<EncryptedChunk> all = new java.util.ArrayList<>(chunks.readValuesToList());
        assertThat(all.get(all.size() - 1).getReferenceId()).as("another key goes on meanwhile").isEqualTo("other");
        assertThat(of(all, "v1", 0)).noneMatch(EncryptedChunk::getLast);
        send(Fixtures.inline("v2", v2).setKey("same.bin").build());
        all.addAll(chunks.readValuesToList());
        List<EncryptedChunk> first = of(all, "v1", 0);
        assertComplete(first);
        int lastOfV1 = all.indexOf(first.get(first.size() - 1));
        int firstOfV2 = all.indexOf(of(all, "v2", 0).get(0));
        assertThat(lastOfV1).as("v1 finished before v2 starts").isLessThan(firstOfV2);
        assertThat(Fixtures.decrypt(first, kms.kms())).isEqualTo(v1);
        assertThat(Fixtures.decrypt(of(all, "v2", 0), kms.kms())).isEqualTo(v2);
        assertThat(storedCount()).isZero();
    }

    @Test
    void aDuplicateOfAnObjectInProgressIsRefusedAndBeyondFourTheOldestIsFinishedFirst() throws Exception {
        for (int i = 0; i < ObjectSlices.MAX_IN_PROGRESS; i++) {
            send(file("big-" + i, Fixtures.payload(BIG)).build());
        }
        send(Fixtures.inline("big-0", new byte[10]).build());
        assertThat(dlq.readValuesToList()).extracting(RejectedReference::getReason).containsExactly("DUPLICATE_ID");
        List<EncryptedChunk> all = new java.util.ArrayList<>(chunks.readValuesToList());
        assertThat(all).noneMatch(EncryptedChunk::getLast);
        send(file("big-4", Fixtures.payload(BIG)).build());
        all.addAll(chunks.readValuesToList());
        assertComplete(of(all, "big-0", 0));
        assertThat(inProgress().get("big-0")).isNull();
        assertThat(inProgress().get("big-4")).isNotNull();
        drain(all);
        for (int i = 0; i < 5; i++) {
            assertComplete(of(all, "big-" + i, 0));
        }
    }

    @Test
    void theStoredRecordIsVersionedAndRoundTrips() {
        InProgressRecord r = new InProgressRecord(3, "bucket", "a/b.bin", "payload-refs", 2, 41L, 1234L, new byte[]{1, 2, 3},
                "s3ec-v3");
        byte[] encoded = r.encode();
        assertThat(encoded[0]).isEqualTo(InProgressRecord.VERSION);
        InProgressRecord back = InProgressRecord.decode(encoded);
        assertThat(back.attempt()).isEqualTo(3);
        assertThat(back.nextAttempt().attempt()).isEqualTo(4);
        assertThat(back.target()).isEqualTo("bucket/a/b.bin");
        assertThat(back.inputMetadata().offset()).isEqualTo(41L);
        assertThat(back.inputMetadata().partition()).isEqualTo(2);
        assertThat(back.timestamp()).isEqualTo(1234L);
        assertThat(back.value()).containsExactly(1, 2, 3);
        assertThat(back.format()).isEqualTo("s3ec-v3");
        assertThat(back.nextAttempt().format()).as("a restarted attempt keeps its format").isEqualTo("s3ec-v3");
        encoded[0] = 9;
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> InProgressRecord.decode(encoded))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("version 9");
    }

    @Test
    void aVersionOneRecordWasFormatV1() {
        byte[] v2 = new InProgressRecord(1, "bucket", "k", "payload-refs", 0, 7L, 9L, new byte[]{4}, "s3ec-v2").encode();
        byte[] v1 = java.util.Arrays.copyOf(v2, v2.length - 2 - "s3ec-v2".length()); // without the trailing UTF
        v1[0] = 1;
        InProgressRecord back = InProgressRecord.decode(v1);
        assertThat(back.format()).isEqualTo("srrrs-v1");
        assertThat(back.value()).containsExactly(4);
    }
}
