package io.srrrs.serdes.connect;

import io.srrrs.schemas.Schemas;
import io.srrrs.serdes.AvroDeserializer;
import io.srrrs.serdes.AvroSerializer;
import io.srrrs.serdes.MalformedRecordException;
import io.srrrs.serdes.UnknownSchemaException;
import io.srrrs.serdes.WireFormat;
import io.srrrs.serdes.registry.HttpSchemaRegistryClient;
import io.srrrs.serdes.registry.RegistryConfig;
import io.srrrs.serdes.registry.SchemaRegistryClient;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.generic.GenericContainer;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.errors.RetriableException;
import org.apache.kafka.connect.storage.Converter;

/**
 * A Kafka Connect converter for Avro in the Confluent wire format, through our registry client.
 * Set it as {@code value.converter=io.srrrs.serdes.connect.AvroConverter} with
 * {@code value.converter.schema.registry.url=...} (and the other {@link RegistryConfig} keys).
 * Records become Structs named after their Avro record ({@link AvroConnectData} says how).
 *
 * <p>Converting back from Connect data needs the Avro schema: this converter writes only values
 * whose Connect schema it produced itself (it remembers the Avro schema per Connect schema), which
 * is all a pipeline that reads and re-writes our records needs.
 */
public final class AvroConverter implements Converter {

    static {
        Schemas.trustGeneratedClasses();
    }

    private SchemaRegistryClient registry;
    private AvroDeserializer<GenericRecord> deserializer;
    private AvroSerializer<GenericContainer> serializer;
    private final Map<Integer, Schema> connectSchemas = new ConcurrentHashMap<>();
    private final Map<Schema, org.apache.avro.Schema> avroSchemas = new ConcurrentHashMap<>();

    public AvroConverter() {
    }

    /** With a given registry client (tests; embedding). */
    public AvroConverter(SchemaRegistryClient registry) {
        this.registry = registry;
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        if (registry == null) {
            registry = new HttpSchemaRegistryClient(RegistryConfig.fromProperties(configs));
        }
        deserializer = new AvroDeserializer<>(registry);
        serializer = new AvroSerializer<>(registry, !"false".equals(String.valueOf(configs.get(AvroSerializer.AUTO_REGISTER))));
        serializer.configure(configs, isKey);
    }

    @Override
    public byte[] fromConnectData(String topic, Schema schema, Object value) {
        if (value == null) {
            return null;
        }
        org.apache.avro.Schema avro = avroSchemas.get(schema);
        if (avro == null) {
            throw new DataException("AvroConverter writes only records it read (schema " + schema.name() + " unknown)");
        }
        try {
            return serializer.serialize(topic, (GenericContainer) AvroConnectData.toAvroValue(avro, value));
        } catch (SerializationException e) {
            throw new DataException(e.getMessage(), e);
        }
    }

    @Override
    public SchemaAndValue toConnectData(String topic, byte[] value) {
        if (value == null) {
            return SchemaAndValue.NULL;
        }
        try {
            int id = WireFormat.schemaId(value);
            GenericRecord record = deserializer.deserialize(topic, value);
            Schema connect = connectSchemas.computeIfAbsent(id, i -> {
                Schema s = AvroConnectData.toConnectSchema(record.getSchema());
                avroSchemas.put(s, record.getSchema());
                return s;
            });
            return new SchemaAndValue(connect, AvroConnectData.toConnectValue(record.getSchema(), connect, record));
        } catch (MalformedRecordException | UnknownSchemaException e) {
            throw new DataException("topic " + topic + ": " + e.getMessage(), e);
        } catch (SerializationException e) {
            // The registry could not be asked: an outage, not a bad record. Connect retries a
            // RetriableException for errors.retry.timeout instead of dead-lettering the record.
            throw new RetriableException("topic " + topic + ": " + e.getMessage(), e);
        }
    }

    @Override
    public ConfigDef config() {
        return new ConfigDef()
                .define(RegistryConfig.URL, ConfigDef.Type.STRING, ConfigDef.Importance.HIGH,
                        "Schema registry base URL (Confluent API; for Apicurio .../apis/ccompat/v7).")
                .define(RegistryConfig.BASIC_AUTH_USER_INFO, ConfigDef.Type.PASSWORD, null, ConfigDef.Importance.MEDIUM,
                        "user:password for HTTP basic auth.")
                .define(RegistryConfig.TRUSTSTORE_LOCATION, ConfigDef.Type.STRING, null, ConfigDef.Importance.MEDIUM,
                        "Trust store for an https registry (TLS 1.3 only).")
                .define(RegistryConfig.TRUSTSTORE_PASSWORD, ConfigDef.Type.PASSWORD, null, ConfigDef.Importance.MEDIUM,
                        "Its password.")
                .define(RegistryConfig.TRUSTSTORE_TYPE, ConfigDef.Type.STRING, "PKCS12", ConfigDef.Importance.LOW,
                        "Its type.")
                .define(AvroSerializer.AUTO_REGISTER, ConfigDef.Type.BOOLEAN, true, ConfigDef.Importance.LOW,
                        "Register schemas when writing.");
    }
}
