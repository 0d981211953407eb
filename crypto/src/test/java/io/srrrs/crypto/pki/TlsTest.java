package io.srrrs.crypto.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The client context every client of ours is built on offers TLS 1.3 alone, whichever way a
 * library takes it: sockets from its factory (the AWS SDK's Apache client), engines and default
 * parameters (java.net.http). A JDK context named "TLSv1.3" would still offer TLS 1.2.
 */
class TlsTest {

    @TempDir
    static Path dir;
    static LocalCa ca;
    static LocalCa.ServerIdentity id;

    @BeforeAll
    static void ca() throws Exception {
        ca = LocalCa.createOrLoad(Files.createDirectories(dir.resolve("ca")));
        id = ca.server("tls-test", List.of("localhost", "127.0.0.1"));
    }

    @Test
    void aClientSocketRefusesATls12OnlyServerAndCompletesWithATls13One() throws Exception {
        SSLContext client = Tls.clientContext(ca.truststore(), LocalCa.TRUSTSTORE_PASSWORD, "PKCS12");
        assertThatThrownBy(() -> handshake(client, "TLSv1.2")).isInstanceOf(SSLHandshakeException.class)
                .hasMessageContaining("protocol_version");
        assertThat(handshake(client, "TLSv1.3")).isEqualTo("TLSv1.3");
    }

    @Test
    void enginesAndDefaultParametersOfferTls13Alone() throws Exception {
        SSLContext client = Tls.clientContext(null);
        assertThat(client.createSSLEngine().getEnabledProtocols()).containsExactly("TLSv1.3");
        assertThat(client.createSSLEngine("localhost", 443).getEnabledProtocols()).containsExactly("TLSv1.3");
        assertThat(client.getDefaultSSLParameters().getProtocols()).containsExactly("TLSv1.3");
        assertThat(client.getSupportedSSLParameters().getProtocols()).containsExactly("TLSv1.3");
        try (SSLSocket unconnected = (SSLSocket) client.getSocketFactory().createSocket()) {
            assertThat(unconnected.getEnabledProtocols()).containsExactly("TLSv1.3");
        }
    }

    /** One handshake against a server speaking only {@code serverProtocol}; the protocol agreed. */
    private static String handshake(SSLContext client, String serverProtocol) throws Exception {
        SSLContext server = Tls.serverContext(id.keystore(), id.password());
        try (SSLServerSocket listener = (SSLServerSocket) server.getServerSocketFactory()
                .createServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            listener.setEnabledProtocols(new String[] {serverProtocol});
            CompletableFuture<Void> accepted = CompletableFuture.runAsync(() -> {
                try (SSLSocket s = (SSLSocket) listener.accept()) {
                    s.startHandshake();
                } catch (IOException expectedWhenRefused) {
                    // the client's refusal shows on the client side
                }
            });
            try (SSLSocket s = (SSLSocket) client.getSocketFactory()
                    .createSocket(InetAddress.getLoopbackAddress(), listener.getLocalPort())) {
                s.startHandshake();
                return s.getSession().getProtocol();
            } finally {
                accepted.get(10, TimeUnit.SECONDS);
            }
        }
    }
}
