package io.srrrs.crypto.kms.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.srrrs.crypto.format.EncryptionContext;
import io.srrrs.crypto.kms.DataKey;
import io.srrrs.crypto.kms.DataKeyPair;
import io.srrrs.crypto.kms.InvalidWrappedKeyException;
import io.srrrs.crypto.kms.KekId;
import io.srrrs.crypto.kms.KeyDisabledException;
import io.srrrs.crypto.kms.KmsException;
import io.srrrs.crypto.kms.UnknownKeyException;
import io.srrrs.crypto.kms.WrappedDek;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalKeystoreKmsTest {

    private static final char[] PASSWORD = "correct horse battery staple".toCharArray();
    private static final EncryptionContext ACME = EncryptionContext.of("tenant", "acme");

    @TempDir
    Path dir;
    Path file;
    LocalKeystoreKms kms;

    @BeforeEach
    void open() {
        file = dir.resolve("keks.p12");
        kms = LocalKeystoreKms.openOrCreate(file, PASSWORD);
    }

    @AfterEach
    void close() {
        kms.close();
    }

    @Test
    void theKeystoreIsCreatedPrivate() throws Exception {
        assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(kms.listKeks()).isEmpty();
    }

    @Test
    void generateThenUnwrapGivesTheSameDek() throws KmsException {
        kms.createKek("orders");
        try (DataKeyPair pair = kms.generateDataKey(kms.resolve("orders"), ACME);
             DataKey back = kms.unwrap(pair.wrapped(), ACME)) {
            assertThat(back.material()).isEqualTo(pair.plaintext().material());
            assertThat(pair.wrapped().kms()).isEqualTo("local");
            assertThat(pair.wrapped().kek()).isEqualTo(new KekId("orders"));
            assertThat(pair.wrapped().blob()).hasSize(45);
            // The blob does not contain the DEK.
            assertThat(HexFormat.of().formatHex(pair.wrapped().blob()))
                    .doesNotContain(HexFormat.of().formatHex(pair.plaintext().material()).substring(0, 16));
        }
    }

    @Test
    void anotherContextOrATamperedBlobDoesNotUnwrap() throws KmsException {
        kms.createKek("orders");
        WrappedDek w = kms.generateDataKey(new KekId("orders"), ACME).wrapped();
        assertThatThrownBy(() -> kms.unwrap(w, EncryptionContext.of("tenant", "globex")))
                .isInstanceOf(InvalidWrappedKeyException.class).hasMessageContaining("encryption context");
        byte[] blob = w.blob();
        blob[20] ^= 1;
        assertThatThrownBy(() -> kms.unwrap(new WrappedDek("local", w.kek(), blob), ACME))
                .isInstanceOf(InvalidWrappedKeyException.class);
        assertThatThrownBy(() -> kms.unwrap(new WrappedDek("aws-kms", w.kek(), w.blob()), ACME))
                .isInstanceOf(InvalidWrappedKeyException.class).hasMessageContaining("aws-kms");
    }

    @Test
    void rotationWrapsWithTheNewVersionAndOldVersionsStillUnwrap() throws KmsException {
        kms.createKek("orders");
        DataKeyPair before = kms.generateDataKey(new KekId("orders"), ACME);
        LocalKeystoreKms.KekInfo info = kms.rotate("orders");
        assertThat(info.primaryVersion()).isEqualTo(2);
        assertThat(info.versions()).containsExactly(1, 2);
        DataKeyPair after = kms.generateDataKey(new KekId("orders"), ACME);
        assertThat(LocalKeystoreKms.blobVersion(before.wrapped().blob())).isEqualTo(1);
        assertThat(LocalKeystoreKms.blobVersion(after.wrapped().blob())).isEqualTo(2);
        try (DataKey old = kms.unwrap(before.wrapped(), ACME)) {
            assertThat(old.material()).isEqualTo(before.plaintext().material());
        }
        // Rewrap moves an old DEK to the primary version without changing it.
        WrappedDek moved = kms.rewrap(before.wrapped(), ACME, new KekId("orders"));
        assertThat(LocalKeystoreKms.blobVersion(moved.blob())).isEqualTo(2);
        try (DataKey same = kms.unwrap(moved, ACME)) {
            assertThat(same.material()).isEqualTo(before.plaintext().material());
        }
    }

    @Test
    void disablingStopsWrapAndUnwrapUntilEnabled() throws KmsException {
        kms.createKek("orders");
        DataKeyPair pair = kms.generateDataKey(new KekId("orders"), ACME);
        kms.disable("orders");
        assertThatThrownBy(() -> kms.unwrap(pair.wrapped(), ACME))
                .isInstanceOf(KeyDisabledException.class).hasMessageContaining("'orders' is disabled");
        assertThatThrownBy(() -> kms.generateDataKey(new KekId("orders"), ACME)).isInstanceOf(KeyDisabledException.class);
        assertThat(kms.listKeks().get(0).state()).isEqualTo(LocalKeystoreKms.State.DISABLED);
        kms.enable("orders");
        kms.unwrap(pair.wrapped(), ACME).close();
    }

    @Test
    void destroyingShredsEveryVersion() throws KmsException {
        kms.createKek("orders");
        kms.createKek("payments");
        DataKeyPair orders = kms.generateDataKey(new KekId("orders"), ACME);
        DataKeyPair payments = kms.generateDataKey(new KekId("payments"), ACME);
        kms.rotate("orders");
        kms.destroy("orders");
        assertThatThrownBy(() -> kms.unwrap(orders.wrapped(), ACME))
                .isInstanceOf(UnknownKeyException.class).hasMessageContaining("no KEK named 'orders'");
        // Other KEKs are untouched.
        kms.unwrap(payments.wrapped(), ACME).close();
        assertThat(kms.listKeks()).extracting(LocalKeystoreKms.KekInfo::name).containsExactly("payments");
    }

    @Test
    void stateSurvivesReopeningAndChangesMadeElsewhereAreSeen() throws Exception {
        kms.createKek("orders");
        kms.addAlias("sales", "orders");
        DataKeyPair pair = kms.generateDataKey(kms.resolve("alias/sales"), ACME);
        try (LocalKeystoreKms other = LocalKeystoreKms.open(file, PASSWORD)) {
            assertThat(other.resolve("sales")).isEqualTo(new KekId("orders"));
            other.unwrap(pair.wrapped(), ACME).close();
            // Another process (here: another instance) disables the KEK...
            other.disable("orders");
        }
        // ...and this instance notices at its next call.
        assertThatThrownBy(() -> kms.unwrap(pair.wrapped(), ACME)).isInstanceOf(KeyDisabledException.class);
        List<LocalKeystoreKms.KekInfo> keks = kms.listKeks();
        assertThat(keks.get(0).aliases()).containsExactly("sales");
        assertThat(keks.get(0).created()).isNotNull();
    }

    @Test
    void clearErrorsForWhatUsersGetWrong() throws KmsException {
        assertThatThrownBy(() -> kms.resolve("nope")).isInstanceOf(UnknownKeyException.class)
                .hasMessageContaining("'nope'");
        assertThatThrownBy(() -> kms.createKek("Bad Name")).hasMessageContaining("[a-z0-9._-]");
        kms.createKek("orders");
        assertThatThrownBy(() -> kms.createKek("orders")).hasMessageContaining("already exists");
        assertThatThrownBy(() -> LocalKeystoreKms.open(file, "wrong".toCharArray()))
                .hasMessageContaining("wrong password or corrupted");
        assertThatThrownBy(() -> LocalKeystoreKms.open(dir.resolve("missing.p12"), PASSWORD))
                .hasMessageContaining("does not exist");
    }

    @Test
    void theKeystoreFileHoldsNoDekAndIsUselessWithoutThePassword() throws Exception {
        kms.createKek("orders");
        DataKeyPair pair = kms.generateDataKey(new KekId("orders"), ACME);
        byte[] file = Files.readAllBytes(this.file);
        String hex = HexFormat.of().formatHex(file);
        assertThat(hex).doesNotContain(HexFormat.of().formatHex(pair.plaintext().material()));
    }
}
