/**
 * The primitives behind format v1 and the S3EC formats: HKDF (SHA-256 and SHA-512), format v1's
 * derived keys and key commitment ({@link io.srrrs.crypto.internal.ObjectKeys}), one segment's
 * AES-GCM sealing and opening, an S3EC object's content key, commitment and ciphers
 * ({@link io.srrrs.crypto.internal.S3ecKeys}), the encryptors' per-thread DRBG
 * ({@link io.srrrs.crypto.internal.ThreadDrbg}), and the JCE look-ups they need.
 *
 * <p><b>Not API.</b> Nothing outside the crypto module may import this package: other modules go
 * through {@link io.srrrs.crypto}, {@link io.srrrs.crypto.s3ec} and {@link io.srrrs.crypto.kms},
 * which keep the checks (order of verification, nonces, zeroing) that using these classes
 * directly would skip. It may use {@link io.srrrs.crypto.format},
 * {@link io.srrrs.crypto.CiphertextException}, Bouncy Castle's HKDF, digest and GCM API, and the JDK.
 */
package io.srrrs.crypto.internal;
