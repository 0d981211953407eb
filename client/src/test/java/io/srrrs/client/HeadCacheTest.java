package io.srrrs.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.srrrs.crypto.CiphertextException;
import io.srrrs.crypto.TamperedObjectException;
import io.srrrs.crypto.kms.DecoratedKms;
import io.srrrs.crypto.kms.KekAllowList;
import io.srrrs.crypto.kms.KekId;
import io.srrrs.crypto.kms.KekNotAllowedException;
import io.srrrs.crypto.kms.local.LocalKeystoreKms;
import io.srrrs.crypto.pki.LocalCa;
import io.srrrs.embedded.EmbeddedS3;
import io.srrrs.store.StoreClients;
import io.srrrs.store.StoreConfig;

import java.io.InputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * The cache of object heads (D50) against a real S3 server (S3Proxy, which honours If-Match on
 * GetObject with 412): a second range of an object makes no HEAD, a replaced object is read as
 * its new version through the 412, and a refused object is refused, with its HEAD, every time.
 */
class HeadCacheTest {

    static final int S = 4096;

    @TempDir
    static Path dir;
    static EmbeddedS3 s3;
    static S3Client admin;
    static S3Client counted;
    static DecoratedKms kms;
    static SrrrsClient client;
    static final Map<String, AtomicInteger> CALLS = new ConcurrentHashMap<>();

    @BeforeAll
    static void start() throws Exception {
        LocalCa ca = LocalCa.createOrLoad(dir.resolve("ca"));
        s3 = EmbeddedS3.start(dir.resolve("s3"), ca);
        StoreConfig store = StoreConfig.of(s3.httpsEndpoint(), s3.accessKey(), s3.secretKey(), ca.truststore());
        admin = StoreClients.s3(store);
        admin.createBucket(b -> b.bucket("data"));
        LocalKeystoreKms keystore = LocalKeystoreKms.openOrCreate(dir.resolve("keks.p12"), "pw".toCharArray());
        keystore.createKek("orders");
        keystore.createKek("intruder");
        kms = DecoratedKms.around(keystore, DecoratedKms.Config.DEFAULTS);
        counted = counting(StoreClients.s3(store));
        client = SrrrsClient.create(counted, true, kms.kms(), KekAllowList.parse("orders", ""));
    }

    @AfterAll
    static void stop() throws Exception {
        client.close();
        counted.close();
        admin.close();
        s3.close();
        kms.close();
    }

    @BeforeEach
    void resetCounts() {
        CALLS.clear();
    }

