package io.srrrs.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.srrrs.crypto.CiphertextException.Failure;
import io.srrrs.crypto.TamperedObjectException;
import io.srrrs.crypto.kms.KekAllowList;
import io.srrrs.crypto.kms.KekId;
import io.srrrs.crypto.kms.KekNotAllowedException;
import io.srrrs.crypto.kms.DecoratedKms;
import io.srrrs.crypto.kms.MeteredKms;
import io.srrrs.crypto.kms.local.LocalKeystoreKms;
import io.srrrs.crypto.pki.LocalCa;
import io.srrrs.embedded.EmbeddedS3;
import io.srrrs.store.StoreClients;
import io.srrrs.store.StoreConfig;

import java.io.InputStream;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;

/**
 * What a reader refuses to be made to do, against a real S3 server (S3Proxy, which honours
 * {@code x-amz-copy-source-if-match} on CopyObject and UploadPartCopy): use a KEK that is not
 * allowed, give a newer version the old one's wrapped DEK, or trust a length a range cannot see.
 */
class ReaderGuardsTest {

    static final int S = 4096;
    static final int CT = S + 16;

    @TempDir
    static Path dir;
    static EmbeddedS3 s3;
    static S3Client admin;
    static DecoratedKms kms;
    static StoreConfig store;
    static SrrrsClient client;

    @BeforeAll
    static void start() throws Exception {
        LocalCa ca = LocalCa.createOrLoad(dir.resolve("ca"));
        s3 = EmbeddedS3.start(dir.resolve("s3"), ca);
        store = StoreConfig.of(s3.httpsEndpoint(), s3.accessKey(), s3.secretKey(), ca.truststore());
        admin = StoreClients.s3(store);
        admin.createBucket(b -> b.bucket("data"));
        LocalKeystoreKms keystore = LocalKeystoreKms.openOrCreate(dir.resolve("keks.p12"), "pw".toCharArray());
        for (String kek : new String[] {"orders", "archive", "intruder"}) {
            keystore.createKek(kek);
        }
        kms = DecoratedKms.around(keystore, DecoratedKms.Config.DEFAULTS);
        client = SrrrsClient.create(store, kms.kms(), KekAllowList.parse("orders,archive", ""));
    }

    @AfterAll
    static void stop() throws Exception {
        client.close();
        admin.close();
        s3.close();
        kms.close();
    }

    static void write(String key, byte[] plaintext, String kek) throws Exception {
        SrrrsClientTest.writeObject(admin, kms.kms(), new KekId(kek), "data", key, plaintext, S);
    }

    /** Replaces the object's bytes, keeping its metadata, so that HEAD reports the new length. */
    static void rewrite(String key, byte[] body) {
        HeadObjectResponse head = admin.headObject(b -> b.bucket("data").key(key));
        admin.putObject(b -> b.bucket("data").key(key).metadata(head.metadata()).contentType(head.contentType()),
                RequestBody.fromBytes(body));
    }

    static byte[] stored(String key) {
        return admin.getObjectAsBytes(b -> b.bucket("data").key(key)).asByteArray();
    }

    static byte[] range(String key, long offset, long length, boolean proveLength) throws Exception {
        try (InputStream in = client.openRange("data", key, offset, length, proveLength)) {
            return in.readAllBytes();
        }
    }

    // ---- the KEK allow-list ---------------------------------------------------------------------

    @Test
    void rewrapChecksTheObjectsKekAndTheTargetBeforeAnyKmsCall() throws Exception {
        byte[] plaintext = SrrrsClientTest.payload(1000);
        write("allow/ok.bin", plaintext, "orders");
        write("allow/theirs.bin", plaintext, "intruder");
        byte[] before = stored("allow/ok.bin");
        long rewraps = kms.kmsCalls().calls(MeteredKms.Operation.REWRAP);
        long unwraps = kms.kmsCalls().calls(MeteredKms.Operation.UNWRAP);

        assertThatThrownBy(() -> client.rewrap("data", "allow/ok.bin", "intruder"))
                .isInstanceOf(KekNotAllowedException.class).hasMessageContaining("target KEK intruder")
                .hasMessageContaining("nothing was changed");
        assertThatThrownBy(() -> client.rewrap("data", "allow/theirs.bin", "archive"))
                .isInstanceOf(KekNotAllowedException.class).hasMessageContaining("KEK intruder");
        assertThatThrownBy(() -> client.readAll("data", "allow/theirs.bin")).isInstanceOf(KekNotAllowedException.class);
        assertThatThrownBy(() -> range("allow/theirs.bin", 0, 10, true)).isInstanceOf(KekNotAllowedException.class);

        assertThat(kms.kmsCalls().calls(MeteredKms.Operation.REWRAP)).as("rewraps").isEqualTo(rewraps);
        assertThat(kms.kmsCalls().calls(MeteredKms.Operation.UNWRAP)).as("unwraps").isEqualTo(unwraps);
        assertThat(client.inspect("data", "allow/ok.bin").metadata().wrappedDek().kek()).isEqualTo(new KekId("orders"));
        assertThat(stored("allow/ok.bin")).isEqualTo(before);
        try (SrrrsClient any = SrrrsClient.create(store, kms.kms(), KekAllowList.any(java.util.List.of()))) {
            assertThat(any.readAll("data", "allow/theirs.bin")).as("the explicit opt-out").isEqualTo(plaintext);
        }
    }

