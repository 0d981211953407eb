package io.srrrs.kms.aws;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.srrrs.crypto.format.EncryptionContext;
import io.srrrs.crypto.kms.DekWrapping;
import io.srrrs.crypto.kms.KekId;
import io.srrrs.crypto.kms.KmsUnavailableException;
import io.srrrs.crypto.kms.WrappedDek;

import java.net.URI;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kms.KmsClient;

/**
 * A caller's context holding S3EC's reserved key is refused before any call to AWS (the endpoint
 * here answers nothing); the wire behaviour of the S3EC wrappings is AwsKmsIT's, against moto.
 */
class AwsKmsS3ecContextTest {

    private static final EncryptionContext RESERVED = EncryptionContext.of("tenant", "acme", "aws:x-amz-cek-alg", "115");

    private static AwsKms unreachable() {
        return new AwsKms(KmsClient.builder().region(Region.EU_WEST_1).endpointOverride(URI.create("https://127.0.0.1:9"))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("testing", "testing")))
                .build());
    }

    @Test
    void theReservedKeyIsRefusedInEveryS3ecCallBeforeAwsIsAsked() {
        try (AwsKms kms = unreachable()) {
            KekId kek = new KekId("arn:aws:kms:eu-west-1:000000000000:key/x");
            WrappedDek blob = new WrappedDek("aws-kms", kek, new byte[] {1, 2, 3});
            assertThatThrownBy(() -> kms.generateDataKey(kek, RESERVED, DekWrapping.S3EC_V3))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("aws:x-amz-cek-alg");
            assertThatThrownBy(() -> kms.unwrap(blob, RESERVED, DekWrapping.S3EC_V2)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> kms.rewrap(blob, RESERVED, DekWrapping.S3EC_V3, kek))
                    .isInstanceOf(IllegalArgumentException.class);
            // Format v1 has no reserved key: the same context goes to AWS (unreachable here).
            assertThatThrownBy(() -> kms.unwrap(blob, RESERVED)).isInstanceOf(KmsUnavailableException.class);
        }
    }
}
