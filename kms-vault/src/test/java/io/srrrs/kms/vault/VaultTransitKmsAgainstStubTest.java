package io.srrrs.kms.vault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.srrrs.crypto.format.EncryptionContext;
import io.srrrs.crypto.kms.DataKey;
import io.srrrs.crypto.kms.DataKeyPair;
import io.srrrs.crypto.kms.InvalidWrappedKeyException;
import io.srrrs.crypto.kms.KekId;
import io.srrrs.crypto.kms.Kms;
import io.srrrs.crypto.kms.KmsAccessDeniedException;
import io.srrrs.crypto.kms.KmsConfig;
import io.srrrs.crypto.kms.DecoratedKms;
import io.srrrs.crypto.kms.KmsThrottledException;
import io.srrrs.crypto.kms.KmsUnavailableException;
import io.srrrs.crypto.kms.UnknownKeyException;
import io.srrrs.crypto.kms.WrappedDek;
import io.srrrs.crypto.pki.LocalCa;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The vault provider against {@link VaultTransitStub}, a local HTTPS stub that follows Vault's
 * documented Transit request and response bodies. No Vault or OpenBao can run on our machines:
 * this shows our side of the protocol, not that a real Vault agrees.
 */
class VaultTransitKmsAgainstStubTest {

    @TempDir
    Path dir;
    VaultTransitStub vault;
    Map<String, String> config;

    static final EncryptionContext CONTEXT = EncryptionContext.of("tenant", "acme");

    @BeforeEach
    void start() throws Exception {
        LocalCa ca = LocalCa.createOrLoad(dir.resolve("ca"));
        vault = new VaultTransitStub(ca, "s.test-token");
        vault.createKey("orders", true);
        vault.createKey("archive", true);
        vault.createKey("plain", false);
        Path tokenFile = dir.resolve("token");
        Files.writeString(tokenFile, "s.test-token\n");
        config = new HashMap<>();
        config.put("kms.type", "vault");
        config.put("kms.vault.address", vault.address().toString());
        config.put("kms.vault.token.file", tokenFile.toString());
        config.put("kms.vault.truststore.location", ca.truststore().toString());
        config.put("kms.vault.truststore.password", new String(LocalCa.TRUSTSTORE_PASSWORD));
    }

    @AfterEach
    void stop() {
        vault.close();
    }

    @Test
    void kmsTypeVaultRoundTripsADekBoundToItsContext() throws Exception {
        try (Kms kms = KmsConfig.provider(config)) {
            assertThat(kms).isInstanceOf(VaultTransitKms.class);
            KekId kek = kms.resolve("orders");
            try (DataKeyPair pair = kms.generateDataKey(kek, CONTEXT)) {
                assertThat(new String(pair.wrapped().blob(), StandardCharsets.UTF_8)).startsWith("vault:v1:");
                try (DataKey back = kms.unwrap(pair.wrapped(), CONTEXT)) {
                    assertThat(back.material()).isEqualTo(pair.plaintext().material());
                }
                assertThatThrownBy(() -> kms.unwrap(pair.wrapped(), EncryptionContext.of("tenant", "other")))
                        .isInstanceOf(InvalidWrappedKeyException.class).hasMessageContaining("message authentication failed");
                byte[] blob = pair.wrapped().blob();
                blob[blob.length - 3] = (byte) (blob[blob.length - 3] == 'A' ? 'B' : 'A');
                assertThatThrownBy(() -> kms.unwrap(new WrappedDek("vault", kek, blob), CONTEXT))
                        .isInstanceOf(InvalidWrappedKeyException.class);
            }
        }
    }

    @Test
    void aKeyThatIsNotDerivedCannotBindTheContextAndIsRefused() throws Exception {
        try (Kms kms = KmsConfig.provider(config)) {
            assertThatThrownBy(() -> kms.resolve("plain")).isInstanceOf(KmsAccessDeniedException.class)
                    .hasMessageContaining("derived=true");
        }
    }

    @Test
    void rewrapMovesToTheNewestVersionOrToAnotherKey() throws Exception {
        try (Kms kms = KmsConfig.provider(config); DataKeyPair pair = kms.generateDataKey(new KekId("orders"), CONTEXT)) {
            vault.keys.get("orders").add(new byte[32]); // what POST keys/orders/rotate does
            WrappedDek newest = kms.rewrap(pair.wrapped(), CONTEXT, new KekId("orders"));
            assertThat(new String(newest.blob(), StandardCharsets.UTF_8)).startsWith("vault:v2:");
            WrappedDek moved = kms.rewrap(newest, CONTEXT, new KekId("archive"));
            assertThat(moved.kek().value()).isEqualTo("archive");
            try (DataKey a = kms.unwrap(newest, CONTEXT); DataKey b = kms.unwrap(moved, CONTEXT)) {
                assertThat(a.material()).isEqualTo(pair.plaintext().material()).isEqualTo(b.material());
            }
        }
    }

