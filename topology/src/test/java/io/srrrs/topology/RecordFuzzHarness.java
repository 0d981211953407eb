package io.srrrs.topology;

import io.srrrs.crypto.kms.DecoratedKms;
import io.srrrs.crypto.kms.local.LocalKeystoreKms;
import io.srrrs.crypto.pki.LocalCa;
import io.srrrs.embedded.EmbeddedS3;
import io.srrrs.schemas.EncryptedChunk;
import io.srrrs.schemas.InlineSource;
import io.srrrs.schemas.PayloadReference;
import io.srrrs.schemas.RejectedReference;
import io.srrrs.serdes.AvroDeserializer;
import io.srrrs.serdes.AvroSerializer;
import io.srrrs.serdes.InMemorySchemaRegistryClient;
import io.srrrs.store.StoreClients;
import io.srrrs.store.StoreConfig;
import io.srrrs.topology.source.PayloadSources;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The topology in a TopologyTestDriver, with every source it can read from on loopback (a file
 * root, an https server, S3Proxy), a local keystore KMS and the in-memory registry, and the
 * properties one input record must keep:
 * <ul>
 *   <li>the driver never throws (except the documented abort of a transaction whose chunks were
 *       already forwarded when a transient failure came: then no object was finished);
 *   <li>the record ends as its object's chunks (sequence 0..n, one last, decrypting to the inline
 *       payload), or as exactly one DLQ record with a known reason and a message, any chunks
 *       before it closed by an abandon marker;
 *   <li>no plaintext (the canary every payload is made of) in the DLQ or in any ciphertext.
 * </ul>
 */
final class RecordFuzzHarness implements AutoCloseable {

    static final String INPUT = "payload-refs";

    private final LocalCa ca;
    private final EmbeddedS3 s3;
    private final Fixtures.PayloadServer https;
    private final DecoratedKms kms;
    private final PayloadSources sources;
    private final TopologyTestDriver driver;
    private final TestInputTopic<byte[], byte[]> input;
    private final TestOutputTopic<String, EncryptedChunk> chunks;
    private final TestOutputTopic<String, RejectedReference> dlq;
    private final AvroSerializer<PayloadReference> serializer;
    private final AvroDeserializer<PayloadReference> deserializer;
    final Map<String, String> placeholders = new HashMap<>();

    /** A registry that gives our three schemas the same ids in every run, so binary seeds keep meaning. */
    static InMemorySchemaRegistryClient registry() {
        InMemorySchemaRegistryClient registry = new InMemorySchemaRegistryClient();
        registry.register(INPUT + "-value", PayloadReference.getClassSchema());            // id 1
        registry.register("ciphertext-chunks-value", EncryptedChunk.getClassSchema());     // id 2
        registry.register("payload-refs.dlq-value", RejectedReference.getClassSchema());  // id 3
        return registry;
    }

