package io.srrrs.serdes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.srrrs.crypto.pki.LocalCa;
import io.srrrs.embedded.PinnedTlsServer;
import io.srrrs.serdes.registry.HttpSchemaRegistryClient;
import io.srrrs.serdes.registry.RegistryConfig;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.apache.avro.Schema;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The registry client offers TLS 1.3 alone, configured from properties or handed a config with
 * no TLS context of its own: a registry that speaks only TLS 1.2 is refused in the handshake; the
 * same registry speaking TLS 1.3 is reached and its answer read.
 */
class RegistryClientTlsTest {

    static final String STRING_SCHEMA = "{\"schema\":\"\\\"string\\\"\"}";

    @TempDir
    static Path dir;
    static LocalCa ca;

    @BeforeAll
    static void ca() throws Exception {
        ca = LocalCa.createOrLoad(Files.createDirectories(dir.resolve("ca")));
    }

    @Test
    void aTls12OnlyRegistryIsRefusedInTheHandshake() throws Exception {
        try (PinnedTlsServer registry = PinnedTlsServer.start(ca, "TLSv1.2", 200, "application/json", STRING_SCHEMA)) {
            Throwable failure = catchThrowable(() -> new HttpSchemaRegistryClient(fromProperties(registry)).schemaById(1));
            assertThat(PinnedTlsServer.refusedForProtocol(failure)).as("refused for the protocol: %s", failure).isTrue();
            assertThat(registry.protocols()).isEmpty();
        }
    }

    @Test
    void aConfigWithoutItsOwnContextStillRefusesTls12() throws Exception {
        try (PinnedTlsServer registry = PinnedTlsServer.start(ca, "TLSv1.2", 200, "application/json", STRING_SCHEMA)) {
            RegistryConfig bare = new RegistryConfig(registry.uri(), null, null, Duration.ofSeconds(10));
            Throwable failure = catchThrowable(() -> new HttpSchemaRegistryClient(bare).schemaById(1));
            // Refused for the protocol before any certificate is looked at (this trust is the JDK's).
            assertThat(PinnedTlsServer.refusedForProtocol(failure)).as("refused for the protocol: %s", failure).isTrue();
            assertThat(registry.protocols()).isEmpty();
        }
    }

    @Test
    void theSameRegistrySpeakingTls13IsReached() throws Exception {
        try (PinnedTlsServer registry = PinnedTlsServer.start(ca, "TLSv1.3", 200, "application/json", STRING_SCHEMA)) {
            assertThat(new HttpSchemaRegistryClient(fromProperties(registry)).schemaById(1).getType())
                    .isEqualTo(Schema.Type.STRING);
            assertThat(registry.protocols()).containsExactly("TLSv1.3");
        }
    }

    private static RegistryConfig fromProperties(PinnedTlsServer registry) {
        return RegistryConfig.fromProperties(Map.of(RegistryConfig.URL, registry.uri().toString(),
                RegistryConfig.TRUSTSTORE_LOCATION, ca.truststore().toString(),
                RegistryConfig.TRUSTSTORE_PASSWORD, new String(LocalCa.TRUSTSTORE_PASSWORD)));
    }
}
