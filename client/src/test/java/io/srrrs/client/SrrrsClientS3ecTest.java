package io.srrrs.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.srrrs.crypto.CiphertextException;
import io.srrrs.crypto.CiphertextException.Failure;
import io.srrrs.crypto.KeyMismatchException;
import io.srrrs.crypto.ObjectMetadata;
import io.srrrs.crypto.TamperedObjectException;
import io.srrrs.crypto.UnsupportedFormatException;
import io.srrrs.crypto.format.EncryptionContext;
import io.srrrs.crypto.format.ObjectIdentity;
import io.srrrs.crypto.format.OutputFormat;
import io.srrrs.crypto.format.S3ecContent.Version;
import io.srrrs.crypto.format.S3ecContent.WrapAlgorithm;
import io.srrrs.crypto.kms.DataKeyPair;
import io.srrrs.crypto.kms.DekUsage;
import io.srrrs.crypto.kms.DekWrapping;
import io.srrrs.crypto.kms.KekAllowList;
import io.srrrs.crypto.kms.KekId;
import io.srrrs.crypto.kms.KekNotAllowedException;
import io.srrrs.crypto.pki.LocalCa;
import io.srrrs.crypto.s3ec.S3ecChunks;
import io.srrrs.crypto.s3ec.S3ecObjectEncryptor;
import io.srrrs.embedded.EmbeddedS3;
import io.srrrs.store.StoreClients;
import io.srrrs.store.StoreConfig;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The client on S3EC objects (V3 and V2, AES/GCM-wrapped) in a real S3 server (S3Proxy): whole
 * reads, ranges refused, the allow-list and a foreign KEK, tampering, rewrap keeping S3EC's keys,
 * SSE-C through the metadata companion.
 */
class SrrrsClientS3ecTest {

    static final EncryptionContext NONE = EncryptionContext.of(Map.of());
    static final SecureRandom RANDOM = new SecureRandom();
    static final KekAllowList ALLOWED = KekAllowList.parse("orders,archive", "");

    @TempDir
    static Path dir;
    static EmbeddedS3 s3;
    static S3Client admin;
    static CountingKeystore kms;
    static SrrrsClient client;

    @BeforeAll
    static void start() throws Exception {
        LocalCa ca = LocalCa.createOrLoad(dir.resolve("ca"));
        s3 = EmbeddedS3.start(dir.resolve("s3"), ca);
        StoreConfig store = StoreConfig.of(s3.httpsEndpoint(), s3.accessKey(), s3.secretKey(), ca.truststore());
        admin = StoreClients.s3(store);
        admin.createBucket(b -> b.bucket("data"));
        kms = new CountingKeystore(dir, "orders", "archive", "intruder");
        client = SrrrsClient.create(store, kms, ALLOWED);
    }

    @AfterAll
    static void stop() throws Exception {
        client.close();
        admin.close();
        s3.close();
    }

    static byte[] payload(int n) {
        byte[] b = new byte[n];
        RANDOM.nextBytes(b);
        return b;
    }

    record Written(byte[] body, Map<String, String> metadata, byte[] sseCKey) {
    }

    /** Encrypts as the pipeline does for format s3ec-v3 / s3ec-v2 (in chunks of 1000 bytes), without storing. */
    static Written encrypt(String key, byte[] plaintext, String kek, Version version, boolean sseC) throws Exception {
        try (DataKeyPair dek = kms.generateDataKey(new KekId(kek), NONE, DekWrapping.of(version.outputFormat()));
             S3ecObjectEncryptor enc = S3ecObjectEncryptor.create(dek.plaintext(), version, WrapAlgorithm.AES_GCM,
                     DekUsage.NONE);
             S3ecChunks chunks = enc.chunks(new ByteArrayInputStream(plaintext), 1000, plaintext.length)) {
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            for (var c = chunks.next(); c != null; c = chunks.next()) {
                body.write(c.bytes());
            }
            Map<String, String> metadata = new HashMap<>(new ObjectMetadata(enc.content(), dek.wrapped(), NONE, sseC).toMap());
            metadata.put("owner", "billing");
            byte[] sseCKey = sseC ? enc.sseCKey(new ObjectIdentity("data", key)) : null;
            return new Written(body.toByteArray(), metadata, sseCKey);
        }
    }

    static Written write(String key, byte[] plaintext, String kek, Version version) throws Exception {
        Written w = encrypt(key, plaintext, kek, version, false);
        put(key, w.body(), w.metadata());
        return w;
    }

    static void put(String key, byte[] body, Map<String, String> metadata) {
        admin.putObject(b -> b.bucket("data").key(key).metadata(metadata).contentType("text/csv"), RequestBody.fromBytes(body));
    }

    static Map<String, String> stored(String key) {
        return admin.headObject(b -> b.bucket("data").key(key)).metadata();
    }

