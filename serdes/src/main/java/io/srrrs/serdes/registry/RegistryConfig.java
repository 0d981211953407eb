package io.srrrs.serdes.registry;

import io.srrrs.crypto.pki.Tls;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import javax.net.ssl.SSLContext;
import org.apache.kafka.common.config.types.Password;

/**
 * How to reach the registry. Built from the same configuration keys Confluent's serializers use,
 * so existing client configurations keep working:
 *
 * <ul>
 *   <li>{@code schema.registry.url} — base URL; for Apicurio the ccompat path, e.g.
 *       {@code https://host:8443/apis/ccompat/v7}
 *   <li>{@code basic.auth.user.info} — {@code user:password} for HTTP basic auth (optional)
 *   <li>{@code schema.registry.ssl.truststore.location}, {@code .password}, {@code .type} — trust
 *       for an https registry (default: the JDK's trust store); TLS 1.3 only
 *   <li>{@code schema.registry.request.timeout.ms} — per request (default 10000)
 * </ul>
 */
public record RegistryConfig(URI url, String basicAuthUserInfo, SSLContext sslContext, Duration timeout) {

    public static final String URL = "schema.registry.url";
    public static final String BASIC_AUTH_USER_INFO = "basic.auth.user.info";
    public static final String TRUSTSTORE_LOCATION = "schema.registry.ssl.truststore.location";
    public static final String TRUSTSTORE_PASSWORD = "schema.registry.ssl.truststore.password";
    public static final String TRUSTSTORE_TYPE = "schema.registry.ssl.truststore.type";
    public static final String REQUEST_TIMEOUT_MS = "schema.registry.request.timeout.ms";

    public RegistryConfig {
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(timeout, "timeout");
        String scheme = url.getScheme();
        if (!"https".equals(scheme) && !"http".equals(scheme)) {
            throw new IllegalArgumentException(URL + " must be an http or https URL, got " + url);
        }
    }

    public static RegistryConfig fromProperties(Map<String, ?> props) {
        Object url = props.get(URL);
        if (url == null || url.toString().isBlank()) {
            throw new IllegalArgumentException(URL + " is required");
        }
        String base = url.toString().trim();
        if (base.contains(",")) {
            base = base.substring(0, base.indexOf(',')); // Confluent allows a list; we use the first
        }
        base = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
        String userInfo = string(props, BASIC_AUTH_USER_INFO);
        SSLContext ssl = null;
        String truststore = string(props, TRUSTSTORE_LOCATION);
        if (base.startsWith("https")) {
            try {
                String password = string(props, TRUSTSTORE_PASSWORD);
                ssl = Tls.clientContext(truststore == null ? null : Path.of(truststore),
                        password == null ? null : password.toCharArray(), string(props, TRUSTSTORE_TYPE));
            } catch (IOException | GeneralSecurityException e) {
                throw new IllegalArgumentException("cannot load the registry trust store " + truststore + ": "
                        + e.getMessage(), e);
            }
        }
        String timeout = string(props, REQUEST_TIMEOUT_MS);
        return new RegistryConfig(URI.create(base), userInfo, ssl,
                Duration.ofMillis(timeout == null ? 10_000 : Long.parseLong(timeout)));
    }

    private static String string(Map<String, ?> props, String key) {
        Object v = props.get(key);
        if (v == null) {
            return null;
        }
        // Kafka hands PASSWORD-type values over as Password objects; value() is the secret.
        if (v instanceof Password p) {
            return p.value();
        }
        String s = v.toString();
        return s.isBlank() ? null : s;
    }

    @Override
    public String toString() {
        return "RegistryConfig[" + url + (basicAuthUserInfo == null ? "" : ", basic auth") + "]";
    }
}
