package io.srrrs.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.srrrs.crypto.CiphertextException.Failure;
import io.srrrs.crypto.KeyMismatchException;
import io.srrrs.crypto.NotEncryptedException;
import io.srrrs.crypto.ObjectEncryptor;
import io.srrrs.crypto.ObjectMetadata;
import io.srrrs.crypto.TamperedObjectException;
import io.srrrs.crypto.format.EncryptionContext;
import io.srrrs.crypto.format.ObjectIdentity;
import io.srrrs.crypto.kms.DataKeyPair;
import io.srrrs.crypto.kms.KekAllowList;
import io.srrrs.crypto.kms.KekId;
import io.srrrs.crypto.kms.Kms;
import io.srrrs.crypto.kms.DecoratedKms;
import io.srrrs.crypto.kms.MeteredKms;
import io.srrrs.crypto.kms.UnknownKeyException;
import io.srrrs.crypto.kms.local.LocalKeystoreKms;
import io.srrrs.crypto.pki.LocalCa;
import io.srrrs.embedded.EmbeddedS3;
import io.srrrs.store.StoreClients;
import io.srrrs.store.StoreConfig;
import io.srrrs.store.StoreException;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;

/** The client against a real S3 server (S3Proxy, TLS 1.3) and the local KMS. */
class SrrrsClientTest {

    static final EncryptionContext CONTEXT = EncryptionContext.of("tenant", "acme");
    static final SecureRandom RANDOM = new SecureRandom();
    static final KekAllowList ALLOWED = KekAllowList.parse("orders,archive,doomed", "");

    @TempDir
    static Path dir;
    static LocalCa ca;
    static EmbeddedS3 s3;
    static S3Client admin;
    static LocalKeystoreKms keystore;
    static DecoratedKms kms;
    static SrrrsClient client;

    @BeforeAll
    static void start() throws Exception {
        ca = LocalCa.createOrLoad(dir.resolve("ca"));
        s3 = EmbeddedS3.start(dir.resolve("s3"), ca);
        admin = StoreClients.s3(store());
        admin.createBucket(b -> b.bucket("data"));
        keystore = LocalKeystoreKms.openOrCreate(dir.resolve("keks.p12"), "pw".toCharArray());
        keystore.createKek("orders");
        keystore.createKek("archive");
        keystore.createKek("doomed");
        kms = DecoratedKms.around(keystore, DecoratedKms.Config.DEFAULTS);
        client = SrrrsClient.create(store(), kms.kms(), ALLOWED);
    }

    static StoreConfig store() {
        return StoreConfig.of(s3.httpsEndpoint(), s3.accessKey(), s3.secretKey(), ca.truststore());
    }

    @AfterAll
    static void stop() throws Exception {
        client.close();
        admin.close();
        s3.close();
        kms.close();
    }

    static byte[] payload(int n) {
        byte[] b = new byte[n];
        RANDOM.nextBytes(b);
        return b;
    }

    /** Writes an object as the sink does (body in format v1, srrrs-* metadata and the producer's labels). */
    static void write(String key, byte[] plaintext, String kek) throws Exception {
        writeObject(admin, kms.kms(), new KekId(kek), "data", key, plaintext, 4096);
    }

    static void writeObject(S3Client s3, Kms kms, KekId kek, String bucket, String key, byte[] plaintext, int segmentSize)
            throws Exception {
        ObjectIdentity id = new ObjectIdentity(bucket, key);
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        Map<String, String> metadata;
        try (DataKeyPair dek = kms.generateDataKey(kek, CONTEXT);
             ObjectEncryptor enc = ObjectEncryptor.create(dek, id, CONTEXT, segmentSize)) {
            metadata = new HashMap<>(new ObjectMetadata(enc.header(), dek.wrapped(), CONTEXT).toMap());
            try (OutputStream out = enc.encryptingStream(body)) {
                out.write(plaintext);
            }
        }
        metadata.put("owner", "billing");
        s3.putObject(b -> b.bucket(bucket).key(key).metadata(metadata).contentType("text/csv"),
                RequestBody.fromBytes(body.toByteArray()));
    }