    @Test
    void readsV3AndV2ObjectsWholeAndInspectsThem() throws Exception {
        for (Version version : Version.values()) {
            String key = "read/" + version + ".csv";
            byte[] plaintext = payload(5_000);
            write(key, plaintext, "orders", version);
            assertThat(client.readAll("data", key)).as(key).isEqualTo(plaintext);
            ObjectInfo info = client.inspect("data", key);
            assertThat(info.plaintextLength()).isEqualTo(5_000);
            assertThat(info.objectLength()).isEqualTo(5_016);
            assertThat(info.metadata().content().outputFormat()).isEqualTo(version.outputFormat());
            assertThat(info.userMetadata()).as("S3EC's x-amz-* keys are not the producer's labels")
                    .isEqualTo(Map.of("owner", "billing"));
        }
        write("read/empty", new byte[0], "orders", Version.V3);
        assertThat(client.readAll("data", "read/empty")).isEmpty();
    }

    @Test
    void aRangeOfAnS3ecObjectIsRefusedBeforeAnyKmsCall() throws Exception {
        write("range/a.csv", payload(3_000), "orders", Version.V3);
        int before = kms.unwraps.get();
        assertThatThrownBy(() -> client.openRange("data", "range/a.csv", 10, 100))
                .isInstanceOfSatisfying(UnsupportedFormatException.class,
                        e -> assertThat(e.failure()).isEqualTo(Failure.RANGE_NOT_AUTHENTICATED))
                .hasMessageContaining("s3ec-v3").hasMessageContaining("read it whole");
        assertThat(kms.unwraps.get()).isEqualTo(before);
    }

    @Test
    void anS3ecObjectUnderAKekNotAllowedIsRefusedBeforeAnyKmsCall() throws Exception {
        write("gate/intruder.csv", payload(100), "intruder", Version.V3);
        int before = kms.unwraps.get();
        assertThatThrownBy(() -> client.readAll("data", "gate/intruder.csv")).isInstanceOf(KekNotAllowedException.class)
                .hasMessageContaining("intruder");
        assertThat(kms.unwraps.get()).isEqualTo(before);
    }

    @Test
    void anObjectWrittenByAnS3ecApplicationIsReadUnderTheForeignKekIfThatIsAllowed() throws Exception {
        byte[] plaintext = payload(2_000);
        Written w = encrypt("foreign/a.csv", plaintext, "orders", Version.V3, false);
        Map<String, String> foreign = new HashMap<>(w.metadata());
        foreign.keySet().removeIf(k -> k.startsWith(ObjectMetadata.PREFIX)); // S3EC writes none of ours
        put("foreign/a.csv", w.body(), foreign);
        assertThatThrownBy(() -> client.readAll("data", "foreign/a.csv")).isInstanceOfSatisfying(
                TamperedObjectException.class, e -> assertThat(e.failure()).isEqualTo(Failure.MALFORMED_METADATA))
                .hasMessageContaining("srrrs-kek-id");
        StoreConfig store = StoreConfig.of(s3.httpsEndpoint(), s3.accessKey(), s3.secretKey(),
                LocalCa.createOrLoad(dir.resolve("ca")).truststore());
        try (SrrrsClient reader = SrrrsClient.create(store, kms, ALLOWED,
                new ObjectMetadata.ForeignKek("local", new KekId("orders")))) {
            assertThat(reader.readAll("data", "foreign/a.csv")).isEqualTo(plaintext);
        }
        try (SrrrsClient reader = SrrrsClient.create(store, kms, ALLOWED,
                new ObjectMetadata.ForeignKek("local", new KekId("intruder")))) {
            assertThatThrownBy(() -> reader.readAll("data", "foreign/a.csv")).isInstanceOf(KekNotAllowedException.class);
        }
    }

    @Test
    void aTamperedS3ecObjectIsRefused() throws Exception {
        Written a = write("tamper/a", payload(4_000), "orders", Version.V3);
        Written b = write("tamper/b", payload(4_000), "orders", Version.V3);
        byte[] flipped = a.body().clone();
        flipped[1234] ^= 1;
        assertRefused("tamper/flip", flipped, a.metadata(), Failure.SEGMENT_MODIFIED);
        assertRefused("tamper/cut", Arrays.copyOf(a.body(), a.body().length - 16), a.metadata(), Failure.SEGMENT_MODIFIED);
        assertRefused("tamper/short", new byte[5], a.metadata(), Failure.TRUNCATED);
        Map<String, String> swapped = new HashMap<>(a.metadata());
        swapped.put("x-amz-3", b.metadata().get("x-amz-3"));
        assertRefused("tamper/swap", a.body(), swapped, Failure.WRONG_DEK);
        for (String field : new String[] {"x-amz-i", "x-amz-d"}) {
            Map<String, String> changed = new HashMap<>(a.metadata());
            changed.put(field, otherBase64(changed.get(field)));
            assertRefused("tamper/" + field, a.body(), changed, Failure.WRONG_DEK);
        }
        Written v2 = write("tamper/v2", payload(4_000), "orders", Version.V2);
        Map<String, String> iv = new HashMap<>(v2.metadata());
        iv.put("x-amz-iv", otherBase64(iv.get("x-amz-iv")));
        assertRefused("tamper/iv", v2.body(), iv, Failure.SEGMENT_MODIFIED);
    }

