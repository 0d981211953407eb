package io.srrrs.embedded.docker;

import com.github.dockerjava.api.model.PortBinding;
import io.srrrs.crypto.pki.LocalCa;
import io.srrrs.embedded.BrokerEndpoint;
import io.srrrs.embedded.BuildProperties;
import io.srrrs.embedded.FreePorts;
import io.srrrs.embedded.KafkaBroker;
import io.srrrs.embedded.KraftBrokerSettings;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.testcontainers.containers.BindMode;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.utility.DockerImageName;

/**
 * The integration suite's broker in a container ({@code mvn -Pdocker verify}, where a Docker
 * engine runs): Apache Kafka's own image (the build's Kafka version) in KRaft mode, with the
 * {@link KraftBrokerSettings} {@code EmbeddedKafka} uses —
 * TLS 1.3 only on both listeners, certificates from our {@link LocalCa} — with its log directory
 * bound to the host so the canary scans read what the broker wrote.
 *
 * <p>Compiled only in the {@code docker} profile; on our machines it runs through podman's
 * Docker-compatible socket ({@code bin/containers test}), Ryuk off.
 */
public final class ContainerKafka implements KafkaBroker {

    /**
     * Apache Kafka's image of the version the build uses (the root pom's {@code kafka.version}),
     * or the one {@code -Dsrrrs.it.kafka.image} names: bin/containers test passes its stand-in
     * built on this machine, which keeps the same environment contract.
     */
    static final String IMAGE = System.getProperty("srrrs.it.kafka.image", "apache/kafka:" + BuildProperties.kafkaVersion());

    private static final String KEYSTORE = "/certs/kafka.p12";
    private static final String TRUSTSTORE = "/certs/truststore.p12";
    private static final String DATA = "/var/lib/kafka/data";

    private final GenericContainer<?> container;
    private final BrokerEndpoint endpoint;

    private ContainerKafka(GenericContainer<?> container, int port, Path logDir, LocalCa ca) {
        this.container = container;
        this.endpoint = new BrokerEndpoint(port, logDir, ca);
    }

    /** Called reflectively by {@link KafkaBroker#forTests}. */
    public static KafkaBroker start(Path dir, LocalCa ca) throws IOException, GeneralSecurityException {
        Path logDir = Files.createDirectories(dir.resolve("kafka-logs"));
        // The image runs as an unprivileged user; the bound directories must be open to it.
        Files.setPosixFilePermissions(logDir, PosixFilePermissions.fromString("rwxrwxrwx"));
        LocalCa.ServerIdentity id = KraftBrokerSettings.identity(ca);
        int port = FreePorts.next();
        // Copies the image's user can read (the originals are owner-only): a test CA's files.
        Path certs = Files.createDirectories(dir.resolve("container-certs"));
        Path keystore = Files.copy(id.keystore(), certs.resolve("kafka.p12"), StandardCopyOption.REPLACE_EXISTING);
        Path truststore = Files.copy(ca.truststore(), certs.resolve("truststore.p12"),
                StandardCopyOption.REPLACE_EXISTING);
        for (Path p : List.of(keystore, truststore)) {
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rw-r--r--"));
        }
        // The same port inside as on the host: the broker calls itself at its advertised address
        // (inter-broker listener, transaction verification), which must work inside the container too.
        KraftBrokerSettings settings = new KraftBrokerSettings("0.0.0.0:" + port, "127.0.0.1:" + port, "localhost:9094",
                KEYSTORE, TRUSTSTORE, DATA);
        Map<String, String> env = environment(settings.properties(id.password()));
        @SuppressWarnings("resource")
        GenericContainer<?> container = new GenericContainer<>(DockerImageName.parse(IMAGE))
                .withEnv(env)
                .withFileSystemBind(keystore.toString(), KEYSTORE, BindMode.READ_ONLY)
                .withFileSystemBind(truststore.toString(), TRUSTSTORE, BindMode.READ_ONLY)
                .withFileSystemBind(logDir.toString(), DATA, BindMode.READ_WRITE)
                .withCreateContainerCmdModifier(cmd -> cmd.getHostConfig().withPortBindings(
                        PortBinding.parse("127.0.0.1:" + port + ":" + port)))
                .withExposedPorts(port)
                .waitingFor(Wait.forLogMessage(".*Kafka Server started.*", 1).withStartupTimeout(Duration.ofMinutes(2)));
        container.start();
        return new ContainerKafka(container, port, logDir, ca);
    }

    /**
     * The image's spelling of broker properties: {@code KAFKA_} and the name upper-cased, with
     * {@code _} doubled, {@code -} as {@code ___} and {@code .} as {@code _}.
     */
    static Map<String, String> environment(Map<String, String> properties) {
        Map<String, String> env = new HashMap<>();
        properties.forEach((k, v) -> env.put("KAFKA_" + k.replace("_", "__").replace("-", "___").replace('.', '_')
                .toUpperCase(Locale.ROOT), v));
        return env;
    }

    @Override
    public BrokerEndpoint endpoint() {
        return endpoint;
    }

    @Override
    public void close() {
        container.stop();
    }
}
