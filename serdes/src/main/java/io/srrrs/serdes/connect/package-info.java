/**
 * The same wire format for Kafka Connect: {@link io.srrrs.serdes.connect.AvroConverter}, the sink's
 * value converter, and {@link io.srrrs.serdes.connect.AvroConnectData}, the one translation between
 * Avro data and Connect data (both ways, and a Connect Struct back to a generated Avro class, so the
 * sink reads {@code EncryptedChunk} without naming a field).
 *
 * <p>May use {@link io.srrrs.serdes}, {@link io.srrrs.serdes.registry}, {@code schemas/}, Avro and
 * {@code connect-api}; Connect's runtime is the worker's, never a dependency.
 */
package io.srrrs.serdes.connect;
