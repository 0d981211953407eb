package io.srrrs.serdes;

import io.srrrs.schemas.Schemas;
import io.srrrs.serdes.registry.HttpSchemaRegistryClient;
import io.srrrs.serdes.registry.RegistryConfig;
import io.srrrs.serdes.registry.RegistryException;
import io.srrrs.serdes.registry.SchemaNotFoundException;
import io.srrrs.serdes.registry.SchemaRegistryClient;

import java.io.IOException;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Reads the Confluent wire format: fetches the writer's schema by id (cached) and resolves it
 * against the reader's schema: the generated class's for a specific reader, the writer's own for
 * a generic one. Failures are typed so callers can route them: {@link MalformedRecordException}
 * (not this format, or bytes that do not decode), {@link UnknownSchemaException} (id not in the
 * registry), {@link SerializationException} with a {@link RegistryException} cause (registry
 * unavailable: transient).
 */
public final class AvroDeserializer<T> implements Deserializer<T> {

    static {
        Schemas.trustGeneratedClasses();
    }

    private final Schema readerSchema;
    private SchemaRegistryClient registry;

    /** A specific reader: records decode into {@code type}, a generated Avro class. */
    public AvroDeserializer(Class<T> type, SchemaRegistryClient registry) {
        this.readerSchema = SpecificData.get().getSchema(type);
        this.registry = registry;
    }

    /** A generic reader: records decode into {@code GenericRecord}s of the writer's schema. */
    public AvroDeserializer(SchemaRegistryClient registry) {
        this.readerSchema = null;
        this.registry = registry;
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        if (registry == null) {
            registry = new HttpSchemaRegistryClient(RegistryConfig.fromProperties(configs));
        }
    }

    @Override
    public T deserialize(String topic, byte[] data) {
        if (data == null) {
            return null;
        }
        int id = WireFormat.schemaId(data);
        Schema writer;
        try {
            writer = registry.schemaById(id);
        } catch (SchemaNotFoundException e) {
            throw new UnknownSchemaException(id, e);
        } catch (RegistryException e) {
            throw new SerializationException("cannot fetch schema id " + id + ": " + e.getMessage(), e);
        }
        Schema reader = readerSchema == null ? writer : readerSchema;
        try {
            BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(data, WireFormat.HEADER_LENGTH,
                    data.length - WireFormat.HEADER_LENGTH, null);
            T value = datumReader(writer, reader).read(null, decoder);
            if (!decoder.isEnd()) {
                throw new MalformedRecordException("record has " + remaining(decoder) + " bytes after its Avro data");
            }
            return value;
        } catch (MalformedRecordException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            // No Avro message is passed on: they can quote the record's bytes.
            throw new MalformedRecordException("record does not decode with schema id " + id + " ("
                    + writer.getFullName() + ") as " + reader.getFullName() + " (" + e.getClass().getSimpleName() + ")");
        }
    }

    private static long remaining(BinaryDecoder decoder) {
        try {
            return decoder.inputStream().available();
        } catch (IOException e) {
            return -1;
        }
    }

    private DatumReader<T> datumReader(Schema writer, Schema reader) {
        return readerSchema == null ? new GenericDatumReader<>(writer, reader) : new SpecificDatumReader<>(writer, reader);
    }
}
