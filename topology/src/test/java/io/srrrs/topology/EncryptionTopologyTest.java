package io.srrrs.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.srrrs.crypto.format.EncryptionContext;
import io.srrrs.crypto.kms.DataKey;
import io.srrrs.crypto.kms.DataKeyPair;
import io.srrrs.crypto.kms.KekId;
import io.srrrs.crypto.kms.Kms;
import io.srrrs.crypto.kms.KmsException;
import io.srrrs.crypto.kms.DecoratedKms;
import io.srrrs.crypto.kms.KmsUnavailableException;
import io.srrrs.crypto.kms.WrappedDek;
import io.srrrs.crypto.kms.local.LocalKeystoreKms;
import io.srrrs.crypto.pki.LocalCa;
import io.srrrs.embedded.EmbeddedS3;
import io.srrrs.schemas.EncryptedChunk;
import io.srrrs.schemas.InlineSource;
import io.srrrs.schemas.PayloadReference;
import io.srrrs.schemas.RejectedReference;
import io.srrrs.schemas.Sha256;
import io.srrrs.serdes.AvroDeserializer;
import io.srrrs.serdes.AvroSerializer;
import io.srrrs.serdes.InMemorySchemaRegistryClient;
import io.srrrs.topology.source.PayloadSources;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.StreamsException;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Every branch of the topology through Kafka Streams' TopologyTestDriver: each source kind, each
 * DLQ reason, chunking boundaries and the KEK policy. Real KMS (local keystore), real https and
 * S3 servers on loopback; the registry is the in-memory stand-in (the real one is in the IT).
 */
class EncryptionTopologyTest {

    static final int S = 4096;
    static final int CHUNK = 16384; // (16384 - 130) / 4112 = 3 segments per chunk

    @TempDir
    static Path shared;
    static LocalCa ca;
    static EmbeddedS3 s3;
    static Fixtures.PayloadServer https;
    static Path inbox;
    static Path outside;
    static byte[] httpsPayload = Fixtures.payload(20_000);
    static byte[] s3Payload = Fixtures.payload(30_000);

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
    /** How long a process() call may retry in place (EncryptorApp derives it from the deadline rule). */
    long inPlaceBudgetMillis = 60_000;

    @BeforeAll
    static void servers() throws Exception {
        ca = LocalCa.createOrLoad(shared.resolve("ca"));
        s3 = EmbeddedS3.start(shared.resolve("s3"), ca);
        try (S3Client client = s3Client()) {
            client.createBucket(b -> b.bucket("staging"));
            client.createBucket(b -> b.bucket("elsewhere"));
            client.putObject(b -> b.bucket("staging").key("in/object.bin"), RequestBody.fromBytes(s3Payload));
        }
        https = new Fixtures.PayloadServer(ca);
        https.files.put("/ok.bin", httpsPayload);
        https.files.put("/empty.bin", new byte[0]);
        https.redirects.put("/moved", "/ok.bin");
        https.redirects.put("/escape", https.urlByIp("/ok.bin"));
        https.redirects.put("/downgrade", "http://localhost:1/ok.bin");
        https.redirects.put("/loop", "/loop");
        inbox = Files.createDirectories(shared.resolve("inbox"));
        outside = Files.createDirectories(shared.resolve("outside"));
        Files.write(outside.resolve("secret.txt"), "outside the root".getBytes());
        Files.createSymbolicLink(inbox.resolve("link-out.txt"), outside.resolve("secret.txt"));
    }

