/**
 * The content encryption and decryption of the two S3EC formats (docs/S3EC.md): an object an
 * Amazon S3 Encryption Client reads, written by {@link io.srrrs.crypto.s3ec.S3ecObjectEncryptor}
 * as bounded chunks ({@link io.srrrs.crypto.s3ec.S3ecChunks}), and read back by
 * {@link io.srrrs.crypto.s3ec.S3ecObjectDecryptor}, which releases no plaintext byte before the
 * whole body authenticated, whatever its size. The metadata of such an object is
 * {@link io.srrrs.crypto.ObjectMetadata} with {@link io.srrrs.crypto.format.S3ecContent} for
 * content; wrapping its DEK is the KMS providers' ({@link io.srrrs.crypto.kms}).
 *
 * <p>It may use {@link io.srrrs.crypto} (its exceptions and chunk type), {@link io.srrrs.crypto.format}
 * and {@link io.srrrs.crypto.internal} (the key derivation and ciphers), the value types of
 * {@link io.srrrs.crypto.kms} ({@code DataKey}, {@code DekUsage}), the JDK and Bouncy Castle; no
 * other module. Nothing here logs or puts key material or plaintext in a message.
 */
package io.srrrs.crypto.s3ec;
