package io.srrrs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.srrrs.crypto.pki.LocalCa;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Materialized;
import org.junit.jupiter.api.Test;

/**
 * The ACLs of docker-compose.yml, set by the real deploy/kafka/init-acls.sh through the real
 * kafka-topics.sh / kafka-acls.sh commands, suffice at runtime and deny what they should: each
 * principal acts with a real client against a broker configured as the compose kafka service.
 */
class ComposeAclsIT {

    private static final String INPUT = "payload-refs";
    private static final String CHUNKS = "ciphertext-chunks";
    private static final String DLQ = "payload-refs.dlq";
    private static final String SINK_DLQ = "ciphertext-chunks.sink-dlq";
    private static final String ALLOWED = "allowed";
    private static final String CHANGELOG = "srrrs-encryptor-acl-check-store-changelog";
    private static final String TOPIC_DENIED = "TopicAuthorizationException";

    record Check(String principal, String operation, String expected, String got) {
    }

    private final List<Check> checks = new ArrayList<>();
    private MutualTlsKafka kafka;

    @Test
    void composeGrantsSufficeAndDenyAtRuntime() throws Exception {
        Path dir = KmsProvidersIT.newDir("compose-acls");
        LocalCa ca = LocalCa.createOrLoad(dir.resolve("ca"));
        try (MutualTlsKafka k = MutualTlsKafka.start(dir, ca)) {
            kafka = k;
            runInitAcls(dir);
            check("producer", "write " + INPUT, ALLOWED, () -> produce("producer", null, 3, INPUT));
            check("producer", "write " + CHUNKS, TOPIC_DENIED, () -> produce("producer", null, 1, CHUNKS));
            check("topology", "transactional write " + CHUNKS + " + " + DLQ, ALLOWED,
                    () -> produce("topology", "srrrs-encryptor-acl-check", 1, CHUNKS, DLQ));
            check("topology", "read_committed read " + INPUT + " in group srrrs-encryptor", ALLOWED,
                    () -> consume("topology", "srrrs-encryptor", INPUT, 3));
            check("topology", "Streams EOS v2 " + INPUT + " -> " + CHUNKS + ", own changelog", ALLOWED, () -> streamsCopy(dir));
            check("connect", "read " + CHUNKS + " in group connect-srrrs-s3-sink", ALLOWED,
                    () -> consume("connect", "connect-srrrs-s3-sink", CHUNKS, 4));
            check("connect", "write " + SINK_DLQ, ALLOWED, () -> produce("connect", null, 1, SINK_DLQ));
            check("producer", "read " + CHUNKS, TOPIC_DENIED, () -> consume("producer", null, CHUNKS, 1));
            check("operator", "read " + CHUNKS, TOPIC_DENIED, () -> consume("operator", null, CHUNKS, 1));
            check("operator", "read " + DLQ + " in group srrrs-operator-dlq", ALLOWED,
                    () -> consume("operator", "srrrs-operator-dlq", DLQ, 1));
            check("operator", "read " + SINK_DLQ + " in group srrrs-operator-sink-dlq", ALLOWED,
                    () -> consume("operator", "srrrs-operator-sink-dlq", SINK_DLQ, 1));
        } finally {
            printTable();
        }
        assertThat(checks).hasSize(11).allSatisfy(c -> assertThat(c.got()).as(c.principal() + " " + c.operation())
                .isEqualTo(c.expected()));
    }

