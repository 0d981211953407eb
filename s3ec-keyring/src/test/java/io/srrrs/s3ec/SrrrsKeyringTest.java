package io.srrrs.s3ec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.srrrs.client.CountingKeystore;
import io.srrrs.client.SrrrsClient;
import io.srrrs.crypto.ObjectMetadata;
import io.srrrs.crypto.format.EncryptionContext;
import io.srrrs.crypto.format.ObjectIdentity;
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
import io.srrrs.store.SseC;
import io.srrrs.store.StoreClients;
import io.srrrs.store.StoreConfig;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.encryption.s3.CommitmentPolicy;
import software.amazon.encryption.s3.S3EncryptionClient;
import software.amazon.encryption.s3.S3EncryptionClientException;
import software.amazon.encryption.s3.algorithms.AlgorithmSuite;
import software.amazon.encryption.s3.materials.AesKeyring;

/**
 * The keyring inside the real S3EC 4.0.1, against a real S3 server (S3Proxy), over an AES/GCM
 * wrapping KMS: S3EC reads objects encrypted as the pipeline does, and writes objects the client
 * reads; the raw AesKeyring agrees with it byte for byte; the SSE-C key helper derives the key.
 */
class SrrrsKeyringTest {

    static final SecureRandom RANDOM = new SecureRandom();
    static final EncryptionContext NONE = EncryptionContext.of(Map.of());

    @TempDir
    static Path dir;
    static LocalCa ca;
    static EmbeddedS3 s3;
    static S3Client admin;
    static CountingKeystore kms;

    @BeforeAll
    static void start() throws Exception {
        ca = LocalCa.createOrLoad(dir.resolve("ca"));
        s3 = EmbeddedS3.start(dir.resolve("s3"), ca);
        admin = StoreClients.s3(store());
        admin.createBucket(b -> b.bucket("data"));
        kms = new CountingKeystore(dir, "orders", "other");
    }

    @AfterAll
    static void stop() throws Exception {
        admin.close();
        s3.close();
    }

    static StoreConfig store() {
        return StoreConfig.of(s3.httpsEndpoint(), s3.accessKey(), s3.secretKey(), ca.truststore());
    }

    static S3EncryptionClient.Builder s3ec() {
        return S3ecClients.builder(store());
    }

    static byte[] payload(int n) {
        byte[] b = new byte[n];
        RANDOM.nextBytes(b);
        return b;
    }

    /** Stores {@code key} encrypted as the pipeline does for s3ec-v3 / s3ec-v2; returns its SSE-C key if {@code sseC}. */
    static byte[] writeAsPipeline(String key, byte[] plaintext, Version version, boolean sseC) throws Exception {
        try (DataKeyPair dek = kms.generateDataKey(new KekId("orders"), NONE, DekWrapping.of(version.outputFormat()));
             S3ecObjectEncryptor enc = S3ecObjectEncryptor.create(dek.plaintext(), version, WrapAlgorithm.AES_GCM,
                     DekUsage.NONE);
             S3ecChunks chunks = enc.chunks(new ByteArrayInputStream(plaintext), 4096, plaintext.length)) {
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            for (var c = chunks.next(); c != null; c = chunks.next()) {
                body.write(c.bytes());
            }
            Map<String, String> metadata = new ObjectMetadata(enc.content(), dek.wrapped(), NONE, sseC).toMap();
            admin.putObject(b -> b.bucket("data").key(key).metadata(metadata), RequestBody.fromBytes(body.toByteArray()));
            if (sseC) {
                admin.putObject(b -> b.bucket("data").key(ObjectMetadata.SSE_C_COMPANION_PREFIX + key).metadata(metadata),
                        RequestBody.empty());
            }
            return sseC ? enc.sseCKey(new ObjectIdentity("data", key)) : null;
        }
    }

    static byte[] get(S3EncryptionClient client, String key) {
        return client.getObjectAsBytes(b -> b.bucket("data").key(key)).asByteArray();
    }

    @Test
    void s3ecReadsAPipelineV3ObjectWithTheKeyringAndWithItsRawAesKeyring() throws Exception {
        byte[] plaintext = payload(20_000);
        writeAsPipeline("v3/a.bin", plaintext, Version.V3, false);
        try (S3EncryptionClient viaSrrrs = s3ec().keyring(SrrrsKeyring.forKek(kms, "orders")).build();
             S3EncryptionClient viaAes = s3ec().keyring(AesKeyring.builder()
                     .wrappingKey(new SecretKeySpec(kms.kekBytes("orders"), "AES")).build()).build()) {
            assertThat(get(viaSrrrs, "v3/a.bin")).isEqualTo(plaintext);
            assertThat(get(viaAes, "v3/a.bin")).isEqualTo(plaintext);
        }
    }

