package io.srrrs.store;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Duration;
import javax.net.ssl.TrustManagerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
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
     * 5xx and network failures, the Apache HTTP client with the given trust store.
     */
    public static S3Client s3(StoreConfig config) {
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
        if (config.truststore() != null) {
            TrustManagerFactory tmf = trust(config);
            http.tlsTrustManagersProvider(tmf::getTrustManagers);
        }
        return b.httpClient(http.build()).build();
    }

    private static AwsCredentialsProvider credentials(StoreConfig config) {
        return config.accessKey() == null ? DefaultCredentialsProvider.builder().build()
                : StaticCredentialsProvider.create(AwsBasicCredentials.create(config.accessKey(), config.secretKey()));
    }

    private static TrustManagerFactory trust(StoreConfig config) {
        try (InputStream in = Files.newInputStream(config.truststore())) {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(in, config.truststorePassword() == null ? null : config.truststorePassword().toCharArray());
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(ks);
            return tmf;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot load the store trust store " + config.truststore() + ": "
                    + e.getMessage(), e);
        }
    }
}
