/**
 * The Kafka Connect S3 sink: assembles the topology's EncryptedChunk records into format v1
 * objects, exactly once, and refuses by reason ({@link io.srrrs.sink.ChunkRefusedException.Reason})
 * what can never be written. It holds no DEK and never sees plaintext.
 *
 * <p>Uploads run in the background on a small executor the task owns ({@link io.srrrs.sink.Uploads},
 * {@code s3.upload.concurrency} at most): the task thread alone touches the partitions' state and
 * counts an object finished only once it saw its final write succeed
 * ({@link io.srrrs.sink.UploadSettler}), so the commit rule holds as it did with synchronous
 * uploads; one key's objects are written in partition order.
 *
 * <p>Each task's metrics ({@link io.srrrs.sink.SinkMetrics}) are MBeans of the worker's JVM
 * ({@link io.srrrs.sink.SinkMetricsJmx}, domain {@code io.srrrs.sink}), named for the Prometheus
 * JMX exporter's rules in deploy/connect/jmx-exporter.yaml.
 *
 * <p>A chunk is read as the generated {@code io.srrrs.schemas.EncryptedChunk} and its object start
 * as {@code crypto}'s {@link io.srrrs.crypto.ObjectMetadata} (through {@code serdes}'
 * {@link io.srrrs.serdes.chunk.ObjectStartFields}): no field is named by a string here. May use
 * {@code crypto/}'s public API (never {@code crypto.internal}), {@code schemas/}, {@code serdes/},
 * {@code store/}, Connect's API and the AWS SDK's S3 client.
 */
package io.srrrs.sink;
