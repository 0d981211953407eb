package io.srrrs.embedded.docker;

import io.srrrs.crypto.pki.LocalCa;
import io.srrrs.embedded.FreePorts;
import io.srrrs.embedded.KafkaBroker;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.testcontainers.containers.BindMode;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.utility.DockerImageName;

/**
 * The integration suite's broker in a container ({@code mvn -Pdocker verify}, where a Docker
 * engine runs): Apache Kafka's own image in KRaft mode, configured as {@code EmbeddedKafka} is —
 * TLS 1.3 only on both listeners, certificates from our {@link LocalCa} — with its log directory
 * bound to the host so the canary scans read what the broker wrote.
 *
 * <p>Compiled only in the {@code docker} profile; NOT exercised on our machines, which have no
 * Docker engine.
 */
public final class ContainerKafka implements KafkaBroker {

    static final String IMAGE = "apache/kafka:4.1.0";

    private final GenericContainer<?> container;
    private final int port;
    private final Path logDir;
    private final LocalCa ca;

    private ContainerKafka(GenericContainer<?> container, int port, Path logDir, LocalCa ca) {
        this.container = container;
        this.port = port;
        this.logDir = logDir;
        this.ca = ca;
    }

    /** Called reflectively by {@link KafkaBroker#forTests}. */
    public static KafkaBroker start(Path dir, LocalCa ca) throws IOException, GeneralSecurityException {
        Path logDir = Files.createDirectories(dir.resolve("kafka-logs"));
        // The image runs as an unprivileged user; the bound directories must be open to it.
        Files.setPosixFilePermissions(logDir, java.nio.file.attribute.PosixFilePermissions.fromString("rwxrwxrwx"));
        LocalCa.ServerIdentity id = ca.server("kafka", List.of("localhost", "127.0.0.1"));
        int port = FreePorts.next();
        // Copies the image's user can read (the originals are owner-only): a test CA's files.
        Path certs = Files.createDirectories(dir.resolve("container-certs"));
        Path keystore = Files.copy(id.keystore(), certs.resolve("kafka.p12"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Path truststore = Files.copy(ca.truststore(), certs.resolve("truststore.p12"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        for (Path p : List.of(keystore, truststore)) {
            Files.setPosixFilePermissions(p, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        }
        Map<String, String> env = new HashMap<>();
        env.put("KAFKA_NODE_ID", "1");
        env.put("KAFKA_PROCESS_ROLES", "broker,controller");
        env.put("KAFKA_CONTROLLER_QUORUM_VOTERS", "1@localhost:9094");
        env.put("KAFKA_LISTENERS", "SSL://0.0.0.0:9093,CONTROLLER://localhost:9094");
        env.put("KAFKA_ADVERTISED_LISTENERS", "SSL://127.0.0.1:" + port);
        env.put("KAFKA_LISTENER_SECURITY_PROTOCOL_MAP", "SSL:SSL,CONTROLLER:SSL");
        env.put("KAFKA_INTER_BROKER_LISTENER_NAME", "SSL");
        env.put("KAFKA_CONTROLLER_LISTENER_NAMES", "CONTROLLER");
        env.put("KAFKA_SSL_KEYSTORE_LOCATION", "/certs/kafka.p12");
        env.put("KAFKA_SSL_KEYSTORE_TYPE", "PKCS12");
        env.put("KAFKA_SSL_KEYSTORE_PASSWORD", new String(id.password()));
        env.put("KAFKA_SSL_KEY_PASSWORD", new String(id.password()));
        env.put("KAFKA_SSL_TRUSTSTORE_LOCATION", "/certs/truststore.p12");
        env.put("KAFKA_SSL_TRUSTSTORE_TYPE", "PKCS12");
        env.put("KAFKA_SSL_TRUSTSTORE_PASSWORD", new String(LocalCa.TRUSTSTORE_PASSWORD));
        env.put("KAFKA_SSL_ENABLED_PROTOCOLS", "TLSv1.3");
        env.put("KAFKA_SSL_PROTOCOL", "TLSv1.3");
        env.put("KAFKA_LOG_DIRS", "/var/lib/kafka/data");
        env.put("KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR", "1");
        env.put("KAFKA_OFFSETS_TOPIC_NUM_PARTITIONS", "3");
        env.put("KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR", "1");
        env.put("KAFKA_TRANSACTION_STATE_LOG_MIN_ISR", "1");
        env.put("KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS", "0");
        env.put("KAFKA_AUTO_CREATE_TOPICS_ENABLE", "false");
        @SuppressWarnings("resource")
        GenericContainer<?> container = new GenericContainer<>(DockerImageName.parse(IMAGE))
                .withEnv(env)
                .withFileSystemBind(keystore.toString(), "/certs/kafka.p12", BindMode.READ_ONLY)
                .withFileSystemBind(truststore.toString(), "/certs/truststore.p12", BindMode.READ_ONLY)
                .withFileSystemBind(logDir.toString(), "/var/lib/kafka/data", BindMode.READ_WRITE)
                .withCreateContainerCmdModifier(cmd -> cmd.getHostConfig().withPortBindings(
                        com.github.dockerjava.api.model.PortBinding.parse("127.0.0.1:" + port + ":9093")))
                .withExposedPorts(9093)
                .waitingFor(Wait.forLogMessage(".*Kafka Server started.*", 1).withStartupTimeout(Duration.ofMinutes(2)));
        container.start();
        return new ContainerKafka(container, port, logDir, ca);
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
    public void close() {
        container.stop();
    }
}
