package io.srrrs.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.srrrs.crypto.ObjectEncryptor;
import io.srrrs.crypto.ObjectMetadata;
import io.srrrs.crypto.format.EncryptionContext;
import io.srrrs.crypto.format.ObjectIdentity;
import io.srrrs.crypto.kms.DataKeyPair;
import io.srrrs.crypto.kms.KekAllowList;
import io.srrrs.crypto.kms.KekId;
import io.srrrs.crypto.kms.DecoratedKms;
import io.srrrs.crypto.kms.local.LocalKeystoreKms;
import io.srrrs.crypto.pki.LocalCa;
import io.srrrs.embedded.CephRgw;
import io.srrrs.store.SseC;
import io.srrrs.store.StoreClients;
import io.srrrs.store.StoreConfig;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Conditional rewrap on Ceph RGW, the store that enforces SSE-C: an SSE-C object is copied part
 * by part (RGW 16 answers 501 to CopyObject from an SSE-C source) and its metadata companion is
 * updated after it. RGW 16 honours CopyObject's condition only under its older header name
 * ({@code x-amz-copy-if-match}) and none on UploadPartCopy, where the per-object SSE-C key and a
 * fresh HEAD before completing catch the new version instead. A version written between the rewrap's HEAD and its copies, whether the
 * object or only its companion has landed yet, is left as the writer made it and reported.
 */
class RewrapOnCephIT {

    static final EncryptionContext CONTEXT = EncryptionContext.of("tenant", "acme");
    static final KekAllowList ALLOWED = KekAllowList.parse("orders,archive", "");

    @TempDir
    Path dir;

    @Test
    void rewrapsAreConditionalOnCephForPlainAndSseCObjectsAndTheirCompanions() throws Exception {
        LocalCa ca = LocalCa.createOrLoad(dir.resolve("ca"));
        LocalKeystoreKms keystore = LocalKeystoreKms.openOrCreate(dir.resolve("keks.p12"), "pw".toCharArray());
        keystore.createKek("orders");
        keystore.createKek("archive");
        try (CephRgw ceph = CephRgw.start(dir.resolve("ceph"), ca); DecoratedKms kms = DecoratedKms.around(keystore,
                DecoratedKms.Config.DEFAULTS)) {
            StoreConfig store = StoreConfig.of(ceph.httpsEndpoint(), ceph.accessKey(), ceph.secretKey(), ca.truststore());
            try (S3Client admin = StoreClients.s3(store); SrrrsClient client = SrrrsClient.create(store, kms.kms(), ALLOWED)) {
                admin.createBucket(b -> b.bucket("vault"));
                Writer w = new Writer(admin, kms);

                // An SSE-C object with nothing racing it: rewrapped, companion included.
                byte[] calm = SrrrsClientTest.payload(70_000);
                w.write("calm.bin", calm, true, true);
                client.rewrap("vault", "calm.bin", "archive");
                assertThat(client.readAll("vault", "calm.bin")).isEqualTo(calm);
                assertThat(w.companion("calm.bin").get(ObjectMetadata.KEK_ID)).isEqualTo("archive");

                // A whole new SSE-C version lands before the copies: the part copies are refused.
                w.write("sse.bin", SrrrsClientTest.payload(50_000), true, true);
                byte[] newer = SrrrsClientTest.payload(40_000);
                try (SrrrsClient racing = SrrrsClient.create(store, kms.kms(), ALLOWED)) {
                    racing.beforeCopy(() -> w.quietly("sse.bin", newer, true, true));
                    assertThatThrownBy(() -> racing.rewrap("vault", "sse.bin", "archive"))
                            .isInstanceOf(RewrapConflictException.class).hasMessageContaining("s3://vault/sse.bin");
                }
                assertThat(client.readAll("vault", "sse.bin")).as("the new SSE-C version").isEqualTo(newer);
                assertThat(client.inspect("vault", "sse.bin").metadata().wrappedDek().kek()).isEqualTo(new KekId("orders"));

                // Only the new version's companion has landed (the sink writes it first): left alone.
                byte[] old = SrrrsClientTest.payload(30_000);
                w.write("half.bin", old, true, true);
                Map<String, String> next = w.write("half-next.bin", SrrrsClientTest.payload(100), true, false);
                try (SrrrsClient racing = SrrrsClient.create(store, kms.kms(), ALLOWED)) {
                    racing.beforeCopy(() -> w.putCompanion("half.bin", next));
                    assertThatThrownBy(() -> racing.rewrap("vault", "half.bin", "archive"))
                            .isInstanceOf(RewrapConflictException.class)
                            .hasMessageContaining("companion s3://vault/.srrrs-meta/half.bin changed");
                }
                assertThat(w.companion("half.bin").get(ObjectMetadata.HEADER)).as("the new writer's companion")
                        .isEqualTo(next.get(ObjectMetadata.HEADER));

                // A plain object on Ceph goes through CopyObject, conditional too.
                w.write("plain.bin", SrrrsClientTest.payload(20_000), false, true);
                byte[] plainNewer = SrrrsClientTest.payload(10_000);
                try (SrrrsClient racing = SrrrsClient.create(store, kms.kms(), ALLOWED)) {
                    racing.beforeCopy(() -> w.quietly("plain.bin", plainNewer, false, true));
                    assertThatThrownBy(() -> racing.rewrap("vault", "plain.bin", "archive"))
                            .isInstanceOf(RewrapConflictException.class);
                }
                assertThat(client.readAll("vault", "plain.bin")).isEqualTo(plainNewer);

                // Part by part, where RGW enforces no condition: the fresh HEAD before completing sees it.
                w.write("big.bin", SrrrsClientTest.payload(6 * 1024 * 1024), false, true);
                byte[] bigNewer = SrrrsClientTest.payload(6 * 1024 * 1024 + 1);
                try (SrrrsClient racing = SrrrsClient.create(store, kms.kms(), ALLOWED, 5L * 1024 * 1024)) {
                    racing.beforeCopy(() -> w.quietly("big.bin", bigNewer, false, true));
                    assertThatThrownBy(() -> racing.rewrap("vault", "big.bin", "archive"))
                            .isInstanceOf(RewrapConflictException.class);
                }
                assertThat(client.readAll("vault", "big.bin")).isEqualTo(bigNewer);
                assertThat(admin.listMultipartUploads(b -> b.bucket("vault")).uploads()).as("aborted").isEmpty();
            }
        }
    }

