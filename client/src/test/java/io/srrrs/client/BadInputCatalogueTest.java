package io.srrrs.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.srrrs.crypto.CiphertextException;
import io.srrrs.crypto.CiphertextException.Failure;
import io.srrrs.crypto.KeyMismatchException;
import io.srrrs.crypto.NotEncryptedException;
import io.srrrs.crypto.ObjectEncryptor;
import io.srrrs.crypto.ObjectMetadata;
import io.srrrs.crypto.TamperedObjectException;
import io.srrrs.crypto.UnsupportedFormatException;
import io.srrrs.crypto.format.EncryptionContext;
import io.srrrs.crypto.format.ObjectIdentity;
import io.srrrs.crypto.kms.DataKeyPair;
import io.srrrs.crypto.kms.InvalidWrappedKeyException;
import io.srrrs.crypto.kms.KekAllowList;
import io.srrrs.crypto.kms.KekNotAllowedException;
import io.srrrs.crypto.kms.KekId;
import io.srrrs.crypto.kms.KeyDisabledException;
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
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.HeadObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * The reader's rows of the bad-input catalogue (docs/RELIABILITY.md) that {@link SrrrsClientTest}
 * does not already prove: every tampering of a stored object the format defends against, seen
 * through the client against a real S3 server (S3Proxy over TLS 1.3) and the local KMS, each
 * refused with its typed exception and {@link Failure}; and the SSE-C read path (S3Proxy has no
 * SSE-C, so an SSE-C store is played by {@link SseCStore} in front of it).
 */
class BadInputCatalogueTest {

    static final EncryptionContext CONTEXT = EncryptionContext.of("tenant", "acme");
    static final SecureRandom RANDOM = new SecureRandom();
    static final int S = 4096;
    static final int CT = S + 16;
    static final int H = 130;

    @TempDir
    static Path dir;
    static LocalCa ca;
    static EmbeddedS3 s3;
    static S3Client admin;
    static LocalKeystoreKms keystore;
    static DecoratedKms kms;
    static SrrrsClient client;

    /** The KEKs this catalogue's readers open: its own, and a pattern for KEKs the KMS does not have. */
    static final KekAllowList ALLOWED = KekAllowList.parse("orders,paused,gone-*", "");

