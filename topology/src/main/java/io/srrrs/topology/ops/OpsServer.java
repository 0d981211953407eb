package io.srrrs.topology.ops;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The JDK's HTTP server on {@code srrrs.metrics.port}: {@code GET /metrics} (Prometheus text
 * format), {@code GET /health/live} and {@code GET /health/ready} (200 or 503 with the reason as
 * plain text). No framework: three read-only routes on two daemon threads, so a slow probe check
 * does not hold up a scrape.
 */
public final class OpsServer implements AutoCloseable {

    /** Prometheus' text exposition format 0.0.4, what {@link #start}'s scrape supplier writes. */
    static final String METRICS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
    private static final Logger LOG = LoggerFactory.getLogger(OpsServer.class);

    private final HttpServer server;
    private final ExecutorService executor;

    private OpsServer(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    /**
     * Binds {@code address} (port 0: a free one, see {@link #port()}) and serves.
     *
     * @param scrape the metrics now, in Prometheus' text format
     */
    public static OpsServer start(InetSocketAddress address, Supplier<String> scrape, Health.Source health) {
        HttpServer server;
        try {
            server = HttpServer.create(address, 16);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot serve metrics and probes on " + address.getHostString() + ":"
                    + address.getPort() + " (" + e.getMessage() + "): set " + OpsConfig.PORT + " to a free port, 0 for "
                    + "any free one, or -1 for none", e);
        }
        ExecutorService executor = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "srrrs-ops-http");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/metrics", ex -> respond(ex, 200, METRICS_CONTENT_TYPE, scrape.get()));
        server.createContext("/health/live", ex -> probe(ex, health.live()));
        server.createContext("/health/ready", ex -> probe(ex, health.ready()));
        server.start();
        OpsServer ops = new OpsServer(server, executor);
        LOG.info("metrics and health on http://{}:{}/ (/metrics, /health/live, /health/ready)",
                address.getHostString(), ops.port());
        return ops;
    }

    /** The port bound: the configured one, or the free one port 0 took. */
    public int port() {
        return server.getAddress().getPort();
    }

    private static void probe(HttpExchange ex, Health h) throws IOException {
        respond(ex, h.up() ? 200 : 503, "text/plain; charset=utf-8", h.reason() + "\n");
    }

    private static void respond(HttpExchange ex, int status, String contentType, String body) throws IOException {
        try (ex) {
            String method = ex.getRequestMethod();
            if (!"GET".equals(method) && !"HEAD".equals(method)) {
                ex.getResponseHeaders().set("Allow", "GET, HEAD");
                ex.sendResponseHeaders(405, -1);
                return;
            }
            if (!isExact(ex)) {
                ex.sendResponseHeaders(404, -1);
                return;
            }
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", contentType);
            ex.getResponseHeaders().set("Cache-Control", "no-store");
            boolean head = "HEAD".equals(method);
            ex.sendResponseHeaders(status, head ? -1 : bytes.length);
            if (!head) {
                try (OutputStream out = ex.getResponseBody()) {
                    out.write(bytes);
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("ops endpoint {} failed: {}", ex.getRequestURI().getPath(), e.toString());
            throw e;
        }
    }

    /** A context matches by prefix: {@code /metricsfoo} is not {@code /metrics}. */
    private static boolean isExact(HttpExchange ex) {
        return ex.getRequestURI().getPath().equals(ex.getHttpContext().getPath());
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
