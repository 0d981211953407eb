package io.srrrs.topology.source;

import io.srrrs.crypto.pki.Tls;
import io.srrrs.schemas.PayloadReference;
import io.srrrs.schemas.UriSource;
import io.srrrs.topology.BadReferenceException;
import io.srrrs.topology.RejectReason;
import io.srrrs.topology.Sanitizer;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import javax.net.ssl.SSLContext;

/**
 * {@code https://host/path} payloads from allow-listed hosts, TLS 1.3 only. Redirects are
 * followed by hand, at most {@code maxRedirects}, and every hop must be https to an allowed
 * host. Connecting, every hop's headers and the body all come out of one
 * {@link SourceDeadline}: each request may wait only what is left of it, and {@link PayloadSources}
 * cuts the body where it ends; past it the reference goes to the DLQ as SOURCE_FAILED. 5xx and
 * network failures are retried; 4xx answers go to the DLQ.
 */
public final class HttpsPayloadSource implements PayloadSource {

    private final List<String> allowedHosts;
    private final HttpClient http;
    private final int maxRedirects;

    /** {@code connectTimeout} bounds each connection; the deadline of each payload bounds everything. */
    public HttpsPayloadSource(List<String> allowedHosts, SSLContext ssl, Duration connectTimeout, int maxRedirects) {
        this.allowedHosts = allowedHosts.stream().map(h -> h.trim().toLowerCase(Locale.ROOT)).filter(h -> !h.isEmpty())
                .toList();
        this.http = HttpClient.newBuilder().sslContext(ssl).sslParameters(Tls.onlyTls13(ssl))
                .connectTimeout(connectTimeout).followRedirects(HttpClient.Redirect.NEVER).build();
        this.maxRedirects = maxRedirects;
    }

    @Override
    public OpenedPayload open(PayloadReference reference, SourceDeadline deadline) throws BadReferenceException, IOException {
        String raw = ((UriSource) reference.getSource()).getUri();
        URI uri = parse(raw);
        check(uri, RejectReason.HOST_NOT_ALLOWED);
        for (int hop = 0; ; hop++) {
            HttpResponse<InputStream> response = get(uri, deadline);
            int status = response.statusCode();
            if (status >= 300 && status < 400 && status != 304) {
                response.body().close();
                String location = response.headers().firstValue("Location").orElseThrow(() -> new BadReferenceException(
                        RejectReason.SOURCE_FAILED, "redirect without Location from " + Sanitizer.uri(raw)));
                if (hop >= maxRedirects) {
                    throw new BadReferenceException(RejectReason.REDIRECT_NOT_ALLOWED, "more than " + maxRedirects
                            + " redirects from " + Sanitizer.uri(raw));
                }
                URI next = uri.resolve(parse(location));
                check(next, RejectReason.REDIRECT_NOT_ALLOWED);
                uri = next;
                continue;
            }
            if (status == 200) {
                long length = response.headers().firstValueAsLong("Content-Length").orElse(-1);
                return new OpenedPayload(response.body(), length);
            }
            response.body().close();
            String where = Sanitizer.uri(uri.toString());
            if (status == 404 || status == 410) {
                throw new BadReferenceException(RejectReason.SOURCE_NOT_FOUND, where + " answered " + status);
            }
            if (status == 401 || status == 403) {
                throw new BadReferenceException(RejectReason.SOURCE_FORBIDDEN, where + " answered " + status);
            }
            if (status >= 500 || status == 429) {
                throw new IOException(where + " answered " + status);
            }
            throw new BadReferenceException(RejectReason.SOURCE_FAILED, where + " answered " + status);
        }
    }

    /** One hop, waiting for its headers only what is left of the deadline. */
    private HttpResponse<InputStream> get(URI uri, SourceDeadline deadline) throws IOException, BadReferenceException {
        try {
            return http.send(HttpRequest.newBuilder(uri).timeout(deadline.remaining()).GET().build(),
                    HttpResponse.BodyHandlers.ofInputStream());
        } catch (HttpTimeoutException e) {
            throw new BadReferenceException(RejectReason.SOURCE_FAILED, Sanitizer.uri(uri.toString()) + " timed out ("
                    + "srrrs.source.deadline.ms = " + deadline.budget().toMillis() + " ms, or its connect timeout)");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    private static URI parse(String raw) throws BadReferenceException {
        try {
            return new URI(raw);
        } catch (URISyntaxException e) {
            throw new BadReferenceException(RejectReason.UNSUPPORTED_SOURCE, "https URI does not parse");
        }
    }

    private void check(URI uri, RejectReason reason) throws BadReferenceException {
        if (!"https".equalsIgnoreCase(uri.getScheme())) {
            throw new BadReferenceException(reason, "only https is allowed, not " + Sanitizer.text(String.valueOf(uri.getScheme()))
                    + " (" + Sanitizer.uri(uri.toString()) + ")");
        }
        if (uri.getRawUserInfo() != null) {
            throw new BadReferenceException(RejectReason.UNSUPPORTED_SOURCE,
                    "credentials in a source URI are refused; configure them instead");
        }
        String host = uri.getHost() == null ? "" : uri.getHost().toLowerCase(Locale.ROOT);
        boolean allowed = allowedHosts.stream().anyMatch(a -> a.startsWith("*.")
                ? host.endsWith(a.substring(1)) && host.length() > a.length() - 1
                : host.equals(a));
        if (!allowed) {
            throw new BadReferenceException(reason, "host '" + Sanitizer.text(host) + "' is not in "
                    + "srrrs.source.https.allowed.hosts");
        }
    }
}
