package io.srrrs.kms.aws;

import io.srrrs.crypto.kms.Kms;
import io.srrrs.crypto.kms.KmsConfig;
import io.srrrs.crypto.kms.KmsFactory;
import io.srrrs.crypto.pki.Tls;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.net.ssl.TrustManager;
import org.apache.http.conn.socket.ConnectionSocketFactory;
import org.apache.http.conn.ssl.SSLConnectionSocketFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.http.apache.internal.conn.SdkTlsSocketFactory;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.KmsClientBuilder;

/**
 * {@code kms.type=aws-kms}. Credentials come from the AWS default chain (environment, profile,
 * container or instance role) unless both static keys are given; the endpoint can be overridden
 * (a VPC endpoint, LocalStack, moto; https only). TLS 1.3 alone is offered, to the regional
 * endpoint too. The SDK's own retries are off: the DecoratedKms retries.
 */
public final class AwsKmsFactory implements KmsFactory {

    static final String REGION = "kms.aws-kms.region";
    static final String ENDPOINT = "kms.aws-kms.endpoint";
    static final String ACCESS_KEY = "kms.aws-kms.access.key.id";
    static final String SECRET_KEY = "kms.aws-kms.secret.access.key";
    static final String TRUSTSTORE = "kms.aws-kms.truststore.location";
    static final String TRUSTSTORE_PASSWORD = "kms.aws-kms.truststore.password";
    static final String TIMEOUT = "kms.aws-kms.timeout.ms";
    private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

    @Override
    public String type() {
        return AwsKms.TYPE;
    }

    @Override
    public Kms create(Map<String, String> config) {
        KmsClientBuilder b = KmsClient.builder()
                .region(Region.of(config.getOrDefault(REGION, "us-east-1").trim()))
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()));
        String endpoint = config.get(ENDPOINT);
        if (endpoint != null && !endpoint.isBlank()) {
            b.endpointOverride(KmsConfig.requireHttps(URI.create(endpoint.trim()), ENDPOINT));
        }
        String access = config.get(ACCESS_KEY);
        if (access != null && !access.isBlank()) {
            b.credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(access.trim(),
                    new String(KmsConfig.secret(config, SECRET_KEY)))));
        } else {
            b.credentialsProvider(DefaultCredentialsProvider.builder().build());
        }
        Duration timeout = KmsConfig.millis(config, TIMEOUT, DEFAULT_TIMEOUT);
        ApacheHttpClient.Builder http = ApacheHttpClient.builder().connectionTimeout(timeout).socketTimeout(timeout);
        String truststore = config.get(TRUSTSTORE);
        TrustManager[] trust = Tls.pkcs12TrustManagers(truststore == null || truststore.isBlank() ? null
                : Path.of(truststore.trim()), config.getOrDefault(TRUSTSTORE_PASSWORD, "changeit"), TRUSTSTORE);
        return new AwsKms(b.httpClient(http.socketFactory(tls13Only(trust)).build()).build());
    }

    /**
     * TLS 1.3 alone offered (AWS KMS endpoints speak it), over {@code trust} or the JDK's trust
     * store, with the SDK's default hostname check. The SDK's own factory, not Apache's, for its
     * guard against TLS 1.3 half-closed connections (a write to a closed peer would hang).
     */
    private static ConnectionSocketFactory tls13Only(TrustManager[] trust) {
        return new SdkTlsSocketFactory(Tls.tls13ClientContext(trust), SSLConnectionSocketFactory.getDefaultHostnameVerifier());
    }

    @Override
    public Map<String, String> documentation() {
        Map<String, String> d = new LinkedHashMap<>();
        d.put(REGION, "aws-kms: the region. Default us-east-1.");
        d.put(ENDPOINT, "aws-kms: endpoint override (https), e.g. a VPC endpoint; default: the region's.");
        d.put(ACCESS_KEY, "aws-kms: static credentials; default: the AWS default credential chain.");
        d.put(SECRET_KEY, "aws-kms: the secret half (or " + SECRET_KEY + ".file).");
        d.put(TRUSTSTORE, "aws-kms: PKCS#12 trust store for the endpoint; default: the JDK's.");
        d.put(TRUSTSTORE_PASSWORD, "aws-kms: its password. Default changeit.");
        d.put(TIMEOUT, "aws-kms: connect and socket timeout per call. Default " + DEFAULT_TIMEOUT.toMillis() + ".");
        return d;
    }
}