    RecordFuzzHarness(Path dir) throws Exception {
        ca = LocalCa.createOrLoad(dir.resolve("ca"));
        s3 = EmbeddedS3.start(dir.resolve("s3"), ca);
        try (S3Client client = StoreClients.s3(StoreConfig.of(s3.httpsEndpoint(), s3.accessKey(), s3.secretKey(),
                ca.truststore()))) {
            client.createBucket(b -> b.bucket("staging"));
            client.putObject(b -> b.bucket("staging").key("in/object.bin"), RequestBody.fromBytes(ReferenceText.canary(30_000)));
        }
        https = new Fixtures.PayloadServer(ca);
        https.files.put("/ok.bin", ReferenceText.canary(20_000));
        https.files.put("/empty.bin", new byte[0]);
        https.redirects.put("/moved", "/ok.bin");
        https.redirects.put("/escape", https.urlByIp("/ok.bin"));
        https.redirects.put("/downgrade", "http://localhost:1/ok.bin");
        https.redirects.put("/loop", "/loop");
        Path inbox = Files.createDirectories(dir.resolve("inbox"));
        Path outside = Files.createDirectories(dir.resolve("outside"));
        Files.write(inbox.resolve("small.bin"), ReferenceText.canary(5000));
        Files.write(inbox.resolve("empty.bin"), new byte[0]);
        Files.write(inbox.resolve("big.bin"), ReferenceText.canary(1_000_001));
        Files.write(Files.createDirectories(inbox.resolve("dir")).resolve("nested.bin"), ReferenceText.canary(100));
        Files.write(outside.resolve("secret.txt"), ReferenceText.canary(64));
        Files.createSymbolicLink(inbox.resolve("link-out.txt"), outside.resolve("secret.txt"));
        placeholders.put("${inbox}", inbox.toString());
        placeholders.put("${outside}", outside.toString());
        placeholders.put("${https}", https.url(""));
        placeholders.put("${https-ip}", https.urlByIp(""));

        LocalKeystoreKms keystore = LocalKeystoreKms.openOrCreate(dir.resolve("keks.p12"), "pw".toCharArray());
        for (String kek : List.of("orders", "tenant-acme", "tenant-globex", "retired")) {
            keystore.createKek(kek);
        }
        keystore.disable("retired");
        Map<String, String> settings = new HashMap<>();
        settings.put("application.id", "fuzz");
        settings.put("bootstrap.servers", "unused:9092");
        settings.put(StreamsConfig.STATE_DIR_CONFIG, dir.resolve("state").toString());
        settings.put(TopologyConfig.SEGMENT_SIZE, "4096");
        settings.put(TopologyConfig.CHUNK_MAX_BYTES, "16384");
        settings.put(TopologyConfig.SOURCE_MAX_BYTES, "1000000");
        settings.put(TopologyConfig.FILE_ROOTS, inbox.toString());
        settings.put(TopologyConfig.HTTPS_HOSTS, "localhost");
        settings.put(TopologyConfig.HTTPS_TRUSTSTORE, ca.truststore().toString());
        settings.put(TopologyConfig.HTTPS_TRUSTSTORE_PASSWORD, "changeit");
        // Bounded, so that a fuzzed URI naming some other loopback port cannot hang an input.
        settings.put(TopologyConfig.HTTPS_CONNECT_TIMEOUT, "1000");
        settings.put(TopologyConfig.SOURCE_DEADLINE, "3000");
        settings.put(TopologyConfig.S3_ENDPOINT, s3.httpsEndpoint().toString());
        settings.put(TopologyConfig.S3_BUCKETS, "staging");
        settings.put(TopologyConfig.S3_ACCESS_KEY, s3.accessKey());
        settings.put(TopologyConfig.S3_SECRET_KEY, s3.secretKey());
        settings.put(TopologyConfig.S3_TRUSTSTORE, ca.truststore().toString());
        settings.put(TopologyConfig.S3_TRUSTSTORE_PASSWORD, "changeit");
        settings.put(TopologyConfig.KEK_DEFAULT, "orders");
        // References may choose among these (the kek= seeds), so fuzzed aliases reach the allow-list check;
        // any destination bucket, so fuzzed buckets reach the later stages.
        settings.put(TopologyConfig.KEK_REFERENCE_OVERRIDE, "true");
        settings.put(TopologyConfig.KEK_ALLOWED, "tenant-*,retired");
        settings.put(TopologyConfig.BUCKET_ALLOWED, "*");
        settings.put(TopologyConfig.SSE_C_SINK_PUBLIC_KEY, io.srrrs.crypto.SseCKeySealer.generateKeyPair().publicKeyBase64());
        // One retry, no waiting: the retry path runs, and a failing input costs milliseconds.
        settings.put(TopologyConfig.TRANSIENT_MAX_ATTEMPTS, "2");
        settings.put(TopologyConfig.TRANSIENT_BACKOFF, "0");
        settings.put(TopologyConfig.TRANSIENT_BACKOFF_MAX, "0");
        // Ids are forgotten as soon as the wall clock moves (see pipe): each input starts afresh.
        settings.put(TopologyConfig.DEDUP_RETENTION, "0");
        settings.put("kms.type", "local");
        settings.put("kms.local.keystore", dir.resolve("keks.p12").toString());
        settings.put("kms.local.password", "pw");

        TopologyConfig config = TopologyConfig.of(settings);
        kms = io.srrrs.crypto.kms.KmsConfig.stack(config.kmsConfig());
        InMemorySchemaRegistryClient registry = registry();
        sources = PayloadSources.from(config);
        EncryptionTopology.Dependencies deps = EncryptorApp.dependencies(config, kms, registry, sources, ObjectCipher.ENVELOPE);
        driver = new TopologyTestDriver(EncryptionTopology.build(config, deps, registry), config.streamsProperties());
        input = driver.createInputTopic(INPUT, new ByteArraySerializer(), new ByteArraySerializer());
        chunks = driver.createOutputTopic("ciphertext-chunks", new StringDeserializer(),
                new AvroDeserializer<>(EncryptedChunk.class, registry));
        dlq = driver.createOutputTopic("payload-refs.dlq", new StringDeserializer(),
                new AvroDeserializer<>(RejectedReference.class, registry));
        serializer = new AvroSerializer<>(registry, true);
        deserializer = new AvroDeserializer<>(PayloadReference.class, registry);
    }

