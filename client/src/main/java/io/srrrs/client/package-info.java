/**
 * The consumer library: {@link io.srrrs.client.SrrrsClient} reads SRRRS objects back (whole,
 * streamed, by range, optionally with their length proven), inspects them, and rewraps their DEKs
 * under another KEK with a conditional server-side copy. Every object's KEK must be on the
 * reader's {@link io.srrrs.crypto.kms.KekAllowList} before any KMS call is made with it
 * ({@code KekGate}); SSE-C objects are found through their metadata companion and read with the
 * key derived from their DEK, only over https. Ranged reads keep a bounded LRU of object heads
 * ({@code HeadCache}, never DEKs, never refusals) and make each GET from a head conditional on its
 * ETag with If-Match, so a further range of an object is one GET (docs/DECISIONS.md D50).
 *
 * <p>Owns the read and rewrap paths only; the format and every cryptographic step are
 * {@code crypto/}'s ({@code ObjectDecryptor}, {@code ObjectMetadata}), every S3 client, SSE-C
 * header, companion and store error is {@code store/}'s. May use {@code crypto/} (its public API,
 * never {@code crypto.internal}), {@code store/} and the AWS SDK's S3 client; nothing of Kafka.
 * The public types are {@code SrrrsClient}, {@code ObjectInfo} and {@code RewrapConflictException};
 * the rest is package-private.
 */
package io.srrrs.client;
