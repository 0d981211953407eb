package io.srrrs.store;

import io.srrrs.crypto.pki.Tls;

import java.time.Duration;
import javax.net.ssl.TrustManager;
import org.apache.http.conn.socket.ConnectionSocketFactory;
import org.apache.http.conn.ssl.SSLConnectionSocketFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.http.apache.internal.conn.SdkTlsSocketFactory;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;

/** Builds the one kind of S3 client the pipeline uses. */
public final class StoreClients {

    private StoreClients() {
    }

    /**
     * An S3 client for {@code config}: path-style if asked, checksums only where the API requires
     * them (S3Proxy and Ceph RGW reject the SDK's default trailing checksums, and the ciphertext
     * is authenticated anyway), retries with exponential backoff and full jitter for throttling,
     * 5xx and network failures, the Apache HTTP client with the given trust store offering TLS 1.3
     * alone to an https endpoint (AWS's included: S3 speaks TLS 1.3).
     */
    public static S3Client s3(StoreConfig config) {
        return s3(config, 0);
    }

    /**
     * {@link #s3(StoreConfig)} with a connection pool of {@code maxConnections} (the SDK's default
     * when 0): a caller that runs that many requests at once, such as the sink's concurrent
     * uploads, must not wait for a connection.
     */
    public static S3Client s3(StoreConfig config, int maxConnections) {
        S3ClientBuilder b = S3Client.builder()
                .region(Region.of(config.region()))
                .forcePathStyle(config.pathStyle())
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .credentialsProvider(credentials(config))
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.standardRetryStrategy().toBuilder()
                        .maxAttempts(config.maxAttempts())
                        .backoffStrategy(BackoffStrategy.exponentialDelay(config.baseBackoff(), config.maxBackoff()))
                        .throttlingBackoffStrategy(BackoffStrategy.exponentialDelay(config.baseBackoff(),
                                config.maxBackoff()))
                        .build()));
        if (config.endpoint() != null) {
            b.endpointOverride(config.endpoint());
        }
        ApacheHttpClient.Builder http = ApacheHttpClient.builder()
                .connectionTimeout(Duration.ofSeconds(10))
                .socketTimeout(Duration.ofSeconds(60));
        if (maxConnections > 0) {
            http.maxConnections(maxConnections);
        }
        http.socketFactory(tls13Only(Tls.pkcs12TrustManagers(config.truststore(), config.truststorePassword(),
                "the store trust store")));
        return b.httpClient(http.build()).build();
    }

    /**
     * The socket factory for https endpoints: TLS 1.3 alone offered, {@code trust} (or the JDK's
     * trust store when null) and the SDK's default hostname check. Plain http is untouched (the
     * SDK registers its own factory for it); SSE-C refuses it in {@link SseC}. The SDK's own
     * factory, not Apache's, because it wraps each socket in the SDK's guard against TLS 1.3
     * half-closed connections, which would otherwise leave a write to a closed peer hanging.
     */
    private static ConnectionSocketFactory tls13Only(TrustManager[] trust) {
        return new SdkTlsSocketFactory(Tls.tls13ClientContext(trust), SSLConnectionSocketFactory.getDefaultHostnameVerifier());
    }

    private static AwsCredentialsProvider credentials(StoreConfig config) {
        return config.accessKey() == null ? DefaultCredentialsProvider.builder().build()
                : StaticCredentialsProvider.create(AwsBasicCredentials.create(config.accessKey(), config.secretKey()));
    }
}
