package io.srrrs.embedded;

import io.srrrs.crypto.pki.LocalCa;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * A Kafka broker the integration tests talk to over TLS 1.3: in this JVM ({@link EmbeddedKafka},
 * the default) or, with {@code mvn -Pdocker verify} where a Docker engine runs, in a container
 * ({@code io.srrrs.embedded.docker.ContainerKafka}, compiled only in that profile).
 */
public interface KafkaBroker extends AutoCloseable {

    /** The system property the {@code docker} profile sets to {@code testcontainers}. */
    String SELECTOR = "srrrs.it.kafka";

    /** Client settings to reach this broker: bootstrap servers and TLS 1.3 trust in our CA. */
    Map<String, Object> clientProperties();

    String bootstrapServers();

    int port();

    /** Where the broker keeps its log segments, on this machine: the bytes Kafka actually stored. */
    Path logDir();

    default void createTopic(String name, int partitions, Map<String, String> configs) {
        Map<String, Object> admin = new HashMap<>(clientProperties());
        admin.put("request.timeout.ms", "5000");
        admin.put("default.api.timeout.ms", "10000");
        try (Admin a = Admin.create(admin)) {
            a.createTopics(List.of(new NewTopic(name, partitions, (short) 1).configs(configs))).all().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException("cannot create topic " + name + ": " + e.getCause(), e.getCause());
            }
        } catch (Exception e) {
            throw new IllegalStateException("cannot create topic " + name + ": " + e, e);
        }
    }

    @Override
    void close();

    /** Client settings for a TLS 1.3 listener at {@code bootstrap} whose certificate {@code ca} issued. */
    static Map<String, Object> tlsClientProperties(String bootstrap, LocalCa ca) {
        Map<String, Object> m = new HashMap<>();
        m.put("bootstrap.servers", bootstrap);
        m.put("security.protocol", "SSL");
        m.put("ssl.truststore.location", ca.truststore().toString());
        m.put("ssl.truststore.password", new String(LocalCa.TRUSTSTORE_PASSWORD));
        m.put("ssl.truststore.type", "PKCS12");
        m.put("ssl.enabled.protocols", "TLSv1.3");
        m.put("ssl.protocol", "TLSv1.3");
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
                } catch (java.lang.reflect.InvocationTargetException e) {
                    throw e.getCause() instanceof Exception ex ? ex : e;
                }
            }
            default -> throw new IllegalArgumentException("-D" + SELECTOR + "=" + kind + ": embedded or testcontainers");
        }
    }
}
