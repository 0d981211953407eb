package io.srrrs.embedded;

import io.srrrs.crypto.pki.LocalCa;
import io.srrrs.crypto.pki.Tls;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;

/**
 * An HTTPS server on loopback that speaks exactly one TLS version, with a certificate from the
 * local CA, answering every request with one canned response and closing the connection. Pinned
 * to TLS 1.2 it is the server a TLS 1.3-only client must refuse; pinned to TLS 1.3 it is the
 * control that shows the same client, trust and server do complete a handshake. It records the
 * protocol of every request that got through, so a test can tell a refused handshake from a
 * refused request. A blocking {@link SSLServerSocket}, not {@code HttpsServer}: it sends the
 * {@code protocol_version} alert before closing, so the client's error names the cause.
 */
public final class PinnedTlsServer implements AutoCloseable {

    private final SSLServerSocket listener;
    private final byte[] response;
    private final List<String> protocols = new CopyOnWriteArrayList<>();

    private PinnedTlsServer(SSLServerSocket listener, byte[] response) {
        this.listener = listener;
        this.response = response;
    }

    /**
     * Starts a server speaking only {@code protocol} (e.g. {@code "TLSv1.2"}) that answers every
     * request with {@code status}, {@code contentType} and {@code body}.
     */
    public static PinnedTlsServer start(LocalCa ca, String protocol, int status, String contentType, String body)
            throws IOException, GeneralSecurityException {
        LocalCa.ServerIdentity id = ca.server("pinned-tls", List.of("localhost", "127.0.0.1"));
        SSLServerSocket listener = (SSLServerSocket) Tls.serverContext(id.keystore(), id.password())
                .getServerSocketFactory().createServerSocket(0, 16, InetAddress.getByName("127.0.0.1"));
        listener.setEnabledProtocols(new String[] {protocol});
        byte[] payload = body.getBytes(StandardCharsets.UTF_8);
        String head = "HTTP/1.1 " + status + " Canned\r\nContent-Type: " + contentType + "\r\nContent-Length: "
                + payload.length + "\r\nConnection: close\r\n\r\n";
        ByteArrayOutputStream response = new ByteArrayOutputStream();
        response.writeBytes(head.getBytes(StandardCharsets.US_ASCII));
        response.writeBytes(payload);
        PinnedTlsServer server = new PinnedTlsServer(listener, response.toByteArray());
        Thread accept = new Thread(server::acceptLoop, "pinned-tls-" + protocol);
        accept.setDaemon(true);
        accept.start();
        return server;
    }

    /** {@code https://127.0.0.1:<port>}: an address the certificate names, on the address bound. */
    public URI uri() {
        return URI.create("https://127.0.0.1:" + listener.getLocalPort());
    }

    /** The negotiated protocol of each request that was read, in order. */
    public List<String> protocols() {
        return List.copyOf(protocols);
    }

    /**
     * Whether {@code failure} is a refused TLS handshake for want of a common protocol version (the
     * alert a TLS 1.2-only server sends a client offering TLS 1.3 alone), and not a refused
     * certificate, an HTTP error or an unparsable answer.
     */
    public static boolean refusedForProtocol(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SSLHandshakeException && String.valueOf(t.getMessage()).contains("protocol_version")) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void close() {
        try {
            listener.close();
        } catch (IOException ignored) {
            // closing a listener has nothing left to report
        }
    }

    private void acceptLoop() {
        while (!listener.isClosed()) {
            try (SSLSocket s = (SSLSocket) listener.accept()) {
                s.setSoTimeout(10_000);
                serve(s);
            } catch (IOException refusedOrClosed) {
                // a refused handshake shows on the client's side; a closed listener ends the loop
            }
        }
    }

    private void serve(SSLSocket s) throws IOException {
        s.startHandshake();
        InputStream in = new BufferedInputStream(s.getInputStream());
        String head = readHead(in);
        in.readNBytes(contentLength(head));
        protocols.add(s.getSession().getProtocol());
        OutputStream out = s.getOutputStream();
        out.write(head.startsWith("HEAD ") ? headOnly() : response);
        out.flush();
    }

    private byte[] headOnly() {
        String all = new String(response, StandardCharsets.ISO_8859_1);
        return all.substring(0, all.indexOf("\r\n\r\n") + 4).getBytes(StandardCharsets.ISO_8859_1);
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection closed inside the request head");
            }
            head.write(b);
            matched = b == "\r\n\r\n".charAt(matched) ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }

    private static int contentLength(String head) {
        for (String line : head.split("\r\n")) {
            if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                return Integer.parseInt(line.substring("content-length:".length()).trim());
            }
        }
        return 0;
    }
}
