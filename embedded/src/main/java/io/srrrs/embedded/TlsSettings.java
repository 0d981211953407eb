package io.srrrs.embedded;

import io.srrrs.crypto.pki.LocalCa;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Kafka's TLS 1.3 settings in its own spelling ({@code ssl.keystore.location}, ...), one place for
 * the broker's listeners, its clients and the Connect worker's REST listener: each names the
 * same PKCS12 stores of our {@link LocalCa} under its own prefix.
 */
final class TlsSettings {

    private TlsSettings() {
    }

    /** A PKCS12 key store: the identity a listener (or a client with a certificate) presents. */
    static Map<String, String> keystore(String prefix, String location, char[] password) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(prefix + "ssl.keystore.location", location);
        m.put(prefix + "ssl.keystore.password", new String(password));
        m.put(prefix + "ssl.key.password", new String(password));
        m.put(prefix + "ssl.keystore.type", "PKCS12");
        return m;
    }

    /** The identity's key store, where this machine keeps it. */
    static Map<String, String> keystore(String prefix, LocalCa.ServerIdentity identity) {
        return keystore(prefix, identity.keystore().toString(), identity.password());
    }

    /** Trust in our CA alone: its PKCS12 trust store at {@code location}. */
    static Map<String, String> truststore(String prefix, String location) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(prefix + "ssl.truststore.location", location);
        m.put(prefix + "ssl.truststore.password", new String(LocalCa.TRUSTSTORE_PASSWORD));
        m.put(prefix + "ssl.truststore.type", "PKCS12");
        return m;
    }

    static Map<String, String> truststore(String prefix, Path location) {
        return truststore(prefix, location.toString());
    }

    /** TLS 1.3 and nothing older. */
    static Map<String, String> tls13Only(String prefix) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(prefix + "ssl.enabled.protocols", "TLSv1.3");
        m.put(prefix + "ssl.protocol", "TLSv1.3");
        return m;
    }
}
