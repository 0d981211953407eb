package io.srrrs.cli;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Object locations as the commands take them ({@code [s3://]BUCKET/KEY}) and bucket listings.
 *
 * <p>A listing page the store answers with a 5xx is asked again for a while before the error
 * stands: S3Proxy's filesystem store (the local stack's store without Ceph) fails a whole listing
 * with 500 while any object in the listed tree is still being uploaded, because it reads the
 * {@code user.content-md5} attribute of every file and its upload's temporary file has none yet
 * (S3Proxy 2.6.0; fixed upstream in 3.1.0, gaul/s3proxy#963). The SDK's own three attempts are
 * too quick for a large upload; a real outage still surfaces once the patience has passed.
 */
final class Buckets {

    /** How long {@link #list(S3Client, String, String)} asks a page again that the store answered with a 5xx. */
    static final Duration LISTING_PATIENCE = Duration.ofSeconds(15);

    private static final long RETRY_PAUSE_MILLIS = 200;

    private Buckets() {
    }

    /** {@code [s3://]BUCKET[/KEY]} as bucket and key (empty when none). */
    static List<String> splitBucketKey(String location) {
        String s = location.startsWith("s3://") ? location.substring(5) : location;
        int slash = s.indexOf('/');
        if (slash < 0) {
            return List.of(s, "");
        }
        return List.of(s.substring(0, slash), s.substring(slash + 1));
    }

    /** Every object under {@code prefix} (null: the whole bucket, no prefix sent), page after page. */
    static List<S3Object> list(S3Client s3, String bucket, String prefix) {
        return list(s3, bucket, prefix, LISTING_PATIENCE);
    }

    /** As {@link #list(S3Client, String, String)}, asking a page answered with a 5xx again for up to {@code patience}. */
    static List<S3Object> list(S3Client s3, String bucket, String prefix, Duration patience) {
        List<S3Object> objects = new ArrayList<>();
        String token = null;
        do {
            ListObjectsV2Response page = page(s3, bucket, prefix, token, patience);
            objects.addAll(page.contents());
            token = page.isTruncated() ? page.nextContinuationToken() : null;
        } while (token != null);
        return objects;
    }

    static Set<String> keys(S3Client s3, String bucket) {
        return keys(s3, bucket, LISTING_PATIENCE);
    }

    static Set<String> keys(S3Client s3, String bucket, Duration patience) {
        Set<String> keys = new TreeSet<>();
        list(s3, bucket, null, patience).stream().map(S3Object::key).forEach(keys::add);
        return keys;
    }

    private static ListObjectsV2Response page(S3Client s3, String bucket, String prefix, String token, Duration patience) {
        long deadline = System.nanoTime() + patience.toNanos();
        while (true) {
            try {
                return s3.listObjectsV2(b -> b.bucket(bucket).prefix(prefix).continuationToken(token));
            } catch (S3Exception e) {
                if (e.statusCode() < 500 || System.nanoTime() + RETRY_PAUSE_MILLIS * 1_000_000 > deadline) {
                    throw e;
                }
            }
            try {
                Thread.sleep(RETRY_PAUSE_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CliException("interrupted while listing s3://" + bucket);
            }
        }
    }
}
