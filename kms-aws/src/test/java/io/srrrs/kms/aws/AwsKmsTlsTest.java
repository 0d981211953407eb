package io.srrrs.kms.aws;

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
 * The aws-kms provider offers TLS 1.3 alone: an endpoint that speaks only TLS 1.2, with a
 * certificate the configured trust store trusts, is refused in the handshake (DEKs never travel
 * over it); the same endpoint speaking TLS 1.3 is reached and its answer read.
 */
class AwsKmsTlsTest {

    static final String ARN = "arn:aws:kms:eu-west-1:111122223333:key/0d3c5d6e-1111-2222-3333-444455556666";
    static final String DESCRIBE_KEY = "{\"KeyMetadata\":{\"KeyId\":\"0d3c5d6e-1111-2222-3333-444455556666\","
            + "\"Arn\":\"" + ARN + "\",\"KeyState\":\"Enabled\"}}";

    @TempDir
    static Path dir;
    static LocalCa ca;

    @BeforeAll
    static void ca() throws Exception {
        ca = LocalCa.createOrLoad(Files.createDirectories(dir.resolve("ca")));
    }

    @Test
    void aTls12OnlyEndpointIsRefusedInTheHandshake() throws Exception {
        try (PinnedTlsServer endpoint = PinnedTlsServer.start(ca, "TLSv1.2", 200, "application/x-amz-json-1.1",
                DESCRIBE_KEY); Kms kms = KmsConfig.provider(config(endpoint))) {
            Throwable failure = catchThrowable(() -> kms.resolve("alias/orders"));
            assertThat(failure).isNotNull();
            assertThat(PinnedTlsServer.refusedForProtocol(failure)).as("refused for the protocol: %s", failure).isTrue();
            assertThat(endpoint.protocols()).isEmpty();
        }
    }

    @Test
    void theSameEndpointSpeakingTls13IsReached() throws Exception {
        try (PinnedTlsServer endpoint = PinnedTlsServer.start(ca, "TLSv1.3", 200, "application/x-amz-json-1.1",
                DESCRIBE_KEY); Kms kms = KmsConfig.provider(config(endpoint))) {
            assertThat(kms.resolve("alias/orders").value()).isEqualTo(ARN);
            assertThat(endpoint.protocols()).containsExactly("TLSv1.3");
        }
    }

    private static Map<String, String> config(PinnedTlsServer endpoint) {
        return Map.of("kms.type", "aws-kms", "kms.aws-kms.endpoint", endpoint.uri().toString(),
                "kms.aws-kms.region", "eu-west-1", "kms.aws-kms.access.key.id", "testing",
                "kms.aws-kms.secret.access.key", "testing",
                "kms.aws-kms.truststore.location", ca.truststore().toString(),
                "kms.aws-kms.truststore.password", new String(LocalCa.TRUSTSTORE_PASSWORD));
    }
}
