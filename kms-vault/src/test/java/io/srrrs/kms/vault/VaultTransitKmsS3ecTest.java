package io.srrrs.kms.vault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.srrrs.crypto.format.EncryptionContext;
import io.srrrs.crypto.kms.DataKey;
import io.srrrs.crypto.kms.DataKeyPair;
import io.srrrs.crypto.kms.DekWrapping;
import io.srrrs.crypto.kms.InvalidWrappedKeyException;
import io.srrrs.crypto.kms.KekId;
import io.srrrs.crypto.kms.Kms;
import io.srrrs.crypto.kms.KmsConfig;
import io.srrrs.crypto.kms.WrappedDek;
import io.srrrs.crypto.pki.LocalCa;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The vault provider's S3EC wrappings against {@link VaultTransitStub}: the v1 wrap under the
 * caller's context plus {@code aws:x-amz-cek-alg}, so no wrapping's blob opens as another's.
 */
class VaultTransitKmsS3ecTest {

    private static final EncryptionContext CONTEXT = EncryptionContext.of("tenant", "acme");

    @TempDir
    Path dir;
    VaultTransitStub vault;
    Kms kms;

    @BeforeEach
    void start() throws Exception {
        LocalCa ca = LocalCa.createOrLoad(dir.resolve("ca"));
        vault = new VaultTransitStub(ca, "s.test-token");
        vault.createKey("orders", true);
        vault.createKey("archive", true);
        Path tokenFile = dir.resolve("token");
        Files.writeString(tokenFile, "s.test-token\n");
        Map<String, String> config = new HashMap<>();
        config.put("kms.type", "vault");
        config.put("kms.vault.address", vault.address().toString());
        config.put("kms.vault.token.file", tokenFile.toString());
        config.put("kms.vault.truststore.location", ca.truststore().toString());
        config.put("kms.vault.truststore.password", new String(LocalCa.TRUSTSTORE_PASSWORD));
        kms = KmsConfig.provider(config);
    }

    @AfterEach
    void stop() {
        kms.close();
        vault.close();
    }

    @ParameterizedTest
    @EnumSource(DekWrapping.class)
    void everyWrappingRoundTripsAndRewraps(DekWrapping wrapping) throws Exception {
        try (DataKeyPair pair = kms.generateDataKey(new KekId("orders"), CONTEXT, wrapping);
             DataKey back = kms.unwrap(pair.wrapped(), CONTEXT, wrapping)) {
            assertThat(back.material()).isEqualTo(pair.plaintext().material());
            assertThat(new String(pair.wrapped().blob(), StandardCharsets.UTF_8)).startsWith("vault:v1:");
            WrappedDek moved = kms.rewrap(pair.wrapped(), CONTEXT, wrapping, new KekId("archive"));
            try (DataKey again = kms.unwrap(moved, CONTEXT, wrapping)) {
                assertThat(again.material()).isEqualTo(pair.plaintext().material());
            }
        }
    }

    @Test
    void aBlobOfOneWrappingDoesNotOpenAsAnother() throws Exception {
        WrappedDek v3 = kms.generateDataKey(new KekId("orders"), CONTEXT, DekWrapping.S3EC_V3).wrapped();
        WrappedDek v2 = kms.generateDataKey(new KekId("orders"), CONTEXT, DekWrapping.S3EC_V2).wrapped();
        WrappedDek v1 = kms.generateDataKey(new KekId("orders"), CONTEXT).wrapped();
        assertThatThrownBy(() -> kms.unwrap(v3, CONTEXT, DekWrapping.S3EC_V2)).isInstanceOf(InvalidWrappedKeyException.class);
        assertThatThrownBy(() -> kms.unwrap(v3, CONTEXT)).isInstanceOf(InvalidWrappedKeyException.class);
        assertThatThrownBy(() -> kms.unwrap(v2, CONTEXT, DekWrapping.S3EC_V3)).isInstanceOf(InvalidWrappedKeyException.class);
        assertThatThrownBy(() -> kms.unwrap(v1, CONTEXT, DekWrapping.S3EC_V3)).isInstanceOf(InvalidWrappedKeyException.class);
        assertThatThrownBy(() -> kms.unwrap(v3, EncryptionContext.of("tenant", "other"), DekWrapping.S3EC_V3))
                .as("the caller's context is still bound").isInstanceOf(InvalidWrappedKeyException.class);
    }

    @Test
    void theDerivationContextIsTheCallersPlusTheReservedKey() {
        String v3 = VaultTransitKms.contextParam(VaultTransitKms.s3ecContext(CONTEXT, DekWrapping.S3EC_V3));
        assertThat(v3).isEqualTo(VaultTransitKms.contextParam(
                EncryptionContext.of("tenant", "acme", "aws:x-amz-cek-alg", "115")));
        assertThat(VaultTransitKms.s3ecContext(CONTEXT, DekWrapping.SRRRS_V1)).isSameAs(CONTEXT);
        EncryptionContext reserved = EncryptionContext.of("aws:x-amz-cek-alg", "115");
        assertThatThrownBy(() -> kms.generateDataKey(new KekId("orders"), reserved, DekWrapping.S3EC_V3))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("aws:x-amz-cek-alg");
    }
}
