package io.srrrs.kms.vault;

import io.srrrs.crypto.kms.Kms;
import io.srrrs.crypto.kms.KmsConfig;
import io.srrrs.crypto.kms.KmsFactory;
import io.srrrs.crypto.pki.Tls;

import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.net.ssl.SSLContext;

/** {@code kms.type=vault}: Vault or OpenBao Transit. TLS 1.3 only; the token from a file (or inline). */
public final class VaultTransitKmsFactory implements KmsFactory {

    static final String ADDRESS = "kms.vault.address";
    static final String MOUNT = "kms.vault.mount";
    static final String TOKEN = "kms.vault.token";
    static final String NAMESPACE = "kms.vault.namespace";
    static final String TRUSTSTORE = "kms.vault.truststore.location";
    static final String TRUSTSTORE_PASSWORD = "kms.vault.truststore.password";
    static final String TIMEOUT = "kms.vault.timeout.ms";
    private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

    @Override
    public String type() {
        return VaultTransitKms.TYPE;
    }

    @Override
    public Kms create(Map<String, String> config) {
        URI address = URI.create(KmsConfig.required(config, ADDRESS));
        KmsConfig.secret(config, TOKEN); // fail now, not at the first call, when there is no token
        Duration timeout = KmsConfig.millis(config, TIMEOUT, DEFAULT_TIMEOUT);
        SSLContext tls = tls(config.get(TRUSTSTORE), config.getOrDefault(TRUSTSTORE_PASSWORD, "changeit"));
        HttpClient http = HttpClient.newBuilder().sslContext(tls).sslParameters(Tls.onlyTls13(tls)).connectTimeout(timeout)
                .build();
        return new VaultTransitKms(new VaultTransitKms.Config(address, config.getOrDefault(MOUNT, "transit").trim(),
                () -> KmsConfig.secret(config, TOKEN), config.get(NAMESPACE), http, timeout));
    }

    @Override
    public Map<String, String> documentation() {
        Map<String, String> d = new LinkedHashMap<>();
        d.put(ADDRESS, "vault: the server, https only, e.g. https://vault.internal:8200.");
        d.put(MOUNT, "vault: where Transit is mounted. Default transit. Keys must be created with derived=true.");
        d.put(TOKEN + ".file", "vault: file holding the token (read at every call, so a renewed token is picked up).");
        d.put(TOKEN, "vault: the token inline (prefer the file).");
        d.put(NAMESPACE, "vault: X-Vault-Namespace (Vault Enterprise, OpenBao namespaces); empty for none.");
        d.put(TRUSTSTORE, "vault: PKCS#12 trust store for the server's certificate; default: the JDK's.");
        d.put(TRUSTSTORE_PASSWORD, "vault: its password. Default changeit.");
        d.put(TIMEOUT, "vault: connect and request timeout. Default " + DEFAULT_TIMEOUT.toMillis() + ".");
        return d;
    }

    private static SSLContext tls(String truststore, String password) {
        return Tls.tls13ClientContext(Tls.pkcs12TrustManagers(truststore == null || truststore.isBlank() ? null
                : Path.of(truststore.trim()), password, TRUSTSTORE));
    }
}
