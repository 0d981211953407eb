package io.srrrs.crypto.kms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.srrrs.crypto.format.EncryptionContext;
import io.srrrs.crypto.kms.local.LocalKeystoreKms;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A KEK disabled or destroyed in the KMS stops new encryptions through the standard stack, with
 * its default settings, within {@code kms.dek.cache.max.age.ms} = 30 s: the cached DEK retires
 * and the next one is a generateDataKey the KMS refuses. The KEK is changed by another instance
 * on the same keystore file, as {@code srrrs keys disable} in another process does.
 */
class KekLifecycleTest {

    private static final char[] PASSWORD = "pw".toCharArray();
    private static final EncryptionContext ACME = EncryptionContext.of("tenant", "acme");

    @TempDir
    Path dir;
    final MutableClock clock = new MutableClock();
    LocalKeystoreKms admin;
    DecoratedKms stack;

    @BeforeEach
    void open() throws KmsException {
        Path file = dir.resolve("keks.p12");
        admin = LocalKeystoreKms.openOrCreate(file, PASSWORD);
        admin.createKek("orders");
        admin.createKek("payments");
        stack = DecoratedKms.around(LocalKeystoreKms.open(file, PASSWORD), KmsConfig.stackConfig(Map.of()), clock,
                millis -> { });
    }

    @AfterEach
    void close() {
        stack.close();
        admin.close();
    }

    @Test
    void theDefaultBoundIsThirtySeconds() {
        assertThat(KmsConfig.stackConfig(Map.of()).dekCache().maxAge()).isEqualTo(Duration.ofSeconds(30));
        assertThat(KmsConfig.COMMON_KEYS.get("kms.dek.cache.max.age.ms")).contains("Default 30000")
                .contains("disabled or destroyed");
    }

    @Test
    void aDisabledKekEncryptsNothingNewThirtySecondsLater() throws KmsException {
        KekId orders = stack.kms().resolve("orders");
        stack.kms().generateDataKey(orders, ACME).close();
        admin.disable("orders");
        clock.advance(Duration.ofSeconds(29));
        // Within the documented window the cached DEK is still handed out...
        stack.kms().generateDataKey(orders, ACME).close();
        clock.advance(Duration.ofSeconds(1));
        // ...and not a moment after it.
        assertThatThrownBy(() -> stack.kms().generateDataKey(orders, ACME)).isInstanceOf(KeyDisabledException.class)
                .hasMessageContaining("'orders' is disabled");
        assertThat(stack.retries()).as("a disabled KEK is final, not retried").isZero();
        // Other KEKs are not affected.
        stack.kms().generateDataKey(stack.kms().resolve("payments"), ACME).close();
    }

    @Test
    void aDestroyedKekEncryptsNothingNewThirtySecondsLater() throws KmsException {
        KekId orders = stack.kms().resolve("orders");
        stack.kms().generateDataKey(orders, ACME).close();
        admin.destroy("orders");
        clock.advance(Duration.ofSeconds(30));
        assertThatThrownBy(() -> stack.kms().generateDataKey(orders, ACME)).isInstanceOf(UnknownKeyException.class)
                .hasMessageContaining("orders");
    }
}
