package io.srrrs.topology;

import io.srrrs.crypto.kms.local.LocalKeystoreKms;
import io.srrrs.crypto.pki.LocalCa;
import io.srrrs.embedded.ApicurioRegistry;
import io.srrrs.embedded.KafkaBroker;
import io.srrrs.schemas.EncryptedChunk;
import io.srrrs.schemas.PayloadReference;
import io.srrrs.serdes.AvroDeserializer;
import io.srrrs.serdes.AvroSerializer;
import io.srrrs.serdes.registry.HttpSchemaRegistryClient;
import io.srrrs.serdes.registry.RegistryConfig;
import io.srrrs.serdes.registry.SchemaRegistryClient;
import io.srrrs.topology.ops.OpsConfig;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The real components the integration tests share in one JVM: a KRaft broker and an Apicurio
 * registry, both TLS 1.3 only, a CA, and a local KMS keystore. Started once, stopped at exit.
 */
final class TopologyItEnvironment {

    private static TopologyItEnvironment instance;

    final Path dir;
    final LocalCa ca;
    final KafkaBroker kafka;
    final ApicurioRegistry registry;
    final Path keystore;
    final SchemaRegistryClient registryClient;

    private TopologyItEnvironment(Path dir) throws Exception {
        this.dir = dir;
        this.ca = LocalCa.createOrLoad(dir.resolve("ca"));
        this.kafka = KafkaBroker.forTests(dir.resolve("kafka"), ca);
        this.registry = ApicurioRegistry.start(dir.resolve("registry"), ca);
        this.keystore = dir.resolve("keks.p12");
        try (LocalKeystoreKms kms = LocalKeystoreKms.openOrCreate(keystore, "it-password".toCharArray())) {
            kms.createKek("orders");
        }
        this.registryClient = new HttpSchemaRegistryClient(RegistryConfig.fromProperties(registryProperties()));
    }

    static synchronized TopologyItEnvironment get() throws Exception {
        if (instance == null) {
            Path dir = Files.createTempDirectory(Files.createDirectories(Path.of("target").toAbsolutePath()), "it-stack-");
            instance = new TopologyItEnvironment(dir);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                instance.registry.close();
                instance.kafka.close();
            }));
        }
        return instance;
    }

    Map<String, Object> registryProperties() {
        return Map.of(RegistryConfig.URL, registry.url(),
                RegistryConfig.TRUSTSTORE_LOCATION, ca.truststore().toString(),
                RegistryConfig.TRUSTSTORE_PASSWORD, "changeit");
    }

    /** Topology settings for this stack, with its own topics and application id. */
    Map<String, String> topologySettings(String prefix, Path inbox) {
        Map<String, String> s = new HashMap<>();
        kafka.clientProperties().forEach((k, v) -> s.put(k, String.valueOf(v)));
        registryProperties().forEach((k, v) -> s.put(k, String.valueOf(v)));
        s.put("application.id", prefix + "-encryptor");
        s.put("state.dir", dir.resolve(prefix + "-state").toString());
        s.put("replication.factor", "1");
        s.put("consumer.session.timeout.ms", "6000");
        s.put("consumer.heartbeat.interval.ms", "1000");
        s.put(TopologyConfig.INPUT_TOPIC, prefix + "-refs");
        s.put(TopologyConfig.OUTPUT_TOPIC, prefix + "-chunks");
        s.put(TopologyConfig.DLQ_TOPIC, prefix + "-refs.dlq");
        s.put(TopologyConfig.FILE_ROOTS, inbox.toString());
        s.put(TopologyConfig.SOURCE_MAX_BYTES, Long.toString(1L << 30));
        s.put(TopologyConfig.KEK_DEFAULT, "orders");
        s.put(TopologyConfig.BUCKET_ALLOWED, "bucket");
        s.put("kms.type", "local");
        s.put("kms.local.keystore", keystore.toString());
        s.put("kms.local.password", "it-password");
        // Several topologies share this host (and ExactlyOnceIT's JVMs): each takes a free port.
        s.put(OpsConfig.PORT, "0");
        s.put(OpsConfig.BIND, "127.0.0.1");
        return s;
    }

    KafkaProducer<String, PayloadReference> referenceProducer() {
        Map<String, Object> p = new HashMap<>(kafka.clientProperties());
        p.put("acks", "all");
        AvroSerializer<PayloadReference> values = new AvroSerializer<>();
        values.configure(registryProperties(), false);
        return new KafkaProducer<>(p, new StringSerializer(), values);
    }

    void publish(String topic, List<PayloadReference> refs) throws Exception {
        try (KafkaProducer<String, PayloadReference> producer = referenceProducer()) {
            for (PayloadReference r : refs) {
                producer.send(new ProducerRecord<>(topic, r.getId(), r)).get();
            }
        }
    }

    KafkaConsumer<String, EncryptedChunk> chunkConsumer(String group, boolean readCommitted) {
        Map<String, Object> c = new HashMap<>(kafka.clientProperties());
        c.put("group.id", group);
        c.put("auto.offset.reset", "earliest");
        c.put("enable.auto.commit", "false");
        c.put("isolation.level", readCommitted ? "read_committed" : "read_uncommitted");
        c.put("max.partition.fetch.bytes", Integer.toString(4 * 1024 * 1024));
        return new KafkaConsumer<>(c, new StringDeserializer(), new AvroDeserializer<>(EncryptedChunk.class, registryClient));
    }

    /** Polls until {@code done} holds over everything read, or the timeout passes. */
    static <K, V> List<ConsumerRecord<K, V>> pollUntil(KafkaConsumer<K, V> consumer, Duration timeout,
                                                       Predicate<List<ConsumerRecord<K, V>>> done) {
        List<ConsumerRecord<K, V>> all = new ArrayList<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            consumer.poll(Duration.ofMillis(500)).forEach(all::add);
            if (done.test(all)) {
                return all;
            }
        }
        return all;
    }
}
