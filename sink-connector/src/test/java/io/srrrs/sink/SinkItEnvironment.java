package io.srrrs.sink;

import io.srrrs.crypto.kms.DecoratedKms;
import io.srrrs.crypto.kms.local.LocalKeystoreKms;
import io.srrrs.crypto.pki.LocalCa;
import io.srrrs.embedded.ApicurioRegistry;
import io.srrrs.embedded.ConnectWorker;
import io.srrrs.embedded.KafkaBroker;
import io.srrrs.embedded.EmbeddedS3;
import io.srrrs.embedded.FreePorts;
import io.srrrs.serdes.registry.RegistryConfig;
import io.srrrs.store.StoreClients;
import io.srrrs.store.StoreConfig;
import io.srrrs.topology.TopologyConfig;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.common.GroupState;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Real components for the sink's integration tests, shared in one JVM: a KRaft broker and the
 * Apicurio registry (TLS 1.3), S3Proxy (TLS 1.3), a local KMS, and a Connect worker JVM with the
 * sink's plugin jar — the build's real artifact — on its plugin.path.
 */
final class SinkItEnvironment {

    private static SinkItEnvironment instance;

    final Path dir;
    final LocalCa ca;
    final KafkaBroker kafka;
    final ApicurioRegistry registry;
    final int s3HttpsPort = FreePorts.next();
    final int s3HttpPort = FreePorts.next();
    EmbeddedS3 s3;
    final S3Client admin;
    final Path keystore;
    final DecoratedKms kms;
    final Path pluginDir;

    private SinkItEnvironment(Path dir) throws Exception {
        this.dir = dir;
        ca = LocalCa.createOrLoad(dir.resolve("ca"));
        kafka = KafkaBroker.forTests(dir.resolve("kafka"), ca);
        registry = ApicurioRegistry.start(dir.resolve("registry"), ca);
        s3 = EmbeddedS3.start(dir.resolve("s3"), ca, s3HttpsPort, s3HttpPort);
        admin = StoreClients.s3(store());
        keystore = dir.resolve("keks.p12");
        LocalKeystoreKms local = LocalKeystoreKms.openOrCreate(keystore, "it-password".toCharArray());
        local.createKek("orders");
        local.createKek("archive");
        kms = DecoratedKms.around(local, DecoratedKms.Config.DEFAULTS);
        pluginDir = Files.createDirectories(dir.resolve("plugins"));
        Path plugin = Path.of(System.getProperty("srrrs.sink.plugin"));
        Files.copy(plugin, pluginDir.resolve(plugin.getFileName()), StandardCopyOption.REPLACE_EXISTING);
    }

