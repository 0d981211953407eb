/**
 * The pipeline's S3EC output for Amazon S3 Encryption Client applications (docs/S3EC.md):
 * {@link io.srrrs.s3ec.SrrrsKeyring}, an S3EC {@code Keyring} over one KEK of any SRRRS KMS
 * provider, so an S3EC 4.x or 3.x application reads the pipeline's {@code s3ec-v3} /
 * {@code s3ec-v2} objects (and writes objects the pipeline's client reads) with our KEKs; and
 * {@link io.srrrs.s3ec.S3ecSseCKeys}, the per-object SSE-C key such an application's GetObject of
 * an SSE-C pipeline object needs.
 *
 * <p>Owns the adapter only: the format, key derivation and wrapping are {@code crypto/}'s (its
 * public API: {@code ObjectMetadata}, {@code io.srrrs.crypto.s3ec}, the {@code Kms} SPI), the
 * metadata companion and SSE-C headers {@code store/}'s. May use those, the AWS SDK's S3 model and
 * the S3EC's public API (a provided dependency: the application brings its own S3EC); nothing of
 * Kafka, the pipeline or the client, no cipher of its own. Nothing here logs or puts key material
 * in a message.
 */
package io.srrrs.s3ec;
