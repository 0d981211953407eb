package io.srrrs.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.srrrs.crypto.pki.LocalCa;
import io.srrrs.embedded.PinnedTlsServer;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The S3 client every component builds (sink, client, topology S3 source, CLI) offers TLS 1.3
 * alone: a server that speaks only TLS 1.2, with a certificate the client trusts, is refused in
 * the handshake; the same server speaking TLS 1.3 is reached.
 */
class StoreClientsTlsTest {

    @TempDir
    static Path dir;
    static LocalCa ca;

    @BeforeAll
    static void ca() throws Exception {
        ca = LocalCa.createOrLoad(Files.createDirectories(dir.resolve("ca")));
    }

    @Test
    void aTls12OnlyStoreIsRefusedInTheHandshake() throws Exception {
        try (PinnedTlsServer store = PinnedTlsServer.start(ca, "TLSv1.2", 200, "application/xml", "");
                S3Client s3 = StoreClients.s3(config(store.uri()))) {
            Throwable failure = catchThrowable(() -> s3.headBucket(b -> b.bucket("objects")));
            assertThat(failure).isNotNull();
            assertThat(PinnedTlsServer.refusedForProtocol(failure)).as("refused for the protocol: %s", failure).isTrue();
            assertThat(store.protocols()).isEmpty();
        }
    }

    @Test
    void theSameStoreSpeakingTls13IsReached() throws Exception {
        try (PinnedTlsServer store = PinnedTlsServer.start(ca, "TLSv1.3", 200, "application/xml", "");
                S3Client s3 = StoreClients.s3(config(store.uri()))) {
            s3.headBucket(b -> b.bucket("objects"));
            assertThat(store.protocols()).containsExactly("TLSv1.3");
        }
    }

    /** One attempt: a refused handshake is not worth the retries' backoff here. */
    private static StoreConfig config(URI endpoint) {
        return new StoreConfig(endpoint, "us-east-1", true, "test", "test", ca.truststore(),
                new String(LocalCa.TRUSTSTORE_PASSWORD), 1, Duration.ofMillis(10), Duration.ofMillis(10));
    }
}