    /** Runs the script as kafka-init does, its tools as shims onto the test classpath's Kafka tools. */
    private void runInitAcls(Path dir) throws Exception {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        shim(bin.resolve("kafka-topics.sh"), "org.apache.kafka.tools.TopicCommand");
        shim(bin.resolve("kafka-acls.sh"), "org.apache.kafka.tools.AclCommand");
        LocalCa.ServerIdentity admin = LocalCa.createOrLoad(dir.resolve("ca")).server("admin", List.of("localhost"));
        Map<String, String> env = new HashMap<>();
        env.put("KAFKA_BIN", bin.toString());
        env.put("CERT_PASSWORD", new String(admin.password()));
        env.put("SHIM_JAVA", Path.of(System.getProperty("java.home"), "bin", "java").toString());
        env.put("SHIM_CP", System.getProperty("java.class.path"));
        env.put("SHIM_BOOTSTRAP", kafka.bootstrapServers());
        env.put("SHIM_TRUSTSTORE", dir.resolve("ca").resolve("truststore.p12").toString());
        env.put("SHIM_KEYSTORE", admin.keystore().toString());
        env.put("SHIM_TMP", dir.toString());
        long start = System.nanoTime();
        Tools.Result r = Tools.run(dir, List.of("sh", Path.of(System.getProperty("srrrs.root", "..")).toAbsolutePath().normalize()
                .resolve("deploy/kafka/init-acls.sh").toString()),
                env);
        System.out.printf("init-acls.sh: exit %d in %d ms%n", r.exit(), (System.nanoTime() - start) / 1_000_000);
        assertThat(r.exit()).as(r.output()).isZero();
        assertThat(r.output()).contains("topics and ACLs in place");
    }

    /**
     * The script names the compose network's broker and the container's key paths; the shim maps
     * them to this test's broker and keys and passes every other argument through unchanged.
     */
    private static void shim(Path file, String mainClass) throws Exception {
        String script = """
                #!/bin/bash
                set -eu
                args=()
                while [ $# -gt 0 ]; do
                  case "$1" in
                    --bootstrap-server) args+=("$1" "$SHIM_BOOTSTRAP"); shift 2 ;;
                    --command-config)
                      cfg=$(mktemp "$SHIM_TMP/cfg.XXXXXX")
                      sed -e "s#/certs/truststore.p12#$SHIM_TRUSTSTORE#" -e "s#/keys/admin.p12#$SHIM_KEYSTORE#" "$2" > "$cfg"
                      args+=("$1" "$cfg"); shift 2 ;;
                    *) args+=("$1"); shift ;;
                  esac
                done
                exec "$SHIM_JAVA" -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -cp "$SHIM_CP" %s "${args[@]}"
                """.formatted(mainClass);
        Files.writeString(file, script);
        assertThat(file.toFile().setExecutable(true)).isTrue();
    }

    private interface Action {
        Object run() throws Exception;
    }

    private void check(String principal, String operation, String expected, Action action) {
        String got;
        try {
            Object result = action.run();
            got = Boolean.TRUE.equals(result) || result instanceof Integer ? ALLOWED : String.valueOf(result);
        } catch (Exception e) {
            got = outcome(e);
        }
        checks.add(new Check(principal, operation, expected, got));
    }

