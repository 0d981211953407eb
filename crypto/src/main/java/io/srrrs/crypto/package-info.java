/**
 * Encrypting and decrypting objects in format v1 (docs/FORMAT.md): the public API every other
 * module uses. {@link io.srrrs.crypto.ObjectEncryptor} makes one object's header and segments
 * ({@link io.srrrs.crypto.EncryptingOutputStream} for a stream, {@link io.srrrs.crypto.ChunkingEncryptor}
 * for the topology's chunks); {@link io.srrrs.crypto.ObjectDecryptor} checks an object before any
 * segment is read, then hands out its verified plaintext, whole
 * ({@link io.srrrs.crypto.DecryptingInputStream}) or by range. {@link io.srrrs.crypto.ObjectMetadata}
 * is the {@code srrrs-*} metadata an object carries; every refusal is a
 * {@link io.srrrs.crypto.CiphertextException} naming its {@code Failure}.
 *
 * <p>It may use {@link io.srrrs.crypto.format} (the format's values), {@link io.srrrs.crypto.kms}
 * (the KMS SPI) and {@link io.srrrs.crypto.internal} (the primitives), the JDK, and Bouncy
 * Castle's HPKE for sealing SSE-C keys; no other module. Neither it nor anything here logs or puts key material in a message.
 */
package io.srrrs.crypto;
