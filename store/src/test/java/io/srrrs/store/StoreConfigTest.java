package io.srrrs.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** What a store configuration accepts, its defaults, and what it shows of itself. */
class StoreConfigTest {

    static final URI ENDPOINT = URI.create("https://s3.example:9443");

    @Test
    void theDefaultsArePathStyleFiveAttemptsAndChangeitOnlyWithATrustStore() {
        StoreConfig with = StoreConfig.of(ENDPOINT, "a", "b", Path.of("trust.p12"));
        assertThat(with.region()).isEqualTo("us-east-1");
        assertThat(with.pathStyle()).isTrue();
        assertThat(with.maxAttempts()).isEqualTo(5);
        assertThat(with.baseBackoff()).isEqualTo(Duration.ofMillis(200));
        assertThat(with.maxBackoff()).isEqualTo(Duration.ofSeconds(10));
        assertThat(with.truststorePassword()).isEqualTo("changeit");
        assertThat(StoreConfig.of(ENDPOINT, "a", "b", null).truststorePassword()).isNull();
    }

    @Test
    void credentialsComeInPairsOrNotAtAll() {
        assertThatThrownBy(() -> StoreConfig.of(ENDPOINT, "a", null, null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("both");
        assertThatThrownBy(() -> StoreConfig.of(ENDPOINT, null, "b", null)).isInstanceOf(IllegalArgumentException.class);
        assertThat(StoreConfig.of(ENDPOINT, null, null, null).accessKey()).isNull();
    }

    @Test
    void atLeastOneAttemptAndARegionAndBackoffs() {
        assertThatThrownBy(() -> new StoreConfig(ENDPOINT, "r", true, null, null, null, null, 0, Duration.ZERO,
                Duration.ZERO)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least 1");
        assertThatThrownBy(() -> new StoreConfig(ENDPOINT, null, true, null, null, null, null, 1, Duration.ZERO,
                Duration.ZERO)).isInstanceOf(NullPointerException.class).hasMessageContaining("region");
        assertThatThrownBy(() -> new StoreConfig(ENDPOINT, "r", true, null, null, null, null, 1, null,
                Duration.ZERO)).isInstanceOf(NullPointerException.class).hasMessageContaining("baseBackoff");
        assertThatThrownBy(() -> new StoreConfig(ENDPOINT, "r", true, null, null, null, null, 1, Duration.ZERO,
                null)).isInstanceOf(NullPointerException.class).hasMessageContaining("maxBackoff");
    }

    @Test
    void httpsIsTheSchemeInAnyCaseOrAwsItself() {
        assertThat(StoreConfig.of(ENDPOINT, "a", "b", null).isHttps()).isTrue();
        assertThat(StoreConfig.of(URI.create("hTTpS://h"), "a", "b", null).isHttps()).isTrue();
        assertThat(StoreConfig.of(null, "a", "b", null).isHttps()).isTrue();
        assertThat(StoreConfig.of(URI.create("http://h"), "a", "b", null).isHttps()).isFalse();
    }

    @Test
    void toStringNamesTheStoreButNeverTheSecretKey() {
        StoreConfig c = StoreConfig.of(ENDPOINT, "AKIDEXAMPLE", "wJalrXUtnFEMI-secret", null);
        assertThat(c.toString()).contains("s3.example:9443").contains("AKIDEXAMPLE").doesNotContain("wJalrXUtnFEMI");
        StoreConfig aws = new StoreConfig(null, "eu-west-1", false, null, null, null, null, 1, Duration.ZERO,
                Duration.ZERO);
        assertThat(aws.toString()).contains("AWS eu-west-1").contains("default credentials");
    }
}
