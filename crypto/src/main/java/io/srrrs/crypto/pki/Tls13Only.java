package io.srrrs.crypto.pki;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.security.SecureRandom;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLContextSpi;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocketFactory;
import javax.net.ssl.SSLSessionContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;

/**
 * Wraps an initialised context so that everything made from it — engines, sockets, default and
 * supported parameters — has TLS 1.3 alone enabled. A JDK context named "TLSv1.3" still enables
 * TLS 1.2 by default; this wrapper is what makes a context safe to hand to code that builds its own
 * sockets from it (the AWS SDK's Apache client) or takes its defaults (java.net.http).
 */
final class Tls13Only {

    private static final String[] ONLY = {Tls.PROTOCOL};

    private Tls13Only() {
    }

    static SSLContext wrap(SSLContext inner) {
        return new SSLContext(new Spi(inner), inner.getProvider(), Tls.PROTOCOL) { };
    }

    private static final class Spi extends SSLContextSpi {
        private final SSLContext inner;

        Spi(SSLContext inner) {
            this.inner = inner;
        }

        @Override
        protected void engineInit(KeyManager[] km, TrustManager[] tm, SecureRandom sr) {
            throw new IllegalStateException("already initialised");
        }

        @Override
        protected SSLSocketFactory engineGetSocketFactory() {
            return new Sockets(inner.getSocketFactory());
        }

        @Override
        protected SSLServerSocketFactory engineGetServerSocketFactory() {
            return inner.getServerSocketFactory();
        }

        @Override
        protected SSLEngine engineCreateSSLEngine() {
            SSLEngine e = inner.createSSLEngine();
            e.setEnabledProtocols(ONLY.clone());
            return e;
        }

        @Override
        protected SSLEngine engineCreateSSLEngine(String host, int port) {
            SSLEngine e = inner.createSSLEngine(host, port);
            e.setEnabledProtocols(ONLY.clone());
            return e;
        }

        @Override
        protected SSLSessionContext engineGetServerSessionContext() {
            return inner.getServerSessionContext();
        }

        @Override
        protected SSLSessionContext engineGetClientSessionContext() {
            return inner.getClientSessionContext();
        }

        @Override
        protected SSLParameters engineGetDefaultSSLParameters() {
            return Tls.onlyTls13(inner);
        }

        @Override
        protected SSLParameters engineGetSupportedSSLParameters() {
            // Jetty, for one, picks its protocols from the supported ones.
            SSLParameters p = inner.getSupportedSSLParameters();
            p.setProtocols(ONLY.clone());
            return p;
        }
    }

    /** Client sockets with TLS 1.3 alone enabled, before any handshake can start. */
    private static final class Sockets extends SSLSocketFactory {
        private final SSLSocketFactory inner;

        Sockets(SSLSocketFactory inner) {
            this.inner = inner;
        }

        private static Socket only13(Socket s) {
            ((SSLSocket) s).setEnabledProtocols(ONLY.clone());
            return s;
        }

        @Override
        public String[] getDefaultCipherSuites() {
            return inner.getDefaultCipherSuites();
        }

        @Override
        public String[] getSupportedCipherSuites() {
            return inner.getSupportedCipherSuites();
        }

        @Override
        public Socket createSocket() throws IOException {
            return only13(inner.createSocket());
        }

        @Override
        public Socket createSocket(Socket s, String host, int port, boolean autoClose) throws IOException {
            return only13(inner.createSocket(s, host, port, autoClose));
        }

        @Override
        public Socket createSocket(Socket s, InputStream consumed, boolean autoClose) throws IOException {
            return only13(inner.createSocket(s, consumed, autoClose));
        }

        @Override
        public Socket createSocket(String host, int port) throws IOException {
            return only13(inner.createSocket(host, port));
        }

        @Override
        public Socket createSocket(String host, int port, InetAddress local, int localPort) throws IOException {
            return only13(inner.createSocket(host, port, local, localPort));
        }

        @Override
        public Socket createSocket(InetAddress host, int port) throws IOException {
            return only13(inner.createSocket(host, port));
        }

        @Override
        public Socket createSocket(InetAddress host, int port, InetAddress local, int localPort) throws IOException {
            return only13(inner.createSocket(host, port, local, localPort));
        }
    }
}