    /** {@code real}, counting each S3 operation the client calls by name (headObject, getObject, ...). */
    static S3Client counting(S3Client real) {
        return (S3Client) Proxy.newProxyInstance(S3Client.class.getClassLoader(), new Class<?>[] {S3Client.class},
                (proxy, method, args) -> {
                    CALLS.computeIfAbsent(method.getName(), n -> new AtomicInteger()).incrementAndGet();
                    try {
                        return method.invoke(real, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    static int calls(String operation) {
        AtomicInteger n = CALLS.get(operation);
        return n == null ? 0 : n.get();
    }

    static void write(String key, byte[] plaintext, String kek) throws Exception {
        SrrrsClientTest.writeObject(admin, kms.kms(), new KekId(kek), "data", key, plaintext, S);
    }

    static byte[] range(SrrrsClient reader, String key, long offset, long length) throws Exception {
        try (InputStream in = reader.openRange("data", key, offset, length)) {
            return in.readAllBytes();
        }
    }

    @Test
    void twoRangesOfAnObjectMakeOneHead() throws Exception {
        byte[] plaintext = SrrrsClientTest.payload(10 * S);
        write("cache/two.bin", plaintext, "orders");

        assertThat(range(client, "cache/two.bin", 100, 1000)).isEqualTo(Arrays.copyOfRange(plaintext, 100, 1100));
        assertThat(range(client, "cache/two.bin", 5 * S + 7, 2 * S))
                .isEqualTo(Arrays.copyOfRange(plaintext, 5 * S + 7, 7 * S + 7));

        assertThat(calls("headObject")).as("HEADs").isEqualTo(1);
        assertThat(calls("getObject")).as("GETs").isEqualTo(2);
    }

    @Test
    void withTheCacheOffEveryRangeMakesItsHead() throws Exception {
        byte[] plaintext = SrrrsClientTest.payload(3 * S);
        write("cache/off.bin", plaintext, "orders");
        try (SrrrsClient uncached = SrrrsClient.create(counted, true, kms.kms(), KekAllowList.parse("orders", ""), false)) {
            range(uncached, "cache/off.bin", 0, 10);
            assertThat(range(uncached, "cache/off.bin", S, 10)).isEqualTo(Arrays.copyOfRange(plaintext, S, S + 10));
        }
        assertThat(calls("headObject")).as("HEADs").isEqualTo(2);
    }

    @Test
    void theStoreRefusesAGetWhoseIfMatchIsStale() {
        admin.putObject(b -> b.bucket("data").key("cache/etag.bin"), RequestBody.fromBytes(new byte[] {1}));
        String etag = admin.headObject(b -> b.bucket("data").key("cache/etag.bin")).eTag();
        admin.putObject(b -> b.bucket("data").key("cache/etag.bin"), RequestBody.fromBytes(new byte[] {2}));
        assertThatThrownBy(() -> admin.getObjectAsBytes(b -> b.bucket("data").key("cache/etag.bin").ifMatch(etag)))
                .isInstanceOfSatisfying(S3Exception.class, e -> assertThat(e.statusCode()).isEqualTo(412));
    }

    @Test
    void aReplacedObjectIsReadAsItsNewVersionThroughThe412() throws Exception {
        byte[] older = SrrrsClientTest.payload(6 * S);
        write("cache/replaced.bin", older, "orders");
        assertThat(range(client, "cache/replaced.bin", 10, 100)).isEqualTo(Arrays.copyOfRange(older, 10, 110));
        Map<String, String> oldMetadata = admin.headObject(b -> b.bucket("data").key("cache/replaced.bin")).metadata();

        byte[] newer = SrrrsClientTest.payload(8 * S); // a new DEK, new bytes, another length
        write("cache/replaced.bin", newer, "orders");
        CALLS.clear();
        assertThat(range(client, "cache/replaced.bin", 3 * S - 50, 200))
                .as("the new version's bytes").isEqualTo(Arrays.copyOfRange(newer, 3 * S - 50, 3 * S + 150));
        assertThat(calls("getObject")).as("the 412, then the retry").isEqualTo(2);
        assertThat(calls("headObject")).as("one fresh HEAD").isEqualTo(1);
        assertThat(admin.headObject(b -> b.bucket("data").key("cache/replaced.bin")).metadata())
                .as("a new header and wrapped DEK").isNotEqualTo(oldMetadata);

        CALLS.clear();
        assertThat(range(client, "cache/replaced.bin", 0, 10)).isEqualTo(Arrays.copyOf(newer, 10));
        assertThat(calls("headObject")).as("the fresh head was cached").isEqualTo(0);
    }

    @Test
    void aRangeBeyondTheCachedLengthIsJudgedByAFreshHead() throws Exception {
        byte[] older = SrrrsClientTest.payload(2 * S);
        write("cache/grown.bin", older, "orders");
        assertThat(range(client, "cache/grown.bin", 0, 10)).isEqualTo(Arrays.copyOf(older, 10));
        byte[] newer = SrrrsClientTest.payload(5 * S);
        write("cache/grown.bin", newer, "orders");
        CALLS.clear();

        assertThat(range(client, "cache/grown.bin", 2 * S, 100)).as("not clamped to the old, empty")
                .isEqualTo(Arrays.copyOfRange(newer, 2 * S, 2 * S + 100));
        assertThat(range(client, "cache/grown.bin", 4 * S, 10 * S)).as("clamped to the new end")
                .isEqualTo(Arrays.copyOfRange(newer, 4 * S, 5 * S));
        assertThat(calls("headObject")).as("a HEAD for each range reaching past a cached end").isEqualTo(2);
    }

    @Test
    void aRefusedObjectIsRefusedEveryTimeAndNeverCached() throws Exception {
        write("cache/theirs.bin", SrrrsClientTest.payload(2 * S), "intruder");
        write("cache/tampered.bin", SrrrsClientTest.payload(4 * S), "orders");
        byte[] body = admin.getObjectAsBytes(b -> b.bucket("data").key("cache/tampered.bin")).asByteArray();
        body[body.length - 20] ^= 1; // in the final segment
        HeadObjectResponse head = admin.headObject(b -> b.bucket("data").key("cache/tampered.bin"));
        admin.putObject(b -> b.bucket("data").key("cache/tampered.bin").metadata(head.metadata()),
                RequestBody.fromBytes(body));
        write("cache/source.bin", SrrrsClientTest.payload(S), "orders"); // copied under another key below
        HeadObjectResponse source = admin.headObject(b -> b.bucket("data").key("cache/source.bin"));
        admin.putObject(b -> b.bucket("data").key("cache/moved.bin").metadata(source.metadata()), RequestBody.fromBytes(
                admin.getObjectAsBytes(g -> g.bucket("data").key("cache/source.bin")).asByteArray()));
        CALLS.clear();

        for (int i = 1; i <= 3; i++) {
            assertThatThrownBy(() -> range(client, "cache/theirs.bin", 0, 10)).isInstanceOf(KekNotAllowedException.class);
            assertThatThrownBy(() -> range(client, "cache/tampered.bin", 3 * S, 10))
                    .isInstanceOf(TamperedObjectException.class);
            assertThatThrownBy(() -> range(client, "cache/moved.bin", 0, 10)).isInstanceOf(CiphertextException.class);
            assertThat(calls("headObject")).as("HEADs after round " + i + ": none was cached").isEqualTo(3 * i);
        }
    }
}
