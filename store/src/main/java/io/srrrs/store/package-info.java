/**
 * One way to talk to S3-compatible stores, shared by the topology's staging source, the sink, the
 * client and the CLI: where a store is ({@link io.srrrs.store.StoreConfig}), the one kind of S3
 * client built for it ({@link io.srrrs.store.StoreClients}: TLS 1.3 only, the checksum and retry
 * settings S3Proxy and Ceph need), what a store's answer means ({@link io.srrrs.store.StoreException}),
 * and everything SSE-C on the wire: the key's encoded form and the https-only rule
 * ({@link io.srrrs.store.SseC}), the request headers ({@link io.srrrs.store.SseCHeaders}, the only
 * place they are written) and the metadata companion of an SSE-C object
 * ({@link io.srrrs.store.MetadataCompanion}).
 *
 * <p>May use {@code crypto/} (its TLS contexts and the companion's key prefix; never
 * {@code crypto.internal}) and the AWS SDK; nothing of Kafka, no key derivation or sealing (the
 * SSE-C key itself comes from {@code crypto/}: derived from the DEK, or sealed to the sink).
 */
package io.srrrs.store;
