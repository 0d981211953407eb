package io.srrrs.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * The store module's rows of the bad-input catalogue (docs/RELIABILITY.md): SSE-C refused towards
 * a plain-http store, SSE-C keys of the wrong size, and what each kind of store answer means to
 * the sink and the client (retry, give up, or "this store does not take SSE-C").
 */
class BadInputCatalogueTest {

    static S3Exception answer(int status, String code, String message) {
        return (S3Exception) S3Exception.builder().statusCode(status).message(message)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode(code).errorMessage(message).build()).build();
    }

    @Test
    void sseCIsRefusedTowardsAPlainHttpStore() {
        StoreConfig http = StoreConfig.of(URI.create("http://127.0.0.1:9000"), "a", "b", null);
        assertThatThrownBy(() -> SseC.requireHttps(http)).isInstanceOfSatisfying(StoreException.class,
                e -> assertThat(e.kind()).isEqualTo(StoreException.Kind.PERMANENT)).hasMessageContaining("plain http");
        StoreConfig upperCaseHttp = StoreConfig.of(URI.create("HTTP://127.0.0.1:9000"), "a", "b", null);
        assertThatThrownBy(() -> SseC.requireHttps(upperCaseHttp)).isInstanceOf(StoreException.class);
        SseC.requireHttps(StoreConfig.of(URI.create("https://127.0.0.1:9443"), "a", "b", null));
        SseC.requireHttps(StoreConfig.of(null, "a", "b", null)); // AWS's own endpoint is https
    }

    @Test
    void anSseCKeyIsExactly32BytesAndNeverShown() {
        for (int n : new int[] {0, 16, 31, 33, 64}) {
            assertThatThrownBy(() -> SseC.of(new byte[n])).as("%d bytes", n).isInstanceOf(IllegalArgumentException.class);
        }
        byte[] key = new byte[32];
        for (int i = 0; i < key.length; i++) {
            key[i] = (byte) (i * 7 + 1);
        }
        SseC sse = SseC.of(key);
        assertThat(sse.algorithm()).isEqualTo("AES256");
        assertThat(Base64.getDecoder().decode(sse.keyBase64())).isEqualTo(key);
        assertThat(sse.toString()).doesNotContain(sse.keyBase64());
    }

    @Test
    void storeAnswersThatRefuseSseCAreNamedAsSuch() {
        StoreException notImplemented = StoreException.classify("PutObject", "b", "k",
                answer(501, "NotImplemented", "A header you provided implies functionality that is not implemented"), true);
        assertThat(notImplemented.kind()).isEqualTo(StoreException.Kind.SSE_C_REJECTED);
        assertThat(notImplemented.getMessage()).contains("does not accept SSE-C");
        StoreException overHttp = StoreException.classify("PutObject", "b", "k", answer(400, "InvalidArgument",
                "Requests specifying Server Side Encryption with Customer provided keys must be made over a secure "
                        + "connection."), true);
        assertThat(overHttp.kind()).isEqualTo(StoreException.Kind.SSE_C_REJECTED);
        StoreException blocked = StoreException.classify("PutObject", "b", "k", answer(403, "AccessDenied",
                "Access to this bucket is blocked for SSE-C: BlockedEncryptionTypes"), true);
        assertThat(blocked.kind()).isEqualTo(StoreException.Kind.SSE_C_REJECTED);
        // Without SSE-C in the request, the same 501 is not blamed on SSE-C.
        assertThat(StoreException.classify("PutObject", "b", "k", answer(501, "NotImplemented", "no"), false).kind())
                .isNotEqualTo(StoreException.Kind.SSE_C_REJECTED);
    }

    @Test
    void everyOtherStoreAnswerIsTransientPermanentOrNotFound() {
        assertThat(StoreException.classify("GetObject", "b", "k", answer(503, "SlowDown", "slow down"), false).kind())
                .isEqualTo(StoreException.Kind.TRANSIENT);
        assertThat(StoreException.classify("GetObject", "b", "k", answer(500, "InternalError", "oops"), false).kind())
                .isEqualTo(StoreException.Kind.TRANSIENT);
        assertThat(StoreException.classify("GetObject", "b", "k", answer(429, "TooManyRequests", ""), false).kind())
                .isEqualTo(StoreException.Kind.TRANSIENT);
        assertThat(StoreException.classify("GetObject", "b", "k", answer(400, "RequestTimeout", "idle"), false).kind())
                .isEqualTo(StoreException.Kind.TRANSIENT);
        assertThat(StoreException.classify("GetObject", "b", "k",
                SdkClientException.create("Connection refused"), false).kind()).isEqualTo(StoreException.Kind.TRANSIENT);
        assertThat(StoreException.classify("GetObject", "b", "k", answer(404, "NoSuchKey", "gone"), false).kind())
                .isEqualTo(StoreException.Kind.NOT_FOUND);
        StoreException denied = StoreException.classify("PutObject", "b", "k", answer(403, "AccessDenied", "Access Denied"),
                true);
        assertThat(denied.kind()).isEqualTo(StoreException.Kind.PERMANENT);
        assertThat(denied.getMessage()).contains("PutObject s3://b/k -> 403 AccessDenied");
    }

    @Test
    void aNotImplementedAnswerWithoutSseCIsPermanentNotRetried() {
        // No retry can make a store implement what it lacks: the sink must refuse the object (STORE_REFUSED), not
        // redeliver it for ever.
        for (String op : new String[] {"PutObject", "CreateMultipartUpload", "UploadPart", "CompleteMultipartUpload"}) {
            StoreException e = StoreException.classify(op, "b", "k", answer(501, "NotImplemented",
                    "A header you provided implies functionality that is not implemented"), false);
            assertThat(e.kind()).as(op).isEqualTo(StoreException.Kind.PERMANENT);
            assertThat(e.isTransient()).as(op).isFalse();
            assertThat(e.getMessage()).contains(op + " s3://b/k -> 501 NotImplemented");
        }
        // The other 5xx are still outages, retried.
        for (int status : new int[] {500, 502, 503, 504}) {
            assertThat(StoreException.classify("PutObject", "b", "k", answer(status, "X", ""), false).kind())
                    .as("%d", status).isEqualTo(StoreException.Kind.TRANSIENT);
        }
        // With SSE-C in the request, 501 still names SSE-C as what the store does not take.
        assertThat(StoreException.classify("PutObject", "b", "k", answer(501, "NotImplemented", "no"), true).kind())
                .isEqualTo(StoreException.Kind.SSE_C_REJECTED);
    }
}
