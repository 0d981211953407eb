/**
 * The chunk record's object-level part in the format's own types:
 * {@link io.srrrs.serdes.chunk.ObjectStartFields} maps {@code crypto}'s
 * {@link io.srrrs.crypto.ObjectMetadata} (with content type, user metadata and the sealed SSE-C
 * key) to and from the generated {@code io.srrrs.schemas.ObjectStart}. The topology writes through
 * it, the sink reads through it; no other code copies those fields one by one.
 *
 * <p>May use {@code crypto/} (its public value types only) and {@code schemas/}; no Kafka.
 */
package io.srrrs.serdes.chunk;
