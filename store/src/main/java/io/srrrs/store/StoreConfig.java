package io.srrrs.store;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * Where a store is and how to reach it.
 *
 * @param endpoint       the store's URL (https for anything real); null for AWS's regional endpoint
 * @param region         the signing region (any value for S3Proxy; {@code default} for Ceph)
 * @param pathStyle      path-style addressing ({@code https://host/bucket/key}), as most
 *                       S3-compatible stores want
 * @param accessKey      static credentials, or null for the AWS default credentials chain
 * @param secretKey      its secret
 * @param truststore     PKCS#12 trust store for the endpoint's certificate, or null for the JDK's
 * @param truststorePassword its password
 * @param maxAttempts    attempts per request, the first included, for throttling, 5xx and network
 *                       failures (exponential backoff with full jitter between them)
 * @param baseBackoff    first backoff
 * @param maxBackoff     cap on any backoff
 */
public record StoreConfig(URI endpoint, String region, boolean pathStyle, String accessKey, String secretKey,
                          Path truststore, String truststorePassword, int maxAttempts, Duration baseBackoff,
                          Duration maxBackoff) {

    public StoreConfig {
        Objects.requireNonNull(region, "region");
        Objects.requireNonNull(baseBackoff, "baseBackoff");
        Objects.requireNonNull(maxBackoff, "maxBackoff");
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("max attempts must be at least 1");
        }
        if ((accessKey == null) != (secretKey == null)) {
            throw new IllegalArgumentException("give both the access key and the secret key, or neither");
        }
    }

    /** Sensible defaults for a store at {@code endpoint} with static credentials. */
    public static StoreConfig of(URI endpoint, String accessKey, String secretKey, Path truststore) {
        return new StoreConfig(endpoint, "us-east-1", true, accessKey, secretKey, truststore,
                truststore == null ? null : "changeit", 5, Duration.ofMillis(200), Duration.ofSeconds(10));
    }

    /** Whether the store is reached over https (AWS's regional endpoint, no {@code endpoint}, is). */
    public boolean isHttps() {
        return endpoint == null || "https".equalsIgnoreCase(endpoint.getScheme());
    }

    @Override
    public String toString() {
        return "StoreConfig[" + (endpoint == null ? "AWS " + region : endpoint) + (accessKey == null ? ", default credentials"
                : ", access key " + accessKey) + "]";
    }
}