    /** Any bytes as the record value (an empty input is a record without value). */
    void pipeBytes(byte[] value) throws Exception {
        byte[] v = value.length == 0 ? null : value;
        PayloadReference decoded;
        try {
            decoded = v == null ? null : deserializer.deserialize(INPUT, v);
        } catch (RuntimeException undecodable) {
            decoded = null;
        }
        pipe(v, decoded);
    }

    /** A structurally valid reference with whatever field values the text gives. */
    void pipeReference(byte[] text) throws Exception {
        ReferenceText parsed = ReferenceText.parse(text, placeholders);
        byte[] value = serializer.serialize(INPUT, parsed.reference());
        boolean done = pipe(value, parsed.reference());
        if (parsed.twice()) {
            Result again = send(value);
            if (done) {
                check(again.chunks.isEmpty() && again.rejected.size() == 1
                        && "DUPLICATE_ID".equals(again.rejected.get(0).value().getReason()),
                        "a reference sent again after it was encrypted was not refused as a duplicate: " + again);
            }
            checkOne(again, parsed.reference());
        }
    }

    private record Result(List<EncryptedChunk> chunks, List<TestRecord<String, RejectedReference>> rejected,
                          RuntimeException thrown) {
    }

    /** Sends one record and checks what came of it; true if it became an object. */
    private boolean pipe(byte[] value, PayloadReference reference) throws Exception {
        driver.advanceWallClockTime(Duration.ofMinutes(11)); // the punctuation forgets earlier ids
        Result r = send(value);
        return checkOne(r, reference);
    }

    private Result send(byte[] value) {
        RuntimeException thrown = null;
        try {
            input.pipeInput("k".getBytes(StandardCharsets.UTF_8), value);
        } catch (RuntimeException e) {
            thrown = e;
        }
        List<EncryptedChunk> c = new ArrayList<>();
        chunks.readRecordsToList().forEach(r -> c.add(r.value()));
        return new Result(c, dlq.readRecordsToList(), thrown);
    }