    @Test
    void aKeyringOverAnotherKekIsRefused() throws Exception {
        writeAsPipeline("v3/other.bin", payload(100), Version.V3, false);
        try (S3EncryptionClient wrong = s3ec().keyring(SrrrsKeyring.forKek(kms, "other")).build()) {
            assertThatThrownBy(() -> get(wrong, "v3/other.bin")).isInstanceOf(S3EncryptionClientException.class)
                    .hasStackTraceContaining("other");
        }
    }

    @Test
    void theClientReadsWhatS3ecWritesThroughTheKeyringInBothVersions() throws Exception {
        byte[] plaintext = payload(30_000);
        try (S3EncryptionClient v3 = s3ec().keyring(SrrrsKeyring.forKek(kms, "orders")).build();
             S3EncryptionClient v2 = s3ec().keyring(SrrrsKeyring.forKek(kms, "orders"))
                     .encryptionAlgorithm(AlgorithmSuite.ALG_AES_256_GCM_IV12_TAG16_NO_KDF)
                     .commitmentPolicy(CommitmentPolicy.FORBID_ENCRYPT_ALLOW_DECRYPT).build();
             SrrrsClient client = SrrrsClient.create(store(), kms, KekAllowList.parse("orders", ""),
                     new ObjectMetadata.ForeignKek("local", new KekId("orders")))) {
            v3.putObject(b -> b.bucket("data").key("s3ec/v3.bin"), RequestBody.fromBytes(plaintext));
            v2.putObject(b -> b.bucket("data").key("s3ec/v2.bin"), RequestBody.fromBytes(plaintext));
            assertThat(admin.headObject(b -> b.bucket("data").key("s3ec/v3.bin")).metadata())
                    .containsEntry("x-amz-c", "115").containsEntry("x-amz-w", "02");
            assertThat(admin.headObject(b -> b.bucket("data").key("s3ec/v2.bin")).metadata())
                    .containsEntry("x-amz-wrap-alg", "AES/GCM").containsEntry("x-amz-cek-alg", "AES/GCM/NoPadding");
            assertThat(client.readAll("data", "s3ec/v3.bin")).isEqualTo(plaintext);
            assertThat(client.readAll("data", "s3ec/v2.bin")).isEqualTo(plaintext);
            assertThat(get(v2, "s3ec/v2.bin")).as("S3EC reads it back too").isEqualTo(plaintext);
        }
    }

    @Test
    void anAesGcmKeyringRefusesAnEncryptionContextItCannotBind() throws Exception {
        try (S3EncryptionClient v3 = s3ec().keyring(SrrrsKeyring.forKek(kms, "orders")).build()) {
            assertThatThrownBy(() -> v3.putObject(b -> b.bucket("data").key("ctx.bin")
                    .overrideConfiguration(S3EncryptionClient.withAdditionalConfiguration(Map.of("tenant", "acme"))),
                    RequestBody.fromBytes(payload(10)))).hasStackTraceContaining("cannot bind an encryption context");
        }
    }

    @Test
    void theSseCHelperDerivesTheObjectsKeyFromItsCompanionOnlyForAnAllowedKek() throws Exception {
        byte[] expected = writeAsPipeline("ssec/a.bin", payload(1000), Version.V3, true);
        S3ecSseCKeys keys = new S3ecSseCKeys(admin, kms, KekAllowList.parse("orders", ""));
        SseC sse = keys.forObject("data", "ssec/a.bin");
        assertThat(Base64.getDecoder().decode(sse.keyBase64())).isEqualTo(expected);
        GetObjectRequest request = keys.withSseC(GetObjectRequest.builder().bucket("data").key("ssec/a.bin").build());
        assertThat(request.sseCustomerKey()).isEqualTo(sse.keyBase64());
        assertThat(request.sseCustomerAlgorithm()).isEqualTo("AES256");
        S3ecSseCKeys strict = new S3ecSseCKeys(admin, kms, KekAllowList.parse("other", ""));
        assertThatThrownBy(() -> strict.forObject("data", "ssec/a.bin")).isInstanceOf(KekNotAllowedException.class);
    }
}