    @Test
    void errorsMapToDistinctTypesAndOnlyTransientOnesAreRetried() throws Exception {
        try (DecoratedKms stack = KmsConfig.stack(config)) {
            assertThatThrownBy(() -> stack.kms().resolve("missing")).isInstanceOf(UnknownKeyException.class);
            int before = vault.requests.get();
            assertThatThrownBy(() -> stack.kms().generateDataKey(new KekId("missing"), CONTEXT))
                    .isInstanceOf(UnknownKeyException.class).hasMessageContaining("'missing'");
            assertThat(vault.requests.get() - before).as("unknown key: one call, no retry").isEqualTo(1);
        }
        config.put("kms.vault.token", "wrong");
        config.remove("kms.vault.token.file");
        try (DecoratedKms stack = KmsConfig.stack(config)) {
            int before = vault.requests.get();
            assertThatThrownBy(() -> stack.kms().generateDataKey(new KekId("orders"), CONTEXT))
                    .isInstanceOf(KmsAccessDeniedException.class).hasMessageContaining("permission denied")
                    .hasMessageNotContaining("wrong");
            assertThat(vault.requests.get() - before).as("access denied: no retry").isEqualTo(1);
        }
        config.put("kms.retry.initial.backoff.ms", "1");
        config.put("kms.retry.max.backoff.ms", "2");
        config.put("kms.retry.max.attempts", "3");
        config.put("kms.vault.token", "s.test-token");
        try (DecoratedKms stack = KmsConfig.stack(config)) {
            vault.forcedStatus = 429;
            int before = vault.requests.get();
            assertThatThrownBy(() -> stack.kms().generateDataKey(new KekId("orders"), CONTEXT))
                    .isInstanceOf(KmsThrottledException.class);
            assertThat(vault.requests.get() - before).as("throttled: retried up to the limit").isEqualTo(3);
            vault.forcedStatus = 503;
            assertThatThrownBy(() -> stack.kms().generateDataKey(new KekId("orders"), EncryptionContext.of("t", "2")))
                    .isInstanceOf(KmsUnavailableException.class).hasMessageContaining("sealed");
            vault.forcedStatus = 0;
            try (DataKeyPair pair = stack.kms().generateDataKey(new KekId("orders"), CONTEXT)) {
                assertThat(pair.plaintext().material()).hasSize(32);
            }
        }
    }

    @Test
    void deletingTheKeyShredsEveryDekUnderIt() throws Exception {
        try (Kms kms = KmsConfig.provider(config); DataKeyPair a = kms.generateDataKey(new KekId("orders"), CONTEXT);
             DataKeyPair b = kms.generateDataKey(new KekId("archive"), CONTEXT)) {
            vault.keys.remove("orders"); // DELETE keys/orders (after deletion_allowed=true)
            assertThatThrownBy(() -> kms.unwrap(a.wrapped(), CONTEXT)).isInstanceOf(UnknownKeyException.class)
                    .hasMessageContaining("orders");
            try (DataKey stillThere = kms.unwrap(b.wrapped(), CONTEXT)) {
                assertThat(stillThere.material()).isEqualTo(b.plaintext().material());
            }
        }
    }

    /**
     * Transit has no disabled state: a KEK is taken out of use by deleting it (or by taking the
     * token's policy away, a 403: errorsMapToDistinctTypesAndOnlyTransientOnesAreRetried). Through
     * the stack with its default settings, no new object is encrypted under a deleted key once the
     * cached DEK is 30 s old (kms.dek.cache.max.age.ms).
     */
    @Test
    void aDeletedKeyEncryptsNothingNewOnceTheCachedDekIsThirtySecondsOld() throws Exception {
        Instant[] now = {Instant.parse("2026-11-28T00:00:00Z")};
        Clock clock = new Clock() {
            @Override
            public ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return now[0];
            }
        };
        try (DecoratedKms stack = DecoratedKms.around(KmsConfig.provider(config), KmsConfig.stackConfig(config), clock,
                millis -> { })) {
            KekId orders = stack.kms().resolve("orders");
            stack.kms().generateDataKey(orders, CONTEXT).close();
            vault.keys.remove("orders"); // DELETE keys/orders (after deletion_allowed=true)
            now[0] = now[0].plusSeconds(29);
            stack.kms().generateDataKey(orders, CONTEXT).close(); // the documented window
            now[0] = now[0].plusSeconds(1);
            int before = vault.requests.get();
            assertThatThrownBy(() -> stack.kms().generateDataKey(orders, CONTEXT)).isInstanceOf(UnknownKeyException.class)
                    .hasMessageContaining("'orders'");
            assertThat(vault.requests.get() - before).as("refused once, not retried").isEqualTo(1);
            assertThatThrownBy(() -> stack.kms().resolve("orders")).isInstanceOf(UnknownKeyException.class);
        }
    }

    @Test
    void plainHttpIsRefused() {
        config.put("kms.vault.address", "http://127.0.0.1:8200");
        assertThatThrownBy(() -> KmsConfig.provider(config)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("must be https");
    }
}
