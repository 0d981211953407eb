package io.srrrs.crypto;

/**
 * An object's metadata would not fit: our {@code srrrs-*} entries over
 * {@link io.srrrs.crypto.format.FormatV1#MAX_SRRRS_METADATA_BYTES}, or ours and the producer's
 * user metadata together over S3's {@link io.srrrs.crypto.format.FormatV1#S3_USER_METADATA_LIMIT_BYTES}.
 * An {@link IllegalArgumentException}, as it is the metadata's own value that is out of range;
 * the message names sizes and limits only, never a value.
 */
public final class MetadataTooLargeException extends IllegalArgumentException {

    MetadataTooLargeException(String message) {
        super(message);
    }
}
