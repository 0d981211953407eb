/**
 * Real components on loopback for the integration tests, the local stack, the benchmarks and the
 * fault-injection suite: a KRaft broker in this JVM ({@link io.srrrs.embedded.EmbeddedKafka}) or
 * in its own ({@link io.srrrs.embedded.KafkaProcess}, so it can be killed and restarted), both
 * configured by {@link io.srrrs.embedded.KraftBrokerSettings}; Apicurio (in-memory or with its
 * schemas in an H2 file), S3Proxy, Ceph RGW through {@code bin/ceph-rgw}, moto_server as AWS KMS,
 * Connect workers as child JVMs, the signals the fault suite sends them, and the canary byte
 * search. Every listener speaks TLS 1.3 only, with certificates from {@code crypto}'s local CA.
 *
 * <p>It may use {@code crypto/} (the local CA and TLS helpers) and the components' own libraries;
 * it is never a dependency of production code.
 */
package io.srrrs.embedded;
