/**
 * Real components on loopback for the integration tests, the local stack and the fault-injection
 * suite: a KRaft broker in this JVM ({@link io.srrrs.embedded.EmbeddedKafka}) or in its own
 * ({@link io.srrrs.embedded.KafkaProcess}, so it can be killed and restarted), Apicurio (in-memory
 * or with its schemas in an H2 file), S3Proxy, Ceph RGW through {@code bin/ceph-rgw}, moto_server
 * as AWS KMS, Connect workers as child JVMs, and the signals the fault suite sends them. Never a
 * dependency of production code.
 */
package io.srrrs.embedded;
