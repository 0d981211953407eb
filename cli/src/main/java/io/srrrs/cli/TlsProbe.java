package io.srrrs.cli;

import io.srrrs.crypto.pki.Tls;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * Which TLS versions an endpoint accepts: a real handshake with a client that offers only one
 * version. Used by {@code status}, {@code doctor} and the tests that show every listener of the
 * local stack refuses TLS 1.2.
 */
public final class TlsProbe {

    /** The outcome of one handshake. */
    public record Result(boolean accepted, String protocol, String detail) {
    }

    private TlsProbe() {
    }

    /**
     * Handshakes with {@code host:port} offering only {@code protocol}. The certificate is not
     * checked here, so a refusal can only come from the protocol version.
     */
    public static Result handshake(String host, int port, String protocol) {
        try {
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, new TrustManager[] {new AcceptAny()}, null);
            try (SSLSocket socket = (SSLSocket) ctx.getSocketFactory().createSocket()) {
                socket.connect(new InetSocketAddress(host, port), 3000);
                socket.setSoTimeout(5000);
                SSLParameters params = socket.getSSLParameters();
                params.setProtocols(new String[] {protocol});
                socket.setSSLParameters(params);
                socket.startHandshake();
                return new Result(true, socket.getSession().getProtocol(), "accepted");
            }
        } catch (SSLException e) {
            return new Result(false, protocol, "refused (" + e.getMessage() + ")");
        } catch (IOException e) {
            return new Result(false, protocol, "unreachable (" + e.getMessage() + ")");
        } catch (GeneralSecurityException e) {
            return new Result(false, protocol, "cannot probe (" + e.getMessage() + ")");
        }
    }

    /** {@code host:port} of an endpoint as the stack prints it ({@code SSL://h:p}, {@code https://h:p/...}). */
    public static Optional<InetSocketAddress> address(String endpoint) {
        if (!endpoint.contains("://")) {
            return Optional.empty();
        }
        URI uri = URI.create(endpoint.startsWith("SSL://") ? "ssl://" + endpoint.substring(6).split(",")[0] : endpoint);
        int port = uri.getPort() > 0 ? uri.getPort() : "https".equals(uri.getScheme()) ? 443 : -1;
        if (uri.getHost() == null || port < 0) {
            return Optional.empty();
        }
        return Optional.of(InetSocketAddress.createUnresolved(uri.getHost(), port));
    }

    /** One line for {@code status} and {@code doctor}: TLS 1.3 accepted? TLS 1.2 refused? */
    static String describe(String name, String endpoint, CliConfig config) {
        Optional<InetSocketAddress> a = address(endpoint);
        if (a.isEmpty()) {
            return "";
        }
        if (endpoint.startsWith("http://") && name.endsWith("metrics")) {
            return "plain HTTP on loopback: metrics and probes only (docs/OPERATIONS.md)";
        }
        if (endpoint.startsWith("http://")) {
            return "PLAIN HTTP: no TLS at all";
        }
        Result v13 = handshake(a.get().getHostString(), a.get().getPort(), "TLSv1.3");
        Result v12 = handshake(a.get().getHostString(), a.get().getPort(), "TLSv1.2");
        if (!v13.accepted() && v13.detail().startsWith("unreachable")) {
            return "UNREACHABLE";
        }
        return (v13.accepted() ? "TLS 1.3 ok" : "TLS 1.3 REFUSED") + ", "
                + (v12.accepted() ? "TLS 1.2 ACCEPTED (expected refused)" : "TLS 1.2 refused");
    }

    /** The connector's state from the Connect REST API, e.g. {@code RUNNING (1 task RUNNING)}. */
    static String connectorState(String connectUrl, CliConfig config) {
        try {
            HttpResponse<String> r = http(config).send(HttpRequest.newBuilder(
                    URI.create(connectUrl + "/connectors/" + LocalStack.CONNECTOR + "/status"))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                return "HTTP " + r.statusCode();
            }
            String body = r.body();
            int running = body.split("\"RUNNING\"", -1).length - 1;
            int failed = body.split("\"FAILED\"", -1).length - 1;
            return failed > 0 ? "FAILED (" + failed + " failed; GET " + connectUrl + "/connectors/" + LocalStack.CONNECTOR
                    + "/status says why)" : running > 0 ? "RUNNING (" + (running - 1) + " task(s) running)" : body;
        } catch (IOException e) {
            return "unreachable (" + e.getMessage() + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    /** An HTTP client that trusts the configured CA (the local stack's), TLS 1.3 only. */
    static HttpClient http(CliConfig config) {
        try {
            String store = config.get("ssl.truststore.location");
            SSLContext ctx = Tls.clientContext(store == null ? null : Path.of(store),
                    config.get("ssl.truststore.password", "changeit").toCharArray(), "PKCS12");
            return HttpClient.newBuilder().sslContext(ctx).sslParameters(Tls.onlyTls13(ctx))
                    .connectTimeout(Duration.ofSeconds(5)).build();
        } catch (IOException | GeneralSecurityException e) {
            throw new CliException("cannot load the trust store: " + e.getMessage(), e);
        }
    }

    /** For the version probe only: the question is which protocol the server speaks, not who it is. */
    private static final class AcceptAny implements X509TrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
