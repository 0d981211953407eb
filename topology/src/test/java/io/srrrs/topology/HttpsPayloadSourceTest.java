package io.srrrs.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.srrrs.crypto.format.EncryptionContext;
import io.srrrs.crypto.format.ObjectIdentity;
import io.srrrs.crypto.pki.LocalCa;
import io.srrrs.crypto.pki.Tls;
import io.srrrs.embedded.PinnedTlsServer;
import io.srrrs.schemas.PayloadReference;
import io.srrrs.schemas.UriSource;
import io.srrrs.topology.source.HttpsPayloadSource;
import io.srrrs.topology.source.OpenedPayload;
import io.srrrs.topology.source.PayloadSources;
import io.srrrs.topology.source.SourceDeadline;
import io.srrrs.topology.source.SourceDeadlineExceededException;
import io.srrrs.topology.source.SourceTooLargeException;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link HttpsPayloadSource} on its own, against TLS servers on loopback: TLS 1.3 only,
 * allow-listed hosts, redirects checked hop by hop, what each status means, the deadline; and the
 * size limit {@link PayloadSources} holds its streams to.
 */
@Timeout(60)
class HttpsPayloadSourceTest {

    static final Duration MINUTE = Duration.ofMinutes(1);

    @TempDir
    static Path dir;
    static LocalCa ca;
    static SSLContext trust;
    static Fixtures.PayloadServer server;

