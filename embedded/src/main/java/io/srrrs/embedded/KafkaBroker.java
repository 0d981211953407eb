package io.srrrs.embedded;

import io.srrrs.crypto.pki.LocalCa;

import java.lang.reflect.InvocationTargetException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * A Kafka broker the integration tests talk to over TLS 1.3: in this JVM ({@link EmbeddedKafka},
 * the default) or, with {@code mvn -Pdocker verify} where a Docker engine runs, in a container
 * ({@code io.srrrs.embedded.docker.ContainerKafka}, compiled only in that profile).
 */
public interface KafkaBroker extends AutoCloseable {

    /** The system property the {@code docker} profile sets to {@code testcontainers}. */
    String SELECTOR = "srrrs.it.kafka";

    /** Client settings to reach this broker: bootstrap servers and TLS 1.3 trust in our CA. */
    default Map<String, Object> clientProperties() {
        return tlsClientProperties(bootstrapServers(), ca());
    }

    /** {@code 127.0.0.1:<port>}: every broker here serves clients on loopback. */
    default String bootstrapServers() {
        return "127.0.0.1:" + port();
    }

    /** Where the broker is: port, log directory, CA. */
    BrokerEndpoint endpoint();

    /** The port of the broker's SSL listener on this machine. */
    default int port() {
        return endpoint().port();
    }

    /** The CA whose certificate the broker serves (clients trust it). */
    default LocalCa ca() {
        return endpoint().ca();
    }

    /** Where the broker keeps its log segments, on this machine: the bytes Kafka actually stored. */
    default Path logDir() {
        return endpoint().logDir();
    }

    /** Creates a topic of one replica; one that exists already is left as it is. */
    default void createTopic(String name, int partitions, Map<String, String> configs) {
        Map<String, Object> admin = new HashMap<>(clientProperties());
        admin.putAll(Topics.QUICK_ADMIN);
        Topics.createOnce(admin, name, partitions, configs);
    }

    @Override
    void close();

    /** Client settings for a TLS 1.3 listener at {@code bootstrap} whose certificate {@code ca} issued. */
    static Map<String, Object> tlsClientProperties(String bootstrap, LocalCa ca) {
        Map<String, Object> m = new HashMap<>();
        m.put("bootstrap.servers", bootstrap);
        m.put("security.protocol", "SSL");
        m.putAll(TlsSettings.truststore("", ca.truststore()));
        m.putAll(TlsSettings.tls13Only(""));
        return m;
    }

    /** The broker the integration suite uses: {@code -Dsrrrs.it.kafka=testcontainers} picks the container. */
    static KafkaBroker forTests(Path dir, LocalCa ca) throws Exception {
        String kind = System.getProperty(SELECTOR, "embedded");
        switch (kind) {
            case "embedded" -> {
                return EmbeddedKafka.start(dir, ca);
            }
            case "testcontainers" -> {
                try {
                    return (KafkaBroker) Class.forName("io.srrrs.embedded.docker.ContainerKafka")
                            .getMethod("start", Path.class, LocalCa.class).invoke(null, dir, ca);
                } catch (ClassNotFoundException e) {
                    throw new IllegalStateException("-D" + SELECTOR + "=testcontainers needs the build's docker profile "
                            + "(mvn -Pdocker verify), which compiles the container broker", e);
                } catch (InvocationTargetException e) {
                    throw e.getCause() instanceof Exception ex ? ex : e;
                }
            }
            default -> throw new IllegalArgumentException("-D" + SELECTOR + "=" + kind + ": embedded or testcontainers");
        }
    }
}