    /** The authorization error in a chain, by class name; any other failure with its message. */
    private static String outcome(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof org.apache.kafka.common.errors.AuthorizationException) {
                return t.getClass().getSimpleName();
            }
        }
        return e.getClass().getSimpleName() + ": " + e.getMessage();
    }

    /** Writes {@code n} records to each topic, all in one transaction when {@code transactionalId} is set. */
    private Object produce(String principal, String transactionalId, int n, String... topics) throws Exception {
        Map<String, Object> p = kafka.clientProperties(principal);
        p.put("key.serializer", StringSerializer.class.getName());
        p.put("value.serializer", StringSerializer.class.getName());
        p.put("max.block.ms", "15000");
        p.put("delivery.timeout.ms", "15000");
        p.put("request.timeout.ms", "5000");
        if (transactionalId != null) {
            p.put("transactional.id", transactionalId);
        }
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p)) {
            if (transactionalId != null) {
                producer.initTransactions();
                producer.beginTransaction();
            }
            for (String topic : topics) {
                for (int i = 0; i < n; i++) {
                    producer.send(new ProducerRecord<>(topic, principal + "-" + i, principal + " " + i)).get();
                }
            }
            if (transactionalId != null) {
                producer.commitTransaction();
            }
        }
        return n;
    }

    /** Reads at least {@code min} committed records: in {@code group}, or by assignment when null. */
    private Object consume(String principal, String group, String topic, int min) throws Exception {
        Map<String, Object> p = kafka.clientProperties(principal);
        p.put("key.deserializer", StringDeserializer.class.getName());
        p.put("value.deserializer", StringDeserializer.class.getName());
        p.put("isolation.level", "read_committed");
        p.put("auto.offset.reset", "earliest");
        p.put("enable.auto.commit", "false");
        p.put("default.api.timeout.ms", "15000");
        if (group != null) {
            p.put("group.id", group);
        }
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p)) {
            if (group != null) {
                consumer.subscribe(List.of(topic));
            } else {
                // no group: only the topic's Read grant is in question
                List<TopicPartition> parts = List.of(0, 1, 2).stream().map(i -> new TopicPartition(topic, i)).toList();
                consumer.assign(parts);
                consumer.seekToBeginning(parts);
            }
            int seen = 0;
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (seen < min && System.nanoTime() < deadline) {
                ConsumerRecords<String, String> records = consumer.poll(Duration.ofMillis(500));
                seen += records.count();
            }
            return seen >= min ? seen : "read " + seen + " of " + min + " records";
        }
    }

    /** An exactly-once Streams app with the topology's application.id: input to chunks, and a store. */
    private Object streamsCopy(Path dir) throws Exception {
        Properties p = new Properties();
        p.putAll(kafka.clientProperties("topology"));
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, "srrrs-encryptor");
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        p.put(StreamsConfig.STATE_DIR_CONFIG, dir.resolve("streams-state").toString());
        p.put(StreamsConfig.DEFAULT_KEY_SERDE_CLASS_CONFIG, org.apache.kafka.common.serialization.Serdes.StringSerde.class);
        p.put(StreamsConfig.DEFAULT_VALUE_SERDE_CLASS_CONFIG, org.apache.kafka.common.serialization.Serdes.StringSerde.class);
        p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, "200");
        p.put(StreamsConfig.consumerPrefix("auto.offset.reset"), "earliest");
        StreamsBuilder builder = new StreamsBuilder();
        KStream<String, String> input = builder.stream(INPUT);
        input.mapValues(v -> "copied " + v).to(CHUNKS);
        // a store, as the real topology keeps one: Streams must create its changelog topic itself
        input.groupByKey().count(Materialized.as("acl-check-store"));
        AtomicReference<Throwable> failure = new AtomicReference<>();
        try (KafkaStreams streams = new KafkaStreams(builder.build(), p)) {
            streams.setUncaughtExceptionHandler(e -> {
                failure.set(e);
                return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
            });
            streams.start();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (System.nanoTime() < deadline && failure.get() == null && !copied(3)) {
                Thread.sleep(500);
            }
            streams.close(Duration.ofSeconds(10));
        }
        if (failure.get() != null) {
            throw new IllegalStateException("Streams failed: " + failure.get(), failure.get());
        }
        if (!copied(3)) {
            return "no copied record in " + CHUNKS;
        }
        try (Admin admin = Admin.create(kafka.clientProperties("admin"))) {
            return admin.listTopics().names().get().contains(CHANGELOG) ? ALLOWED : "no topic " + CHANGELOG;
        }
    }

    /** Whether {@code n} records of the Streams app are committed in the chunk topic, read as the super user. */
    private boolean copied(int n) throws Exception {
        Map<String, Object> p = kafka.clientProperties("admin");
        p.put("key.deserializer", StringDeserializer.class.getName());
        p.put("value.deserializer", StringDeserializer.class.getName());
        p.put("isolation.level", "read_committed");
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p)) {
            List<TopicPartition> parts = List.of(0, 1, 2).stream().map(i -> new TopicPartition(CHUNKS, i)).toList();
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
            int seen = 0;
            long deadline = System.nanoTime() + Duration.ofSeconds(2).toNanos();
            while (seen < n && System.nanoTime() < deadline) {
                for (var r : consumer.poll(Duration.ofMillis(200))) {
                    seen += r.value().startsWith("copied ") ? 1 : 0;
                }
            }
            return seen >= n;
        }
    }

    private void printTable() {
        String row = "| %-9s | %-64s | %-27s | %-27s |%n";
        StringBuilder sb = new StringBuilder("\nComposeAclsIT checks\n");
        sb.append(String.format(row, "principal", "operation", "expected", "got"));
        for (Check c : checks) {
            sb.append(String.format(row, c.principal(), c.operation(), c.expected(), c.got()));
        }
        System.out.println(sb);
    }
}
