package io.srrrs.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.srrrs.crypto.pki.LocalCa;
import io.srrrs.embedded.EmbeddedS3;
import io.srrrs.store.StoreClients;
import io.srrrs.store.StoreConfig;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Listings while the store is still writing: S3Proxy's filesystem store answers 500 to any listing
 * that meets an upload in progress, and the commands that list (the demo's and publish's wait,
 * {@code ls}, {@code rewrap --prefix}) must wait that out rather than fail.
 */
class BucketsTest {

    @TempDir
    Path dir;

    @Test
    void aListingS3ProxyFailsDuringAnUploadIsAskedAgainAndShowsTheUploadOnceItHasLanded() throws Exception {
        LocalCa ca = LocalCa.createOrLoad(dir.resolve("ca"));
        try (EmbeddedS3 store = EmbeddedS3.start(dir.resolve("s3"), ca);
             S3Client s3 = StoreClients.s3(StoreConfig.of(store.httpsEndpoint(), store.accessKey(), store.secretKey(),
                     ca.truststore()))) {
            s3.createBucket(b -> b.bucket("data"));
            s3.putObject(b -> b.bucket("data").key("landed"), RequestBody.fromString("here"));
            CountDownLatch release = new CountDownLatch(1);
            int half = 256 * 1024;
            CompletableFuture<?> upload = CompletableFuture.runAsync(() -> s3.putObject(b -> b.bucket("data").key("slow"),
                    RequestBody.fromContentProvider(() -> new HeldStream(half, release), 2L * half, "application/octet-stream")));
            awaitTemporaryFile(store.dataDir().resolve("data"), "slow-");

            // What the patience is for: S3Proxy itself fails the listing while the upload runs.
            assertThatThrownBy(() -> s3.listObjectsV2(b -> b.bucket("data"))).isInstanceOfSatisfying(S3Exception.class,
                    e -> assertThat(e.statusCode()).isEqualTo(500));
            CompletableFuture.delayedExecutor(1, TimeUnit.SECONDS).execute(release::countDown);
            assertThat(Buckets.keys(s3, "data", Duration.ofSeconds(30))).containsExactly("landed", "slow");
            upload.get(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void aStoreThatKeepsFailingStillFailsOnceThePatienceHasPassed() {
        CountingStore store = new CountingStore(Integer.MAX_VALUE, 500);
        long started = System.nanoTime();
        assertThatThrownBy(() -> Buckets.list(store, "data", null, Duration.ofMillis(700)))
                .isInstanceOfSatisfying(S3Exception.class, e -> assertThat(e.statusCode()).isEqualTo(500));
        assertThat(store.calls.get()).isBetween(2, 5);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void aRefusalIsNotAskedAgain() {
        CountingStore store = new CountingStore(Integer.MAX_VALUE, 403);
        assertThatThrownBy(() -> Buckets.list(store, "data", null, Duration.ofSeconds(30)))
                .isInstanceOfSatisfying(S3Exception.class, e -> assertThat(e.statusCode()).isEqualTo(403));
        assertThat(store.calls.get()).isEqualTo(1);
    }

    @Test
    void aFewServerErrorsAreWaitedOut() {
        CountingStore store = new CountingStore(2, 503);
        assertThat(Buckets.list(store, "data", null, Duration.ofSeconds(30))).extracting(S3Object::key).containsExactly("k");
        assertThat(store.calls.get()).isEqualTo(3);
    }

    private static void awaitTemporaryFile(Path bucketDir, String prefix) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            try (Stream<Path> files = Files.list(bucketDir)) {
                if (files.anyMatch(p -> p.getFileName().toString().startsWith(prefix))) {
                    return;
                }
            }
            Thread.sleep(20);
        }
        throw new AssertionError("S3Proxy never started writing the upload");
    }

    /** {@code half} bytes at once, then nothing until {@code release}, then {@code half} more. */
    private static final class HeldStream extends InputStream {
        private final int half;
        private final CountDownLatch release;
        private int sent;

        HeldStream(int half, CountDownLatch release) {
            this.half = half;
            this.release = release;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (sent >= 2 * half) {
                return -1;
            }
            if (sent == half) {
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted", e);
                }
            }
            int n = Math.min(len, (sent < half ? half : 2 * half) - sent);
            sent += n;
            return n; // the bytes' values do not matter: zeros as the caller's buffer holds them
        }
    }

    /** A store whose first {@code failures} listings are answered with {@code status}, then one object. */
    private static final class CountingStore implements S3Client {
        final AtomicInteger calls = new AtomicInteger();
        private final int failures;
        private final int status;

        CountingStore(int failures, int status) {
            this.failures = failures;
            this.status = status;
        }

        @Override
        public ListObjectsV2Response listObjectsV2(ListObjectsV2Request request) {
            if (calls.incrementAndGet() <= failures) {
                throw (S3Exception) S3Exception.builder().statusCode(status).message("status " + status).build();
            }
            return ListObjectsV2Response.builder().contents(List.of(S3Object.builder().key("k").build())).isTruncated(false)
                    .build();
        }

        @Override
        public String serviceName() {
            return "s3";
        }

        @Override
        public void close() {
        }
    }
}
