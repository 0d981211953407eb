package io.srrrs.kms.vault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.srrrs.crypto.kms.Kms;
import io.srrrs.crypto.kms.KmsConfig;
import io.srrrs.crypto.pki.LocalCa;
import io.srrrs.embedded.PinnedTlsServer;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The vault provider offers TLS 1.3 alone: a server that speaks only TLS 1.2, with a certificate
 * the configured trust store trusts, is refused in the handshake; the same server speaking TLS
 * 1.3 is reached and its answer read.
 */
class VaultTlsTest {

    static final String DERIVED_KEY = "{\"data\":{\"name\":\"orders\",\"derived\":true}}";

    @TempDir
    static Path dir;
    static LocalCa ca;

    @BeforeAll
    static void ca() throws Exception {
        ca = LocalCa.createOrLoad(Files.createDirectories(dir.resolve("ca")));
    }

    @Test
    void aTls12OnlyServerIsRefusedInTheHandshake() throws Exception {
        try (PinnedTlsServer vault = PinnedTlsServer.start(ca, "TLSv1.2", 200, "application/json", DERIVED_KEY);
                Kms kms = KmsConfig.provider(config(vault))) {
            Throwable failure = catchThrowable(() -> kms.resolve("orders"));
            assertThat(failure).isNotNull();
            assertThat(PinnedTlsServer.refusedForProtocol(failure)).as("refused for the protocol: %s", failure).isTrue();
            assertThat(vault.protocols()).isEmpty();
        }
    }

    @Test
    void theSameServerSpeakingTls13IsReached() throws Exception {
        try (PinnedTlsServer vault = PinnedTlsServer.start(ca, "TLSv1.3", 200, "application/json", DERIVED_KEY);
                Kms kms = KmsConfig.provider(config(vault))) {
            assertThat(kms.resolve("orders").value()).isEqualTo("orders");
            assertThat(vault.protocols()).containsExactly("TLSv1.3");
        }
    }

    private static Map<String, String> config(PinnedTlsServer vault) {
        return Map.of("kms.type", "vault", "kms.vault.address", vault.uri().toString(),
                "kms.vault.token", "s.test-token",
                "kms.vault.truststore.location", ca.truststore().toString(),
                "kms.vault.truststore.password", new String(LocalCa.TRUSTSTORE_PASSWORD));
    }
}