    // ---- conditional rewrap -----------------------------------------------------------------------

    @Test
    void aVersionWrittenDuringARewrapIsLeftIntactAndTheConflictReported() throws Exception {
        write("race/x.bin", SrrrsClientTest.payload(30_000), "orders");
        byte[] newer = SrrrsClientTest.payload(20_000);
        try (SrrrsClient racing = SrrrsClient.create(store, kms.kms(), KekAllowList.parse("orders,archive", ""))) {
            racing.beforeCopy(() -> overwrite("race/x.bin", newer));
            assertThatThrownBy(() -> racing.rewrap("data", "race/x.bin", "archive"))
                    .isInstanceOfSatisfying(RewrapConflictException.class,
                            e -> assertThat(e.identity().key()).isEqualTo("race/x.bin"))
                    .hasMessageContaining("changed since the rewrap read it");
        }
        assertThat(client.readAll("data", "race/x.bin")).as("the new version").isEqualTo(newer);
        assertThat(client.inspect("data", "race/x.bin").metadata().wrappedDek().kek()).isEqualTo(new KekId("orders"));
    }

    @Test
    void thePartByPartRewrapIsConditionalToo() throws Exception {
        write("race/big.bin", SrrrsClientTest.payload(11 * 1024 * 1024), "orders");
        byte[] newer = SrrrsClientTest.payload(7 * 1024 * 1024);
        try (SrrrsClient racing = SrrrsClient.create(store, kms.kms(), KekAllowList.parse("orders,archive", ""),
                5L * 1024 * 1024)) {
            racing.beforeCopy(() -> overwrite("race/big.bin", newer));
            assertThatThrownBy(() -> racing.rewrap("data", "race/big.bin", "archive"))
                    .isInstanceOf(RewrapConflictException.class);
        }
        assertThat(client.readAll("data", "race/big.bin")).as("the new version").isEqualTo(newer);
        assertThat(admin.listMultipartUploads(b -> b.bucket("data")).uploads()).as("aborted").isEmpty();
    }

    private static void overwrite(String key, byte[] plaintext) {
        try {
            write(key, plaintext, "orders");
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    // ---- proving the length on a ranged read ------------------------------------------------------

    @Test
    void aRangeCanProveTheObjectWasNotCutShort() throws Exception {
        byte[] plaintext = SrrrsClientTest.payload(5 * S + 100);
        write("len/cut.bin", plaintext, "orders");
        assertThat(range("len/cut.bin", 0, 100, true)).isEqualTo(Arrays.copyOf(plaintext, 100));
        byte[] body = stored("len/cut.bin");
        rewrite("len/cut.bin", Arrays.copyOf(body, 130 + 5 * CT)); // the final segment gone, HEAD agrees

        assertThat(range("len/cut.bin", 0, 100, false)).as("segment 0 cannot see it").isEqualTo(Arrays.copyOf(plaintext, 100));
        assertThatThrownBy(() -> range("len/cut.bin", 0, 100, true)).isInstanceOfSatisfying(TamperedObjectException.class,
                e -> assertThat(e.failure()).isEqualTo(Failure.TRUNCATED));
    }

    @Test
    void aRangeCanProveNothingWasAppendedOrModifiedAtTheEnd() throws Exception {
        byte[] plaintext = SrrrsClientTest.payload(3 * S);
        write("len/ext.bin", plaintext, "orders");
        byte[] body = stored("len/ext.bin");
        byte[] extended = Arrays.copyOf(body, body.length + CT);
        System.arraycopy(body, 130, extended, body.length, CT);
        rewrite("len/ext.bin", extended);
        assertThat(range("len/ext.bin", 0, 10, false)).isEqualTo(Arrays.copyOf(plaintext, 10));
        assertThatThrownBy(() -> range("len/ext.bin", 0, 10, true)).isInstanceOfSatisfying(TamperedObjectException.class,
                e -> assertThat(e.failure()).isEqualTo(Failure.EXTENDED));

        byte[] modified = body.clone();
        modified[modified.length - 1] ^= 1;
        rewrite("len/ext.bin", modified);
        assertThatThrownBy(() -> range("len/ext.bin", 0, 10, true)).isInstanceOfSatisfying(TamperedObjectException.class,
                e -> assertThat(e.failure()).isEqualTo(Failure.SEGMENT_MODIFIED));

        write("len/empty.bin", new byte[0], "orders");
        assertThat(range("len/empty.bin", 0, 10, true)).isEmpty();
        write("len/one.bin", plaintext, "orders");
        assertThat(range("len/one.bin", S, S, true)).isEqualTo(Arrays.copyOfRange(plaintext, S, 2 * S));
    }
}
