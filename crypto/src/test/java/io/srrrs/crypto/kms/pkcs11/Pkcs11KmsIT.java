package io.srrrs.crypto.kms.pkcs11;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.srrrs.crypto.ObjectDecryptor;
import io.srrrs.crypto.ObjectEncryptor;
import io.srrrs.crypto.ObjectMetadata;
import io.srrrs.crypto.format.EncryptionContext;
import io.srrrs.crypto.format.ObjectIdentity;
import io.srrrs.crypto.kms.DataKey;
import io.srrrs.crypto.kms.DataKeyPair;
import io.srrrs.crypto.kms.InvalidWrappedKeyException;
import io.srrrs.crypto.kms.KekId;
import io.srrrs.crypto.kms.DecoratedKms;
import io.srrrs.crypto.kms.DekWrapping;
import io.srrrs.crypto.kms.MeteredKms;
import io.srrrs.crypto.kms.UnknownKeyException;
import io.srrrs.crypto.kms.WrappedDek;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.security.SecureRandom;
import javax.crypto.SecretKey;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The pkcs11 KMS against a real SoftHSM2 token (Debian's softhsm2), through the JDK's SunPKCS11.
 * One token for the whole JVM: SoftHSM reads its slots once, at the first login.
 */
class Pkcs11KmsIT {

    private static final EncryptionContext ACME = EncryptionContext.of("tenant", "acme");
    private static Pkcs11Kms kms;

    @BeforeAll
    static void token() throws Exception {
        SoftHsm hsm = SoftHsm.initToken("srrrs-it-" + System.nanoTime());
        kms = Pkcs11Kms.open(hsm.config());
    }

    @AfterAll
    static void close() {
        if (kms != null) {
            kms.close();
        }
    }

    @Test
    void theKekIsANonExtractableTokenObject() throws Exception {
        kms.createKek("hsm-orders");
        SecretKey key = kms.tokenKey("hsm-orders", 1);
        assertThat(key.getEncoded()).as("a sensitive, non-extractable key has no encoding").isNull();
        assertThat(key.toString()).contains("token object").contains("sensitive").contains("unextractable");
    }

    @Test
    void wrapsAndUnwrapsOnTheToken() throws Exception {
        kms.createKek("hsm-wrap");
        try (DataKeyPair pair = kms.generateDataKey(kms.resolve("hsm-wrap"), ACME);
             DataKey back = kms.unwrap(pair.wrapped(), ACME)) {
            assertThat(back.material()).isEqualTo(pair.plaintext().material());
            assertThat(pair.wrapped().kms()).isEqualTo("pkcs11");
            assertThat(pair.wrapped().blob()).hasSize(65);
        }
    }

    @Test
    void anotherContextOrATamperedBlobIsRefused() throws Exception {
        kms.createKek("hsm-ctx");
        WrappedDek w = kms.generateDataKey(new KekId("hsm-ctx"), ACME).wrapped();
        assertThatThrownBy(() -> kms.unwrap(w, EncryptionContext.of("tenant", "globex")))
                .isInstanceOf(InvalidWrappedKeyException.class);
        byte[] blob = w.blob();
        blob[40] ^= 1;
        assertThatThrownBy(() -> kms.unwrap(new WrappedDek("pkcs11", w.kek(), blob), ACME))
                .isInstanceOf(InvalidWrappedKeyException.class);
    }

    @Test
    void rotationKeepsOldVersionsAndDestroyShreds() throws Exception {
        kms.createKek("hsm-rotate");
        DataKeyPair v1 = kms.generateDataKey(new KekId("hsm-rotate"), ACME);
        assertThat(kms.rotate("hsm-rotate").versions()).containsExactly(1, 2);
        WrappedDek rewrapped = kms.rewrap(v1.wrapped(), ACME, new KekId("hsm-rotate"));
        assertThat(rewrapped.blob()[4]).isEqualTo((byte) 2);
        try (DataKey a = kms.unwrap(v1.wrapped(), ACME); DataKey b = kms.unwrap(rewrapped, ACME)) {
            assertThat(a.material()).isEqualTo(v1.plaintext().material()).isEqualTo(b.material());
        }
        kms.destroy("hsm-rotate");
        assertThatThrownBy(() -> kms.unwrap(v1.wrapped(), ACME)).isInstanceOf(UnknownKeyException.class)
                .hasMessageContaining("hsm-rotate");
        assertThat(kms.listKeks()).extracting(Pkcs11Kms.KekInfo::name).doesNotContain("hsm-rotate");
    }

    /**
     * A token has no disabled state (a disable of the {@code srrrs keys} kind is a destroy here):
     * once the KEK is destroyed, no new DEK is wrapped under it, which is what bounds how long the
     * encrypt-side cache can go on using it (kms.dek.cache.max.age.ms).
     */
    @Test
    void noNewDekIsWrappedUnderADestroyedKek() throws Exception {
        kms.createKek("hsm-gone");
        KekId kek = kms.resolve("hsm-gone");
        kms.generateDataKey(kek, ACME).close();
        kms.destroy("hsm-gone");
        assertThatThrownBy(() -> kms.generateDataKey(kek, ACME)).isInstanceOf(UnknownKeyException.class)
                .hasMessageContaining("hsm-gone");
        assertThatThrownBy(() -> kms.resolve("hsm-gone")).isInstanceOf(UnknownKeyException.class);
    }

    @Test
    void anObjectEncryptedUnderAnHsmKekReadsBackThroughTheCachedStack() throws Exception {
        kms.createKek("hsm-objects");
        DecoratedKms stack = DecoratedKms.around(kms, DecoratedKms.Config.DEFAULTS);
        ObjectIdentity id = new ObjectIdentity("bucket", "hsm/object.bin");
        byte[] plaintext = new byte[300_000];
        new SecureRandom().nextBytes(plaintext);
        for (int i = 0; i < 3; i++) {
            ByteArrayOutputStream object = new ByteArrayOutputStream();
            ObjectMetadata metadata;
            try (DataKeyPair pair = stack.kms().generateDataKey(new KekId("hsm-objects"), ACME);
                 ObjectEncryptor enc = ObjectEncryptor.create(pair, id, ACME, 65536)) {
                metadata = new ObjectMetadata(enc.header(), pair.wrapped(), ACME);
                try (OutputStream out = enc.encryptingStream(object)) {
                    out.write(plaintext);
                }
            }
            ObjectMetadata read = ObjectMetadata.fromMap(metadata.toMap());
            try (DataKey dek = stack.kms().unwrap(read.wrappedDek(), read.context());
                 ObjectDecryptor dec = ObjectDecryptor.open(read.header(), dek, id, read.context())) {
                assertThat(dec.decrypt(new ByteArrayInputStream(object.toByteArray())).readAllBytes()).isEqualTo(plaintext);
            }
        }
        assertThat(stack.kmsCalls().calls(MeteredKms.Operation.GENERATE_DATA_KEY)).isEqualTo(1);
        assertThat(stack.kmsCalls().calls(MeteredKms.Operation.UNWRAP)).isEqualTo(1);
    }

    /** The S3EC wrappings (S3EC's AES/GCM blob), AES-GCM on the same token: one SoftHSM token per JVM. */
    @Nested
    class S3ecWrappings {

        private static final EncryptionContext S3EC_NONE = EncryptionContext.EMPTY;

        @ParameterizedTest
        @EnumSource(value = DekWrapping.class, names = {"S3EC_V3", "S3EC_V2"})
        void wrapsAndUnwrapsOnTheTokenInS3ecsLayout(DekWrapping wrapping) throws Exception {
            String name = "s3ec-" + wrapping.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
            kms.createKek(name);
            try (DataKeyPair pair = kms.generateDataKey(kms.resolve(name), S3EC_NONE, wrapping);
                 DataKey back = kms.unwrap(pair.wrapped(), S3EC_NONE, wrapping)) {
                assertThat(back.material()).isEqualTo(pair.plaintext().material());
                assertThat(pair.wrapped().kms()).isEqualTo("pkcs11");
                assertThat(pair.wrapped().blob()).hasSize(60);
            }
        }

        @Test
        void aBlobOfOneWrappingDoesNotOpenAsAnotherAndTamperingIsRefused() throws Exception {
            kms.createKek("s3ec-cross");
            KekId kek = new KekId("s3ec-cross");
            WrappedDek v3 = kms.generateDataKey(kek, S3EC_NONE, DekWrapping.S3EC_V3).wrapped();
            assertThatThrownBy(() -> kms.unwrap(v3, S3EC_NONE, DekWrapping.S3EC_V2)).isInstanceOf(InvalidWrappedKeyException.class);
            assertThatThrownBy(() -> kms.unwrap(v3, S3EC_NONE)).isInstanceOf(InvalidWrappedKeyException.class);
            byte[] blob = v3.blob();
            blob[40] ^= 1;
            assertThatThrownBy(() -> kms.unwrap(new WrappedDek("pkcs11", kek, blob), S3EC_NONE, DekWrapping.S3EC_V3))
                    .isInstanceOf(InvalidWrappedKeyException.class);
            assertThatThrownBy(() -> kms.generateDataKey(kek, EncryptionContext.of("tenant", "acme"), DekWrapping.S3EC_V3))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("CONTEXT_NOT_SUPPORTED");
        }

        @Test
        void afterARotationOldBlobsOpenAndRewrapMovesThemToTheNewVersion() throws Exception {
            kms.createKek("s3ec-rotate");
            KekId kek = new KekId("s3ec-rotate");
            DataKeyPair before = kms.generateDataKey(kek, S3EC_NONE, DekWrapping.S3EC_V2);
            kms.rotate("s3ec-rotate");
            try (DataKey back = kms.unwrap(before.wrapped(), S3EC_NONE, DekWrapping.S3EC_V2)) {
                assertThat(back.material()).isEqualTo(before.plaintext().material());
            }
            kms.createKek("s3ec-target");
            WrappedDek moved = kms.rewrap(before.wrapped(), S3EC_NONE, DekWrapping.S3EC_V2, new KekId("s3ec-target"));
            assertThat(moved.kek().value()).isEqualTo("s3ec-target");
            try (DataKey back = kms.unwrap(moved, S3EC_NONE, DekWrapping.S3EC_V2)) {
                assertThat(back.material()).isEqualTo(before.plaintext().material());
            }
            assertThatThrownBy(() -> kms.unwrap(new WrappedDek("pkcs11", kek, moved.blob()), S3EC_NONE, DekWrapping.S3EC_V2))
                    .as("wrapped under the target, not the source").isInstanceOf(InvalidWrappedKeyException.class);
        }
    }
}
