/**
 * Where payloads come from: inline, {@code file:} under allowed roots, {@code s3://} staging
 * buckets and {@code https://} allow-listed hosts. Every source is held to two bounds whatever it
 * declares: {@code srrrs.source.max.bytes} and one deadline, {@code srrrs.source.deadline.ms}, for
 * what one transaction reads of it, which always fits inside the producer's transaction
 * ({@link SourceDeadlineRule}); an object read in slices stops it between two and starts it anew
 * for the next ({@link OpenedPayload.SliceDeadline}).
 *
 * <p>It may use {@code crypto/}'s TLS helpers, {@code store/}'s S3 client, the schemas' reference
 * types and, of the topology, only its reference vocabulary ({@code BadReferenceException},
 * {@code RejectReason}, {@code Sanitizer}, {@code ReferenceValidator.Valid},
 * {@code TopologyConfig}'s keys); nothing of Kafka Streams. A source tells a reference that can
 * never succeed ({@code BadReferenceException}: the DLQ) from a failure that may pass
 * ({@code IOException}: retried).
 */
package io.srrrs.topology.source;
