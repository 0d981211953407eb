package io.srrrs.crypto.kms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shared {@code kms.*} keys: documented defaults are the ones used, and each key is read. */
class KmsConfigTest {

    @TempDir
    Path dir;

    @Test
    void noKeysGiveTheRecordDefaults() {
        assertThat(KmsConfig.stackConfig(Map.of())).isEqualTo(DecoratedKms.Config.DEFAULTS);
    }

    @Test
    void theDocumentationShowsTheDefaultsTheRecordsHold() {
        DecoratedKms.Config d = DecoratedKms.Config.DEFAULTS;
        Map<String, String> docs = KmsConfig.COMMON_KEYS;
        assertThat(docs.get("kms.dek.cache.max.age.ms")).endsWith("Default " + d.dekCache().maxAge().toMillis() + " (30 s).");
        assertThat(docs.get("kms.dek.cache.max.objects")).contains("Default " + d.dekCache().maxObjects() + ";");
        assertThat(docs.get("kms.dek.cache.max.bytes")).contains("Default " + d.dekCache().maxBytes() + " (1 TiB);");
        assertThat(docs.get("kms.unwrap.cache.max.entries")).endsWith("Default " + d.unwrapCache().maxEntries() + ".");
        assertThat(docs.get("kms.unwrap.cache.ttl.ms")).endsWith("Default " + d.unwrapCache().ttl().toMillis() + " (5 minutes).");
        assertThat(docs.get("kms.retry.max.attempts")).endsWith("Default " + d.retry().maxAttempts() + ".");
        assertThat(docs.get("kms.retry.initial.backoff.ms")).endsWith("Default " + d.retry().initialBackoff().toMillis() + ".");
        assertThat(docs.get("kms.retry.max.backoff.ms")).endsWith("Default " + d.retry().maxBackoff().toMillis() + ".");
        assertThat(docs.get(KmsConfig.TYPE)).endsWith("Default local.");
        assertThat(docs).hasSize(9);
    }

    @Test
    void everySharedKeyIsRead() {
        DecoratedKms.Config c = KmsConfig.stackConfig(Map.of(
                "kms.dek.cache.max.age.ms", "1000", "kms.dek.cache.max.objects", "7", "kms.dek.cache.max.bytes", "4096",
                "kms.unwrap.cache.max.entries", "3", "kms.unwrap.cache.ttl.ms", "2000",
                "kms.retry.max.attempts", "2", "kms.retry.initial.backoff.ms", "10", "kms.retry.max.backoff.ms", "20"));
        assertThat(c.dekCache()).isEqualTo(new DekCache.Limits(Duration.ofSeconds(1), 7, 4096));
        assertThat(c.unwrapCache()).isEqualTo(new UnwrappedDekCache.Limits(3, Duration.ofSeconds(2)));
        assertThat(c.retry()).isEqualTo(new ResilientKms.RetryPolicy(2, Duration.ofMillis(10), Duration.ofMillis(20)));
    }

    @Test
    void aValueThatIsNotANumberNamesItsKey() {
        assertThatThrownBy(() -> KmsConfig.stackConfig(Map.of("kms.retry.max.attempts", "five")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("kms.retry.max.attempts");
    }

    @Test
    void aSecretFileWinsOverTheInlineValueAndOnlyItsFirstLineCounts() throws IOException {
        Path file = Files.writeString(dir.resolve("pw"), "  from-file \nsecond line\n");
        Map<String, String> config = Map.of("kms.local.password", "inline", "kms.local.password.file", file.toString());
        assertThat(KmsConfig.secret(config, "kms.local.password")).containsExactly("from-file".toCharArray());
        assertThat(KmsConfig.secret(Map.of("kms.local.password", "inline"), "kms.local.password"))
                .containsExactly("inline".toCharArray());
    }

    @Test
    void anEmptyOrMissingSecretFileIsRefusedNamingTheKey() throws IOException {
        Path empty = Files.createFile(dir.resolve("empty"));
        assertThatThrownBy(() -> KmsConfig.secret(Map.of("kms.pkcs11.pin.file", empty.toString()), "kms.pkcs11.pin"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("kms.pkcs11.pin.file")
                .hasMessageContaining("empty");
        assertThatThrownBy(() -> SecretFiles.firstLine(dir.resolve("absent"))).isInstanceOf(IOException.class);
        assertThatThrownBy(() -> KmsConfig.secret(Map.of(), "kms.pkcs11.pin"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("kms.pkcs11.pin (or kms.pkcs11.pin.file)");
    }

    @Test
    void onlyHttpsAddressesAreAccepted() {
        URI https = URI.create("https://vault.internal:8200");
        assertThat(KmsConfig.requireHttps(https, "kms.vault.address")).isSameAs(https);
        assertThatThrownBy(() -> KmsConfig.requireHttps(URI.create("http://vault.internal:8200"), "kms.vault.address"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("kms.vault.address must be https");
    }
}
