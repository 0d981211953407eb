package io.srrrs.crypto.kms.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.srrrs.crypto.format.EncryptionContext;
import io.srrrs.crypto.kms.DataKey;
import io.srrrs.crypto.kms.DataKeyPair;
import io.srrrs.crypto.kms.DekWrapping;
import io.srrrs.crypto.kms.InvalidWrappedKeyException;
import io.srrrs.crypto.kms.KekId;
import io.srrrs.crypto.kms.KeyDisabledException;
import io.srrrs.crypto.kms.WrappedDek;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The local KMS's S3EC wrappings: S3EC's raw AES keyring blob, byte for byte. */
class LocalKeystoreKmsS3ecTest {

    private static final char[] PASSWORD = "correct horse battery staple".toCharArray();
    private static final EncryptionContext NONE = EncryptionContext.EMPTY;

    @TempDir
    Path dir;
    LocalKeystoreKms kms;
    KekId kek;

    @BeforeEach
    void open() throws Exception {
        kms = LocalKeystoreKms.openOrCreate(dir.resolve("keks.p12"), PASSWORD);
        kms.createKek("s3ec");
        kek = kms.resolve("s3ec");
    }

    @AfterEach
    void close() {
        kms.close();
    }

    /** S3EC's AesKeyring decrypt, written out with the JDK: iv ‖ ciphertext ‖ tag, AAD = the content algorithm. */
    private static byte[] openLikeS3ec(SecretKey key, byte[] blob, String cekAlg) throws Exception {
        Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
        gcm.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(128, Arrays.copyOfRange(blob, 0, 12)));
        gcm.updateAAD(cekAlg.getBytes(StandardCharsets.UTF_8));
        return gcm.doFinal(blob, 12, blob.length - 12);
    }

    @ParameterizedTest
    @EnumSource(value = DekWrapping.class, names = {"S3EC_V3", "S3EC_V2"})
    void roundTripsAndTheBlobIsS3ecsAesGcmBlob(DekWrapping wrapping) throws Exception {
        try (DataKeyPair pair = kms.generateDataKey(kek, NONE, wrapping);
             DataKey back = kms.unwrap(pair.wrapped(), NONE, wrapping)) {
            assertThat(back.material()).isEqualTo(pair.plaintext().material());
            assertThat(pair.wrapped().kms()).isEqualTo("local");
            assertThat(pair.wrapped().kek()).isEqualTo(kek);
            byte[] blob = pair.wrapped().blob();
            assertThat(blob).hasSize(60);
            SecretKey exported = kms.exportS3ecKek("s3ec");
            assertThat(exported.getAlgorithm()).isEqualTo("AES");
            assertThat(openLikeS3ec(exported, blob, wrapping.s3ecCekAlgorithm())).isEqualTo(pair.plaintext().material());
        }
    }

    @Test
    void theAadIsExactlyTheContentAlgorithm() throws Exception {
        SecretKey exported = kms.exportS3ecKek("s3ec");
        byte[] v3 = kms.generateDataKey(kek, NONE, DekWrapping.S3EC_V3).wrapped().blob();
        assertThatThrownBy(() -> openLikeS3ec(exported, v3, "AES/GCM/NoPadding")).isInstanceOf(AEADBadTagException.class);
        assertThat(openLikeS3ec(exported, v3, "115")).hasSize(32);
    }

    @Test
    void aBlobOfOneWrappingDoesNotOpenAsAnother() throws Exception {
        WrappedDek v3 = kms.generateDataKey(kek, NONE, DekWrapping.S3EC_V3).wrapped();
        WrappedDek v2 = kms.generateDataKey(kek, NONE, DekWrapping.S3EC_V2).wrapped();
        assertThatThrownBy(() -> kms.unwrap(v3, NONE, DekWrapping.S3EC_V2)).isInstanceOf(InvalidWrappedKeyException.class)
                .hasMessageContaining("S3EC_V2").hasMessageContaining("'s3ec'");
        assertThatThrownBy(() -> kms.unwrap(v2, NONE, DekWrapping.S3EC_V3)).isInstanceOf(InvalidWrappedKeyException.class);
        assertThatThrownBy(() -> kms.unwrap(v3, NONE)).isInstanceOf(InvalidWrappedKeyException.class);
        WrappedDek v1 = kms.generateDataKey(kek, NONE).wrapped();
        assertThatThrownBy(() -> kms.unwrap(v1, NONE, DekWrapping.S3EC_V3)).isInstanceOf(InvalidWrappedKeyException.class)
                .hasMessageContaining("not an S3EC AES/GCM blob");
        byte[] tampered = v3.blob();
        tampered[30] ^= 1;
        assertThatThrownBy(() -> kms.unwrap(new WrappedDek("local", kek, tampered), NONE, DekWrapping.S3EC_V3))
                .isInstanceOf(InvalidWrappedKeyException.class);
    }

    @Test
    void aNonEmptyContextIsRefusedSinceTheWrapCannotBindIt() {
        EncryptionContext acme = EncryptionContext.of("tenant", "acme");
        assertThatThrownBy(() -> kms.generateDataKey(kek, acme, DekWrapping.S3EC_V3))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cannot bind an encryption context")
                .hasMessageContaining("CONTEXT_NOT_SUPPORTED");
        WrappedDek v3 = new WrappedDek("local", kek, new byte[60]);
        assertThatThrownBy(() -> kms.unwrap(v3, acme, DekWrapping.S3EC_V3)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void afterARotationOldBlobsStillOpenAndRewrapMovesToTheNewVersion() throws Exception {
        DataKeyPair before = kms.generateDataKey(kek, NONE, DekWrapping.S3EC_V3);
        SecretKey version1 = kms.exportS3ecKek("s3ec");
        kms.rotate("s3ec");
        kms.rotate("s3ec");
        SecretKey version3 = kms.exportS3ecKek("s3ec");
        assertThat(version3.getEncoded()).isNotEqualTo(version1.getEncoded());
        try (DataKey back = kms.unwrap(before.wrapped(), NONE, DekWrapping.S3EC_V3)) {
            assertThat(back.material()).as("tried newest first, opened by version 1").isEqualTo(before.plaintext().material());
        }
        WrappedDek moved = kms.rewrap(before.wrapped(), NONE, DekWrapping.S3EC_V3, kek);
        assertThat(openLikeS3ec(version3, moved.blob(), "115")).isEqualTo(before.plaintext().material());
        assertThatThrownBy(() -> openLikeS3ec(version1, moved.blob(), "115")).isInstanceOf(AEADBadTagException.class);
        WrappedDek fresh = kms.generateDataKey(kek, NONE, DekWrapping.S3EC_V2).wrapped();
        assertThat(openLikeS3ec(version3, fresh.blob(), "AES/GCM/NoPadding")).hasSize(32);
    }

    @Test
    void aDisabledKekNeitherWrapsNorUnwrapsNorExports() throws Exception {
        WrappedDek v3 = kms.generateDataKey(kek, NONE, DekWrapping.S3EC_V3).wrapped();
        kms.disable("s3ec");
        assertThatThrownBy(() -> kms.generateDataKey(kek, NONE, DekWrapping.S3EC_V3)).isInstanceOf(KeyDisabledException.class);
        assertThatThrownBy(() -> kms.unwrap(v3, NONE, DekWrapping.S3EC_V3)).isInstanceOf(KeyDisabledException.class);
        assertThatThrownBy(() -> kms.exportS3ecKek("s3ec")).isInstanceOf(KeyDisabledException.class);
    }
}
