/**
 * The fault-injection suite ({@code bin/chaos}, {@code ChaosShortIT}): it owns starting the whole
 * pipeline as real processes on loopback (a KRaft broker JVM, Apicurio, Ceph RGW or S3Proxy,
 * moto_server as AWS KMS, topology JVMs, Connect worker JVMs), publishing a seeded workload with
 * plaintext canaries, injecting faults at seeded random moments (kill -9, outages, restarts,
 * instances joining and leaving), and afterwards checking every reference: one intact object or
 * one dead-letter record, no duplicate committed object, no open upload, no canary outside the
 * input topic. Nothing here is production code; nothing in production depends on it.
 */
package io.srrrs.chaos;
