/**
 * Avro records in the Confluent wire format ({@code 0x00 ‖ u32 schema id ‖ Avro binary}): the
 * Kafka serializer and deserializer every module uses for the {@code schemas/} records, with the
 * two ways a record can be bad named ({@link io.srrrs.serdes.MalformedRecordException},
 * {@link io.srrrs.serdes.UnknownSchemaException}) apart from a registry outage.
 *
 * <p>May use {@code schemas/}, Avro, {@code kafka-clients} and {@link io.srrrs.serdes.registry};
 * nothing of Kafka Streams or Connect (that is {@link io.srrrs.serdes.connect}).
 */
package io.srrrs.serdes;
