package io.srrrs.serdes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.srrrs.crypto.pki.LocalCa;
import io.srrrs.embedded.ApicurioRegistry;
import io.srrrs.schemas.PayloadReference;
import io.srrrs.serdes.registry.HttpSchemaRegistryClient;
import io.srrrs.serdes.registry.IncompatibleSchemaException;
import io.srrrs.serdes.registry.RegisteredSchema;
import io.srrrs.serdes.registry.RegistryConfig;
import io.srrrs.serdes.registry.RegistryException;
import io.srrrs.serdes.registry.SchemaNotFoundException;
import io.srrrs.serdes.registry.SchemaRegistryClient;

import java.nio.file.Path;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Our registry client and serdes against a real Apicurio Registry (Confluent API, TLS 1.3). */
class SchemaRegistryIT {

    @TempDir
    static Path dir;
    static LocalCa ca;
    static ApicurioRegistry apicurio;
    static SchemaRegistryClient client;

    @BeforeAll
    static void start() throws Exception {
        ca = LocalCa.createOrLoad(dir.resolve("ca"));
        apicurio = ApicurioRegistry.start(dir.resolve("registry"), ca);
        client = new HttpSchemaRegistryClient(RegistryConfig.fromProperties(config()));
    }

    static Map<String, Object> config() {
        return Map.of(RegistryConfig.URL, apicurio.url(),
                RegistryConfig.TRUSTSTORE_LOCATION, ca.truststore().toString(),
                RegistryConfig.TRUSTSTORE_PASSWORD, new String(LocalCa.TRUSTSTORE_PASSWORD),
                RegistryConfig.TRUSTSTORE_TYPE, "PKCS12");
    }

    @AfterAll
    static void stop() {
        if (apicurio != null) {
            apicurio.close();
        }
    }

    private static Schema v1() {
        return SchemaBuilder.record("Thing").namespace("io.srrrs.test").fields().requiredString("name").endRecord();
    }

    @Test
    void registerLookUpByIdAndBySubjectVersion() {
        int id = client.register("things-value", v1());
        assertThat(client.register("things-value", v1())).as("registering again is a no-op").isEqualTo(id);
        assertThat(client.lookup("things-value", v1())).isEqualTo(id);
        // A fresh client has no cache: these go to the registry.
        SchemaRegistryClient fresh = new HttpSchemaRegistryClient(RegistryConfig.fromProperties(config()));
        assertThat(fresh.schemaById(id)).isEqualTo(v1());
        RegisteredSchema latest = fresh.latest("things-value");
        assertThat(latest.id()).isEqualTo(id);
        assertThat(latest.version()).isEqualTo(1);
        assertThat(fresh.version("things-value", 1).schema()).isEqualTo(v1());
    }

    @Test
    void anIncompatibleSchemaIsRefused() {
        client.register("strict-value", v1());
        client.setCompatibility("strict-value", "BACKWARD");
        // A new required field without a default cannot read old data: not BACKWARD compatible.
        Schema breaking = SchemaBuilder.record("Thing").namespace("io.srrrs.test").fields()
                .requiredString("name").requiredInt("size").endRecord();
        Schema compatible = SchemaBuilder.record("Thing").namespace("io.srrrs.test").fields()
                .requiredString("name").name("size").type().intType().intDefault(0).endRecord();
        assertThat(client.isCompatible("strict-value", breaking)).isFalse();
        assertThat(client.isCompatible("strict-value", compatible)).isTrue();
        assertThatThrownBy(() -> client.register("strict-value", breaking))
                .isInstanceOf(IncompatibleSchemaException.class);
        assertThat(client.register("strict-value", compatible)).isPositive();
        assertThat(client.latest("strict-value").version()).isEqualTo(2);
    }

    @Test
    void missingThingsAreNotFound() {
        assertThatThrownBy(() -> client.schemaById(987654)).isInstanceOf(SchemaNotFoundException.class);
        assertThatThrownBy(() -> client.latest("no-such-subject")).isInstanceOf(SchemaNotFoundException.class);
        assertThatThrownBy(() -> client.lookup("things-value",
                SchemaBuilder.record("Never").fields().requiredLong("x").endRecord()))
                .isInstanceOf(SchemaNotFoundException.class);
    }

    @Test
    void serdesRoundTripThroughTheRealRegistry() {
        AvroSerializer<PayloadReference> serializer = new AvroSerializer<>();
        serializer.configure(config(), false);
        AvroDeserializer<PayloadReference> deserializer = new AvroDeserializer<>(PayloadReference.class, null);
        deserializer.configure(config(), false);
        PayloadReference ref = AvroSerdeTest.reference();
        byte[] bytes = serializer.serialize("payload-refs", ref);
        assertThat(deserializer.deserialize("payload-refs", bytes)).isEqualTo(ref);
        assertThat(client.latest("payload-refs-value").schema()).isEqualTo(PayloadReference.getClassSchema());
    }

    @Test
    void anUnreachableRegistryIsATransientError() {
        SchemaRegistryClient down = new HttpSchemaRegistryClient(RegistryConfig.fromProperties(
                Map.of(RegistryConfig.URL, "http://127.0.0.1:1/apis/ccompat/v7")));
        assertThatThrownBy(() -> down.schemaById(1)).isInstanceOfSatisfying(RegistryException.class,
                e -> assertThat(e.isTransient()).isTrue());
    }
}
