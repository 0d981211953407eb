package io.srrrs.chaos;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;

/**
 * The baseline side of {@code bin/bench e2e}: plain S3 calls of the same bytes on the same store
 * through the same SDK, no encryption, no Kafka. Each call returns the wall time it took in nanoseconds.
 */
final class E2eRaw {

    private final S3Client s3;

    E2eRaw(S3Client s3) {
        this.s3 = s3;
    }

    /** PutObject of each body under {@code prefix} by {@code threads} threads, all at once. */
    long putAll(String prefix, List<RequestBodySource> bodies, int threads) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        AtomicInteger next = new AtomicInteger();
        long t0 = System.nanoTime();
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                done.add(pool.submit(() -> {
                    for (int i = next.getAndIncrement(); i < bodies.size(); i = next.getAndIncrement()) {
                        String key = String.format("%s%06d", prefix, i);
                        s3.putObject(b -> b.bucket(Workload.BUCKET).key(key), bodies.get(i).body());
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
            return System.nanoTime() - t0;
        } finally {
            pool.shutdownNow();
        }
    }

    /** A request body made when it is sent (a file's is opened then, never held in memory before). */
    @FunctionalInterface
    interface RequestBodySource {
        RequestBody body();
    }

    /**
     * The file as one multipart upload of {@code partSize} parts, {@code concurrency} in flight
     * (the sink's part size and upload concurrency), each part read from the file into its own buffer.
     */
    long multipart(String key, Path file, int partSize, int concurrency) throws Exception {
        long t0 = System.nanoTime();
        String upload = s3.createMultipartUpload(b -> b.bucket(Workload.BUCKET).key(key)).uploadId();
        ExecutorService pool = Executors.newFixedThreadPool(concurrency);
        try (FileChannel ch = FileChannel.open(file)) {
            long size = ch.size();
            int parts = (int) ((size + partSize - 1) / partSize);
            List<Future<CompletedPart>> done = new ArrayList<>();
            for (int p = 0; p < parts; p++) {
                int number = p + 1;
                long at = (long) p * partSize;
                int len = (int) Math.min(partSize, size - at);
                done.add(pool.submit(() -> {
                    ByteBuffer buf = ByteBuffer.allocate(len);
                    while (buf.hasRemaining() && ch.read(buf, at + buf.position()) >= 0) {
                        // positional reads: threads share the channel
                    }
                    String etag = s3.uploadPart(b -> b.bucket(Workload.BUCKET).key(key).uploadId(upload)
                            .partNumber(number), RequestBody.fromByteBuffer(buf.flip())).eTag();
                    return CompletedPart.builder().partNumber(number).eTag(etag).build();
                }));
            }
            List<CompletedPart> completed = new ArrayList<>();
            for (Future<CompletedPart> f : done) {
                completed.add(f.get());
            }
            s3.completeMultipartUpload(b -> b.bucket(Workload.BUCKET).key(key).uploadId(upload)
                    .multipartUpload(m -> m.parts(completed)));
        } finally {
            pool.shutdownNow();
        }
        return System.nanoTime() - t0;
    }

    /** A whole-object GET, read to the end; returns the nanoseconds. */
    long get(String key) {
        long t0 = System.nanoTime();
        try (InputStream in = s3.getObject(b -> b.bucket(Workload.BUCKET).key(key))) {
            drain(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return System.nanoTime() - t0;
    }

    /** A ranged GET of {@code length} bytes at {@code offset}, read to the end. */
    long getRange(String key, long offset, long length) {
        long t0 = System.nanoTime();
        String range = "bytes=" + offset + "-" + (offset + length - 1);
        try (InputStream in = s3.getObject(b -> b.bucket(Workload.BUCKET).key(key).range(range))) {
            long n = drain(in);
            if (n != length) {
                throw new IllegalStateException("ranged GET of " + length + " bytes returned " + n);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return System.nanoTime() - t0;
    }

    /** Reads to the end through a 64 KiB buffer; returns the bytes read. */
    static long drain(InputStream in) throws IOException {
        byte[] buf = new byte[64 * 1024];
        long total = 0;
        for (int n; (n = in.read(buf)) >= 0; ) {
            total += n;
        }
        return total;
    }
}