    static String otherBase64(String b64) {
        byte[] bytes = Base64.getDecoder().decode(b64);
        bytes[0] ^= 1;
        return Base64.getEncoder().encodeToString(bytes);
    }

    static void assertRefused(String key, byte[] body, Map<String, String> metadata, Failure failure) {
        put(key, body, metadata);
        assertThatThrownBy(() -> client.readAll("data", key)).as(key).isInstanceOfSatisfying(CiphertextException.class,
                e -> assertThat(e.failure()).isEqualTo(failure));
    }

    @Test
    void aRewrapReplacesOnlyTheWrappedDekAndKekAndKeepsEveryOtherKey() throws Exception {
        byte[] plaintext = payload(3_000);
        Written w = encrypt("rewrap/a", plaintext, "orders", Version.V3, false);
        Map<String, String> withMatDesc = new HashMap<>(w.metadata());
        withMatDesc.put("x-amz-m", "{\"purpose\":\"interop\"}"); // as a raw S3EC keyring with a material description
        put("rewrap/a", w.body(), withMatDesc);
        Map<String, String> before = stored("rewrap/a");
        ObjectInfo info = client.rewrap("data", "rewrap/a", "archive");
        assertThat(info.metadata().wrappedDek().kek().value()).isEqualTo("archive");
        Map<String, String> after = stored("rewrap/a");
        assertThat(after.get("x-amz-3")).isNotEqualTo(before.get("x-amz-3"));
        assertThat(after.get(ObjectMetadata.KEK_ID)).isEqualTo("archive");
        Map<String, String> unchanged = new HashMap<>(after);
        unchanged.remove("x-amz-3");
        unchanged.remove(ObjectMetadata.KEK_ID);
        Map<String, String> expected = new HashMap<>(before);
        expected.remove("x-amz-3");
        expected.remove(ObjectMetadata.KEK_ID);
        assertThat(unchanged).isEqualTo(expected).containsEntry("x-amz-m", "{\"purpose\":\"interop\"}");
        assertThat(client.readAll("data", "rewrap/a")).isEqualTo(plaintext);
    }

    @Test
    void aRewrapOfAForeignObjectMakesItNameItsKek() throws Exception {
        byte[] plaintext = payload(700);
        Written w = encrypt("rewrap/foreign", plaintext, "orders", Version.V2, false);
        Map<String, String> foreign = new HashMap<>(w.metadata());
        foreign.keySet().removeIf(k -> k.startsWith(ObjectMetadata.PREFIX));
        put("rewrap/foreign", w.body(), foreign);
        StoreConfig store = StoreConfig.of(s3.httpsEndpoint(), s3.accessKey(), s3.secretKey(),
                LocalCa.createOrLoad(dir.resolve("ca")).truststore());
        try (SrrrsClient reader = SrrrsClient.create(store, kms, ALLOWED,
                new ObjectMetadata.ForeignKek("local", new KekId("orders")))) {
            reader.rewrap("data", "rewrap/foreign", "archive");
        }
        Map<String, String> after = stored("rewrap/foreign");
        assertThat(after).containsEntry(ObjectMetadata.KEK_ID, "archive").containsEntry(ObjectMetadata.KMS, "local")
                .containsEntry("x-amz-matdesc", "{}").containsEntry("x-amz-iv", foreign.get("x-amz-iv"));
        assertThat(client.readAll("data", "rewrap/foreign")).isEqualTo(plaintext);
    }

    @Test
    void anSseCS3ecObjectIsReadThroughItsCompanionWithTheKeyDerivedFromItsDek() throws Exception {
        byte[] plaintext = payload(6_000);
        Written w = encrypt("ssec/a", plaintext, "orders", Version.V3, true);
        put("ssec/a", w.body(), w.metadata());
        Map<String, String> companion = new HashMap<>(w.metadata());
        companion.remove("owner");
        admin.putObject(b -> b.bucket("data").key(ObjectMetadata.SSE_C_COMPANION_PREFIX + "ssec/a").metadata(companion)
                .contentType("application/x-srrrs-metadata"), RequestBody.empty());
        BadInputCatalogueTest.SseCStore store = new BadInputCatalogueTest.SseCStore(admin, "ssec/a", w.sseCKey());
        try (SrrrsClient reader = SrrrsClient.create(store.client(), true, kms, ALLOWED)) {
            assertThat(reader.readAll("data", "ssec/a")).isEqualTo(plaintext);
            ObjectInfo info = reader.inspect("data", "ssec/a");
            assertThat(info.sseC()).isTrue();
            assertThat(info.metadata().content().outputFormat()).isEqualTo(OutputFormat.S3EC_V3);
        }
        assertThat(store.withKey).contains("HeadObject", "GetObject");
    }

    @Test
    void theSseCKeyOfAnS3ecObjectIsBoundToItsIdentity() throws Exception {
        Written w = encrypt("ssec/b", payload(100), "orders", Version.V3, true);
        assertThat(w.sseCKey()).hasSize(32);
        Written other = encrypt("ssec/c", payload(100), "orders", Version.V3, true);
        assertThat(w.sseCKey()).isNotEqualTo(other.sseCKey());
    }
}