    static S3Client s3Client() throws Exception {
        javax.net.ssl.TrustManagerFactory tmf = javax.net.ssl.TrustManagerFactory.getInstance("PKIX");
        java.security.KeyStore ks = java.security.KeyStore.getInstance("PKCS12");
        try (var in = Files.newInputStream(ca.truststore())) {
            ks.load(in, LocalCa.TRUSTSTORE_PASSWORD);
        }
        tmf.init(ks);
        return S3Client.builder().endpointOverride(s3.httpsEndpoint()).region(Region.US_EAST_1).forcePathStyle(true)
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(s3.accessKey(), s3.secretKey())))
                .httpClient(ApacheHttpClient.builder().tlsTrustManagersProvider(tmf::getTrustManagers).build()).build();
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
        keystore.createKek("tenant-acme");
        keystore.createKek("tenant-globex");
        keystore.createKek("retired");
        keystore.disable("retired");
        settings = new HashMap<>();
        settings.put("application.id", "ttd");
        settings.put("bootstrap.servers", "unused:9092");
        settings.put(StreamsConfig.STATE_DIR_CONFIG, dir.resolve("state").toString());
        settings.put(TopologyConfig.SEGMENT_SIZE, Integer.toString(S));
        settings.put(TopologyConfig.CHUNK_MAX_BYTES, Integer.toString(CHUNK));
        settings.put(TopologyConfig.SOURCE_MAX_BYTES, "1000000");
        settings.put(TopologyConfig.FILE_ROOTS, inbox.toString());
        settings.put(TopologyConfig.HTTPS_HOSTS, "localhost");
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
        settings.put("kms.type", "local");
        settings.put("kms.local.keystore", dir.resolve("keks.p12").toString());
        settings.put("kms.local.password", "pw");
        start(settings, null, 5);
    }

    void start(Map<String, String> s, Kms kmsOverride, int maxAttempts) {
        TopologyConfig config = TopologyConfig.of(s);
        kms = io.srrrs.crypto.kms.KmsConfig.stack(config.kmsConfig());
        registry = new InMemorySchemaRegistryClient();
        sources = PayloadSources.from(config);
        EncryptionTopology.Dependencies deps = EncryptorApp.dependencies(config, kms, registry, sources, ObjectCipher.ENVELOPE);
        // Short backoffs: the tests wait for real.
        deps = new EncryptionTopology.Dependencies(deps.deserializer(), deps.validator(), deps.kekPolicy(),
                deps.referencePolicy(),
                kmsOverride == null ? deps.kms() : kmsOverride, deps.sources(), deps.cipher(), deps.segmentSize(),
                deps.chunkMaxBytes(), deps.sliceBytes(), deps.dedupRetentionMillis(), new RecordAttempts(maxAttempts, 10, 40, inPlaceBudgetMillis),
                deps.sseCSinkPublicKey(), deps.kmsCalls(), deps.dekCacheHits(), deps.formats());
        Properties props = config.streamsProperties();
        driver = new TopologyTestDriver(EncryptionTopology.build(config, deps, registry), props);
        input = driver.createInputTopic("payload-refs", new ByteArraySerializer(), new ByteArraySerializer());
        chunks = driver.createOutputTopic("ciphertext-chunks", new StringDeserializer(),
                new AvroDeserializer<>(EncryptedChunk.class, registry));
        dlq = driver.createOutputTopic("payload-refs.dlq", new StringDeserializer(),
                new AvroDeserializer<>(RejectedReference.class, registry));
        serializer = new AvroSerializer<>(registry, true);
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

    /** Chunks produced so far, grouped by reference id in order. */
    Map<String, List<EncryptedChunk>> objects() {
        Map<String, List<EncryptedChunk>> m = new LinkedHashMap<>();
        for (TestRecord<String, EncryptedChunk> r : chunks.readRecordsToList()) {
            assertThat(r.key()).isEqualTo(r.value().getBucket() + "/" + r.value().getKey());
            m.computeIfAbsent(r.value().getReferenceId(), k -> new ArrayList<>()).add(r.value());
        }
        return m;
    }

    RejectedReference onlyRejection(RejectReason expected) {
        List<TestRecord<String, RejectedReference>> records = dlq.readRecordsToList();
        assertThat(records).hasSize(1);
        TestRecord<String, RejectedReference> r = records.get(0);
        assertThat(r.value().getReason()).isEqualTo(expected.name());
        assertThat(r.value().getStage()).isEqualTo(expected.stage().name());
        assertThat(header(r, "srrrs.dlq.reason")).isEqualTo(expected.name());
        assertThat(header(r, "srrrs.dlq.stage")).isEqualTo(expected.stage().name());
        assertThat(header(r, "srrrs.dlq.message")).isNotBlank().isEqualTo(r.value().getMessage());
        assertThat(header(r, "srrrs.dlq.error.class")).isNotBlank();
        assertThat(header(r, "srrrs.dlq.input.offset")).isEqualTo(Long.toString(r.value().getInputOffset()));
        return r.value();
    }

    static String header(TestRecord<?, ?> r, String key) {
        Header h = r.headers().lastHeader(key);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    void assertDecrypts(List<EncryptedChunk> object, byte[] expected) throws Exception {
        assertThat(Fixtures.decrypt(object, kms.kms())).isEqualTo(expected);
    }

    // ---- each source kind -----------------------------------------------------------------------

    @Test
    void anInlinePayloadBecomesChunksThatDecrypt() throws Exception {
        byte[] data = Fixtures.payload(50_000);
        send(Fixtures.inline("inline-1", data).setContentType("application/pdf")
                .setUserMetadata(Map.of("owner", "billing")).build());
        List<EncryptedChunk> object = objects().get("inline-1");
        assertDecrypts(object, data);
        EncryptedChunk first = object.get(0);
        assertThat(first.getStart().getKms()).isEqualTo("local");
        assertThat(first.getStart().getKekId()).isEqualTo("orders");
        assertThat(first.getStart().getContentType()).isEqualTo("application/pdf");
        assertThat(first.getStart().getUserMetadata()).containsEntry("owner", "billing");
        assertThat(first.getStart().getEncryptionContext()).containsEntry("tenant", "acme");
        EncryptedChunk last = object.get(object.size() - 1);
        assertThat(last.getPlaintextLength()).isEqualTo(50_000L);
        assertThat(last.getObjectLength()).isEqualTo(object.stream().mapToLong(c -> c.getCiphertext().remaining()).sum());
        assertThat(dlq.isEmpty()).isTrue();
    }

    @Test
    void aFileUnderAnAllowedRootIsRead() throws Exception {
        byte[] data = Fixtures.payload(40_000);
        Files.write(inbox.resolve("report.bin"), data);
        send(Fixtures.uri("file-1", "file:" + inbox.resolve("report.bin")).build());
        assertDecrypts(objects().get("file-1"), data);
    }

    @Test
    void anHttpsPayloadIsReadAndRedirectsWithinTheAllowListAreFollowed() throws Exception {
        send(Fixtures.uri("https-1", https.url("/ok.bin")).build());
        send(Fixtures.uri("https-2", https.url("/moved")).build());
        Map<String, List<EncryptedChunk>> objects = objects();
        assertDecrypts(objects.get("https-1"), httpsPayload);
        assertDecrypts(objects.get("https-2"), httpsPayload);
    }

    @Test
    void anS3StagingObjectIsRead() throws Exception {
        send(Fixtures.uri("s3-1", "s3://staging/in/object.bin").build());
        assertDecrypts(objects().get("s3-1"), s3Payload);
    }

    @Test
    void theExpectedSha256IsVerified() throws Exception {
        byte[] data = Fixtures.payload(30_000);
        send(Fixtures.inline("hash-ok", data).setExpectedSha256(new Sha256(Fixtures.sha256(data))).build());
        assertDecrypts(objects().get("hash-ok"), data);
    }

    @Test
    void withASinkKeyTheObjectsSseCKeyTravelsSealedToTheSink() throws Exception {
        close();
        io.srrrs.crypto.SseCKeySealer.KeyPair sink = io.srrrs.crypto.SseCKeySealer.generateKeyPair();
        settings.put(TopologyConfig.SSE_C_SINK_PUBLIC_KEY, sink.publicKeyBase64());
        start(settings, null, 5);
        byte[] data = Fixtures.payload(5000);
        send(Fixtures.inline("ssec", data).setSseC(true).build());
        send(Fixtures.inline("plain", data).build());
        Map<String, List<EncryptedChunk>> objects = objects();
        EncryptedChunk first = objects.get("ssec").get(0);
        assertThat(first.getStart().getSseC()).isTrue();
        byte[] sealed = new byte[first.getStart().getSealedSseCKey().remaining()];
        first.getStart().getSealedSseCKey().duplicate().get(sealed);
        io.srrrs.crypto.format.ObjectIdentity identity = new io.srrrs.crypto.format.ObjectIdentity(first.getBucket(),
                first.getKey());
        byte[] opened = io.srrrs.crypto.SseCKeySealer.open(sink.privateKeyBase64(), sealed, identity);
        // The reader derives the same key from the DEK alone.
        io.srrrs.schemas.ObjectStart start = first.getStart();
        byte[] wrapped = new byte[start.getWrappedDek().remaining()];
        start.getWrappedDek().duplicate().get(wrapped);
        byte[] header = new byte[start.getHeader().remaining()];
        start.getHeader().duplicate().get(header);
        EncryptionContext ctx = EncryptionContext.of(start.getEncryptionContext());
        try (DataKey dek = kms.kms().unwrap(new WrappedDek(start.getKms(), new KekId(start.getKekId()), wrapped), ctx);
             io.srrrs.crypto.ObjectDecryptor dec = io.srrrs.crypto.ObjectDecryptor.open(
                     io.srrrs.crypto.format.FormatHeader.parse(header), dek, identity, ctx)) {
            assertThat(dec.sseCKey()).isEqualTo(opened);
        }
        assertDecrypts(objects.get("ssec"), data);
        assertThat(objects.get("plain").get(0).getStart().getSealedSseCKey()).isNull();
    }

    // ---- chunking boundaries --------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(ints = {0, 1, S - 1, S, S + 1, 3 * S - 1, 3 * S, 3 * S + 1, 6 * S, 50 * S + 7})
    void chunksHoldWholeSegmentsWithinTheBound(int size) throws Exception {
        byte[] data = Fixtures.payload(size);
        send(Fixtures.inline("size-" + size, data).build());
        List<EncryptedChunk> object = objects().get("size-" + size);
        int segments = Math.max(1, (size + S - 1) / S);
        assertThat(object).hasSize((segments + 2) / 3);
        for (int i = 0; i < object.size(); i++) {
            EncryptedChunk c = object.get(i);
            assertThat(c.getSequence()).isEqualTo(i);
            assertThat(c.getLast()).isEqualTo(i == object.size() - 1);
            assertThat(c.getAborted()).isFalse();
            assertThat(c.getStart() != null).isEqualTo(i == 0);
            assertThat(c.getCiphertext().remaining()).isLessThanOrEqualTo(CHUNK);
        }
        assertDecrypts(object, data);
    }

    // ---- KEK policy -----------------------------------------------------------------------------

    @Test
    void theKekPolicyPicksReferenceThenTemplateThenDefault() throws Exception {
        close();
        settings.put(TopologyConfig.KEK_TEMPLATE, "tenant-${context.tenant}");
        settings.put(TopologyConfig.KEK_REFERENCE_OVERRIDE, "true");
        settings.put(TopologyConfig.KEK_ALLOWED, "tenant-*");
        start(settings, null, 5);
        send(Fixtures.inline("by-template", new byte[10]).build());
        send(Fixtures.inline("by-template-2", new byte[10]).setEncryptionContext(Map.of("tenant", "globex")).build());
        send(Fixtures.inline("by-reference", new byte[10]).setKekAlias("orders").build());
        send(Fixtures.inline("no-tenant", new byte[10]).setEncryptionContext(Map.of()).build());
        Map<String, List<EncryptedChunk>> objects = objects();
        assertThat(objects.get("by-template").get(0).getStart().getKekId()).isEqualTo("tenant-acme");
        assertThat(objects.get("by-template-2").get(0).getStart().getKekId()).isEqualTo("tenant-globex");
        assertThat(objects.get("by-reference").get(0).getStart().getKekId()).isEqualTo("orders");
        assertThat(onlyRejection(RejectReason.NO_KEK).getMessage()).contains("${context.tenant}");
    }

    @Test
    void byDefaultReferencesCannotChooseTheirKek() {
        // No srrrs.kek.reference.override in the settings: off unless the operator turns it on.
        assertThat(TopologyConfig.of(settings).getBoolean(TopologyConfig.KEK_REFERENCE_OVERRIDE)).isFalse();
        send(Fixtures.inline("chooser", new byte[10]).setKekAlias("tenant-globex").build());
        assertThat(onlyRejection(RejectReason.KEK_NOT_ALLOWED).getMessage()).contains("override");
        assertThat(chunks.isEmpty()).isTrue();
    }

    @Test
    void noKekAtAllIsRefused() {
        close();
        settings.remove(TopologyConfig.KEK_DEFAULT);
        start(settings, null, 5);
        send(Fixtures.inline("nokek", new byte[10]).build());
        onlyRejection(RejectReason.NO_KEK);
    }

    // ---- every DLQ reason, good references flowing around them ----------------------------------

    @Test
    void badReferencesGoToTheDlqWithTheirReasonAndGoodOnesStillFlow() throws Exception {
        close();
        settings.put(TopologyConfig.KEK_REFERENCE_OVERRIDE, "true"); // the KEK rows below name their KEK
        settings.put(TopologyConfig.KEK_ALLOWED, "*");
        start(settings, null, 5);
        Files.write(inbox.resolve("good.bin"), Fixtures.payload(9000));
        Files.write(inbox.resolve("big.bin"), new byte[1_000_001]);
        Map<PayloadReference, RejectReason> bad = new LinkedHashMap<>();
        bad.put(Fixtures.inline("", new byte[1]).build(), RejectReason.EMPTY_ID);
        bad.put(Fixtures.inline("x".repeat(300), new byte[1]).build(), RejectReason.INVALID_ID);
        bad.put(Fixtures.inline("bad-bucket", new byte[1]).setBucket("Not_A_Bucket").build(), RejectReason.INVALID_BUCKET);
        bad.put(Fixtures.inline("ip-bucket", new byte[1]).setBucket("192.168.1.1").build(), RejectReason.INVALID_BUCKET);
        bad.put(Fixtures.inline("bad-key", new byte[1]).setKey("a\u0000b").build(), RejectReason.INVALID_KEY);
        bad.put(Fixtures.inline("long-key", new byte[1]).setKey("k".repeat(1025)).build(), RejectReason.INVALID_KEY);
        bad.put(Fixtures.inline("meta-key", new byte[1]).setKey(".srrrs-meta/objects/x").build(), RejectReason.INVALID_KEY);
        bad.put(Fixtures.inline("other-dest", new byte[1]).setBucket("elsewhere").build(), RejectReason.POLICY_DENIED);
        bad.put(Fixtures.inline("bad-context", new byte[1]).setEncryptionContext(Map.of("", "x")).build(),
                RejectReason.INVALID_CONTEXT);
        bad.put(Fixtures.inline("bad-meta", new byte[1]).setUserMetadata(Map.of("srrrs-header", "x")).build(),
                RejectReason.INVALID_METADATA);
        bad.put(Fixtures.inline("big-meta", new byte[1]).setUserMetadata(Map.of("blob", "x".repeat(1800))).build(),
                RejectReason.METADATA_TOO_LARGE);
        bad.put(Fixtures.uri("ftp", "ftp://example.com/a").build(), RejectReason.UNSUPPORTED_SOURCE);
        bad.put(Fixtures.uri("plain-http", "http://localhost/ok.bin").build(), RejectReason.UNSUPPORTED_SOURCE);
        bad.put(Fixtures.inline("sse-c", new byte[1]).setSseC(true).build(), RejectReason.SSE_C_NOT_AVAILABLE);
        bad.put(Fixtures.inline("unknown-kek", new byte[1]).setKekAlias("no-such-kek").build(), RejectReason.UNKNOWN_KEK);
        bad.put(Fixtures.inline("disabled-kek", new byte[1]).setKekAlias("retired").build(), RejectReason.KEK_DISABLED);
        bad.put(Fixtures.uri("traversal", "file:" + inbox + "/../outside/secret.txt").build(), RejectReason.PATH_NOT_ALLOWED);
        bad.put(Fixtures.uri("outside", "file:" + outside.resolve("secret.txt")).build(), RejectReason.PATH_NOT_ALLOWED);
        bad.put(Fixtures.uri("symlink", "file:" + inbox.resolve("link-out.txt")).build(), RejectReason.SYMLINK_ESCAPE);
        bad.put(Fixtures.uri("missing-file", "file:" + inbox.resolve("nope.bin")).build(), RejectReason.SOURCE_NOT_FOUND);
        bad.put(Fixtures.uri("too-big", "file:" + inbox.resolve("big.bin")).build(), RejectReason.SOURCE_TOO_LARGE);
        bad.put(Fixtures.uri("other-bucket", "s3://elsewhere/in/object.bin").build(), RejectReason.BUCKET_NOT_ALLOWED);
        bad.put(Fixtures.uri("missing-object", "s3://staging/in/nope.bin").build(), RejectReason.SOURCE_NOT_FOUND);
        bad.put(Fixtures.uri("other-host", https.urlByIp("/ok.bin")).build(), RejectReason.HOST_NOT_ALLOWED);
        bad.put(Fixtures.uri("escape", https.url("/escape")).build(), RejectReason.REDIRECT_NOT_ALLOWED);
        bad.put(Fixtures.uri("downgrade", https.url("/downgrade")).build(), RejectReason.REDIRECT_NOT_ALLOWED);
        bad.put(Fixtures.uri("loop", https.url("/loop")).build(), RejectReason.REDIRECT_NOT_ALLOWED);
        bad.put(Fixtures.uri("gone", https.url("/nope.bin")).build(), RejectReason.SOURCE_NOT_FOUND);
        bad.put(Fixtures.inline("hash", new byte[100]).setExpectedSha256(new Sha256(new byte[32])).build(),
                RejectReason.HASH_MISMATCH);

        int good = 0;
        for (Map.Entry<PayloadReference, RejectReason> e : bad.entrySet()) {
            send(e.getKey());
            send(Fixtures.uri("good-" + good++, "file:" + inbox.resolve("good.bin")).build());
        }
        send(Fixtures.inline("good-dup", new byte[5]).build());
        send(Fixtures.inline("good-dup", new byte[5]).build()); // the second one is the duplicate

        List<TestRecord<String, RejectedReference>> rejected = dlq.readRecordsToList();
        List<String> reasons = rejected.stream().map(r -> r.value().getReason()).toList();
        List<String> expected = new ArrayList<>(bad.values().stream().map(Enum::name).toList());
        expected.add(RejectReason.DUPLICATE_ID.name());
        assertThat(reasons).containsExactlyElementsOf(expected);
        assertThat(expected.stream().distinct().count()).isGreaterThanOrEqualTo(20);
        for (TestRecord<String, RejectedReference> r : rejected) {
            assertThat(header(r, "srrrs.dlq.message")).isNotBlank();
            assertThat(r.value().getReference()).isNotNull();
        }
        Map<String, List<EncryptedChunk>> objects = objects();
        for (int i = 0; i < good; i++) {
            assertThat(objects).containsKey("good-" + i);
        }
        assertThat(objects).containsKey("good-dup");
        assertThat(objects.get("good-dup")).hasSize(1);
        // The refused ones produced nothing (the hash mismatch is a single-chunk object: refused before any chunk).
        assertThat(objects.keySet()).allMatch(id -> id.startsWith("good"));
    }

    @Test
    void undecodableRecordsGoToTheDlqToo() {
        input.pipeInput("k".getBytes(), "{\"not\": \"avro\"}".getBytes(StandardCharsets.UTF_8));
        onlyRejection(RejectReason.MALFORMED_RECORD);
        byte[] unknownId = serializer.serialize("payload-refs", Fixtures.inline("x", new byte[1]).build());
        ByteBuffer.wrap(unknownId).putInt(1, 999);
        input.pipeInput("k".getBytes(), unknownId);
        assertThat(onlyRejection(RejectReason.UNKNOWN_SCHEMA).getMessage()).contains("999");
        input.pipeInput("k".getBytes(), (byte[]) null);
        onlyRejection(RejectReason.EMPTY_RECORD);
        byte[] truncated = serializer.serialize("payload-refs", Fixtures.inline("y", new byte[100]).build());
        input.pipeInput("k".getBytes(), java.util.Arrays.copyOf(truncated, truncated.length - 30));
        onlyRejection(RejectReason.MALFORMED_RECORD);
    }

    @Test
    void theDlqNeverHoldsInlinePlaintext() {
        byte[] secret = Fixtures.payload(5000);
        send(Fixtures.inline("secret", secret).setBucket("BAD").build());
        TestRecord<String, RejectedReference> r = dlq.readRecord();
        assertThat(r.value().getRedactedInlineBytes()).isEqualTo(5000L);
        assertThat(((InlineSource) r.value().getReference().getSource()).getData().remaining()).isZero();
        byte[] raw = new AvroSerializer<RejectedReference>(registry, true).serialize("payload-refs.dlq", r.value());
        assertThat(Fixtures.contains(raw, Fixtures.CANARY)).isFalse();
        r.headers().forEach(h -> assertThat(Fixtures.contains(h.value(), Fixtures.CANARY)).isFalse());
    }

    @Test
    void aPayloadOverTheLimitMidStreamIsAbandonedAndRejected() throws Exception {
        // No Content-Length: the limit is only found while reading, after chunks were sent.
        send(Fixtures.uri("endless", https.url("/stream/3000000")).build());
        send(Fixtures.inline("after", new byte[10]).build());
        List<EncryptedChunk> endless = objects().get("endless");
        assertThat(endless.size()).isGreaterThan(1);
        EncryptedChunk marker = endless.get(endless.size() - 1);
        assertThat(marker.getAborted()).isTrue();
        assertThat(marker.getLast()).isTrue();
        assertThat(marker.getCiphertext().remaining()).isZero();
        assertThat(endless.subList(0, endless.size() - 1)).noneMatch(EncryptedChunk::getLast);
        onlyRejection(RejectReason.SOURCE_TOO_LARGE);
    }

    @Test
    void aHashMismatchOnAMultiChunkObjectIsAbandonedBeforeItsLastChunk() throws Exception {
        byte[] data = Fixtures.payload(60_000);
        send(Fixtures.inline("wrong-hash", data).setExpectedSha256(new Sha256(new byte[32])).build());
        List<EncryptedChunk> object = objects().get("wrong-hash");
        assertThat(object.get(object.size() - 1).getAborted()).isTrue();
        assertThat(object).filteredOn(c -> c.getLast() && !c.getAborted()).isEmpty();
        onlyRejection(RejectReason.HASH_MISMATCH);
    }

    @Test
    void aKmsOutageIsRetriedThenRejectedAsProcessingFailed() {
        close();
        Kms down = new Kms() {
            @Override
            public String type() {
                return "down";
            }

            @Override
            public KekId resolve(String aliasOrId) throws KmsException {
                throw new KmsUnavailableException("KMS unreachable");
            }

            @Override
            public DataKeyPair generateDataKey(KekId kek, EncryptionContext context) throws KmsException {
                throw new KmsUnavailableException("KMS unreachable");
            }

            @Override
            public DataKey unwrap(WrappedDek wrapped, EncryptionContext context) throws KmsException {
                throw new KmsUnavailableException("KMS unreachable");
            }

            @Override
            public WrappedDek rewrap(WrappedDek wrapped, EncryptionContext context, KekId target) throws KmsException {
                throw new KmsUnavailableException("KMS unreachable");
            }
        };
        start(settings, down, 3);
        // Nothing of the reference was produced yet, so each attempt is retried in place; then the DLQ.
        send(Fixtures.inline("outage", new byte[10]).build());
        RejectedReference rejected = onlyRejection(RejectReason.PROCESSING_FAILED);
        assertThat(rejected.getMessage()).contains("gave up after 3 attempts").contains("KMS unreachable");
        assertThat(chunks.isEmpty()).isTrue();

        // Retries in place stop where another attempt could outlive the transaction (earlier
        // references' chunks may share it): the transaction ends and the reference is retried after.
        close();
        inPlaceBudgetMillis = 0;
        start(settings, down, 3);
        assertThatThrownBy(() -> send(Fixtures.inline("outage-2", new byte[10]).build()))
                .isInstanceOf(StreamsException.class).hasStackTraceContaining("could outlive the transaction");
        assertThat(chunks.isEmpty()).isTrue();
        assertThat(dlq.isEmpty()).isTrue();
    }

    @Test
    void aNulOrControlCharacterInASourceUriIsRefusedAndTheNextReferenceFlows() throws Exception {
        byte[] data = Fixtures.payload(5000);
        Files.write(inbox.resolve("after.bin"), data);
        send(Fixtures.uri("nul-encoded", "file://" + inbox.resolve("a%00b")).build());
        send(Fixtures.uri("nul-raw", "file://" + inbox + "/a\u0000b").build());
        send(Fixtures.uri("newline", "https://localhost/x\ny").build());
        send(Fixtures.uri("after-nul", "file:" + inbox.resolve("after.bin")).build());
        List<RejectedReference> rejected = dlq.readValuesToList();
        assertThat(rejected).extracting(RejectedReference::getReason).containsExactly("INVALID_SOURCE", "INVALID_SOURCE",
                "INVALID_SOURCE");
        assertDecrypts(objects().get("after-nul"), data);
    }

    @Test
    void anExceptionNobodyForesawIsRetriedThenDeadLetteredAndTheNextReferenceFlows() throws Exception {
        close();
        Kms real = io.srrrs.crypto.kms.KmsConfig.stack(TopologyConfig.of(settings).kmsConfig()).kms();
        Kms buggy = new Kms() {
            @Override
            public String type() {
                return real.type();
            }

            @Override
            public KekId resolve(String aliasOrId) throws KmsException {
                return real.resolve(aliasOrId);
            }

            @Override
            public DataKeyPair generateDataKey(KekId kek, EncryptionContext context) throws KmsException {
                if (context.asMap().containsKey("poison")) {
                    throw new IllegalStateException("a bug nobody foresaw");
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
        };
        start(settings, buggy, 3);
        send(Fixtures.inline("poison", new byte[10]).setEncryptionContext(Map.of("poison", "yes")).build());
        byte[] data = Fixtures.payload(3000);
        send(Fixtures.inline("healthy", data).build());
        RejectedReference rejected = onlyRejection(RejectReason.PROCESSING_FAILED);
        assertThat(rejected.getReferenceId()).isEqualTo("poison");
        assertThat(rejected.getErrorClass()).isEqualTo("IllegalStateException");
        assertThat(rejected.getMessage()).contains("gave up after 3 attempts").contains("a bug nobody foresaw");
        assertDecrypts(objects().get("healthy"), data);
    }

    @Test
    void aDeadLetterNeverExceedsWhatTheDlqTopicTakes() {
        String hugeKey = "k".repeat(600_000);
        send(Fixtures.inline("huge", new byte[10]).setKey(hugeKey).build());
        RejectedReference rejected = onlyRejection(RejectReason.INVALID_KEY);
        assertThat(rejected.getReference()).as("left out: too large to repeat").isNull();
        assertThat(rejected.getInputOffset()).isZero();
    }

    @Test
    void metricsCountWhatHappened() throws Exception {
        send(Fixtures.inline("m1", Fixtures.payload(20_000)).build());
        send(Fixtures.inline("m2", Fixtures.payload(20_000)).build());
        send(Fixtures.inline("", new byte[1]).build());
        Map<String, Double> values = new HashMap<>();
        driver.metrics().forEach((name, metric) -> {
            if (name.group().equals(TopologyMetrics.GROUP) && !name.tags().containsKey("reason")) {
                values.merge(name.name(), ((Number) metric.metricValue()).doubleValue(), Double::sum);
            }
        });
        assertThat(values.get("references-processed-total")).isEqualTo(2.0);
        assertThat(values.get("references-rejected-total")).isEqualTo(1.0);
        assertThat(values.get("plaintext-bytes-total")).isEqualTo(40_000.0);
        assertThat(values.get("chunks-total")).isEqualTo(objects().values().stream().mapToInt(List::size).sum());
        assertThat(values.get("kms-calls-total")).isEqualTo(2.0); // one resolution and one DEK, both cached after
        assertThat(values.get("dek-cache-hits-total")).isEqualTo(1.0);       // the second object reused the DEK
        assertThat(driver.metrics().keySet()).anyMatch(n -> n.name().equals("references-rejected-by-reason-total")
                && "EMPTY_ID".equals(n.tags().get("reason")));
    }
}
