package io.srrrs.topology;

/**
 * Why a reference went to the DLQ, and at which stage. The code is the {@code srrrs.dlq.reason}
 * header and the {@code reason} field of the DLQ record.
 */
public enum RejectReason {
    MALFORMED_RECORD(Stage.DESERIALIZE, "the record is not a PayloadReference in the Confluent Avro wire format"),
    UNKNOWN_SCHEMA(Stage.DESERIALIZE, "the record names a schema id the registry does not have"),
    EMPTY_RECORD(Stage.DESERIALIZE, "the record has no value"),
    EMPTY_ID(Stage.VALIDATE, "the reference id is empty"),
    INVALID_ID(Stage.VALIDATE, "the reference id is too long or has control characters"),
    INVALID_BUCKET(Stage.VALIDATE, "the destination bucket breaks S3 bucket naming rules"),
    INVALID_KEY(Stage.VALIDATE, "the destination key is empty, too long, has control characters or a . or .. "
            + "segment, or is under .srrrs-meta/ (where SSE-C objects keep their metadata)"),
    INVALID_CONTEXT(Stage.VALIDATE, "the encryption context breaks the format's limits"),
    INVALID_METADATA(Stage.VALIDATE, "user metadata or content type cannot go into S3 metadata"),
    METADATA_TOO_LARGE(Stage.VALIDATE, "our metadata and the user's together exceed S3's 2 KB"),
    UNSUPPORTED_SOURCE(Stage.VALIDATE, "the source URI's scheme is not file, s3 or https"),
    INVALID_SOURCE(Stage.VALIDATE, "the source URI is empty, too long, does not parse or holds control characters"),
    SSE_C_NOT_AVAILABLE(Stage.VALIDATE, "SSE-C was asked for but is not configured"),
    FORMAT_NOT_ALLOWED(Stage.VALIDATE, "the reference's output format (or the default) is unknown or not in "
            + "srrrs.output.formats.allowed"),
    CONTEXT_NOT_SUPPORTED(Stage.VALIDATE, "an S3EC format whose DEK is wrapped as S3EC's AES/GCM keyring does (any KMS "
            + "but aws-kms) cannot bind the reference's encryption context"),
    POLICY_DENIED(Stage.VALIDATE, "the destination bucket is not in srrrs.bucket.allowed, or the reference breaks "
            + "(or has no) rule of srrrs.policy.rules"),
    DUPLICATE_ID(Stage.DEDUPLICATE, "a reference with this id was already processed"),
    NO_KEK(Stage.KEK, "the KEK policy yields no KEK for this reference"),
    KEK_NOT_ALLOWED(Stage.KEK, "the reference names a KEK while srrrs.kek.reference.override is off, or the KEK is not "
            + "allowed by srrrs.kek.allowed (and .accounts) or by its policy rule"),
    UNKNOWN_KEK(Stage.KEK, "the KMS has no such KEK"),
    KEK_DISABLED(Stage.KEK, "the KEK is disabled"),
    KMS_ACCESS_DENIED(Stage.KEK, "the KMS refused the operation"),
    PATH_NOT_ALLOWED(Stage.SOURCE, "the file is not under an allowed root"),
    SYMLINK_ESCAPE(Stage.SOURCE, "the path goes through a symbolic link (file sources follow none) or changed while opened"),
    BUCKET_NOT_ALLOWED(Stage.SOURCE, "the staging bucket is not allow-listed"),
    HOST_NOT_ALLOWED(Stage.SOURCE, "the https host is not allow-listed"),
    REDIRECT_NOT_ALLOWED(Stage.SOURCE, "the https source redirects to a host or scheme that is not allowed, or too often"),
    SOURCE_NOT_FOUND(Stage.SOURCE, "the source does not exist"),
    SOURCE_FORBIDDEN(Stage.SOURCE, "the source refused access"),
    SOURCE_FAILED(Stage.SOURCE, "the source answered with an error or timed out"),
    SOURCE_TOO_LARGE(Stage.SOURCE, "the payload exceeds srrrs.source.max.bytes"),
    HASH_MISMATCH(Stage.ENCRYPT, "the payload's SHA-256 differs from expectedSha256"),
    PROCESSING_FAILED(Stage.ENCRYPT, "processing failed repeatedly for a reason that was not bad input");

    /** Where a reference can fail. */
    public enum Stage { DESERIALIZE, VALIDATE, DEDUPLICATE, KEK, SOURCE, ENCRYPT }

    private final Stage stage;
    private final String meaning;

    RejectReason(Stage stage, String meaning) {
        this.stage = stage;
        this.meaning = meaning;
    }

    public Stage stage() {
        return stage;
    }

    public String meaning() {
        return meaning;
    }
}
