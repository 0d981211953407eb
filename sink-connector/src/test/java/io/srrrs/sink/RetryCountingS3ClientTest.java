package io.srrrs.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.srrrs.store.StoreClients;
import io.srrrs.store.StoreConfig;

import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;

/** The retries the SDK makes inside one call are counted: a store that answers 503 to everything, then 200. */
class RetryCountingS3ClientTest {

    @Test
    void eachAttemptAfterTheFirstIsOneRetry() throws Exception {
        AtomicInteger requests = new AtomicInteger();
        AtomicInteger failFirst = new AtomicInteger(4);
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            requests.incrementAndGet();
            exchange.getRequestBody().readAllBytes();
            boolean fail = failFirst.getAndDecrement() > 0;
            exchange.sendResponseHeaders(fail ? 503 : 200, -1);
            exchange.close();
        });
        server.start();
        AtomicLong retries = new AtomicLong();
        StoreConfig config = new StoreConfig(URI.create("http://127.0.0.1:" + server.getAddress().getPort()),
                "us-east-1", true, "ak", "sk", null, null, 3, Duration.ofMillis(1), Duration.ofMillis(5));
        try (S3Client s3 = new RetryCountingS3Client(StoreClients.s3(config), retries::addAndGet)) {
            // Three attempts, all 503: the call fails after two retries.
            assertThatThrownBy(() -> s3.putObject(b -> b.bucket("b").key("k"), RequestBody.fromString("x")))
                    .isInstanceOf(S3Exception.class);
            assertThat(requests.get()).isEqualTo(3);
            assertThat(retries.get()).isEqualTo(2);
            // One more 503, then 200: one retry, and the call succeeds.
            s3.putObject(b -> b.bucket("b").key("k"), RequestBody.fromString("x"));
            assertThat(requests.get()).isEqualTo(5);
            assertThat(retries.get()).isEqualTo(3);
            // No failure: no retry counted.
            s3.headBucket(b -> b.bucket("b"));
            assertThat(retries.get()).isEqualTo(3);
        } finally {
            server.stop(0);
        }
    }
}
