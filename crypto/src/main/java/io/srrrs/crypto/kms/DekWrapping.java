package io.srrrs.crypto.kms;

import io.srrrs.crypto.format.OutputFormat;
import io.srrrs.crypto.format.EncryptionContext;
import io.srrrs.crypto.format.S3ecContent;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How a provider wraps a DEK (docs/S3EC.md §3): in its own blob bound to the KEK and the encryption
 * context (format v1, docs/FORMAT.md §7), or as an S3EC reader unwraps it: aws-kms under the
 * context plus {@code aws:x-amz-cek-alg} (kms+context), the others as S3EC's AES/GCM keyring does.
 * A DEK is only ever used under one wrapping: caches keep them apart.
 */
public enum DekWrapping {
    SRRRS_V1(null),
    S3EC_V3(S3ecContent.Version.V3),
    S3EC_V2(S3ecContent.Version.V2);

    /**
     * The context key S3EC's KmsKeyring reserves for the content algorithm; a kms+context wrap adds
     * it, so a caller's context must not hold it.
     */
    public static final String CEK_ALG_CONTEXT_KEY = "aws:x-amz-cek-alg";

    private final S3ecContent.Version s3ec;

    DekWrapping(S3ecContent.Version s3ec) {
        this.s3ec = s3ec;
    }

    /** The S3EC version whose wrapping this is, or null for format v1's. */
    public S3ecContent.Version s3ecVersion() {
        return s3ec;
    }

    /**
     * The string an S3EC wrap binds the DEK to: the AES/GCM wrap's AAD, and the value of the
     * reserved context key {@code aws:x-amz-cek-alg} of a kms+context wrap ("115" for V3,
     * "AES/GCM/NoPadding" for V2).
     *
     * @throws IllegalStateException for {@link #SRRRS_V1}
     */
    public String s3ecCekAlgorithm() {
        if (s3ec == null) {
            throw new IllegalStateException("format v1 wrapping has no S3EC content algorithm");
        }
        return s3ec.cekAlgorithm();
    }

    /**
     * The context a KMS binds an S3EC kms+context wrap to: {@code context} plus
     * {@value #CEK_ALG_CONTEXT_KEY} = {@link #s3ecCekAlgorithm()}, in the caller's key order, then
     * the reserved key. A DEK wrapped under one wrapping so never opens under another.
     *
     * @throws IllegalArgumentException if {@code context} already holds the reserved key
     * @throws IllegalStateException    for {@link #SRRRS_V1}
     */
    public Map<String, String> kmsContext(EncryptionContext context) {
        String alg = s3ecCekAlgorithm();
        if (context.asMap().containsKey(CEK_ALG_CONTEXT_KEY)) {
            throw new IllegalArgumentException("the encryption context must not hold '" + CEK_ALG_CONTEXT_KEY
                    + "': S3EC reserves it for the content algorithm, which the KMS adds itself");
        }
        Map<String, String> out = new LinkedHashMap<>(context.asMap());
        out.put(CEK_ALG_CONTEXT_KEY, alg);
        return out;
    }

    public static DekWrapping of(OutputFormat format) {
        return switch (format) {
            case SRRRS_V1 -> SRRRS_V1;
            case S3EC_V3 -> S3EC_V3;
            case S3EC_V2 -> S3EC_V2;
        };
    }
}
