package io.srrrs.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.security.MessageDigest;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** An SSE-C key's wire form, its zeroing, and the one rule for sending it (https only). */
class SseCTest {

    static byte[] key() {
        byte[] key = new byte[32];
        for (int i = 0; i < key.length; i++) {
            key[i] = (byte) (i * 13 + 5);
        }
        return key;
    }

    @Test
    void theKeyAndItsMd5AreBase64AsTheStoreWantsThem() throws Exception {
        byte[] key = key();
        SseC sse = SseC.of(key);
        assertThat(sse.algorithm()).isEqualTo(SseC.ALGORITHM).isEqualTo("AES256");
        assertThat(Base64.getDecoder().decode(sse.keyBase64())).isEqualTo(key);
        assertThat(Base64.getDecoder().decode(sse.keyMd5Base64())).isEqualTo(MessageDigest.getInstance("MD5").digest(key));
        assertThat(key).as("of() leaves the caller's array to the caller").isEqualTo(key());
    }

    @Test
    void onlyA32ByteKeyIsTaken() {
        for (int n : new int[] {0, 1, 16, 24, 31, 33, 48, 64}) {
            assertThatThrownBy(() -> SseC.of(new byte[n])).as("%d bytes", n).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("32 bytes");
        }
    }

    @Test
    void consumingZeroesTheKeyItTookAndOneItRefused() {
        byte[] key = key();
        SseC sse = SseC.consuming(key);
        assertThat(key).containsOnly(0);
        assertThat(Base64.getDecoder().decode(sse.keyBase64())).isEqualTo(key());
        byte[] tooShort = {1, 2, 3};
        assertThatThrownBy(() -> SseC.consuming(tooShort)).isInstanceOf(IllegalArgumentException.class);
        assertThat(tooShort).containsOnly(0);
    }

    @Test
    void toStringShowsTheMd5ButNeverTheKey() {
        SseC sse = SseC.of(key());
        assertThat(sse.toString()).doesNotContain(sse.keyBase64()).contains(sse.keyMd5Base64());
    }

    @Test
    void sseCIsAllowedOverHttpsAndTowardsAwsOnly() {
        assertThat(SseC.allowedOver(StoreConfig.of(URI.create("https://s3.example:9443"), "a", "b", null))).isTrue();
        assertThat(SseC.allowedOver(StoreConfig.of(URI.create("HTTPS://s3.example"), "a", "b", null))).isTrue();
        assertThat(SseC.allowedOver(StoreConfig.of(null, "a", "b", null))).as("AWS's regional endpoint").isTrue();
        assertThat(SseC.allowedOver(StoreConfig.of(URI.create("http://s3.example"), "a", "b", null))).isFalse();
        assertThat(SseC.allowedOver(StoreConfig.of(URI.create("Http://s3.example"), "a", "b", null))).isFalse();
    }

    @Test
    void requireHttpsRefusesPlainHttpPermanentlyNamingWhere() {
        StoreConfig http = StoreConfig.of(URI.create("http://10.0.0.7:9000"), "a", "b", null);
        assertThatThrownBy(() -> SseC.requireHttps(http)).isInstanceOfSatisfying(StoreException.class,
                e -> assertThat(e.kind()).isEqualTo(StoreException.Kind.PERMANENT))
                .hasMessageContaining("http://10.0.0.7:9000").hasMessageContaining("plain http");
        assertThatThrownBy(() -> SseC.requireHttps(false, "the store of s3://b/k")).isInstanceOfSatisfying(
                StoreException.class, e -> assertThat(e.kind()).isEqualTo(StoreException.Kind.PERMANENT))
                .hasMessageContaining("the store of s3://b/k").hasMessageContaining("plain http");
        SseC.requireHttps(true, "anywhere");
        SseC.requireHttps(StoreConfig.of(null, "a", "b", null));
    }
}
