package io.srrrs.s3ec.v2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.srrrs.crypto.pki.LocalCa;
import io.srrrs.embedded.EmbeddedS3;
import io.srrrs.store.StoreClients;
import io.srrrs.store.StoreConfig;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.encryption.s3.S3EncryptionClient;
import software.amazon.encryption.s3.materials.AesKeyring;

/**
 * The V2 test vectors (docs/vectors/s3ec.json, docs/S3EC.md §8) as the real S3EC 3.3.5 reads them
 * from a real S3 server (S3Proxy), with nothing of ours but the bytes: its raw AesKeyring under the
 * vectors' KEK opens every V2 vector and refuses every V2 negative vector the file says S3EC
 * refuses. S3EC 3.x cannot read V3 objects at all.
 */
class S3ecReadsTheVectorsTest {

    static final HexFormat HEX = HexFormat.of();

    @TempDir
    static Path dir;
    static LocalCa ca;
    static EmbeddedS3 s3;
    static S3Client admin;
    static JsonNode file;
    static S3EncryptionClient reader;

    @BeforeAll
    static void start() throws Exception {
        ca = LocalCa.createOrLoad(dir.resolve("ca"));
        s3 = EmbeddedS3.start(dir.resolve("s3"), ca);
        admin = StoreClients.s3(store());
        admin.createBucket(b -> b.bucket("vectors"));
        file = new ObjectMapper().readTree(Files.readString(Path.of(System.getProperty("srrrs.docs", "../docs"),
                "vectors", "s3ec.json")));
        reader = s3ec();
    }

    @AfterAll
    static void stop() throws Exception {
        reader.close();
        admin.close();
        s3.close();
    }

    static StoreConfig store() {
        return StoreConfig.of(s3.httpsEndpoint(), s3.accessKey(), s3.secretKey(), ca.truststore());
    }

    /** S3EC 3.3.5 with its raw AES keyring under the vectors' KEK. */
    static S3EncryptionClient s3ec() {
        SecretKeySpec kek = new SecretKeySpec(HEX.parseHex(file.get("kek").get("key").asText()), "AES");
        return S3ecClients.builder(store()).keyring(AesKeyring.builder().wrappingKey(kek).build()).build();
    }

    static boolean isV2(String name) {
        return name.startsWith("v2") || name.startsWith("v1");
    }

    static void put(String key, String bodyHex, JsonNode metadata) {
        Map<String, String> m = new LinkedHashMap<>();
        metadata.properties().forEach(e -> m.put(e.getKey(), e.getValue().asText()));
        admin.putObject(b -> b.bucket("vectors").key(key).metadata(m), RequestBody.fromBytes(HEX.parseHex(bodyHex)));
    }

    static byte[] get(S3EncryptionClient client, String key) {
        return client.getObjectAsBytes(b -> b.bucket("vectors").key(key)).asByteArray();
    }

    @TestFactory
    Stream<DynamicTest> s3ecOpensEveryPositiveVector() {
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode v : file.get("vectors")) {
            String name = v.get("name").asText();
            if (!isV2(name)) {
                continue;
            }
            tests.add(DynamicTest.dynamicTest(name, () -> {
                put("positive/" + name, v.get("outputs").get("body").asText(), v.get("outputs").get("metadata"));
                assertThat(get(reader, "positive/" + name))
                        .isEqualTo(HEX.parseHex(v.get("inputs").get("plaintext").asText()));
            }));
        }
        return tests.stream();
    }

    @TestFactory
    Stream<DynamicTest> s3ecRefusesTheNegativeVectorsTheFileSaysItRefuses() {
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode n : file.get("negativeVectors")) {
            String name = n.get("name").asText();
            if (!isV2(name)) {
                continue;
            }
            boolean refuses = n.get("s3ecRefuses").asBoolean();
            tests.add(DynamicTest.dynamicTest(name + (refuses ? " is refused" : " is read (S3EC ignores srrrs-*)"), () -> {
                put("negative/" + name, n.get("body").asText(), n.get("metadata"));
                S3EncryptionClient client = reader;
                if (refuses) {
                    assertThatThrownBy(() -> get(client, "negative/" + name)).isInstanceOf(RuntimeException.class);
                } else {
                    assertThat(get(client, "negative/" + name)).isNotEmpty();
                }
            }));
        }
        return tests.stream();
    }
}
