/**
 * The throughput benchmarks behind {@code bin/bench}: format v1 against raw JCE (JMH), the
 * topology with envelope encryption against a passthrough cipher, the sink and the reading client
 * against the plain S3 calls for the same bytes. Each measures our figure and its baseline side by
 * side in one run and prints their ratio against a target.
 *
 * <p>It may use every module of the pipeline and {@code embedded/} (broker, registry, S3Proxy on
 * loopback); nothing depends on it, and its passthrough cipher must never leave it.
 */
package io.srrrs.bench;
