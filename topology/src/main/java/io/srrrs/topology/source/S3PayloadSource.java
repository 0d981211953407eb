package io.srrrs.topology.source;

import io.srrrs.schemas.PayloadReference;
import io.srrrs.schemas.UriSource;
import io.srrrs.topology.BadReferenceException;
import io.srrrs.topology.RejectReason;
import io.srrrs.topology.Sanitizer;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * {@code s3://bucket/key} payloads from allow-listed staging buckets, streamed with one GET.
 * Missing objects and refused access go to the DLQ; 5xx answers and network failures are
 * retried (an {@link IOException}). The GET, its retries included, may take only what is left of
 * the payload's {@link SourceDeadline} (the SDK's API call timeout); {@link PayloadSources} cuts
 * the body where the deadline ends.
 */
public final class S3PayloadSource implements PayloadSource {

    private final S3Client s3;
    private final Set<String> allowedBuckets;

    public S3PayloadSource(S3Client s3, Set<String> allowedBuckets) {
        this.s3 = s3;
        this.allowedBuckets = Set.copyOf(allowedBuckets);
    }

    @Override
    public OpenedPayload open(PayloadReference reference, SourceDeadline deadline) throws BadReferenceException, IOException {
        String raw = ((UriSource) reference.getSource()).getUri();
        URI uri;
        try {
            uri = new URI(raw);
        } catch (URISyntaxException e) {
            throw new BadReferenceException(RejectReason.UNSUPPORTED_SOURCE, "s3 URI does not parse");
        }
        String bucket = uri.getHost();
        String rawPath = uri.getRawPath();
        if (bucket == null || rawPath == null || rawPath.length() < 2 || uri.getRawQuery() != null) {
            throw new BadReferenceException(RejectReason.UNSUPPORTED_SOURCE, "s3 URIs are s3://bucket/key");
        }
        if (!allowedBuckets.contains(bucket)) {
            throw new BadReferenceException(RejectReason.BUCKET_NOT_ALLOWED, "staging bucket '" + Sanitizer.text(bucket)
                    + "' is not in srrrs.source.s3.allowed.buckets");
        }
        String key = URLDecoder.decode(rawPath.substring(1).replace("+", "%2B"), StandardCharsets.UTF_8);
        try {
            Duration left = deadline.remaining();
            ResponseInputStream<GetObjectResponse> in = s3.getObject(b -> b.bucket(bucket).key(key)
                    .overrideConfiguration(o -> o.apiCallTimeout(left)));
            Long length = in.response().contentLength();
            return new OpenedPayload(in, length == null ? -1 : length);
        } catch (NoSuchKeyException | NoSuchBucketException e) {
            throw new BadReferenceException(RejectReason.SOURCE_NOT_FOUND, "no object " + Sanitizer.uri(raw));
        } catch (S3Exception e) {
            if (e.statusCode() == 403) {
                throw new BadReferenceException(RejectReason.SOURCE_FORBIDDEN, "access to " + Sanitizer.uri(raw) + " denied");
            }
            if (e.statusCode() == 404) {
                throw new BadReferenceException(RejectReason.SOURCE_NOT_FOUND, "no object " + Sanitizer.uri(raw));
            }
            if (e.statusCode() >= 400 && e.statusCode() < 500) {
                throw new BadReferenceException(RejectReason.SOURCE_FAILED, "staging store answered " + e.statusCode()
                        + " for " + Sanitizer.uri(raw));
            }
            throw new IOException("staging store answered " + e.statusCode(), e);
        } catch (ApiCallTimeoutException e) {
            throw new SourceDeadlineExceededException(deadline.budget());
        } catch (SdkClientException e) {
            throw new IOException("staging store unreachable: " + Sanitizer.text(e.getMessage()), e);
        }
    }

    @Override
    public void close() {
        s3.close();
    }
}
