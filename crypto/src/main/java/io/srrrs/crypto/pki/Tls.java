package io.srrrs.crypto.pki;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManagerFactory;

/** TLS 1.3-only contexts, for every client and server of ours that is not configured by Kafka. */
public final class Tls {

    public static final String PROTOCOL = "TLSv1.3";

    private Tls() {
    }

    /**
     * A TLS 1.3-only client context trusting the certificates in {@code truststore}, or the JDK's
     * defaults when null. Its sockets, engines and default parameters offer TLS 1.3 alone, so a
     * client built on it refuses a server that cannot speak 1.3 even if it never sets parameters.
     */
    public static SSLContext clientContext(Path truststore, char[] password, String type)
            throws IOException, GeneralSecurityException {
        return clientContext(truststore == null ? null : trustManagers(truststore, password, type));
    }

    /** A TLS 1.3-only client context over {@code trust}, or the JDK's default trust when null. */
    public static SSLContext clientContext(TrustManager[] trust) throws GeneralSecurityException {
        SSLContext ctx = SSLContext.getInstance(PROTOCOL);
        ctx.init(null, trust, null);
        return Tls13Only.wrap(ctx);
    }

    /**
     * {@link #clientContext(TrustManager[])} for callers that cannot recover from a JDK without
     * TLS 1.3 (every supported JDK has it): that is an {@link IllegalStateException}, not a
     * checked exception each client of ours would wrap the same way.
     */
    public static SSLContext tls13ClientContext(TrustManager[] trust) {
        try {
            return clientContext(trust);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JDK cannot make a TLS 1.3 client context", e);
        }
    }

    /** Trust managers for the certificates in {@code truststore} (PKCS12 when {@code type} is null). */
    public static TrustManager[] trustManagers(Path truststore, char[] password, String type)
            throws IOException, GeneralSecurityException {
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(load(truststore, password, type));
        return tmf.getTrustManagers();
    }

    /**
     * Trust managers for a configured PKCS#12 trust store, or null (the JDK's trust) when
     * {@code truststore} is null: how every component loads the PKCS#12 trust store its
     * configuration names (the registry, whose store type is configurable, uses
     * {@link #clientContext(Path, char[], String)}). A store that cannot be read is an {@link IllegalArgumentException}
     * naming {@code what} (the setting) and the file.
     */
    public static TrustManager[] pkcs12TrustManagers(Path truststore, String password, String what) {
        if (truststore == null) {
            return null;
        }
        try {
            return trustManagers(truststore, password == null ? null : password.toCharArray(), "PKCS12");
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot load " + what + " " + truststore + ": " + e.getMessage(), e);
        }
    }

    /** A server context presenting the key in {@code keystore}. */
    public static SSLContext serverContext(Path keystore, char[] password) throws IOException, GeneralSecurityException {
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(load(keystore, password, "PKCS12"), password);
        SSLContext ctx = SSLContext.getInstance(PROTOCOL);
        ctx.init(kmf.getKeyManagers(), null, null);
        return ctx;
    }

    /**
     * A server context that only ever speaks TLS 1.3, whatever the server built on it configures:
     * engines come with TLS 1.3 enabled alone, and it reports TLS 1.3 as its only supported
     * protocol (Jetty, for one, picks from those). For servers we cannot configure directly.
     */
    public static SSLContext tls13OnlyServerContext(Path keystore, char[] password) throws IOException,
            GeneralSecurityException {
        return Tls13Only.wrap(serverContext(keystore, password));
    }

    /** Parameters that allow TLS 1.3 and nothing else. */
    public static SSLParameters onlyTls13(SSLContext ctx) {
        SSLParameters p = ctx.getDefaultSSLParameters();
        p.setProtocols(new String[] {PROTOCOL});
        return p;
    }

    private static KeyStore load(Path file, char[] password, String type) throws IOException, GeneralSecurityException {
        KeyStore ks = KeyStore.getInstance(type == null ? "PKCS12" : type);
        try (InputStream in = Files.newInputStream(file)) {
            ks.load(in, password);
        }
        return ks;
    }
}
