package io.srrrs.topology;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Reads a running topology's ops endpoint as Prometheus and a kubelet would: for the integration tests. */
final class OpsScrape {

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final int port;

    OpsScrape(EncryptorApp app) {
        this.port = app.metricsPort();
    }

    HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The status of {@code path} once it is {@code status}, or the last one seen after {@code timeout}. */
    int awaitStatus(String path, int status, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        int seen = get(path).statusCode();
        while (seen != status && System.nanoTime() < deadline) {
            Thread.sleep(200);
            seen = get(path).statusCode();
        }
        return seen;
    }

    /**
     * The sum of every sample of {@code name} (exactly that name, any labels) whose labels contain
     * {@code labelFilter} (e.g. {@code format="s3ec-v3"}; empty for all).
     */
    static double sum(String text, String name, String labelFilter) {
        double total = 0;
        for (String line : text.split("\n")) {
            if (line.startsWith("#") || !line.startsWith(name)) {
                continue;
            }
            String rest = line.substring(name.length());
            if (!rest.startsWith(" ") && !rest.startsWith("{")) {
                continue; // another metric sharing the prefix
            }
            if (!labelFilter.isEmpty() && !(rest.startsWith("{") && rest.substring(0, rest.indexOf('}')).contains(labelFilter))) {
                continue;
            }
            total += Double.parseDouble(rest.substring(rest.lastIndexOf(' ') + 1));
        }
        return total;
    }
}
