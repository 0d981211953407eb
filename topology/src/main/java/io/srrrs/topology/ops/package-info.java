/**
 * What operators watch the topology by (issue 14): Micrometer meters in Prometheus' text format on
 * {@code GET /metrics}, and the probes {@code GET /health/live} and {@code GET /health/ready}, served
 * by the JDK's own HTTP server on {@code srrrs.metrics.port} ({@link OpsConfig}).
 *
 * <p>{@link TopologyMeters} holds the pipeline's meters, fed where the Kafka Streams sensors of
 * {@code TopologyMetrics} are fed (both stay: JMX for whoever already reads it); {@link KmsMeters}
 * reads the KMS stack's own counters. Nothing here carries key material or payload bytes: only
 * counts, durations and the closed label sets of the metrics contract.
 */
package io.srrrs.topology.ops;
