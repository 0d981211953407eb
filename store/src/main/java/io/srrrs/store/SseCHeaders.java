package io.srrrs.store;

import java.util.function.Consumer;
import software.amazon.awssdk.services.s3.model.CopyObjectRequest;
import software.amazon.awssdk.services.s3.model.CreateMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.HeadObjectRequest;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.UploadPartCopyRequest;
import software.amazon.awssdk.services.s3.model.UploadPartRequest;

/**
 * Puts an object's SSE-C headers on a request: the one place the triple (algorithm, key, key MD5)
 * is written. The SDK's request builders share no type for these fields, hence one overload per
 * request the pipeline sends with SSE-C. Every overload takes {@code sse == null} as "no SSE-C"
 * and leaves the builder untouched, and returns the builder, so a request reads
 * {@code s3.putObject(b -> SseCHeaders.apply(b.bucket(bucket).key(key), sse), body)}.
 */
public final class SseCHeaders {

    private SseCHeaders() {
    }

    /** A PutObject of an SSE-C object. */
    public static PutObjectRequest.Builder apply(PutObjectRequest.Builder b, SseC sse) {
        triple(sse, b::sseCustomerAlgorithm, b::sseCustomerKey, b::sseCustomerKeyMD5);
        return b;
    }

    /** The start of an SSE-C object's multipart upload (its parts need the same key). */
    public static CreateMultipartUploadRequest.Builder apply(CreateMultipartUploadRequest.Builder b, SseC sse) {
        triple(sse, b::sseCustomerAlgorithm, b::sseCustomerKey, b::sseCustomerKeyMD5);
        return b;
    }

    /** One part of an SSE-C object's multipart upload. */
    public static UploadPartRequest.Builder apply(UploadPartRequest.Builder b, SseC sse) {
        triple(sse, b::sseCustomerAlgorithm, b::sseCustomerKey, b::sseCustomerKeyMD5);
        return b;
    }

    /** A GET (whole or ranged) of an SSE-C object. */
    public static GetObjectRequest.Builder apply(GetObjectRequest.Builder b, SseC sse) {
        triple(sse, b::sseCustomerAlgorithm, b::sseCustomerKey, b::sseCustomerKeyMD5);
        return b;
    }

    /** A HEAD of an SSE-C object (refused without its key). */
    public static HeadObjectRequest.Builder apply(HeadObjectRequest.Builder b, SseC sse) {
        triple(sse, b::sseCustomerAlgorithm, b::sseCustomerKey, b::sseCustomerKeyMD5);
        return b;
    }

    /**
     * A CopyObject of an SSE-C object under the same key: {@code sse} both opens the source
     * ({@code x-amz-copy-source-server-side-encryption-customer-*}) and encrypts the copy.
     */
    public static CopyObjectRequest.Builder apply(CopyObjectRequest.Builder b, SseC sse) {
        triple(sse, b::copySourceSSECustomerAlgorithm, b::copySourceSSECustomerKey, b::copySourceSSECustomerKeyMD5);
        triple(sse, b::sseCustomerAlgorithm, b::sseCustomerKey, b::sseCustomerKeyMD5);
        return b;
    }

    /** An UploadPartCopy of an SSE-C object under the same key: {@code sse} opens the source and encrypts the part. */
    public static UploadPartCopyRequest.Builder apply(UploadPartCopyRequest.Builder b, SseC sse) {
        triple(sse, b::copySourceSSECustomerAlgorithm, b::copySourceSSECustomerKey, b::copySourceSSECustomerKeyMD5);
        triple(sse, b::sseCustomerAlgorithm, b::sseCustomerKey, b::sseCustomerKeyMD5);
        return b;
    }

    private static void triple(SseC sse, Consumer<String> algorithm, Consumer<String> key, Consumer<String> md5) {
        if (sse != null) {
            algorithm.accept(sse.algorithm());
            key.accept(sse.keyBase64());
            md5.accept(sse.keyMd5Base64());
        }
    }
}
