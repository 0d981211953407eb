package io.srrrs.embedded;

import io.srrrs.crypto.pki.LocalCa;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;

/**
 * A real single-node KRaft Kafka broker (broker and controller in one), in this JVM, with both
 * listeners speaking TLS 1.3 only, certificates from the {@link LocalCa}. Its log directory is a
 * plain directory, so tests can scan the bytes Kafka stored. Its own checks (readiness, topic
 * creation) present the broker's certificate ({@code CN=kafka}), so it also starts with overrides
 * that require client certificates and an authorizer with {@code User:kafka} as a super user.
 */
public final class EmbeddedKafka implements KafkaBroker {

    private final KafkaRaftServer server;
    private final int port;
    private final Path logDir;
    private final LocalCa ca;
    private final LocalCa.ServerIdentity identity;

    private EmbeddedKafka(KafkaRaftServer server, int port, Path logDir, LocalCa ca, LocalCa.ServerIdentity identity) {
        this.server = server;
        this.port = port;
        this.logDir = logDir;
        this.ca = ca;
        this.identity = identity;
    }

    /** Formats {@code dir} on first use (kept across restarts) and starts the broker. */
    public static EmbeddedKafka start(Path dir, LocalCa ca) throws IOException, GeneralSecurityException {
        return start(dir, ca, FreePorts.next(), FreePorts.next(), Map.of());
    }

    public static EmbeddedKafka start(Path dir, LocalCa ca, int port, int controllerPort, Map<String, String> overrides)
            throws IOException, GeneralSecurityException {
        Path logDir = dir.resolve("kafka-logs");
        Files.createDirectories(logDir);
        LocalCa.ServerIdentity id = ca.server("kafka", List.of("localhost", "127.0.0.1"));
        Properties p = new Properties();
        p.put("process.roles", "broker,controller");
        p.put("node.id", "1");
        p.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        p.put("listeners", "SSL://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
        p.put("advertised.listeners", "SSL://127.0.0.1:" + port);
        p.put("listener.security.protocol.map", "SSL:SSL,CONTROLLER:SSL");
        p.put("inter.broker.listener.name", "SSL");
        p.put("controller.listener.names", "CONTROLLER");
        p.put("ssl.keystore.location", id.keystore().toString());
        p.put("ssl.keystore.password", new String(id.password()));
        p.put("ssl.key.password", new String(id.password()));
        p.put("ssl.keystore.type", "PKCS12");
        p.put("ssl.truststore.location", ca.truststore().toString());
        p.put("ssl.truststore.password", new String(LocalCa.TRUSTSTORE_PASSWORD));
        p.put("ssl.truststore.type", "PKCS12");
        p.put("ssl.enabled.protocols", "TLSv1.3");
        p.put("ssl.protocol", "TLSv1.3");
        p.put("log.dirs", logDir.toString());
        p.put("offsets.topic.replication.factor", "1");
        p.put("offsets.topic.num.partitions", "3");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("transaction.state.log.num.partitions", "3");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        p.put("group.initial.rebalance.delay.ms", "0");
        p.put("auto.create.topics.enable", "false");
        p.put("num.partitions", "1");
        p.putAll(overrides);

        if (!Files.exists(logDir.resolve("meta.properties"))) {
            Formatter formatter = new Formatter()
                    .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
                    .setNodeId(1)
                    .setClusterId(Uuid.randomUuid().toString())
                    .setDirectories(List.of(logDir.toString()))
                    .setMetadataLogDirectory(logDir.toString())
                    .setControllerListenerName("CONTROLLER")
                    .setReleaseVersion(MetadataVersion.latestProduction());
            try {
                formatter.run();
            } catch (Exception e) {
                throw new IOException("cannot format the Kafka log directory " + logDir + ": " + e.getMessage(), e);
            }
        }
        KafkaRaftServer server = new KafkaRaftServer(KafkaConfig.fromProps(p), Time.SYSTEM);
        server.startup();
        EmbeddedKafka kafka = new EmbeddedKafka(server, port, logDir, ca, id);
        kafka.awaitReady(Duration.ofSeconds(60));
        return kafka;
    }

    private void awaitReady(Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Exception last = null;
        while (System.nanoTime() < deadline) {
            try (Admin admin = Admin.create(adminProperties())) {
                admin.describeCluster().nodes().get(5, TimeUnit.SECONDS);
                return;
            } catch (Exception e) {
                last = e;
            }
        }
        throw new IOException("Kafka did not become ready within " + timeout + ": " + last);
    }

    private Map<String, Object> adminProperties() {
        Map<String, Object> m = new HashMap<>(clientProperties());
        m.put("ssl.keystore.location", identity.keystore().toString());
        m.put("ssl.keystore.password", new String(identity.password()));
        m.put("ssl.key.password", new String(identity.password()));
        m.put("ssl.keystore.type", "PKCS12");
        m.put("request.timeout.ms", "5000");
        m.put("default.api.timeout.ms", "10000");
        return m;
    }

    @Override
    public Map<String, Object> clientProperties() {
        return KafkaBroker.tlsClientProperties(bootstrapServers(), ca);
    }

    @Override
    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    @Override
    public int port() {
        return port;
    }

    @Override
    public Path logDir() {
        return logDir;
    }

    @Override
    public void createTopic(String name, int partitions, Map<String, String> configs) {
        try (Admin admin = Admin.create(adminProperties())) {
            admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1).configs(configs))).all()
                    .get(30, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException("cannot create topic " + name + ": " + e.getCause(), e.getCause());
            }
        } catch (Exception e) {
            throw new IllegalStateException("cannot create topic " + name + ": " + e, e);
        }
    }

    @Override
    public void close() {
        server.shutdown();
        server.awaitShutdown();
    }
}
