package io.srrrs.crypto.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class EncryptionContextTest {

    @Example
    void entriesSortByUtf8BytesNotByUtf16() {
        // U+FF21 sorts before U+1F600 in UTF-8 (EF BC A1 < F0 9F 98 80) but after it in UTF-16.
        EncryptionContext ctx = EncryptionContext.of("\uD83D\uDE00", "emoji", "\uFF21", "fullwidth-A", "a", "ascii");
        assertThat(List.copyOf(ctx.asMap().keySet())).containsExactly("a", "\uFF21", "\uD83D\uDE00");
    }

    @Example
    void canonicalBytesAreAsSpecified() {
        EncryptionContext ctx = EncryptionContext.of("tenant", "acme");
        assertThat(HexFormat.of().formatHex(ctx.canonicalBytes())).isEqualTo("0001" + "0006" + "74656e616e74" + "0004" + "61636d65");
        assertThat(HexFormat.of().formatHex(EncryptionContext.EMPTY.canonicalBytes())).isEqualTo("0000");
    }

    @Example
    void metadataFormEscapesEverythingButUnreserved() {
        EncryptionContext ctx = EncryptionContext.of("tenant", "acme", "data class", "pii/é");
        assertThat(ctx.toMetadataValue()).isEqualTo("data%20class=pii%2F%C3%A9&tenant=acme");
        assertThat(EncryptionContext.fromMetadataValue(ctx.toMetadataValue())).isEqualTo(ctx);
    }

    @Provide
    Arbitrary<Map<String, String>> contexts() {
        // At most 3 entries of 6 code points: even all 4-byte code points (12 metadata characters
        // each) stay within the 512-character limit, which limitsAreEnforcedWithClearMessages tests.
        Arbitrary<String> text = Arbitraries.strings().all().ofMinLength(0).ofMaxLength(6)
                .filter(s -> s.codePoints().allMatch(Character::isDefined) && !hasLoneSurrogate(s));
        return Arbitraries.maps(text.filter(s -> !s.isEmpty()), text).ofMaxSize(3);
    }

    private static boolean hasLoneSurrogate(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c)) {
                if (i + 1 >= s.length() || !Character.isLowSurrogate(s.charAt(i + 1))) {
                    return true;
                }
                i++;
            } else if (Character.isLowSurrogate(c)) {
                return true;
            }
        }
        return false;
    }

    @Property(tries = 300)
    void metadataFormRoundTripsAndIsAscii(@ForAll("contexts") Map<String, String> labels) {
        EncryptionContext ctx = EncryptionContext.of(labels);
        String meta = ctx.toMetadataValue();
        assertThat(meta.chars().allMatch(c -> c >= 0x21 && c < 0x7F) || meta.isEmpty()).isTrue();
        assertThat(EncryptionContext.fromMetadataValue(meta)).isEqualTo(ctx);
        assertThat(EncryptionContext.fromMetadataValue(meta).canonicalBytes()).isEqualTo(ctx.canonicalBytes());
    }

    @Example
    void nonCanonicalSpellingsAreRefused() {
        assertThatThrownBy(() -> EncryptionContext.fromMetadataValue("tenant=acme&class=x"))
                .hasMessageContaining("canonical");
        assertThatThrownBy(() -> EncryptionContext.fromMetadataValue("a=%2f")).hasMessageContaining("canonical");
        assertThatThrownBy(() -> EncryptionContext.fromMetadataValue("a=%41")).hasMessageContaining("canonical");
        assertThatThrownBy(() -> EncryptionContext.fromMetadataValue("a=1&a=2")).hasMessageContaining("repeats");
        assertThatThrownBy(() -> EncryptionContext.fromMetadataValue("novalue")).hasMessageContaining("'='");
        assertThatThrownBy(() -> EncryptionContext.fromMetadataValue("a=%C3")).hasMessageContaining("UTF-8");
        assertThatThrownBy(() -> EncryptionContext.fromMetadataValue("a=%zz")).hasMessageContaining("percent");
    }

    @Example
    void limitsAreEnforcedWithClearMessages() {
        Map<String, String> many = new LinkedHashMap<>();
        for (int i = 0; i < 33; i++) {
            many.put("k" + i, "v");
        }
        assertThatThrownBy(() -> EncryptionContext.of(many)).hasMessageContaining("33 entries");
        assertThatThrownBy(() -> EncryptionContext.of("k", "x".repeat(600))).hasMessageContaining("limit is 512");
        assertThatThrownBy(() -> EncryptionContext.of("", "v")).hasMessageContaining("must not be empty");
    }

    @Example
    void identityEncodingAndLimits() {
        assertThat(HexFormat.of().formatHex(new ObjectIdentity("b", "k/é").canonicalBytes()))
                .isEqualTo("000162" + "0004" + "6b2fc3a9");
        assertThatThrownBy(() -> new ObjectIdentity("", "k")).hasMessageContaining("bucket must not be empty");
        assertThatThrownBy(() -> new ObjectIdentity("b", "k".repeat(1025))).hasMessageContaining("1025 bytes");
        assertThatThrownBy(() -> new ObjectIdentity("b", "a\0b")).hasMessageContaining("NUL");
    }
}