    @BeforeAll
    static void start() throws Exception {
        ca = LocalCa.createOrLoad(dir.resolve("ca"));
        s3 = EmbeddedS3.start(dir.resolve("s3"), ca);
        admin = StoreClients.s3(store());
        admin.createBucket(b -> b.bucket("data"));
        keystore = LocalKeystoreKms.openOrCreate(dir.resolve("keks.p12"), "pw".toCharArray());
        keystore.createKek("orders");
        keystore.createKek("paused");
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

    /** An object as the sink writes it, encrypted for {@code key}: its body, its metadata and its SSE-C key. */
    record Written(byte[] body, Map<String, String> metadata, byte[] sseCKey) {
    }

    /** Encrypts for data/{@code key} under a fresh DEK (the raw keystore, no DEK cache), and stores it. */
    static Written write(String key, byte[] plaintext, String kek, boolean sseC) throws Exception {
        Written w = encrypt(key, plaintext, kek, sseC);
        put(key, w.body, w.metadata);
        return w;
    }

    static Written encrypt(String key, byte[] plaintext, String kek, boolean sseC) throws Exception {
        ObjectIdentity id = new ObjectIdentity("data", key);
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        Map<String, String> metadata;
        byte[] sseCKey;
        try (DataKeyPair dek = keystore.generateDataKey(new KekId(kek), CONTEXT);
             ObjectEncryptor enc = ObjectEncryptor.create(dek, id, CONTEXT, S)) {
            metadata = new HashMap<>(new ObjectMetadata(enc.header(), dek.wrapped(), CONTEXT, sseC).toMap());
            sseCKey = enc.sseCKey();
            try (OutputStream out = enc.encryptingStream(body)) {
                out.write(plaintext);
            }
        }
        metadata.put("owner", "billing");
        return new Written(body.toByteArray(), metadata, sseCKey);
    }

    static void put(String key, byte[] body, Map<String, String> metadata) {
        admin.putObject(b -> b.bucket("data").key(key).metadata(metadata).contentType("application/octet-stream"),
                RequestBody.fromBytes(body));
    }

    static Path stored(String key) {
        return s3.dataDir().resolve("data/" + key);
    }

    static Map<String, String> with(Map<String, String> metadata, String key, String value) {
        Map<String, String> m = new HashMap<>(metadata);
        m.put(key, value);
        return m;
    }

    static <T extends Throwable> T refused(String key, Class<T> type) {
        Throwable t = org.junit.jupiter.api.Assertions.assertThrows(Throwable.class, () -> client.readAll("data", key));
        assertThat(t).as("refusal of %s", key).isInstanceOf(type);
        return type.cast(t);
    }

    static Failure failure(String key) {
        return refused(key, CiphertextException.class).failure();
    }

    // ---- the body -------------------------------------------------------------------------------

    @Test
    void anExtendedObjectIsRefused() throws Exception {
        Written w = write("ext/x.bin", payload(3 * S), "orders", false);
        byte[] extended = Arrays.copyOf(w.body, w.body.length + CT);
        System.arraycopy(w.body, H, extended, w.body.length, CT);
        Files.write(stored("ext/x.bin"), extended);
        assertThat(refused("ext/x.bin", TamperedObjectException.class).failure()).isEqualTo(Failure.EXTENDED);
    }

    @Test
    void swappedSegmentsAreRefused() throws Exception {
        Written w = write("swap/x.bin", payload(3 * S + 100), "orders", false);
        byte[] swapped = w.body.clone();
        System.arraycopy(w.body, H + 2 * CT, swapped, H + CT, CT);
        System.arraycopy(w.body, H + CT, swapped, H + 2 * CT, CT);
        Files.write(stored("swap/x.bin"), swapped);
        assertThat(refused("swap/x.bin", TamperedObjectException.class).failure()).isEqualTo(Failure.SEGMENT_OUT_OF_ORDER);
    }

    @Test
    void aModifiedSegmentIsRefusedOnAWholeRead() throws Exception {
        Written w = write("flip/x.bin", payload(3 * S + 100), "orders", false);
        byte[] flipped = w.body.clone();
        flipped[H + CT + 77] ^= 1;
        Files.write(stored("flip/x.bin"), flipped);
        assertThat(refused("flip/x.bin", TamperedObjectException.class).failure()).isEqualTo(Failure.SEGMENT_MODIFIED);
    }

    @Test
    void aRangedReadOfATruncatedObjectIsRefused() throws Exception {
        Written w = write("cut-range/x.bin", payload(4 * S + 100), "orders", false);
        Files.write(stored("cut-range/x.bin"), Arrays.copyOf(w.body, H + 2 * CT));
        assertThatThrownBy(() -> {
            try (InputStream in = client.openRange("data", "cut-range/x.bin", S + 10, 10)) {
                in.readAllBytes();
            }
        }).isInstanceOfSatisfying(TamperedObjectException.class,
                e -> assertThat(e.failure()).isEqualTo(Failure.TRUNCATED));
    }

    @Test
    void aBodyHeaderOtherThanTheMetadataHeaderIsAMismatch() throws Exception {
        Written w = write("body-header/x.bin", payload(5000), "orders", false);
        byte[] body = w.body.clone();
        body[45] ^= 1; // the body's nonce prefix only; the metadata is intact
        Files.write(stored("body-header/x.bin"), body);
        assertThat(refused("body-header/x.bin", TamperedObjectException.class).failure()).isEqualTo(Failure.HEADER_MISMATCH);
    }

    @Test
    void aModifiedMetadataHeaderFailsTheCommitment() throws Exception {
        Written w = write("meta-header/x.bin", payload(5000), "orders", false);
        byte[] header = Base64.getDecoder().decode(w.metadata.get(ObjectMetadata.HEADER));
        header[45] ^= 1;
        put("meta-header/x.bin", w.body, with(w.metadata, ObjectMetadata.HEADER, Base64.getEncoder().encodeToString(header)));
        assertThat(refused("meta-header/x.bin", TamperedObjectException.class).failure()).isEqualTo(Failure.HEADER_MODIFIED);
    }

    @Test
    void plaintextBehindGenuineMetadataIsNotEncrypted() throws Exception {
        Written w = write("forged/x.bin", payload(5000), "orders", false);
        put("forged/x.bin", payload(5000), w.metadata);
        assertThat(refused("forged/x.bin", NotEncryptedException.class).failure()).isEqualTo(Failure.NOT_ENCRYPTED);
    }

    @Test
    void ciphertextWithoutItsMetadataIsNotEncrypted() throws Exception {
        Written w = encrypt("stripped/x.bin", payload(5000), "orders", false);
        put("stripped/x.bin", w.body, Map.of("owner", "billing"));
        refused("stripped/x.bin", NotEncryptedException.class);
    }

    @Test
    void anUnknownVersionOrAlgorithmInTheMetadataIsRefusedByName() throws Exception {
        Written w = write("v2/x.bin", payload(500), "orders", false);
        byte[] header = Base64.getDecoder().decode(w.metadata.get(ObjectMetadata.HEADER));
        header[5] = 2;
        put("v2/x.bin", w.body, with(w.metadata, ObjectMetadata.HEADER, Base64.getEncoder().encodeToString(header)));
        assertThat(refused("v2/x.bin", UnsupportedFormatException.class).failure()).isEqualTo(Failure.UNSUPPORTED_VERSION);
        header[5] = 1;
        header[6] = 7;
        put("v2/x.bin", w.body, with(w.metadata, ObjectMetadata.HEADER, Base64.getEncoder().encodeToString(header)));
        assertThat(refused("v2/x.bin", UnsupportedFormatException.class).failure()).isEqualTo(Failure.UNSUPPORTED_ALGORITHM);
    }

    // ---- identity, DEK and context --------------------------------------------------------------

    @Test
    void twoObjectsSwappedAreEachReadUnderTheWrongIdentity() throws Exception {
        Written a = write("pair/a.bin", payload(3000), "orders", false);
        Written b = write("pair/b.bin", payload(3000), "orders", false);
        put("pair/a.bin", b.body, b.metadata);
        put("pair/b.bin", a.body, a.metadata);
        for (String key : List.of("pair/a.bin", "pair/b.bin")) {
            assertThat(refused(key, KeyMismatchException.class).failure()).as(key).isEqualTo(Failure.WRONG_IDENTITY);
        }
    }

    @Test
    void anotherObjectsWrappedDekIsTheWrongDek() throws Exception {
        Written a = write("dek/a.bin", payload(3000), "orders", false);
        Written b = encrypt("dek/b.bin", payload(3000), "orders", false);
        put("dek/a.bin", a.body, with(a.metadata, ObjectMetadata.WRAPPED_DEK, b.metadata.get(ObjectMetadata.WRAPPED_DEK)));
        assertThat(refused("dek/a.bin", KeyMismatchException.class).failure()).isEqualTo(Failure.WRONG_DEK);
    }

    @Test
    void aContextChangedInTheMetadataDoesNotUnwrapTheDek() throws Exception {
        Written w = write("ctx/x.bin", payload(3000), "orders", false);
        put("ctx/x.bin", w.body, with(w.metadata, ObjectMetadata.CONTEXT, "tenant=evil"));
        refused("ctx/x.bin", InvalidWrappedKeyException.class);
        Map<String, String> none = new HashMap<>(w.metadata);
        none.remove(ObjectMetadata.CONTEXT);
        put("ctx/x.bin", w.body, none);
        refused("ctx/x.bin", InvalidWrappedKeyException.class);
    }

    @Test
    void aKmsTypeOrKekIdTheReaderDoesNotHaveIsRefused() throws Exception {
        Written w = write("kek/x.bin", payload(300), "orders", false);
        put("kek/x.bin", w.body, with(w.metadata, ObjectMetadata.KMS, "vault"));
        // docs/FORMAT.md §11 step 3: a KMS type that is not the reader's is named before any KMS call.
        assertThat(refused("kek/x.bin", UnsupportedFormatException.class)).hasMessageContaining("vault")
                .satisfies(e -> assertThat(e.failure()).isEqualTo(Failure.UNKNOWN_KMS));
        put("kek/x.bin", w.body, with(w.metadata, ObjectMetadata.KEK_ID, "gone-kek"));
        assertThat(refused("kek/x.bin", UnknownKeyException.class)).hasMessageContaining("gone-kek");
    }

    @Test
    void aKekTheAllowListDoesNotNameIsRefusedBeforeTheKmsIsAsked() throws Exception {
        Written w = write("kek/intruder.bin", payload(300), "orders", false);
        put("kek/intruder.bin", w.body, with(w.metadata, ObjectMetadata.KEK_ID, "intruder"));
        long unwraps = kms.kmsCalls().calls(MeteredKms.Operation.UNWRAP);
        assertThat(refused("kek/intruder.bin", KekNotAllowedException.class)).hasMessageContaining("intruder")
                .hasMessageContaining(KekAllowList.KEY).hasMessageContaining("s3://data/kek/intruder.bin");
        assertThat(kms.kmsCalls().calls(MeteredKms.Operation.UNWRAP)).as("unwraps").isEqualTo(unwraps);
    }

    @Test
    void aDisabledKekCannotBeRead() throws Exception {
        write("paused/x.bin", payload(300), "paused", false);
        keystore.disable("paused");
        try (DecoratedKms fresh = DecoratedKms.around(LocalKeystoreKms.open(dir.resolve("keks.p12"), "pw".toCharArray()),
                DecoratedKms.Config.DEFAULTS); SrrrsClient reader = SrrrsClient.create(store(), fresh.kms(), ALLOWED)) {
            assertThatThrownBy(() -> reader.readAll("data", "paused/x.bin")).isInstanceOf(KeyDisabledException.class);
        } finally {
            keystore.enable("paused");
        }
    }

    // ---- SSE-C ----------------------------------------------------------------------------------

    /**
     * The real S3 client, except that {@code data/<sseCKey>} answers as an SSE-C object does on a
     * store that enforces SSE-C: 400 to HEAD and GET without a customer key; with one, the request
     * goes on without it if the key is {@code expectedKey} (any key when null), else 403.
     */
    static final class SseCStore implements InvocationHandler {
        final S3Client real;
        final String key;
        final byte[] expectedKey;
        final List<String> withKey = new ArrayList<>();

        SseCStore(S3Client real, String key, byte[] expectedKey) {
            this.real = real;
            this.key = key;
            this.expectedKey = expectedKey;
        }

        S3Client client() {
            return (S3Client) Proxy.newProxyInstance(S3Client.class.getClassLoader(), new Class<?>[] {S3Client.class}, this);
        }

        static S3Exception error(int status, String code, String message) {
            return (S3Exception) S3Exception.builder().statusCode(status).message(message)
                    .awsErrorDetails(AwsErrorDetails.builder().errorCode(code).errorMessage(message).build()).build();
        }

        void check(String operation, String algorithm, String customerKey, String md5) throws Exception {
            if (customerKey == null) {
                throw error(400, "InvalidRequest", "The object was stored using a form of Server Side Encryption. "
                        + "The correct parameters must be provided to retrieve the object.");
            }
            byte[] k = Base64.getDecoder().decode(customerKey);
            assertThat(algorithm).isEqualTo("AES256");
            assertThat(md5).isEqualTo(Base64.getEncoder().encodeToString(java.security.MessageDigest.getInstance("MD5")
                    .digest(k)));
            withKey.add(operation);
            if (expectedKey != null && !Arrays.equals(k, expectedKey)) {
                throw error(403, "AccessDenied", "Access Denied");
            }
        }

        @Override
        public Object invoke(Object proxy, Method m, Object[] args) throws Throwable {
            if (m.getName().equals("headObject") && args != null && args.length == 1 && args[0] instanceof HeadObjectRequest r
                    && r.key().equals(key)) {
                check("HeadObject", r.sseCustomerAlgorithm(), r.sseCustomerKey(), r.sseCustomerKeyMD5());
                return real.headObject(r.toBuilder().sseCustomerAlgorithm(null).sseCustomerKey(null).sseCustomerKeyMD5(null)
                        .build());
            }
            if (m.getName().equals("getObject") && args != null && args[0] instanceof GetObjectRequest r
                    && r.key().equals(key)) {
                check("GetObject", r.sseCustomerAlgorithm(), r.sseCustomerKey(), r.sseCustomerKeyMD5());
                GetObjectRequest plain = r.toBuilder().sseCustomerAlgorithm(null).sseCustomerKey(null)
                        .sseCustomerKeyMD5(null).build();
                Object[] forwarded = args.clone();
                forwarded[0] = plain;
                return call(m, forwarded);
            }
            if (m.isDefault() && args != null && args.length >= 1 && args[0] instanceof Consumer) {
                return InvocationHandler.invokeDefault(proxy, m, args); // builds the request, then comes back here
            }
            return call(m, args);
        }

        private Object call(Method m, Object[] args) throws Throwable {
            try {
                return m.invoke(real, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        }
    }

    /** An SSE-C object as the sink leaves it: the object, and its metadata companion. */
    static Written writeSseC(String key, byte[] plaintext) throws Exception {
        Written w = write(key, plaintext, "orders", true);
        Map<String, String> companion = new HashMap<>(w.metadata);
        companion.remove("owner");
        admin.putObject(b -> b.bucket("data").key(ObjectMetadata.SSE_C_COMPANION_PREFIX + key).metadata(companion)
                .contentType("application/x-srrrs-metadata"), RequestBody.empty());
        return w;
    }

    @Test
    void withoutItsKeyAnSseCObjectIsReadThroughItsCompanionWithTheDerivedKey() throws Exception {
        byte[] plaintext = payload(9000);
        Written w = writeSseC("ssec/ok.bin", plaintext);
        SseCStore store = new SseCStore(admin, "ssec/ok.bin", w.sseCKey);
        try (SrrrsClient reader = SrrrsClient.create(store.client(), true, kms.kms(), ALLOWED)) {
            assertThat(reader.readAll("data", "ssec/ok.bin")).isEqualTo(plaintext);
            assertThat(reader.inspect("data", "ssec/ok.bin").sseC()).isTrue();
        }
        assertThat(store.withKey).contains("HeadObject", "GetObject");
    }

    @Test
    void sseCIsNeverSentOverPlainHttp() throws Exception {
        Written w = writeSseC("ssec/http.bin", payload(1000));
        SseCStore store = new SseCStore(admin, "ssec/http.bin", w.sseCKey);
        try (SrrrsClient reader = SrrrsClient.create(store.client(), false, kms.kms(), ALLOWED)) {
            assertThatThrownBy(() -> reader.readAll("data", "ssec/http.bin"))
                    .isInstanceOfSatisfying(StoreException.class, e -> assertThat(e.kind()).isEqualTo(StoreException.Kind.PERMANENT))
                    .hasMessageContaining("plain http");
            assertThatThrownBy(() -> reader.openRange("data", "ssec/http.bin", 0, 10)).isInstanceOf(StoreException.class)
                    .hasMessageContaining("plain http");
        }
        assertThat(store.withKey).as("requests that carried the customer key").isEmpty();
    }

    @Test
    void aStoreThatRefusesTheDerivedKeyIsAPermanentStoreError() throws Exception {
        writeSseC("ssec/wrong.bin", payload(1000));
        byte[] other = new byte[32];
        RANDOM.nextBytes(other);
        SseCStore store = new SseCStore(admin, "ssec/wrong.bin", other);
        try (SrrrsClient reader = SrrrsClient.create(store.client(), true, kms.kms(), ALLOWED)) {
            assertThatThrownBy(() -> reader.readAll("data", "ssec/wrong.bin"))
                    .isInstanceOfSatisfying(StoreException.class, e -> assertThat(e.kind()).isEqualTo(StoreException.Kind.PERMANENT))
                    .hasMessageContaining("403");
        }
        assertThat(store.withKey).containsExactly("HeadObject");
    }

    @Test
    void aCompanionDescribingAnotherObjectIsAHeaderMismatch() throws Exception {
        Written older = encrypt("ssec/moved.bin", payload(1000), "orders", true);
        writeSseC("ssec/moved.bin", payload(1000));
        Map<String, String> stale = new HashMap<>(older.metadata);
        stale.remove("owner");
        admin.putObject(b -> b.bucket("data").key(ObjectMetadata.SSE_C_COMPANION_PREFIX + "ssec/moved.bin").metadata(stale),
                RequestBody.empty());
        SseCStore store = new SseCStore(admin, "ssec/moved.bin", null); // the store takes the key the stale companion gives
        try (SrrrsClient reader = SrrrsClient.create(store.client(), true, kms.kms(), ALLOWED)) {
            assertThatThrownBy(() -> reader.readAll("data", "ssec/moved.bin"))
                    .isInstanceOfSatisfying(TamperedObjectException.class,
                            e -> assertThat(e.failure()).isEqualTo(Failure.HEADER_MISMATCH));
        }
    }

    @Test
    void anSseCObjectWithoutItsCompanionIsTheStoresRefusal() throws Exception {
        Written w = write("ssec/lonely.bin", payload(1000), "orders", true);
        SseCStore store = new SseCStore(admin, "ssec/lonely.bin", w.sseCKey);
        try (SrrrsClient reader = SrrrsClient.create(store.client(), true, kms.kms(), ALLOWED)) {
            assertThatThrownBy(() -> reader.readAll("data", "ssec/lonely.bin"))
                    .isInstanceOfSatisfying(StoreException.class, e -> assertThat(e.kind()).isEqualTo(StoreException.Kind.PERMANENT))
                    .hasMessageContaining("400");
        }
        assertThat(store.withKey).isEmpty();
    }
}
