package io.srrrs.topology;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * {@link Sanitizer}: what may leave the topology in a DLQ header, a log line or a message. One
 * test per rule it applies.
 */
class SanitizerTest {

    @Test
    void aUriKeepsSchemeHostPortAndPathOnly() {
        assertThat(Sanitizer.uri("https://user:pw@host.example:8443/in/a.bin?X-Amz-Signature=SIG#part"))
                .isEqualTo("https://host.example:8443/in/a.bin");
        assertThat(Sanitizer.uri("https://host.example/in/a.bin")).isEqualTo("https://host.example/in/a.bin");
        assertThat(Sanitizer.uri("s3://staging/in/object.bin?versionId=V1")).isEqualTo("s3://staging/in/object.bin");
        assertThat(Sanitizer.uri("file:/data/in/a.bin")).isEqualTo("file:/data/in/a.bin");
    }

    @Test
    void anAuthorityThatIsNoHostIsDroppedWholeCredentialsIncluded() {
        // An underscore makes the authority registry-based: no host, and user info that URI does not split off.
        String shown = Sanitizer.uri("https://user:SECRET@not_a_host/p");
        assertThat(shown).isEqualTo("https:///p").doesNotContain("SECRET");
    }

    @Test
    void anOpaqueUriLosesItsQuery() {
        assertThat(Sanitizer.uri("inline:payload?token=SECRET")).isEqualTo("inline:payload");
    }

    @Test
    void anUnparsableUriIsNotShownAtAll() {
        assertThat(Sanitizer.uri("https://host/a b?sig=SECRET")).isEqualTo("(unparsable URI)");
    }

    @Test
    void uriInsideTextAreReducedTheSameWay() {
        assertThat(Sanitizer.text("cannot open https://u:SECRET@host:443/k?X-Amz-Signature=SIG now"))
                .isEqualTo("cannot open https://host:443/k now");
        assertThat(Sanitizer.text("redirect to 's3://bucket/k?versionId=V' refused"))
                .isEqualTo("redirect to 's3://bucket/k' refused");
        assertThat(Sanitizer.text("http://h/x?q=1 and file://localhost/etc/x?y")).isEqualTo("http://h/x and file://localhost/etc/x");
    }

    @Test
    void aUriInTextThatDoesNotParseIsReplaced() {
        assertThat(Sanitizer.text("see https://host/%zz?sig=SECRET")).isEqualTo("see (URI)");
    }

    @Test
    void controlCharactersBecomeSpacesButTabsStay() {
        assertThat(Sanitizer.text("a\nb\r\nc\u0000d\u001be\tf")).isEqualTo("a b  c d e\tf");
    }

    @Test
    void nullTextIsEmpty() {
        assertThat(Sanitizer.text(null)).isEmpty();
    }

    @Test
    void longTextIsCutAt500Characters() {
        assertThat(Sanitizer.text("x".repeat(500))).hasSize(500);
        assertThat(Sanitizer.text("x".repeat(501))).isEqualTo("x".repeat(500) + "…");
        assertThat(Sanitizer.uri("https://host/" + "p".repeat(1000))).hasSize(501).endsWith("…");
    }
}