    @Test
    void readsWholeStreamedAndInspects() throws Exception {
        byte[] plaintext = payload(50_000);
        write("read/a.csv", plaintext, "orders");
        assertThat(client.readAll("data", "read/a.csv")).isEqualTo(plaintext);
        try (InputStream in = client.open("data", "read/a.csv")) {
            byte[] buf = new byte[333];
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            for (int n; (n = in.read(buf)) >= 0; ) {
                got.write(buf, 0, n);
            }
            assertThat(got.toByteArray()).isEqualTo(plaintext);
        }
        ObjectInfo info = client.inspect("data", "read/a.csv");
        assertThat(info.plaintextLength()).isEqualTo(50_000);
        assertThat(info.objectLength()).isGreaterThan(50_000);
        assertThat(info.metadata().wrappedDek().kek()).isEqualTo(new KekId("orders"));
        assertThat(info.metadata().context()).isEqualTo(CONTEXT);
        assertThat(info.userMetadata()).containsEntry("owner", "billing");
        assertThat(info.contentType()).isEqualTo("text/csv");
        assertThat(info.sseC()).isFalse();
    }

    @Test
    void rangesFetchAndAuthenticateOnlyTheirSegments() throws Exception {
        byte[] plaintext = payload(10 * 4096 + 123);
        write("range/r.bin", plaintext, "orders");
        long[][] ranges = {{0, 1}, {4095, 2}, {4096, 4096}, {8191, 1}, {40960, 123}, {40960 + 122, 50}, {100, 0}};
        for (long[] r : ranges) {
            try (InputStream in = client.openRange("data", "range/r.bin", r[0], r[1])) {
                assertThat(in.readAllBytes()).as("range %d+%d", r[0], r[1]).isEqualTo(Arrays.copyOfRange(plaintext,
                        (int) r[0], (int) Math.min(plaintext.length, r[0] + r[1])));
            }
        }
        // A modified segment outside the range does not stop the range; inside it, it does.
        Path stored = s3.dataDir().resolve("data/range/r.bin");
        byte[] bytes = Files.readAllBytes(stored);
        bytes[130 + 5 * 4112 + 7] ^= 1; // segment 5
        Files.write(stored, bytes);
        try (InputStream in = client.openRange("data", "range/r.bin", 0, 100)) {
            assertThat(in.readAllBytes()).isEqualTo(Arrays.copyOf(plaintext, 100));
        }
        assertThatThrownBy(() -> {
            try (InputStream in = client.openRange("data", "range/r.bin", 5 * 4096 + 10, 10)) {
                in.readAllBytes();
            }
        }).isInstanceOfSatisfying(TamperedObjectException.class,
                e -> assertThat(e.failure()).isEqualTo(Failure.SEGMENT_MODIFIED));
    }

    @Test
    void refusesWhatIsNotAnIntactSrrrsObjectWrittenForThisName() throws Exception {
        admin.putObject(b -> b.bucket("data").key("plain.txt"), RequestBody.fromString("not encrypted at all"));
        assertThatThrownBy(() -> client.readAll("data", "plain.txt")).isInstanceOf(NotEncryptedException.class);

        write("moved/original.bin", payload(1000), "orders");
        admin.copyObject(b -> b.sourceBucket("data").sourceKey("moved/original.bin").destinationBucket("data")
                .destinationKey("moved/copy.bin"));
        assertThatThrownBy(() -> client.readAll("data", "moved/copy.bin"))
                .isInstanceOfSatisfying(KeyMismatchException.class,
                        e -> assertThat(e.failure()).isEqualTo(Failure.WRONG_IDENTITY));

        write("cut/x.bin", payload(20_000), "orders");
        Path stored = s3.dataDir().resolve("data/cut/x.bin");
        Files.write(stored, Arrays.copyOf(Files.readAllBytes(stored), 130 + 2 * 4112));
        assertThatThrownBy(() -> client.readAll("data", "cut/x.bin")).isInstanceOfSatisfying(TamperedObjectException.class,
                e -> assertThat(e.failure()).isEqualTo(Failure.TRUNCATED));

        assertThatThrownBy(() -> client.readAll("data", "no/such.bin")).isInstanceOfSatisfying(StoreException.class,
                e -> assertThat(e.kind()).isEqualTo(StoreException.Kind.NOT_FOUND));
    }

