package io.srrrs.serdes.registry;

import org.apache.avro.Schema;

/**
 * The part of the Confluent Schema Registry REST API the pipeline uses. Implementations cache
 * what never changes (ids and their schemas) and are thread-safe. Errors are
 * {@link RegistryException}s: {@link SchemaNotFoundException}, {@link IncompatibleSchemaException},
 * or a plain one with {@link RegistryException#isTransient()} for outages.
 */
public interface SchemaRegistryClient {

    /** Registers {@code schema} under {@code subject} (a no-op if it is there) and returns its id. */
    int register(String subject, Schema schema);

    /** The id of {@code schema} if it is already registered under {@code subject}. */
    int lookup(String subject, Schema schema);

    /** The schema with this id. */
    Schema schemaById(int id);

    /** The latest version under {@code subject}. */
    RegisteredSchema latest(String subject);

    /** One version under {@code subject}. */
    RegisteredSchema version(String subject, int version);

    /** Whether {@code schema} may be registered next under {@code subject}, by its compatibility rule. */
    boolean isCompatible(String subject, Schema schema);

    /** Sets the subject's compatibility level (BACKWARD, FORWARD, FULL, NONE, ..._TRANSITIVE). */
    void setCompatibility(String subject, String level);
}
