package io.srrrs.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.srrrs.crypto.format.EncryptionContext;
import io.srrrs.crypto.kms.DataKey;
import io.srrrs.crypto.kms.DataKeyPair;
import io.srrrs.crypto.kms.KekId;
import io.srrrs.crypto.kms.Kms;
import io.srrrs.crypto.kms.KmsAccessDeniedException;
import io.srrrs.crypto.kms.KmsConfig;
import io.srrrs.crypto.kms.KmsException;
import io.srrrs.crypto.kms.DecoratedKms;
import io.srrrs.crypto.kms.WrappedDek;
import io.srrrs.crypto.kms.local.LocalKeystoreKms;
import io.srrrs.crypto.pki.LocalCa;
import io.srrrs.embedded.EmbeddedS3;
import io.srrrs.embedded.FreePorts;
import io.srrrs.schemas.EncryptedChunk;
import io.srrrs.schemas.PayloadReference;
import io.srrrs.schemas.RejectedReference;
import io.srrrs.serdes.AvroDeserializer;
import io.srrrs.serdes.AvroSerializer;
import io.srrrs.serdes.InMemorySchemaRegistryClient;
import io.srrrs.topology.source.PayloadSources;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The topology's rows of the bad-input catalogue (docs/RELIABILITY.md, "Bad-input catalogue")
 * that {@link EncryptionTopologyTest} does not already prove: one test per class of bad input,
 * each asserting the DLQ reason (record and headers), that nothing reached the chunk topic, and
 * that the next good reference still flows. Same fixtures as EncryptionTopologyTest: a real local
 * KMS, a real S3 server and a TLS 1.3 https server on loopback, Kafka Streams' TopologyTestDriver.
 */
class BadInputCatalogueTest {

    static final int S = 4096;
    static final int CHUNK = 16384;

    @TempDir
    static Path shared;
    static LocalCa ca;
    static EmbeddedS3 s3;
    static Fixtures.PayloadServer https;
    static Path inbox;
    static Path outside;
    static byte[] httpsPayload = Fixtures.payload(20_000);

    @TempDir
    Path dir;
    InMemorySchemaRegistryClient registry;
    DecoratedKms kms;
    LocalKeystoreKms keystore;
    PayloadSources sources;
    TopologyTestDriver driver;
    TestInputTopic<byte[], byte[]> input;
    TestOutputTopic<String, EncryptedChunk> chunks;
    TestOutputTopic<String, RejectedReference> dlq;
    AvroSerializer<PayloadReference> serializer;
    Map<String, String> settings;
    int goodCount;
    /** Whether {@link #expectRejection} also checks that a good reference flows after the bad one. */
    boolean checkFlow = true;

