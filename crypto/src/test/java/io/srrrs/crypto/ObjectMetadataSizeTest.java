package io.srrrs.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.srrrs.crypto.format.EncryptionContext;
import io.srrrs.crypto.format.FormatHeader;
import io.srrrs.crypto.format.FormatV1;
import io.srrrs.crypto.kms.KekId;
import io.srrrs.crypto.kms.WrappedDek;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The one place both metadata size limits are checked. */
class ObjectMetadataSizeTest {

    static FormatHeader header() {
        return new FormatHeader(FormatV1.DEFAULT_SEGMENT_SIZE, new byte[FormatV1.SALT_LENGTH],
                new byte[FormatV1.NONCE_PREFIX_LENGTH], new byte[FormatV1.CHECK_LENGTH], new byte[FormatV1.CHECK_LENGTH],
                new byte[FormatV1.CHECK_LENGTH], new byte[FormatV1.COMMITMENT_LENGTH]);
    }

    private static ObjectMetadata metadata(boolean sseC) {
        return new ObjectMetadata(header(), new WrappedDek("local", new KekId("orders"), new byte[45]),
                EncryptionContext.of("tenant", "acme"), sseC);
    }

    @Test
    void oursOverTheSrrrsLimitIsTooLargeAndAnIllegalArgument() {
        // Each part within its own limit, together over ours.
        WrappedDek huge = new WrappedDek("local", new KekId("k".repeat(FormatV1.MAX_KEK_ID_CHARS)), new byte[768]);
        EncryptionContext context = EncryptionContext.of("tenant", "t".repeat(300));
        assertThatThrownBy(() -> new ObjectMetadata(header(), huge, context))
                .isInstanceOf(MetadataTooLargeException.class)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("the limit is " + FormatV1.MAX_SRRRS_METADATA_BYTES);
    }

    @Test
    void oursWithTheUsersFitUpToS3sLimitAndNotOneByteMore() {
        ObjectMetadata m = metadata(true);
        int ours = ObjectMetadata.byteSize(m.toMap());
        int room = FormatV1.S3_USER_METADATA_LIMIT_BYTES - ours - "label".length();
        assertThatCode(() -> m.requireFitsWith(Map.of("label", "v".repeat(room)))).doesNotThrowAnyException();
        assertThatThrownBy(() -> m.requireFitsWith(Map.of("label", "v".repeat(room + 1))))
                .isInstanceOf(MetadataTooLargeException.class)
                .hasMessageContaining((FormatV1.S3_USER_METADATA_LIMIT_BYTES + 1) + " bytes")
                .hasMessageContaining("S3 allows " + FormatV1.S3_USER_METADATA_LIMIT_BYTES)
                .hasMessageNotContaining("vvvv");
    }

    @Test
    void theSseCMarkerCountsAndTheUsersMapIsLeftAsItWas() {
        int withoutSseC = ObjectMetadata.byteSize(metadata(false).toMap());
        int withSseC = ObjectMetadata.byteSize(metadata(true).toMap());
        assertThat(withSseC - withoutSseC).isEqualTo((ObjectMetadata.SSE_C + "AES256").length());
        Map<String, String> user = new HashMap<>(Map.of("owner", "x"));
        metadata(true).requireFitsWith(user);
        assertThat(user).containsOnlyKeys("owner");
    }
}
