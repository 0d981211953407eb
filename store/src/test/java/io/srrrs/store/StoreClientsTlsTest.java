package io.srrrs.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.srrrs.crypto.pki.LocalCa;
import io.srrrs.embedded.PinnedTlsServer;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The S3 client every component builds (sink, client, topology S3 source, CLI) offers TLS 1.3
 * alone: a server that speaks only TLS 1.2, with a certificate the client trusts, is refused in
 * the handshake; the same server speaking TLS 1.3 is reached. Its trust is the configured trust
 * store (loaded through {@code Tls}), or the JDK's, which knows no private CA.
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

    @Test
    void withoutATrustStoreTheJdksTrustIsUsedAndRefusesAPrivateCa() throws Exception {
        try (PinnedTlsServer store = PinnedTlsServer.start(ca, "TLSv1.3", 200, "application/xml", "");
                S3Client s3 = StoreClients.s3(config(store.uri(), null, null))) {
            Throwable failure = catchThrowable(() -> s3.headBucket(b -> b.bucket("objects")));
            assertThat(failure).isNotNull();
            assertThat(causes(failure)).as("refused for the certificate: %s", failure)
                    .anyMatch(t -> t instanceof SSLHandshakeException);
            assertThat(PinnedTlsServer.refusedForProtocol(failure)).isFalse();
            assertThat(store.protocols()).isEmpty();
        }
    }

    @Test
    void aTrustStoreThatCannotBeLoadedIsRefusedNamingIt() throws Exception {
        Path missing = dir.resolve("no-such-truststore.p12");
        assertThatThrownBy(() -> StoreClients.s3(config(URI.create("https://127.0.0.1:1"), missing, "changeit")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cannot load the store trust store " + missing);
        assertThatThrownBy(() -> StoreClients.s3(config(URI.create("https://127.0.0.1:1"), ca.truststore(),
                "not-the-password"))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cannot load the store trust store " + ca.truststore())
                .hasMessageNotContaining("not-the-password");
    }

    private static List<Throwable> causes(Throwable failure) {
        List<Throwable> all = new ArrayList<>();
        for (Throwable t = failure; t != null; t = t.getCause()) {
            all.add(t);
        }
        return all;
    }

    private static StoreConfig config(URI endpoint) {
        return config(endpoint, ca.truststore(), new String(LocalCa.TRUSTSTORE_PASSWORD));
    }

    /** One attempt: a refused handshake is not worth the retries' backoff here. */
    private static StoreConfig config(URI endpoint, Path truststore, String password) {
        return new StoreConfig(endpoint, "us-east-1", true, "test", "test", truststore, password, 1,
                Duration.ofMillis(10), Duration.ofMillis(10));
    }
}