    private boolean checkOne(Result r, PayloadReference reference) throws Exception {
        for (EncryptedChunk c : r.chunks) {
            check(!Fixtures.contains(ReferenceText.bytes(c.getCiphertext()), Fixtures.CANARY), "plaintext in a chunk");
        }
        if (r.thrown != null) {
            // Documented: a transient failure after chunks were forwarded aborts the transaction
            // (the real application retries the record). Nothing may have been finished then.
            boolean partial = !r.chunks.isEmpty() && r.chunks.stream().noneMatch(EncryptedChunk::getLast)
                    && r.rejected.isEmpty();
            if (!partial) {
                throw new AssertionError("the driver threw for one input record", r.thrown);
            }
            return false;
        }
        if (r.rejected.isEmpty()) {
            checkObject(r.chunks, reference);
            return true;
        }
        check(r.rejected.size() == 1, "one input record gave " + r.rejected.size() + " DLQ records");
        TestRecord<String, RejectedReference> rejected = r.rejected.get(0);
        RejectedReference value = rejected.value();
        RejectReason reason = RejectReason.valueOf(value.getReason());
        check(reason.stage().name().equals(value.getStage()), "stage " + value.getStage() + " for " + reason);
        check(value.getMessage() != null && !value.getMessage().isBlank(), "a DLQ record without a message");
        check(reason.name().equals(header(rejected, "srrrs.dlq.reason")), "the reason header differs from the value");
        if (!r.chunks.isEmpty()) {
            EncryptedChunk marker = r.chunks.get(r.chunks.size() - 1);
            check(marker.getAborted() && marker.getLast(), "chunks of a rejected reference without an abandon marker");
            check(r.chunks.stream().filter(EncryptedChunk::getLast).count() == 1, "a rejected object has a last chunk");
        }
        if (value.getReference() != null && value.getReference().getSource() instanceof InlineSource inline) {
            check(inline.getData().remaining() == 0, "inline data in the DLQ");
        }
        checkNoCanary(rejected, reference);
        return false;
    }

    private void checkObject(List<EncryptedChunk> object, PayloadReference reference) throws Exception {
        check(reference != null, "chunks for a record that does not decode");
        check(!object.isEmpty(), "neither chunks nor a DLQ record");
        for (int i = 0; i < object.size(); i++) {
            EncryptedChunk c = object.get(i);
            check(c.getReferenceId().equals(reference.getId()) && c.getBucket().equals(reference.getBucket())
                    && c.getKey().equals(reference.getKey()), "a chunk of another reference");
            check(c.getSequence() == i && c.getLast() == (i == object.size() - 1) && !c.getAborted()
                    && (c.getStart() != null) == (i == 0), "chunk " + i + " out of shape: " + c.getSequence());
        }
        byte[] plaintext = Fixtures.decrypt(object, kms.kms());
        if (reference.getSource() instanceof InlineSource inline) {
            check(java.util.Arrays.equals(plaintext, ReferenceText.bytes(inline.getData())),
                    "the object does not decrypt to its inline payload");
        }
    }

    /**
     * The canary in a DLQ record is a leak unless the reference carried it outside its payload
     * (an id or a label the DLQ rightly repeats).
     */
    private static void checkNoCanary(TestRecord<String, RejectedReference> rejected, PayloadReference reference)
            throws IOException {
        if (reference != null) {
            PayloadReference withoutPayload = reference.getSource() instanceof InlineSource
                    ? PayloadReference.newBuilder(reference).setSource(new InlineSource(ByteBuffer.allocate(0))).build()
                    : reference;
            if (Fixtures.contains(ReferenceText.bytes(withoutPayload.toByteBuffer()), Fixtures.CANARY)) {
                return;
            }
        }
        check(!Fixtures.contains(ReferenceText.bytes(rejected.value().toByteBuffer()), Fixtures.CANARY),
                "plaintext in the DLQ record: " + rejected.value().getMessage());
        for (Header h : rejected.headers()) {
            check(!Fixtures.contains(h.value(), Fixtures.CANARY), "plaintext in DLQ header " + h.key());
        }
    }

    private static String header(TestRecord<?, ?> r, String key) {
        Header h = r.headers().lastHeader(key);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    private static void check(boolean property, String what) {
        if (!property) {
            throw new AssertionError(what);
        }
    }

    @Override
    public void close() throws Exception {
        driver.close();
        sources.close();
        kms.close();
        https.close();
        s3.close();
    }
}
