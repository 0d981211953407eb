package io.srrrs.topology.source;

import io.srrrs.crypto.pki.Tls;
import io.srrrs.schemas.PayloadReference;
import io.srrrs.schemas.UriSource;
import io.srrrs.topology.BadReferenceException;
import io.srrrs.topology.RejectReason;
import io.srrrs.topology.Sanitizer;

import java.io.FilterInputStream;
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
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.SSLContext;

/**
 * {@code https://host/path} payloads from allow-listed hosts, TLS 1.3 only. Redirects are
 * followed by hand, at most {@code maxRedirects}, and every hop must be https to an allowed
 * host. A whole download has a deadline; past it the stream is cut and the reference goes to
 * the DLQ. 5xx and network failures are retried; 4xx answers go to the DLQ.
 */
public final class HttpsPayloadSource implements PayloadSource {

    private final List<String> allowedHosts;
    private final HttpClient http;
    private final Duration timeout;
    private final int maxRedirects;
    private final ScheduledExecutorService deadlines = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "srrrs-https-source-deadlines");
        t.setDaemon(true);
        return t;
    });

    public HttpsPayloadSource(List<String> allowedHosts, SSLContext ssl, Duration connectTimeout, Duration timeout,
                              int maxRedirects) {
        this.allowedHosts = allowedHosts.stream().map(h -> h.trim().toLowerCase(Locale.ROOT)).filter(h -> !h.isEmpty())
                .toList();
        this.http = HttpClient.newBuilder().sslContext(ssl).sslParameters(Tls.onlyTls13(ssl))
                .connectTimeout(connectTimeout).followRedirects(HttpClient.Redirect.NEVER).build();
        this.timeout = timeout;
        this.maxRedirects = maxRedirects;
    }

    @Override
    public OpenedPayload open(PayloadReference reference) throws BadReferenceException, IOException {
        String raw = ((UriSource) reference.getSource()).getUri();
        URI uri = parse(raw);
        check(uri, RejectReason.HOST_NOT_ALLOWED);
        for (int hop = 0; ; hop++) {
            HttpResponse<InputStream> response = get(uri);
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
                return new OpenedPayload(withDeadline(response.body()), length);
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

    private HttpResponse<InputStream> get(URI uri) throws IOException, BadReferenceException {
        try {
            return http.send(HttpRequest.newBuilder(uri).timeout(timeout).GET().build(),
                    HttpResponse.BodyHandlers.ofInputStream());
        } catch (HttpTimeoutException e) {
            throw new BadReferenceException(RejectReason.SOURCE_FAILED, Sanitizer.uri(uri.toString()) + " timed out");
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

    /**
     * Cuts the stream when the download's deadline passes; reads then fail with
     * {@link DeadlineExceededException}. That includes a read that was blocked when the deadline
     * closed the body: the JDK's stream then fails it with a plain {@code IOException("closed")},
     * which would otherwise look like a transient network failure.
     */
    private InputStream withDeadline(InputStream body) {
        AtomicBoolean expired = new AtomicBoolean();
        ScheduledFuture<?> cut = deadlines.schedule(() -> {
            expired.set(true); // before the close, so that the read it fails sees the deadline
            try {
                body.close();
            } catch (IOException ignored) {
                // already closed
            }
        }, timeout.toMillis(), TimeUnit.MILLISECONDS);
        return new FilterInputStream(body) {
            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                checkDeadline(null);
                int n;
                try {
                    n = super.read(b, off, len);
                } catch (IOException e) {
                    checkDeadline(e);
                    throw e;
                }
                return n < 0 ? endOfBody(n) : n;
            }

            @Override
            public int read() throws IOException {
                checkDeadline(null);
                int n;
                try {
                    n = super.read();
                } catch (IOException e) {
                    checkDeadline(e);
                    throw e;
                }
                return n < 0 ? endOfBody(n) : n;
            }

            @Override
            public long skip(long n) throws IOException {
                checkDeadline(null);
                try {
                    return super.skip(n);
                } catch (IOException e) {
                    checkDeadline(e);
                    throw e;
                }
            }

            /** An end of body seen once the deadline has closed it is not trusted as the payload's end. */
            private int endOfBody(int eof) throws DeadlineExceededException {
                checkDeadline(null);
                return eof;
            }

            /** Past the deadline every read fails as the deadline, whatever the cut made the body throw. */
            private void checkDeadline(IOException cause) throws DeadlineExceededException {
                if (expired.get()) {
                    DeadlineExceededException e = new DeadlineExceededException(timeout);
                    if (cause != null) {
                        e.initCause(cause);
                    }
                    throw e;
                }
            }

            @Override
            public void close() throws IOException {
                cut.cancel(false);
                super.close();
            }
        };
    }

    /** A download that took longer than srrrs.source.https.timeout.ms. */
    public static final class DeadlineExceededException extends IOException {
        DeadlineExceededException(Duration timeout) {
            super("download took longer than srrrs.source.https.timeout.ms = " + timeout.toMillis() + " ms");
        }
    }

    @Override
    public void close() {
        deadlines.shutdownNow();
    }
}
