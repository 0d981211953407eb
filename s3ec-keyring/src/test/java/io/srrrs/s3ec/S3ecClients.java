package io.srrrs.s3ec;

import io.srrrs.store.StoreClients;
import io.srrrs.store.StoreConfig;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.encryption.s3.S3EncryptionClient;

/**
 * S3EC 4.x clients of a test store, over S3 clients configured as an application on S3Proxy or
 * Ceph RGW must: path-style, checksums only where S3 requires them (both stores reject the SDK's
 * default trailing checksums), the store's own CA trusted.
 */
final class S3ecClients {

    private S3ecClients() {
    }

    /** A builder for an S3EC client of {@code store}; the caller sets the keyring and builds. */
    static S3EncryptionClient.Builder builder(StoreConfig store) {
        return S3EncryptionClient.builderV4().wrappedClient(StoreClients.s3(store)).wrappedAsyncClient(async(store));
    }

    /** The asynchronous S3 client S3EC reads and writes through. */
    static S3AsyncClient async(StoreConfig store) {
        TrustManager[] trust = store.truststore() == null ? null
                : trust(store.truststore(), store.truststorePassword() == null ? null : store.truststorePassword().toCharArray());
        return S3AsyncClient.builder().endpointOverride(store.endpoint()).region(Region.of(store.region()))
                .forcePathStyle(true)
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(store.accessKey(), store.secretKey())))
                .httpClientBuilder(NettyNioAsyncHttpClient.builder().tlsTrustManagersProvider(() -> trust))
                .build();
    }

    static TrustManager[] trust(Path truststore, char[] password) {
        try (InputStream in = Files.newInputStream(truststore)) {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(in, password);
            TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
            tmf.init(ks);
            return tmf.getTrustManagers();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
