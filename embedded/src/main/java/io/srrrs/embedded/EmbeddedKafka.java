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
import org.apache.kafka.common.Uuid;
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
    private final BrokerEndpoint endpoint;
    private final LocalCa.ServerIdentity identity;

    private EmbeddedKafka(KafkaRaftServer server, int port, Path logDir, LocalCa ca, LocalCa.ServerIdentity identity) {
        this.server = server;
        this.endpoint = new BrokerEndpoint(port, logDir, ca);
        this.identity = identity;
    }

    /** Formats {@code dir} on first use (kept across restarts) and starts the broker. */
    public static EmbeddedKafka start(Path dir, LocalCa ca) throws IOException, GeneralSecurityException {
        return start(dir, ca, FreePorts.next(), FreePorts.next(), Map.of());
    }

    /** As above, on the given ports (a restart keeps them), {@code overrides} laid over our settings. */
    public static EmbeddedKafka start(Path dir, LocalCa ca, int port, int controllerPort, Map<String, String> overrides)
            throws IOException, GeneralSecurityException {
        Path logDir = dir.resolve("kafka-logs");
        Files.createDirectories(logDir);
        LocalCa.ServerIdentity id = KraftBrokerSettings.identity(ca);
        String listener = "127.0.0.1:" + port;
        KraftBrokerSettings settings = new KraftBrokerSettings(listener, listener, "127.0.0.1:" + controllerPort,
                id.keystore().toString(), ca.truststore().toString(), logDir.toString());
        Properties p = new Properties();
        p.putAll(settings.properties(id.password()));
        p.putAll(overrides);
        formatOnce(logDir);
        KafkaRaftServer server = new KafkaRaftServer(KafkaConfig.fromProps(p), Time.SYSTEM);
        server.startup();
        EmbeddedKafka kafka = new EmbeddedKafka(server, port, logDir, ca, id);
        kafka.awaitReady(Duration.ofSeconds(60));
        return kafka;
    }

    /** Formats a new log directory (a random cluster id); one formatted before is kept as it is. */
    private static void formatOnce(Path logDir) throws IOException {
        if (Files.exists(logDir.resolve("meta.properties"))) {
            return;
        }
        Formatter formatter = new Formatter()
                .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
                .setNodeId(1)
                .setClusterId(Uuid.randomUuid().toString())
                .setDirectories(List.of(logDir.toString()))
                .setMetadataLogDirectory(logDir.toString())
                .setControllerListenerName(KraftBrokerSettings.CONTROLLER_LISTENER)
                .setReleaseVersion(MetadataVersion.latestProduction());
        try {
            formatter.run();
        } catch (Exception e) {
            throw new IOException("cannot format the Kafka log directory " + logDir + ": " + e.getMessage(), e);
        }
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
        m.putAll(TlsSettings.keystore("", identity));
        m.putAll(Topics.QUICK_ADMIN);
        return m;
    }

    @Override
    public BrokerEndpoint endpoint() {
        return endpoint;
    }

    /** As {@link KafkaBroker#createTopic}, presenting the broker's certificate (see above). */
    @Override
    public void createTopic(String name, int partitions, Map<String, String> configs) {
        Topics.createOnce(adminProperties(), name, partitions, configs);
    }

    @Override
    public void close() {
        server.shutdown();
        server.awaitShutdown();
    }
}