    static synchronized SinkItEnvironment get() throws Exception {
        if (instance == null) {
            instance = new SinkItEnvironment(Files.createTempDirectory(Files.createDirectories(Path.of("target").toAbsolutePath()), "it-stack-"));
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    instance.s3.close();
                } catch (Exception ignored) {
                    // exiting
                }
                instance.registry.close();
                instance.kafka.close();
            }));
        }
        return instance;
    }

    StoreConfig store() {
        return StoreConfig.of(s3.httpsEndpoint(), s3.accessKey(), s3.secretKey(), ca.truststore());
    }

    void stopStore() throws Exception {
        s3.close();
    }

    void startStore() throws Exception {
        s3 = EmbeddedS3.start(dir.resolve("s3"), ca, s3HttpsPort, s3HttpPort);
    }

    ConnectWorker worker(String group) throws Exception {
        return ConnectWorker.start(dir.resolve("connect-" + group), kafka, ca, pluginDir, group);
    }

    /** A worker whose JVM serves JMX on 127.0.0.1:{@code jmxPort}, without TLS or login (a test's only). */
    ConnectWorker workerWithJmx(String group, int jmxPort) throws Exception {
        return ConnectWorker.start(dir.resolve("connect-" + group), kafka, ca, pluginDir, group, Map.of(), List.of(
                "-Dcom.sun.management.jmxremote.port=" + jmxPort, "-Dcom.sun.management.jmxremote.rmi.port=" + jmxPort,
                "-Dcom.sun.management.jmxremote.host=127.0.0.1", "-Djava.rmi.server.hostname=127.0.0.1",
                "-Dcom.sun.management.jmxremote.authenticate=false", "-Dcom.sun.management.jmxremote.ssl=false"));
    }

    Map<String, Object> registryProperties() {
        return Map.of(RegistryConfig.URL, registry.url(), RegistryConfig.TRUSTSTORE_LOCATION, ca.truststore().toString(),
                RegistryConfig.TRUSTSTORE_PASSWORD, "changeit");
    }

    /** The encryption topology's configuration: references from {@code <prefix>-refs}, chunks to {@code <prefix>-chunks}. */
    Map<String, String> topologyConfig(String prefix, Path fileRoot) {
        Map<String, String> t = new HashMap<>();
        kafka.clientProperties().forEach((k, v) -> t.put(k, String.valueOf(v)));
        registryProperties().forEach((k, v) -> t.put(k, String.valueOf(v)));
        t.put("application.id", prefix + "-encryptor");
        t.put("state.dir", dir.resolve(prefix + "-state").toString());
        t.put("replication.factor", "1");
        t.put(TopologyConfig.INPUT_TOPIC, prefix + "-refs");
        t.put(TopologyConfig.OUTPUT_TOPIC, prefix + "-chunks");
        t.put(TopologyConfig.DLQ_TOPIC, prefix + "-refs.dlq");
        t.put(TopologyConfig.FILE_ROOTS, fileRoot.toString());
        t.put(TopologyConfig.KEK_DEFAULT, "orders");
        // Any bucket on the topology's side: these tests prove the sink's own allow-list (s3.bucket.name).
        t.put(TopologyConfig.BUCKET_ALLOWED, "*");
        t.put("kms.type", "local");
        t.put("kms.local.keystore", keystore.toString());
        t.put("kms.local.password", "it-password");
        return t;
    }

    /** The connector's configuration, as a user PUTs it. */
    Map<String, String> connectorConfig(String topic, String bucket) {
        Map<String, String> c = new HashMap<>();
        c.put("connector.class", "io.srrrs.sink.S3SinkConnector");
        c.put("tasks.max", "2");
        c.put("topics", topic);
        c.put("key.converter", "org.apache.kafka.connect.storage.StringConverter");
        c.put("value.converter", "io.srrrs.serdes.connect.AvroConverter");
        c.put("value.converter.schema.registry.url", registry.url());
        c.put("value.converter.schema.registry.ssl.truststore.location", ca.truststore().toString());
        c.put("value.converter.schema.registry.ssl.truststore.password", "changeit");
        c.put("consumer.override.isolation.level", "read_committed");
        c.put("consumer.override.max.partition.fetch.bytes", Integer.toString(4 << 20));
        c.put("store.url", s3.httpsEndpoint().toString());
        c.put("s3.bucket.name", bucket);
        c.put("aws.access.key.id", s3.accessKey());
        c.put("aws.secret.access.key", s3.secretKey());
        c.put("s3.ssl.truststore.location", ca.truststore().toString());
        c.put("s3.ssl.truststore.password", "changeit");
        c.put("s3.part.size", Integer.toString(5 * 1024 * 1024));
        c.put("s3.part.retries", "2");
        c.put("s3.retry.backoff.ms", "100");
        c.put("s3.retry.backoff.max.ms", "1000");
        c.put("errors.tolerance", "all");
        c.put("errors.deadletterqueue.topic.name", topic + ".sink-dlq");
        c.put("errors.deadletterqueue.topic.replication.factor", "1");
        c.put("errors.deadletterqueue.context.headers.enable", "true");
        c.put("errors.retry.timeout", "-1");
        c.put("errors.retry.delay.max.ms", "5000");
        return c;
    }

    /**
     * Waits until the connector's consumer group is stable with every partition of its topics
     * assigned to one of {@code tasks} members. Connect reports a task RUNNING before it joined the
     * group: a test that publishes at once may meet the second task's join, whose rebalance starts
     * an object again (correct, but not what a test of exact figures is about).
     */
    void awaitSinkGroup(String connector, int tasks, int partitions, Duration timeout) throws Exception {
        String group = "connect-" + connector;
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "no description";
        try (Admin admin = Admin.create(kafka.clientProperties())) {
            while (System.nanoTime() < deadline) {
                ConsumerGroupDescription d = admin.describeConsumerGroups(List.of(group)).describedGroups().get(group)
                        .get();
                int assigned = d.members().stream().mapToInt(m -> m.assignment().topicPartitions().size()).sum();
                last = d.groupState() + ", " + d.members().size() + " members, " + assigned + " partitions";
                if (d.groupState() == GroupState.STABLE && d.members().size() == tasks && assigned == partitions) {
                    return;
                }
                Thread.sleep(200);
            }
        }
        throw new IllegalStateException("group " + group + " not settled within " + timeout + ": " + last);
    }

    static Map<String, String> copy(Map<String, String> m) {
        return new HashMap<>(m);
    }
}
