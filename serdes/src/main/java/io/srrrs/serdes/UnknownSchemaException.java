package io.srrrs.serdes;

import org.apache.kafka.common.errors.SerializationException;

/** The record names a schema id the registry does not have. */
public final class UnknownSchemaException extends SerializationException {

    private final int schemaId;

    public UnknownSchemaException(int schemaId, Throwable cause) {
        super("schema id " + schemaId + " is not in the schema registry", cause);
        this.schemaId = schemaId;
    }

    public int schemaId() {
        return schemaId;
    }
}