    @Test
    void rewrapMovesTheDekToAnotherKekWithoutTouchingTheData() throws Exception {
        byte[] plaintext = payload(30_000);
        write("rewrap/x.bin", plaintext, "orders");
        byte[] before = Files.readAllBytes(s3.dataDir().resolve("data/rewrap/x.bin"));
        ObjectInfo after = client.rewrap("data", "rewrap/x.bin", "archive");
        assertThat(after.metadata().wrappedDek().kek()).isEqualTo(new KekId("archive"));
        ObjectInfo read = client.inspect("data", "rewrap/x.bin");
        assertThat(read.metadata().wrappedDek()).isEqualTo(after.metadata().wrappedDek());
        assertThat(read.userMetadata()).containsEntry("owner", "billing");
        assertThat(read.contentType()).isEqualTo("text/csv");
        assertThat(Files.readAllBytes(s3.dataDir().resolve("data/rewrap/x.bin"))).as("ciphertext unchanged").isEqualTo(before);
        assertThat(client.readAll("data", "rewrap/x.bin")).isEqualTo(plaintext);
    }

    @Test
    void objectsLargerThanOneCopyAreRewrappedPartByPart() throws Exception {
        byte[] plaintext = payload(12 * 1024 * 1024);
        write("rewrap/big.bin", plaintext, "orders");
        try (SrrrsClient small = SrrrsClient.create(store(), kms.kms(), ALLOWED, 5L * 1024 * 1024)) {
            small.rewrap("data", "rewrap/big.bin", "archive");
        }
        assertThat(client.inspect("data", "rewrap/big.bin").metadata().wrappedDek().kek()).isEqualTo(new KekId("archive"));
        assertThat(client.readAll("data", "rewrap/big.bin")).isEqualTo(plaintext);
        assertThat(admin.listMultipartUploads(b -> b.bucket("data")).uploads()).isEmpty();
    }

    @Test
    void aStoreThatCannotCopySseCObjectsGetsAClearError() {
        // S3Proxy cannot hold SSE-C objects, and Ceph RGW 16 copies them part by part, so the
        // store's answer where neither works (501 to the copy) is made here.
        S3Exception notImplemented = (S3Exception) S3Exception.builder().statusCode(501)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode("NotImplemented").build()).build();
        StoreException sseC = ConditionalCopy.copyFailure("UploadPartCopy", new ObjectIdentity("data", "k"), notImplemented, true);
        assertThat(sseC.kind()).isEqualTo(StoreException.Kind.SSE_C_REJECTED);
        assertThat(sseC.getMessage()).contains("UploadPartCopy s3://data/k -> 501 NotImplemented")
                .contains("cannot copy an SSE-C object server-side").contains("nothing was changed");
        StoreException plain = ConditionalCopy.copyFailure("CopyObject", new ObjectIdentity("data", "k"), notImplemented, false);
        assertThat(plain.kind()).isNotEqualTo(StoreException.Kind.SSE_C_REJECTED);
    }

    @Test
    void theUnwrapCacheAsksTheKmsOncePerDek() throws Exception {
        for (int i = 0; i < 5; i++) {
            write("cache/" + i, payload(100), "orders"); // the DEK cache hands all five the same DEK
        }
        long before = kms.kmsCalls().calls(MeteredKms.Operation.UNWRAP);
        for (int i = 0; i < 5; i++) {
            client.readAll("data", "cache/" + i);
        }
        assertThat(kms.kmsCalls().calls(MeteredKms.Operation.UNWRAP) - before).isLessThanOrEqualTo(1);
    }

    @Test
    void destroyingTheKekShredsItsObjectsAndOnlyThose() throws Exception {
        write("shred/doomed.bin", payload(100), "doomed");
        write("shred/kept.bin", payload(100), "orders");
        keystore.destroy("doomed");
        // A reader that had unwrapped the DEK keeps it for its unwrap cache's TTL; a new reader cannot.
        try (DecoratedKms fresh = DecoratedKms.around(LocalKeystoreKms.open(dir.resolve("keks.p12"), "pw".toCharArray()),
                DecoratedKms.Config.DEFAULTS); SrrrsClient reader = SrrrsClient.create(store(), fresh.kms(), ALLOWED)) {
            assertThatThrownBy(() -> reader.readAll("data", "shred/doomed.bin")).isInstanceOf(UnknownKeyException.class)
                    .hasMessageContaining("doomed");
            assertThat(reader.readAll("data", "shred/kept.bin")).hasSize(100);
        }
    }
}