    @BeforeAll
    static void servers() throws Exception {
        ca = LocalCa.createOrLoad(shared.resolve("ca"));
        s3 = EmbeddedS3.start(shared.resolve("s3"), ca);
        try (S3Client client = io.srrrs.store.StoreClients.s3(io.srrrs.store.StoreConfig.of(s3.httpsEndpoint(),
                s3.accessKey(), s3.secretKey(), ca.truststore()))) {
            client.createBucket(b -> b.bucket("staging"));
            client.putObject(b -> b.bucket("staging").key("in/object.bin"), RequestBody.fromBytes(Fixtures.payload(3000)));
        }
        https = new Fixtures.PayloadServer(ca);
        https.files.put("/ok.bin", httpsPayload);
        https.files.put("/declared-too-big.bin", new byte[1_000_001]);
        // Redirect chains: three hops are allowed (srrrs.source.https.max.redirects = 3), four are not.
        https.redirects.put("/three-1", "/three-2");
        https.redirects.put("/three-2", "/three-3");
        https.redirects.put("/three-3", "/ok.bin");
        https.redirects.put("/four-1", "/four-2");
        https.redirects.put("/four-2", "/four-3");
        https.redirects.put("/four-3", "/four-4");
        https.redirects.put("/four-4", "/ok.bin");
        https.redirects.put("/to-file", "file:///etc/passwd");
        https.redirects.put("/to-s3", "s3://staging/in/object.bin");
        https.redirects.put("/to-signed", "https://127.0.0.1:1/x?X-Amz-Signature=REDIRECT-SECRET");
        https.server.createContext("/status/", exchange -> {
            try (exchange) {
                int status = Integer.parseInt(exchange.getRequestURI().getPath().substring("/status/".length()));
                exchange.sendResponseHeaders(status, -1);
            }
        });
        https.server.createContext("/no-location", exchange -> {
            try (exchange) {
                exchange.sendResponseHeaders(302, -1);
            }
        });
        https.server.createContext("/slow-headers", exchange -> {
            try (exchange) {
                sleep(3000);
                exchange.sendResponseHeaders(200, 10);
                exchange.getResponseBody().write(new byte[10]);
            } catch (IOException clientGaveUp) {
                // expected: the topology stopped waiting
            }
        });
        // Each half within the deadline, both together over it: the deadline is one, for the whole source.
        https.server.createContext("/slow-headers-then-slow-body", exchange -> {
            try (exchange) {
                sleep(1200);
                byte[] body = Fixtures.payload(60_000);
                exchange.sendResponseHeaders(200, body.length);
                OutputStream out = exchange.getResponseBody();
                out.write(body, 0, 20_000);
                out.flush();
                sleep(1200);
                out.write(body, 20_000, body.length - 20_000);
            } catch (IOException clientGaveUp) {
                // expected: the topology cut the download
            }
        });
        https.server.createContext("/slow-body", exchange -> {
            try (exchange) {
                byte[] body = Fixtures.payload(60_000);
                exchange.sendResponseHeaders(200, body.length);
                OutputStream out = exchange.getResponseBody();
                out.write(body, 0, 20_000);
                out.flush();
                sleep(3000);
                out.write(body, 20_000, body.length - 20_000);
            } catch (IOException clientGaveUp) {
                // expected: the topology cut the download
            }
        });
        inbox = Files.createDirectories(shared.resolve("inbox"));
        outside = Files.createDirectories(shared.resolve("outside"));
        Files.write(outside.resolve("secret.txt"), "outside the root".getBytes(StandardCharsets.US_ASCII));
        Files.write(inbox.resolve("good.bin"), Fixtures.payload(5000));
        Files.createSymbolicLink(inbox.resolve("linked-dir"), outside);
        Files.createSymbolicLink(inbox.resolve("inner-link.bin"), inbox.resolve("good.bin"));
        Files.createDirectories(inbox.resolve("a-directory"));
        Path sibling = Files.createDirectories(shared.resolve("inbox-evil"));
        Files.write(sibling.resolve("x.bin"), new byte[10]);
        Process mkfifo = new ProcessBuilder("mkfifo", inbox.resolve("a-fifo").toString()).inheritIO().start();
        assertThat(mkfifo.waitFor(10, TimeUnit.SECONDS) && mkfifo.exitValue() == 0).as("mkfifo").isTrue();
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @AfterAll
    static void stopServers() throws Exception {
        https.close();
        s3.close();
    }

    @BeforeEach
    void driver() throws Exception {
        keystore = LocalKeystoreKms.openOrCreate(dir.resolve("keks.p12"), "pw".toCharArray());
        keystore.createKek("orders");
        keystore.createKek("retired");
        keystore.disable("retired");
        keystore.createKek("denied-generate");
        keystore.createKek("tenant-acme");
        settings = new HashMap<>();
        settings.put("application.id", "catalogue");
        settings.put("bootstrap.servers", "unused:9092");
        settings.put(StreamsConfig.STATE_DIR_CONFIG, dir.resolve("state").toString());
        settings.put(TopologyConfig.SEGMENT_SIZE, Integer.toString(S));
        settings.put(TopologyConfig.CHUNK_MAX_BYTES, Integer.toString(CHUNK));
        settings.put(TopologyConfig.SOURCE_MAX_BYTES, "1000000");
        settings.put(TopologyConfig.FILE_ROOTS, inbox.toString());
        settings.put(TopologyConfig.HTTPS_HOSTS, "localhost,*.example.test");
        settings.put(TopologyConfig.HTTPS_TRUSTSTORE, ca.truststore().toString());
        settings.put(TopologyConfig.HTTPS_TRUSTSTORE_PASSWORD, "changeit");
        settings.put(TopologyConfig.S3_ENDPOINT, s3.httpsEndpoint().toString());
        settings.put(TopologyConfig.S3_BUCKETS, "staging");
        settings.put(TopologyConfig.S3_ACCESS_KEY, s3.accessKey());
        settings.put(TopologyConfig.S3_SECRET_KEY, s3.secretKey());
        settings.put(TopologyConfig.S3_TRUSTSTORE, ca.truststore().toString());
        settings.put(TopologyConfig.S3_TRUSTSTORE_PASSWORD, "changeit");
        settings.put(TopologyConfig.KEK_DEFAULT, "orders");
        settings.put(TopologyConfig.BUCKET_ALLOWED, "bucket");
        // One attempt: a transient failure goes to the DLQ at once (the retries themselves are
        // EncryptionTopologyTest#aKmsOutageIsRetriedThenRejectedAsProcessingFailed).
        settings.put(TopologyConfig.TRANSIENT_MAX_ATTEMPTS, "1");
        settings.put("kms.type", "local");
        settings.put("kms.local.keystore", dir.resolve("keks.p12").toString());
        settings.put("kms.local.password", "pw");
        start(settings, null);
    }

    void start(Map<String, String> s, Kms kmsOverride) {
        TopologyConfig config = TopologyConfig.of(s);
        kms = kmsOverride == null ? KmsConfig.stack(config.kmsConfig()) : DecoratedKms.around(kmsOverride, DecoratedKms.Config.DEFAULTS);
        registry = new InMemorySchemaRegistryClient();
        sources = PayloadSources.from(config);
        EncryptionTopology.Dependencies deps = EncryptorApp.dependencies(config, kms, registry, sources, ObjectCipher.ENVELOPE);
        driver = new TopologyTestDriver(EncryptionTopology.build(config, deps, registry), config.streamsProperties());
        input = driver.createInputTopic("payload-refs", new ByteArraySerializer(), new ByteArraySerializer());
        chunks = driver.createOutputTopic("ciphertext-chunks", new StringDeserializer(),
                new AvroDeserializer<>(EncryptedChunk.class, registry));
        dlq = driver.createOutputTopic("payload-refs.dlq", new StringDeserializer(),
                new AvroDeserializer<>(RejectedReference.class, registry));
        serializer = new AvroSerializer<>(registry, true);
    }

    void restart() {
        close();
        start(settings, null);
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

    byte[] bytesOf(PayloadReference ref) {
        return serializer.serialize("payload-refs", ref);
    }

    static String header(TestRecord<?, ?> r, String key) {
        Header h = r.headers().lastHeader(key);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    /** Chunks produced so far, by reference id. */
    Map<String, List<EncryptedChunk>> objects() {
        Map<String, List<EncryptedChunk>> m = new LinkedHashMap<>();
        for (TestRecord<String, EncryptedChunk> r : chunks.readRecordsToList()) {
            m.computeIfAbsent(r.value().getReferenceId(), k -> new ArrayList<>()).add(r.value());
        }
        return m;
    }

    /**
     * The DLQ holds exactly one record, with this reason in its value and headers, and the chunk
     * topic holds nothing; then a good reference still becomes an object.
     */
    RejectedReference expectRejection(RejectReason expected) {
        List<TestRecord<String, RejectedReference>> records = dlq.readRecordsToList();
        assertThat(records).as("DLQ records").hasSize(1);
        TestRecord<String, RejectedReference> r = records.get(0);
        assertThat(r.value().getReason()).as("reason (message: %s)", r.value().getMessage()).isEqualTo(expected.name());
        assertThat(r.value().getStage()).isEqualTo(expected.stage().name());
        assertThat(header(r, "srrrs.dlq.reason")).isEqualTo(expected.name());
        assertThat(header(r, "srrrs.dlq.stage")).isEqualTo(expected.stage().name());
        assertThat(header(r, "srrrs.dlq.message")).isNotBlank().isEqualTo(r.value().getMessage());
        assertThat(header(r, "srrrs.dlq.error.class")).isNotBlank();
        assertThat(objects()).as("nothing on the chunk topic").isEmpty();
        if (checkFlow) {
            stillFlows();
        }
        return r.value();
    }

    RejectedReference expectRejection(PayloadReference ref, RejectReason expected) {
        send(ref);
        return expectRejection(expected);
    }

    RejectedReference expectRejection(byte[] value, RejectReason expected) {
        input.pipeInput("k".getBytes(StandardCharsets.UTF_8), value);
        return expectRejection(expected);
    }

    /** A good reference after the bad one is encrypted: the partition did not stop. */
    void stillFlows() {
        String id = "good-" + goodCount++;
        send(Fixtures.inline(id, new byte[100]).build());
        Map<String, List<EncryptedChunk>> objects = objects();
        assertThat(objects).as("the next good reference").containsOnlyKeys(id);
        assertThat(dlq.isEmpty()).isTrue();
    }

    // ---- the input record -----------------------------------------------------------------------

    @Test
    void aWrongMagicByteIsMalformed() {
        byte[] value = bytesOf(Fixtures.inline("magic", new byte[10]).build());
        value[0] = 1;
        assertThat(expectRejection(value, RejectReason.MALFORMED_RECORD).getMessage()).contains("magic byte");
    }

    @Test
    void aZeroLengthValueAndOneShorterThanTheWireHeaderAreMalformed() {
        expectRejection(new byte[0], RejectReason.MALFORMED_RECORD);
        assertThat(expectRejection(new byte[] {0, 0, 0}, RejectReason.MALFORMED_RECORD).getMessage())
                .contains("shorter than the 5-byte");
    }

    @Test
    void bytesAfterTheAvroDataAreMalformed() {
        byte[] value = bytesOf(Fixtures.inline("trailing", new byte[10]).build());
        byte[] longer = Arrays.copyOf(value, value.length + 7);
        assertThat(expectRejection(longer, RejectReason.MALFORMED_RECORD).getMessage()).contains("after its Avro data");
    }

    @Test
    void bytesThatAreNotAvroAfterAValidHeaderAreMalformed() {
        byte[] value = bytesOf(Fixtures.inline("garbage", new byte[10]).build());
        byte[] garbage = Arrays.copyOf(value, 5 + 64);
        Arrays.fill(garbage, 5, garbage.length, (byte) 0xFF);
        expectRejection(garbage, RejectReason.MALFORMED_RECORD);
    }

    @Test
    void aRecordOfAnotherRegisteredSchemaIsMalformed() {
        EncryptedChunk notAReference = EncryptedChunk.newBuilder().setReferenceId("r").setBucket("bucket").setKey("k")
                .setSequence(0).setLast(true).setAborted(false).setStart(null).setCiphertext(ByteBuffer.allocate(3)).build();
        byte[] value = new AvroSerializer<EncryptedChunk>(registry, true).serialize("ciphertext-chunks", notAReference);
        assertThat(expectRejection(value, RejectReason.MALFORMED_RECORD).getMessage()).contains("EncryptedChunk");
    }

    // ---- the reference's fields -----------------------------------------------------------------

    @Test
    void aBlankIdIsEmpty() {
        expectRejection(Fixtures.inline("   ", new byte[1]).build(), RejectReason.EMPTY_ID);
    }

    @Test
    void idsWithControlCharactersAreInvalid() {
        expectRejection(Fixtures.inline("line\nbreak", new byte[1]).build(), RejectReason.INVALID_ID);
        expectRejection(Fixtures.inline("del\u007F", new byte[1]).build(), RejectReason.INVALID_ID);
    }

    @Test
    void everyBreachOfS3BucketNamingIsInvalid() {
        List<String> bad = List.of("ab", "b".repeat(64), "-bucket", "bucket-", ".bucket", "buck..et", "buck.-et", "buck-.et",
                "xn--bucket", "sthree-bucket", "bucket-s3alias", "bucket--ol-s3", "Bucket", "buck_et", "", "10.0.0.1");
        for (String bucket : bad) {
            send(Fixtures.inline("bucket-" + bucket, new byte[1]).setBucket(bucket).build());
        }
        List<TestRecord<String, RejectedReference>> rejected = dlq.readRecordsToList();
        assertThat(rejected).hasSize(bad.size());
        assertThat(rejected).allSatisfy(r -> assertThat(r.value().getReason()).as(r.value().getReferenceId())
                .isEqualTo(RejectReason.INVALID_BUCKET.name()));
        assertThat(objects()).isEmpty();
        stillFlows();
    }

    @Test
    void keysWithControlCharactersOrOver1024Utf8BytesAreInvalid() {
        expectRejection(Fixtures.inline("tab-key", new byte[1]).setKey("a\tb").build(), RejectReason.INVALID_KEY);
        expectRejection(Fixtures.inline("del-key", new byte[1]).setKey("a\u007Fb").build(), RejectReason.INVALID_KEY);
        expectRejection(Fixtures.inline("empty-key", new byte[1]).setKey("").build(), RejectReason.INVALID_KEY);
        // 513 characters but 1026 bytes of UTF-8: the limit is in bytes.
        assertThat(expectRejection(Fixtures.inline("utf8-key", new byte[1]).setKey("é".repeat(513)).build(),
                RejectReason.INVALID_KEY).getMessage()).contains("1026 bytes");
        send(Fixtures.inline("utf8-key-at-limit", new byte[1]).setKey("é".repeat(512)).build());
        assertThat(objects()).containsOnlyKeys("utf8-key-at-limit");
    }

    @Test
    void reservedMetadataNamesAreRefusedInAnyCase() {
        for (String name : List.of("srrrs-header", "SRRRS-Header", "Srrrs-Kek-Id", "sRrRs-anything")) {
            RejectedReference r = expectRejection(Fixtures.inline("reserved-" + name, new byte[1])
                    .setUserMetadata(Map.of(name, "x")).build(), RejectReason.INVALID_METADATA);
            assertThat(r.getMessage()).as(name).contains("reserved");
        }
    }

    @Test
    void metadataNamesThatAreNotHeaderTokensAreInvalid() {
        for (String name : List.of("has space", "colon:", "", "n".repeat(129), "é", "semi;colon", "new\nline")) {
            expectRejection(Fixtures.inline("name-" + name.length(), new byte[1]).setUserMetadata(Map.of(name, "x")).build(),
                    RejectReason.INVALID_METADATA);
        }
    }

    @Test
    void metadataValuesAndContentTypesMustBePrintableAscii() {
        expectRejection(Fixtures.inline("value-nl", new byte[1]).setUserMetadata(Map.of("owner", "a\r\nX-Evil: 1")).build(),
                RejectReason.INVALID_METADATA);
        expectRejection(Fixtures.inline("value-utf8", new byte[1]).setUserMetadata(Map.of("owner", "é")).build(),
                RejectReason.INVALID_METADATA);
        expectRejection(Fixtures.inline("ct-nl", new byte[1]).setContentType("text/plain\r\nX-Evil: 1").build(),
                RejectReason.INVALID_METADATA);
        expectRejection(Fixtures.inline("ct-long", new byte[1]).setContentType("a/" + "b".repeat(255)).build(),
                RejectReason.INVALID_METADATA);
    }

    @Test
    void manyValidMetadataEntriesTogetherOverS3sLimitAreTooLarge() {
        Map<String, String> many = new HashMap<>();
        for (int i = 0; i < 30; i++) {
            many.put("label-" + i, "v".repeat(50)); // each fine, together about 1.7 KB on top of ours
        }
        assertThat(expectRejection(Fixtures.inline("many-meta", new byte[1]).setUserMetadata(many).build(),
                RejectReason.METADATA_TOO_LARGE).getMessage()).contains("2048");
    }

    @Test
    void encryptionContextsBreakingTheFormatLimitsAreInvalid() {
        Map<String, String> tooMany = new HashMap<>();
        for (int i = 0; i < 33; i++) {
            tooMany.put("k" + i, "v");
        }
        assertThat(expectRejection(Fixtures.inline("ctx-33", new byte[1]).setEncryptionContext(tooMany).build(),
                RejectReason.INVALID_CONTEXT).getMessage()).contains("33 entries");
        assertThat(expectRejection(Fixtures.inline("ctx-long", new byte[1])
                .setEncryptionContext(Map.of("tenant", "x".repeat(600))).build(), RejectReason.INVALID_CONTEXT).getMessage())
                .contains("512");
    }

    @Test
    void aRejectedIdIsNotRememberedSoItsCorrectionIsNoDuplicate() {
        expectRejection(Fixtures.inline("fix-me", new byte[1]).setBucket("Bad_Bucket").build(), RejectReason.INVALID_BUCKET);
        send(Fixtures.inline("fix-me", new byte[10]).build());
        assertThat(objects()).containsOnlyKeys("fix-me");
        assertThat(dlq.isEmpty()).isTrue();
        // ...while the same id once more, now that it was processed, is a duplicate.
        expectRejection(Fixtures.inline("fix-me", new byte[10]).build(), RejectReason.DUPLICATE_ID);
    }

    // ---- file: sources --------------------------------------------------------------------------

    @Test
    void fileUrisWithAHostQueryFragmentOrRelativePathAreUnsupported() {
        String good = inbox.resolve("good.bin").toString();
        expectRejection(Fixtures.uri("file-host", "file://evil.example" + good).build(), RejectReason.UNSUPPORTED_SOURCE);
        expectRejection(Fixtures.uri("file-query", "file:" + good + "?x=1").build(), RejectReason.UNSUPPORTED_SOURCE);
        expectRejection(Fixtures.uri("file-fragment", "file:" + good + "#part").build(), RejectReason.UNSUPPORTED_SOURCE);
        expectRejection(Fixtures.uri("file-relative", "file:inbox/good.bin").build(), RejectReason.UNSUPPORTED_SOURCE);
        // file://localhost/... is the same as file:/...
        send(Fixtures.uri("file-localhost", "file://localhost" + good).build());
        assertThat(objects()).containsOnlyKeys("file-localhost");
    }

    @Test
    void percentEncodedAndIndirectTraversalIsCaught() {
        expectRejection(Fixtures.uri("pct-dots", "file:" + inbox + "/%2e%2e/outside/secret.txt").build(),
                RejectReason.PATH_NOT_ALLOWED);
        expectRejection(Fixtures.uri("deep-dots", "file:" + inbox + "/a-directory/../../outside/secret.txt").build(),
                RejectReason.PATH_NOT_ALLOWED);
        expectRejection(Fixtures.uri("pct-slash", "file:" + inbox + "/..%2Foutside%2Fsecret.txt").build(),
                RejectReason.PATH_NOT_ALLOWED);
    }

    @Test
    void aSiblingDirectoryNamedLikeTheRootIsOutsideIt() {
        expectRejection(Fixtures.uri("sibling", "file:" + shared.resolve("inbox-evil/x.bin")).build(),
                RejectReason.PATH_NOT_ALLOWED);
    }

    @Test
    void symbolicLinksAreRefusedWhereverTheyLead() {
        // Following none, even one that stays inside the root, is what makes the open race-free
        // (FilePayloadSourceTest#aDirectorySwappedForALinkDuringOpensNeverLeadsOutside).
        expectRejection(Fixtures.uri("linked-dir", "file:" + inbox.resolve("linked-dir/secret.txt")).build(),
                RejectReason.SYMLINK_ESCAPE);
        expectRejection(Fixtures.uri("inner-link", "file:" + inbox.resolve("inner-link.bin")).build(),
                RejectReason.SYMLINK_ESCAPE);
    }

    @Test
    @Timeout(60)
    void directoriesAndSpecialFilesAreNotPayloads() {
        expectRejection(Fixtures.uri("a-directory", "file:" + inbox.resolve("a-directory")).build(),
                RejectReason.SOURCE_NOT_FOUND);
        // A FIFO would block the stream thread on open if it were read: it is refused unopened.
        expectRejection(Fixtures.uri("a-fifo", "file:" + inbox.resolve("a-fifo")).build(), RejectReason.SOURCE_NOT_FOUND);
    }

    @Test
    void fileSourcesAreOffWithoutAllowedRoots() {
        settings.put(TopologyConfig.FILE_ROOTS, "");
        restart();
        assertThat(expectRejection(Fixtures.uri("no-roots", "file:" + inbox.resolve("good.bin")).build(),
                RejectReason.PATH_NOT_ALLOWED).getMessage()).contains("disabled");
    }

    // ---- URIs that are not URIs ----------------------------------------------------------------

    @Test
    void controlCharactersRawOrPercentEncodedInAnySchemeAreInvalidSource() {
        // EncryptionTopologyTest#aNulOrControlCharacterInASourceUriIsRefusedAndTheNextReferenceFlows has
        // %00 and a raw NUL in file: and a raw newline in https:; these are the other schemes and characters.
        for (String uri : List.of("s3://staging/in/a%00b", "s3://staging/in/a\u0000b", "s3://staging/in/a%0Ab",
                https.url("/x%0D%0ASet-Cookie:%20a=b"), https.url("/a\tb"), "https://local%00host/x",
                "file:" + inbox + "/a%7Fb", "file:" + inbox + "/a%1Bb", "file:" + inbox + "/good.bin%00.txt")) {
            RejectedReference r = expectRejection(Fixtures.uri("ctl-" + uri.hashCode(), uri).build(),
                    RejectReason.INVALID_SOURCE);
            assertThat(r.getMessage()).doesNotContainPattern("\\p{Cntrl}");
        }
    }

    @Test
    void anEmptyUnparsableOrOverlongUriIsInvalidSource() {
        expectRejection(Fixtures.uri("empty-uri", "").build(), RejectReason.INVALID_SOURCE);
        expectRejection(Fixtures.uri("bracket", "https://[localhost/x").build(), RejectReason.INVALID_SOURCE);
        expectRejection(Fixtures.uri("percent", "file:" + inbox + "/a%zzb").build(), RejectReason.INVALID_SOURCE);
        expectRejection(Fixtures.uri("overlong", https.url("/" + "a".repeat(9000))).build(), RejectReason.INVALID_SOURCE);
    }

    // ---- schemes --------------------------------------------------------------------------------

    @Test
    void everySchemeButFileS3AndHttpsIsUnsupported() {
        for (String uri : List.of("ftp://example.com/a", "gopher://example.com/", "jar:file:/x.jar!/y",
                "data:text/plain,hello", "/etc/passwd", "HTTP://localhost/ok.bin", "ldap://example.com/o=x", "mailto:a@b")) {
            expectRejection(Fixtures.uri("scheme-" + uri.length(), uri).build(), RejectReason.UNSUPPORTED_SOURCE);
        }
    }

    // ---- s3:// sources --------------------------------------------------------------------------

    @Test
    void s3UrisWithoutAKeyOrWithAQueryAreUnsupported() {
        expectRejection(Fixtures.uri("s3-nokey", "s3://staging").build(), RejectReason.UNSUPPORTED_SOURCE);
        expectRejection(Fixtures.uri("s3-slash", "s3://staging/").build(), RejectReason.UNSUPPORTED_SOURCE);
        expectRejection(Fixtures.uri("s3-query", "s3://staging/in/object.bin?versionId=1").build(),
                RejectReason.UNSUPPORTED_SOURCE);
    }

    @Test
    void s3SourcesAreOffWithoutAllowedBuckets() {
        settings.put(TopologyConfig.S3_BUCKETS, "");
        restart();
        assertThat(expectRejection(Fixtures.uri("no-buckets", "s3://staging/in/object.bin").build(),
                RejectReason.BUCKET_NOT_ALLOWED).getMessage()).contains("disabled");
    }

    @Test
    void aStagingStoreThatRefusesAccessIsForbidden() {
        settings.put(TopologyConfig.S3_SECRET_KEY, "not-the-secret");
        restart();
        expectRejection(Fixtures.uri("s3-denied", "s3://staging/in/object.bin").build(), RejectReason.SOURCE_FORBIDDEN);
    }

    @Test
    void anUnreachableStagingStoreIsTransientThenProcessingFailed() {
        settings.put(TopologyConfig.S3_ENDPOINT, "https://127.0.0.1:" + FreePorts.next());
        restart();
        expectRejection(Fixtures.uri("s3-down", "s3://staging/in/object.bin").build(), RejectReason.PROCESSING_FAILED);
    }

    // ---- https: sources -------------------------------------------------------------------------

    @Test
    void theHostAllowListMatchesWholeHostsAndWildcardsOnlyOnALabelBoundary() {
        expectRejection(Fixtures.uri("lookalike", "https://evilexample.test/x").build(), RejectReason.HOST_NOT_ALLOWED);
        expectRejection(Fixtures.uri("suffix", "https://example.test.evil.net/x").build(), RejectReason.HOST_NOT_ALLOWED);
        expectRejection(Fixtures.uri("bare", "https://example.test/x").build(), RejectReason.HOST_NOT_ALLOWED);
        expectRejection(Fixtures.uri("prefix", "https://localhost.evil.net/x").build(), RejectReason.HOST_NOT_ALLOWED);
    }

    @Test
    void credentialsInAnHttpsUriAreRefusedAndNeverShown() {
        String uri = https.url("/ok.bin").replace("https://", "https://user:URI-SECRET@");
        RejectedReference r = expectRejection(Fixtures.uri("userinfo", uri).build(), RejectReason.UNSUPPORTED_SOURCE);
        assertThat(r.getMessage()).doesNotContain("URI-SECRET");
    }

    @Test
    void aQueryStringNeverReachesTheDlq() {
        RejectedReference r = expectRejection(Fixtures.uri("signed", https.urlByIp("/ok.bin?X-Amz-Signature=QUERY-SECRET"))
                .build(), RejectReason.HOST_NOT_ALLOWED);
        assertThat(r.getMessage()).doesNotContain("QUERY-SECRET");
        RejectedReference redirected = expectRejection(Fixtures.uri("to-signed", https.url("/to-signed")).build(),
                RejectReason.REDIRECT_NOT_ALLOWED);
        assertThat(redirected.getMessage()).doesNotContain("REDIRECT-SECRET");
    }

    @Test
    void redirectsToOtherSchemesAreRefused() {
        expectRejection(Fixtures.uri("to-file", https.url("/to-file")).build(), RejectReason.REDIRECT_NOT_ALLOWED);
        expectRejection(Fixtures.uri("to-s3", https.url("/to-s3")).build(), RejectReason.REDIRECT_NOT_ALLOWED);
    }

    @Test
    void maxRedirectsAreFollowedAndOneMoreIsRefused() throws Exception {
        send(Fixtures.uri("three", https.url("/three-1")).build());
        List<EncryptedChunk> object = objects().get("three");
        assertThat(Fixtures.decrypt(object, kms.kms())).isEqualTo(httpsPayload);
        assertThat(expectRejection(Fixtures.uri("four", https.url("/four-1")).build(), RejectReason.REDIRECT_NOT_ALLOWED)
                .getMessage()).contains("more than 3 redirects");
    }

    @Test
    void aRedirectWithoutLocationFails() {
        expectRejection(Fixtures.uri("no-location", https.url("/no-location")).build(), RejectReason.SOURCE_FAILED);
    }

    @Test
    void httpsClientErrorsAreNotRetried() {
        expectRejection(Fixtures.uri("s403", https.url("/status/403")).build(), RejectReason.SOURCE_FORBIDDEN);
        expectRejection(Fixtures.uri("s401", https.url("/status/401")).build(), RejectReason.SOURCE_FORBIDDEN);
        expectRejection(Fixtures.uri("s404", https.url("/status/404")).build(), RejectReason.SOURCE_NOT_FOUND);
        expectRejection(Fixtures.uri("s410", https.url("/status/410")).build(), RejectReason.SOURCE_NOT_FOUND);
        expectRejection(Fixtures.uri("s400", https.url("/status/400")).build(), RejectReason.SOURCE_FAILED);
        expectRejection(Fixtures.uri("s418", https.url("/status/418")).build(), RejectReason.SOURCE_FAILED);
    }

    @Test
    void httpsServerErrorsAndThrottlingAreTransientThenProcessingFailed() {
        expectRejection(Fixtures.uri("s503", https.url("/status/503")).build(), RejectReason.PROCESSING_FAILED);
        expectRejection(Fixtures.uri("s500", https.url("/status/500")).build(), RejectReason.PROCESSING_FAILED);
        expectRejection(Fixtures.uri("s429", https.url("/status/429")).build(), RejectReason.PROCESSING_FAILED);
    }

    @Test
    void aDeclaredLengthOverTheLimitIsRefusedBeforeAnyChunk() {
        expectRejection(Fixtures.uri("declared-big", https.url("/declared-too-big.bin")).build(),
                RejectReason.SOURCE_TOO_LARGE);
    }

    @Test
    void anInlinePayloadOverTheLimitIsTooLarge() {
        expectRejection(Fixtures.inline("inline-big", new byte[1_000_001]).build(), RejectReason.SOURCE_TOO_LARGE);
    }

    @Test
    @Timeout(60)
    void aSourceSlowToAnswerTimesOut() {
        settings.put(TopologyConfig.SOURCE_DEADLINE, "1000");
        restart();
        assertThat(expectRejection(Fixtures.uri("slow-headers", https.url("/slow-headers")).build(),
                RejectReason.SOURCE_FAILED).getMessage()).contains("timed out");
    }

    @Test
    @Timeout(60)
    void aSourceSlowToSendItsBodyIsCutAtTheDeadlineAndItsObjectAbandoned() {
        settings.put(TopologyConfig.SOURCE_DEADLINE, "1000");
        restart();
        send(Fixtures.uri("slow-body", https.url("/slow-body")).build());
        List<TestRecord<String, RejectedReference>> rejected = dlq.readRecordsToList();
        assertThat(rejected).hasSize(1);
        assertThat(rejected.get(0).value().getReason()).as(rejected.get(0).value().getMessage())
                .isEqualTo(RejectReason.SOURCE_FAILED.name());
        List<EncryptedChunk> object = objects().getOrDefault("slow-body", List.of());
        // Whatever was forwarded before the cut is closed by an abandon marker; no object completes.
        assertThat(object).filteredOn(c -> c.getLast() && !c.getAborted()).isEmpty();
        if (!object.isEmpty()) {
            assertThat(object.get(object.size() - 1).getAborted()).isTrue();
        }
        stillFlows();
    }

    @Test
    @Timeout(60)
    void theDeadlineCoversHeadersAndBodyTogetherAndEndsInTheDlqWithoutRetries() {
        settings.put(TopologyConfig.SOURCE_DEADLINE, "2000");
        settings.put(TopologyConfig.TRANSIENT_MAX_ATTEMPTS, "5");
        restart();
        long started = System.nanoTime();
        send(Fixtures.uri("slow-both", https.url("/slow-headers-then-slow-body")).build());
        long tookMillis = (System.nanoTime() - started) / 1_000_000;
        List<TestRecord<String, RejectedReference>> rejected = dlq.readRecordsToList();
        assertThat(rejected).hasSize(1);
        RejectedReference r = rejected.get(0).value();
        assertThat(r.getReason()).as(r.getMessage()).isEqualTo(RejectReason.SOURCE_FAILED.name());
        assertThat(r.getMessage()).contains("srrrs.source.deadline.ms = 2000");
        // One attempt, cut at the deadline: not retried as a transient failure (5 attempts allowed).
        assertThat(tookMillis).as("time to the DLQ").isBetween(2000L, 2000L + 1500L);
        assertThat(objects().getOrDefault("slow-both", List.of())).filteredOn(c -> c.getLast() && !c.getAborted()).isEmpty();
        stillFlows();
    }

    // ---- KEKs -----------------------------------------------------------------------------------

    /** What the KMS tests below need: references naming their KEK, any KEK allowed. */
    void letReferencesChooseAnyKek() {
        settings.put(TopologyConfig.KEK_REFERENCE_OVERRIDE, "true");
        settings.put(TopologyConfig.KEK_ALLOWED, "*");
    }

    /** The local KMS, refusing what an access policy would: resolving one alias, using one KEK. */
    final class DenyingKms implements Kms {
        final Kms real;

        DenyingKms(Kms real) {
            this.real = real;
        }

        @Override
        public String type() {
            return real.type();
        }

        @Override
        public KekId resolve(String aliasOrId) throws KmsException {
            if (aliasOrId.equals("denied-resolve")) {
                throw new KmsAccessDeniedException("not authorized to describe denied-resolve");
            }
            return real.resolve(aliasOrId);
        }

        @Override
        public DataKeyPair generateDataKey(KekId kek, EncryptionContext context) throws KmsException {
            if (kek.value().equals("denied-generate")) {
                throw new KmsAccessDeniedException("not authorized to GenerateDataKey under denied-generate");
            }
            return real.generateDataKey(kek, context);
        }

        @Override
        public DataKey unwrap(WrappedDek wrapped, EncryptionContext context) throws KmsException {
            return real.unwrap(wrapped, context);
        }

        @Override
        public WrappedDek rewrap(WrappedDek wrapped, EncryptionContext context, KekId target) throws KmsException {
            return real.rewrap(wrapped, context, target);
        }
    }

    @Test
    void aKmsThatDeniesAccessIsKmsAccessDeniedNotRetried() throws Exception {
        close();
        letReferencesChooseAnyKek();
        start(settings, new DenyingKms(LocalKeystoreKms.open(dir.resolve("keks.p12"), "pw".toCharArray())));
        expectRejection(Fixtures.inline("deny-resolve", new byte[1]).setKekAlias("denied-resolve").build(),
                RejectReason.KMS_ACCESS_DENIED);
        expectRejection(Fixtures.inline("deny-generate", new byte[1]).setKekAlias("denied-generate").build(),
                RejectReason.KMS_ACCESS_DENIED);
    }

    @Test
    void aDestroyedKekIsUnknown() throws Exception {
        keystore.createKek("doomed");
        keystore.destroy("doomed");
        letReferencesChooseAnyKek();
        restart();
        expectRejection(Fixtures.inline("destroyed", new byte[1]).setKekAlias("doomed").build(), RejectReason.UNKNOWN_KEK);
    }

    @Test
    void aTemplateValueThatCannotBePartOfAnAliasIsNoKek() {
        settings.put(TopologyConfig.KEK_TEMPLATE, "tenant-${context.tenant}");
        settings.put(TopologyConfig.KEK_ALLOWED, "tenant-*");
        restart();
        assertThat(expectRejection(Fixtures.inline("tenant-traversal", new byte[1])
                .setEncryptionContext(Map.of("tenant", "../orders")).build(), RejectReason.NO_KEK).getMessage())
                .contains("cannot be part of a KEK alias");
        expectRejection(Fixtures.inline("tenant-wildcard", new byte[1]).setEncryptionContext(Map.of("tenant", "*")).build(),
                RejectReason.NO_KEK);
    }

    @Test
    void anUnknownTemplatePlaceholderIsNoKek() {
        settings.put(TopologyConfig.KEK_TEMPLATE, "kek-${nope}");
        settings.put(TopologyConfig.KEK_ALLOWED, "kek-*");
        restart();
        checkFlow = false; // with this template no reference can succeed
        assertThat(expectRejection(Fixtures.inline("placeholder", new byte[1]).build(), RejectReason.NO_KEK).getMessage())
                .contains("${nope}");
    }
}