    @BeforeAll
    static void servers() throws Exception {
        ca = LocalCa.createOrLoad(dir.resolve("ca"));
        trust = Tls.clientContext(ca.truststore(), LocalCa.TRUSTSTORE_PASSWORD, "PKCS12");
        server = new Fixtures.PayloadServer(ca);
        server.files.put("/ok.bin", "PAYLOAD".getBytes(StandardCharsets.US_ASCII));
        server.files.put("/1000.bin", new byte[1000]);
        server.files.put("/1001.bin", new byte[1001]);
        server.redirects.put("/one", "/ok.bin");
        server.redirects.put("/two", "/one");
        server.redirects.put("/three", "/two");
        server.redirects.put("/to-ip", server.urlByIp("/ok.bin"));
        server.redirects.put("/to-http", "http://localhost/ok.bin");
        server.redirects.put("/to-elsewhere", "https://elsewhere.example/ok.bin");
        server.redirects.put("/to-credentials", "https://user:pw@localhost/ok.bin");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static HttpsPayloadSource source(List<String> hosts, int maxRedirects) {
        return new HttpsPayloadSource(hosts, trust, Duration.ofSeconds(10), maxRedirects);
    }

    static HttpsPayloadSource source() {
        return source(List.of("localhost", "127.0.0.1"), 2);
    }

    static PayloadReference ref(String uri) {
        return PayloadReference.newBuilder().setId("id").setSource(new UriSource(uri)).setBucket("bucket")
                .setKey("k").setEncryptionContext(Map.of()).build();
    }

    static String read(HttpsPayloadSource source, String uri) throws Exception {
        try (OpenedPayload p = source.open(ref(uri), SourceDeadline.start(MINUTE))) {
            return new String(p.stream().readAllBytes(), StandardCharsets.US_ASCII);
        }
    }

    static RejectReason refusal(HttpsPayloadSource source, String uri) throws IOException {
        try (OpenedPayload p = source.open(ref(uri), SourceDeadline.start(MINUTE))) {
            throw new AssertionError(uri + " was opened");
        } catch (BadReferenceException e) {
            return e.reason();
        }
    }

    /** What the source makes of a server that answers every request with {@code status}. */
    static Object answerTo(int status) throws Exception {
        try (PinnedTlsServer canned = PinnedTlsServer.start(ca, "TLSv1.3", status, "text/plain", "")) {
            return refusal(source(), canned.uri() + "/x");
        } catch (IOException retried) {
            return retried.getClass();
        }
    }

    @Test
    void onlyTls13IsSpoken() throws Exception {
        try (PinnedTlsServer old = PinnedTlsServer.start(ca, "TLSv1.2", 200, "text/plain", "OLD")) {
            assertThatThrownBy(() -> read(source(), old.uri() + "/x"))
                    .satisfies(failure -> assertThat(PinnedTlsServer.refusedForProtocol(failure)).isTrue());
            assertThat(old.protocols()).isEmpty();
        }
        try (PinnedTlsServer current = PinnedTlsServer.start(ca, "TLSv1.3", 200, "text/plain", "NEW")) {
            assertThat(read(source(), current.uri() + "/x")).isEqualTo("NEW");
            assertThat(current.protocols()).containsExactly("TLSv1.3");
        }
    }

    @Test
    void aBodyIsReadWithItsDeclaredLengthOrNone() throws Exception {
        try (OpenedPayload p = source().open(ref(server.url("/ok.bin")), SourceDeadline.start(MINUTE))) {
            assertThat(p.declaredLength()).isEqualTo(7);
            assertThat(p.stream().readAllBytes()).asString(StandardCharsets.US_ASCII).isEqualTo("PAYLOAD");
        }
        try (OpenedPayload p = source().open(ref(server.url("/stream/70000")), SourceDeadline.start(MINUTE))) {
            assertThat(p.declaredLength()).as("chunked").isEqualTo(-1);
            assertThat(p.stream().readAllBytes()).hasSize(70_000);
        }
    }

    @Test
    void onlyHttpsToAnAllowedHostIsOpened() throws Exception {
        assertThat(refusal(source(), "http://localhost:" + server.server.getAddress().getPort() + "/ok.bin"))
                .isEqualTo(RejectReason.HOST_NOT_ALLOWED);
        assertThat(refusal(source(List.of("localhost"), 2), server.urlByIp("/ok.bin"))).isEqualTo(RejectReason.HOST_NOT_ALLOWED);
        assertThat(read(source(List.of(" LocalHost ", ""), 2), server.url("/ok.bin").replace("localhost", "LOCALHOST")))
                .as("host names compare trimmed and case-insensitively").isEqualTo("PAYLOAD");
    }

    @Test
    void aWildcardAllowsHostsBelowTheDomainOnly() throws Exception {
        HttpsPayloadSource wildcard = source(List.of("*.example.com"), 2);
        for (String host : List.of("example.com", "evil-example.com", "a.example.com.evil")) {
            assertThat(refusal(wildcard, "https://" + host + "/x")).as(host).isEqualTo(RejectReason.HOST_NOT_ALLOWED);
        }
        // A wildcard is a suffix of dot-separated labels: with no DNS here, loopback's address stands in for a name.
        assertThat(read(source(List.of("*.0.0.1"), 2), server.urlByIp("/ok.bin"))).isEqualTo("PAYLOAD");
    }

    @Test
    void credentialsInTheUriAreRefused() throws Exception {
        String withUser = server.url("/ok.bin").replace("https://", "https://user:secret@");
        assertThatThrownBy(() -> source().open(ref(withUser), SourceDeadline.start(MINUTE)))
                .isInstanceOf(BadReferenceException.class).hasMessageNotContaining("secret")
                .extracting(e -> ((BadReferenceException) e).reason()).isEqualTo(RejectReason.UNSUPPORTED_SOURCE);
        assertThat(refusal(source(), "https://localhost/a b")).isEqualTo(RejectReason.UNSUPPORTED_SOURCE);
    }

    @Test
    void redirectsAreFollowedUpToTheLimitEachToAnAllowedHost() throws Exception {
        assertThat(read(source(), server.url("/two"))).isEqualTo("PAYLOAD");
        assertThat(read(source(), server.url("/to-ip"))).as("another allowed host").isEqualTo("PAYLOAD");
        assertThat(refusal(source(), server.url("/three"))).isEqualTo(RejectReason.REDIRECT_NOT_ALLOWED);
        assertThat(refusal(source(List.of("localhost"), 0), server.url("/one"))).isEqualTo(RejectReason.REDIRECT_NOT_ALLOWED);
    }

    @Test
    void aRedirectLeavingHttpsOrTheAllowListIsRefused() throws Exception {
        assertThat(refusal(source(), server.url("/to-http"))).isEqualTo(RejectReason.REDIRECT_NOT_ALLOWED);
        assertThat(refusal(source(), server.url("/to-elsewhere"))).isEqualTo(RejectReason.REDIRECT_NOT_ALLOWED);
        assertThat(refusal(source(), server.url("/to-credentials"))).isEqualTo(RejectReason.UNSUPPORTED_SOURCE);
    }

    @Test
    void aRedirectWithoutLocationFails() throws Exception {
        assertThat(answerTo(302)).isEqualTo(RejectReason.SOURCE_FAILED);
    }

    @Test
    void eachStatusHasItsReasonAndServerSideOnesAreRetried() throws Exception {
        assertThat(answerTo(404)).isEqualTo(RejectReason.SOURCE_NOT_FOUND);
        assertThat(answerTo(410)).isEqualTo(RejectReason.SOURCE_NOT_FOUND);
        assertThat(answerTo(401)).isEqualTo(RejectReason.SOURCE_FORBIDDEN);
        assertThat(answerTo(403)).isEqualTo(RejectReason.SOURCE_FORBIDDEN);
        assertThat(answerTo(400)).isEqualTo(RejectReason.SOURCE_FAILED);
        assertThat(answerTo(304)).as("not a redirect").isEqualTo(RejectReason.SOURCE_FAILED);
        assertThat(answerTo(500)).as("an IOException is retried").isEqualTo(IOException.class);
        assertThat(answerTo(503)).isEqualTo(IOException.class);
        assertThat(answerTo(429)).isEqualTo(IOException.class);
    }

    @Test
    void aServerThatNeverAnswersFailsAtTheDeadline() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 4, InetAddress.getByName("127.0.0.1"))) {
            long started = System.nanoTime();
            assertThatThrownBy(() -> source().open(ref("https://127.0.0.1:" + silent.getLocalPort() + "/x"),
                    SourceDeadline.start(Duration.ofMillis(300))))
                    .isInstanceOf(BadReferenceException.class).hasMessageContaining("srrrs.source.deadline.ms = 300 ms")
                    .extracting(e -> ((BadReferenceException) e).reason()).isEqualTo(RejectReason.SOURCE_FAILED);
            assertThat((System.nanoTime() - started) / 1_000_000).isLessThan(5_000L);
        }
    }

    @Test
    void anExpiredDeadlineOpensNothing() throws Exception {
        SourceDeadline deadline = SourceDeadline.start(Duration.ofMillis(1));
        Thread.sleep(5);
        assertThatThrownBy(() -> source().open(ref(server.url("/ok.bin")), deadline))
                .isInstanceOf(SourceDeadlineExceededException.class);
    }

    @Test
    void thePayloadSourcesHoldTheBodyToTheSizeLimit() throws Exception {
        try (PayloadSources sources = new PayloadSources(Map.of("https", source()), 1000, MINUTE)) {
            try (OpenedPayload p = sources.open(valid(server.url("/1000.bin")))) {
                assertThat(p.stream().readAllBytes()).hasSize(1000);
            }
            assertThatThrownBy(() -> sources.open(valid(server.url("/1001.bin")))).as("declared too large")
                    .isInstanceOf(BadReferenceException.class)
                    .extracting(e -> ((BadReferenceException) e).reason()).isEqualTo(RejectReason.SOURCE_TOO_LARGE);
            try (OpenedPayload p = sources.open(valid(server.url("/stream/1001")))) {
                assertThatThrownBy(() -> p.stream().readAllBytes()).as("found too large while read")
                        .isInstanceOf(SourceTooLargeException.class);
            }
        }
    }

    static ReferenceValidator.Valid valid(String uri) {
        return new ReferenceValidator.Valid(ref(uri), new ObjectIdentity("bucket", "k"), EncryptionContext.of(), "https");
    }
}
