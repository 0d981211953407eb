package io.srrrs.serdes;

import org.apache.kafka.common.errors.SerializationException;

/** The bytes are not a record in the Confluent wire format, or not valid Avro for their schema. */
public final class MalformedRecordException extends SerializationException {

    public MalformedRecordException(String message) {
        super(message);
    }

    public MalformedRecordException(String message, Throwable cause) {
        super(message, cause);
    }
}