    /** Writes objects as the sink does: for SSE-C, the companion first, then the object with its derived key. */
    record Writer(S3Client s3, DecoratedKms kms) {

        Map<String, String> write(String key, byte[] plaintext, boolean sseC, boolean store) throws Exception {
            ObjectIdentity id = new ObjectIdentity("vault", key);
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            Map<String, String> metadata;
            SseC sse;
            try (DataKeyPair dek = kms.kms().generateDataKey(new KekId("orders"), CONTEXT);
                 ObjectEncryptor enc = ObjectEncryptor.create(dek, id, CONTEXT, 4096)) {
                metadata = new HashMap<>(new ObjectMetadata(enc.header(), dek.wrapped(), CONTEXT, sseC).toMap());
                sse = SseC.of(enc.sseCKey());
                try (OutputStream out = enc.encryptingStream(body)) {
                    out.write(plaintext);
                }
            }
            if (!store) {
                return metadata;
            }
            if (sseC) {
                putCompanion(key, metadata);
            }
            s3.putObject(b -> {
                b.bucket("vault").key(key).metadata(metadata);
                if (sseC) {
                    b.sseCustomerAlgorithm(sse.algorithm()).sseCustomerKey(sse.keyBase64()).sseCustomerKeyMD5(sse.keyMd5Base64());
                }
            }, RequestBody.fromBytes(body.toByteArray()));
            return metadata;
        }

        void quietly(String key, byte[] plaintext, boolean sseC, boolean store) {
            try {
                write(key, plaintext, sseC, store);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }

        void putCompanion(String key, Map<String, String> metadata) {
            s3.putObject(b -> b.bucket("vault").key(ObjectMetadata.SSE_C_COMPANION_PREFIX + key).metadata(metadata)
                    .contentType("application/x-srrrs-metadata"), RequestBody.empty());
        }

        Map<String, String> companion(String key) {
            return s3.headObject(b -> b.bucket("vault").key(ObjectMetadata.SSE_C_COMPANION_PREFIX + key)).metadata();
        }
    }
}
