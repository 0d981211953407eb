package io.srrrs.store;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.model.CopyObjectRequest;
import software.amazon.awssdk.services.s3.model.CreateMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.HeadObjectRequest;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.UploadPartCopyRequest;
import software.amazon.awssdk.services.s3.model.UploadPartRequest;

/**
 * Every request the pipeline sends with SSE-C gets the whole triple (copies: for the source and
 * the copy), and without SSE-C ({@code null}) none of it; the rest of the request is untouched.
 */
class SseCHeadersTest {

    static final SseC SSE = SseC.of(SseCTest.key());

    @Test
    void objectWrites() {
        PutObjectRequest put = SseCHeaders.apply(PutObjectRequest.builder().bucket("b").key("k"), SSE).build();
        assertThat(new String[] {put.sseCustomerAlgorithm(), put.sseCustomerKey(), put.sseCustomerKeyMD5()})
                .containsExactly(triple());
        assertThat(put.key()).isEqualTo("k");
        CreateMultipartUploadRequest create = SseCHeaders.apply(CreateMultipartUploadRequest.builder().key("k"), SSE)
                .build();
        assertThat(new String[] {create.sseCustomerAlgorithm(), create.sseCustomerKey(), create.sseCustomerKeyMD5()})
                .containsExactly(triple());
        UploadPartRequest part = SseCHeaders.apply(UploadPartRequest.builder().partNumber(3), SSE).build();
        assertThat(new String[] {part.sseCustomerAlgorithm(), part.sseCustomerKey(), part.sseCustomerKeyMD5()})
                .containsExactly(triple());
        assertThat(part.partNumber()).isEqualTo(3);
    }

    @Test
    void objectReads() {
        GetObjectRequest get = SseCHeaders.apply(GetObjectRequest.builder().range("bytes=0-9"), SSE).build();
        assertThat(new String[] {get.sseCustomerAlgorithm(), get.sseCustomerKey(), get.sseCustomerKeyMD5()})
                .containsExactly(triple());
        assertThat(get.range()).isEqualTo("bytes=0-9");
        HeadObjectRequest head = SseCHeaders.apply(HeadObjectRequest.builder(), SSE).build();
        assertThat(new String[] {head.sseCustomerAlgorithm(), head.sseCustomerKey(), head.sseCustomerKeyMD5()})
                .containsExactly(triple());
    }

    @Test
    void copiesCarryTheKeyForTheSourceAndForTheCopy() {
        CopyObjectRequest copy = SseCHeaders.apply(CopyObjectRequest.builder().copySourceIfMatch("\"e\""), SSE).build();
        assertThat(new String[] {copy.copySourceSSECustomerAlgorithm(), copy.copySourceSSECustomerKey(),
                copy.copySourceSSECustomerKeyMD5()}).containsExactly(triple());
        assertThat(new String[] {copy.sseCustomerAlgorithm(), copy.sseCustomerKey(), copy.sseCustomerKeyMD5()})
                .containsExactly(triple());
        assertThat(copy.copySourceIfMatch()).isEqualTo("\"e\"");
        UploadPartCopyRequest part = SseCHeaders.apply(UploadPartCopyRequest.builder(), SSE).build();
        assertThat(new String[] {part.copySourceSSECustomerAlgorithm(), part.copySourceSSECustomerKey(),
                part.copySourceSSECustomerKeyMD5()}).containsExactly(triple());
        assertThat(new String[] {part.sseCustomerAlgorithm(), part.sseCustomerKey(), part.sseCustomerKeyMD5()})
                .containsExactly(triple());
    }

    @Test
    void withoutSseCNothingIsAdded() {
        assertThat(SseCHeaders.apply(PutObjectRequest.builder().key("k"), null).build())
                .isEqualTo(PutObjectRequest.builder().key("k").build());
        assertThat(SseCHeaders.apply(CreateMultipartUploadRequest.builder().key("k"), null).build())
                .isEqualTo(CreateMultipartUploadRequest.builder().key("k").build());
        assertThat(SseCHeaders.apply(UploadPartRequest.builder().key("k"), null).build())
                .isEqualTo(UploadPartRequest.builder().key("k").build());
        assertThat(SseCHeaders.apply(GetObjectRequest.builder().key("k"), null).build())
                .isEqualTo(GetObjectRequest.builder().key("k").build());
        assertThat(SseCHeaders.apply(HeadObjectRequest.builder().key("k"), null).build())
                .isEqualTo(HeadObjectRequest.builder().key("k").build());
        assertThat(SseCHeaders.apply(CopyObjectRequest.builder().destinationKey("k"), null).build())
                .isEqualTo(CopyObjectRequest.builder().destinationKey("k").build());
        assertThat(SseCHeaders.apply(UploadPartCopyRequest.builder().destinationKey("k"), null).build())
                .isEqualTo(UploadPartCopyRequest.builder().destinationKey("k").build());
    }

    private static String[] triple() {
        return new String[] {"AES256", SSE.keyBase64(), SSE.keyMd5Base64()};
    }
}
