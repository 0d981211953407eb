/**
 * The fault-injection suite ({@code bin/chaos}, {@code ChaosShortIT}): it owns starting the whole
 * pipeline as real processes on loopback (a KRaft broker JVM, Apicurio, Ceph RGW or S3Proxy,
 * moto_server as AWS KMS, topology JVMs, Connect worker JVMs), publishing a seeded workload with
 * plaintext canaries, injecting faults at seeded random moments (kill -9, outages, restarts,
 * instances joining and leaving), and afterwards checking every reference: one intact object or
 * one dead-letter record, no duplicate committed object, no open upload, no canary outside the
 * input topic. Nothing here is production code; nothing in production depends on it.
 *
 * <p>It may use every module of the pipeline ({@code topology/} and the sink as the processes it
 * starts, {@code client/} to read objects back, {@code schemas/}, {@code serdes/}, {@code store/},
 * {@code crypto/}) and {@code embedded/} for the components; the connector reaches its workers only
 * as a plugin jar, as a user installs it.
 *
 * <p>The {@code E2e*} classes are {@code bin/bench e2e}: the same components without faults, each
 * workload measured through the pipeline and as raw S3 calls of the same bytes on the same store.
 * They live here rather than in {@code benchmarks/} so the harness stays package-private and single.
 */
package io.srrrs.chaos;
