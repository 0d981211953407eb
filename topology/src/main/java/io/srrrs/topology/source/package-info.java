/**
 * Where payloads come from: inline, {@code file:} under allowed roots, {@code s3://} staging
 * buckets and {@code https://} allow-listed hosts. Every source is held to two bounds whatever it
 * declares: {@code srrrs.source.max.bytes} and one total deadline, {@code srrrs.source.deadline.ms},
 * that always fits inside the producer's transaction ({@link io.srrrs.topology.source.SourceDeadlineRule}).
 */
package io.srrrs.topology.source;
