package io.srrrs.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.srrrs.crypto.pki.LocalCa;
import io.srrrs.embedded.CephRgw;
import io.srrrs.embedded.EmbeddedS3;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * The TLS 1.3-only S3 client against the stores the project runs: Ceph RGW over https (with an
 * SSE-C round trip, which needs https) and S3Proxy over the plain http port a configuration may
 * name for a test stack, where SSE-C stays refused.
 */
class StoreClientsOnRealStoresIT {

    static final byte[] BODY = "srrrs transport check".getBytes(StandardCharsets.US_ASCII);

    @TempDir
    Path dir;

    @Test
    void cephRgwOverHttpsServesTheTls13OnlyClientWithSseC() throws Exception {
        LocalCa ca = LocalCa.createOrLoad(Files.createDirectories(dir.resolve("ca")));
        try (CephRgw ceph = CephRgw.start(dir.resolve("ceph"), ca)) {
            StoreConfig store = new StoreConfig(ceph.httpsEndpoint(), "default", true, ceph.accessKey(),
                    ceph.secretKey(), ca.truststore(), "changeit", 3, Duration.ofMillis(200), Duration.ofSeconds(2));
            SseC.requireHttps(store);
            byte[] key = new byte[32];
            new SecureRandom().nextBytes(key);
            SseC ssec = SseC.of(key);
            try (S3Client s3 = StoreClients.s3(store)) {
                s3.createBucket(b -> b.bucket("transport"));
                s3.putObject(b -> SseCHeaders.apply(b.bucket("transport").key("k"), ssec), RequestBody.fromBytes(BODY));
                byte[] back = s3.getObjectAsBytes(b -> SseCHeaders.apply(b.bucket("transport").key("k"), ssec))
                        .asByteArray();
                assertThat(back).isEqualTo(BODY);
                assertThatThrownBy(() -> s3.getObjectAsBytes(b -> b.bucket("transport").key("k")))
                        .as("Ceph enforces the key the headers carried").isInstanceOf(S3Exception.class);
            }
        }
    }

    @Test
    void aPlainHttpEndpointTheConfigNamesStillWorksButNeverForSseC() throws Exception {
        LocalCa ca = LocalCa.createOrLoad(Files.createDirectories(dir.resolve("ca")));
        try (EmbeddedS3 proxy = EmbeddedS3.start(dir.resolve("s3"), ca)) {
            StoreConfig http = StoreConfig.of(proxy.httpEndpoint(), proxy.accessKey(), proxy.secretKey(), null);
            try (S3Client s3 = StoreClients.s3(http)) {
                s3.createBucket(b -> b.bucket("plain"));
                s3.putObject(b -> b.bucket("plain").key("k"), RequestBody.fromBytes(BODY));
                assertThat(s3.getObjectAsBytes(b -> b.bucket("plain").key("k")).asByteArray()).isEqualTo(BODY);
            }
            assertThatThrownBy(() -> SseC.requireHttps(http)).isInstanceOf(StoreException.class)
                    .hasMessageContaining("plain http");
            StoreConfig https = StoreConfig.of(proxy.httpsEndpoint(), proxy.accessKey(), proxy.secretKey(),
                    ca.truststore());
            try (S3Client s3 = StoreClients.s3(https)) {
                assertThat(s3.getObjectAsBytes(b -> b.bucket("plain").key("k")).asByteArray()).isEqualTo(BODY);
            }
        }
    }
}
