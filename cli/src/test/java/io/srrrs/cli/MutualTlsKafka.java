package io.srrrs.cli;

import io.srrrs.crypto.pki.LocalCa;
import io.srrrs.embedded.FreePorts;
import io.srrrs.embedded.KafkaBroker;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
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
 * A single-node KRaft broker set up as docker-compose.yml's kafka service: every listener mutual
 * TLS 1.3, CN=&lt;name&gt; as User:&lt;name&gt;, StandardAuthorizer denying what no ACL grants. EmbeddedKafka
 * cannot serve here: its readiness probe connects without a client certificate. Loopback only.
 */
final class MutualTlsKafka implements AutoCloseable {

    /** docker-compose.yml's KAFKA_SSL_PRINCIPAL_MAPPING_RULES, with Compose's $$ unescaped. */
    static final String MAPPING_RULES = "RULE:^CN=([a-z0-9-]+)$/$1/,DEFAULT";

    private final KafkaRaftServer server;
    private final String bootstrap;
    private final LocalCa ca;

    private MutualTlsKafka(KafkaRaftServer server, String bootstrap, LocalCa ca) {
        this.server = server;
        this.bootstrap = bootstrap;
        this.ca = ca;
    }

    static MutualTlsKafka start(Path dir, LocalCa ca) throws Exception {
        Path logDir = Files.createDirectories(dir.resolve("kafka-logs"));
        int port = FreePorts.next();
        int controllerPort = FreePorts.next();
        // the broker and controller authenticate to each other as User:kafka, a super user
        LocalCa.ServerIdentity id = ca.server("kafka", List.of("localhost", "127.0.0.1"));
        Properties p = new Properties();
        p.put("process.roles", "broker,controller");
        p.put("node.id", "1");
        p.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        p.put("listeners", "INTERNAL://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
        p.put("advertised.listeners", "INTERNAL://127.0.0.1:" + port);
        p.put("listener.security.protocol.map", "INTERNAL:SSL,CONTROLLER:SSL");
        p.put("inter.broker.listener.name", "INTERNAL");
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
        p.put("ssl.client.auth", "required");
        p.put("ssl.principal.mapping.rules", MAPPING_RULES);
        p.put("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
        p.put("allow.everyone.if.no.acl.found", "false");
        p.put("super.users", "User:kafka;User:admin");
        p.put("log.dirs", logDir.toString());
        p.put("offsets.topic.replication.factor", "1");
        p.put("offsets.topic.num.partitions", "1");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("transaction.state.log.num.partitions", "1");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        p.put("group.initial.rebalance.delay.ms", "0");
        p.put("auto.create.topics.enable", "false");
        new Formatter()
                .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
                .setNodeId(1)
                .setClusterId(Uuid.randomUuid().toString())
                .setDirectories(List.of(logDir.toString()))
                .setMetadataLogDirectory(logDir.toString())
                .setControllerListenerName("CONTROLLER")
                .setReleaseVersion(MetadataVersion.latestProduction())
                .run();
        KafkaRaftServer server = new KafkaRaftServer(KafkaConfig.fromProps(p), Time.SYSTEM);
        server.startup();
        MutualTlsKafka kafka = new MutualTlsKafka(server, "127.0.0.1:" + port, ca);
        kafka.awaitReady();
        return kafka;
    }

    private void awaitReady() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        Map<String, Object> admin = clientProperties("admin");
        admin.put("request.timeout.ms", "5000");
        admin.put("default.api.timeout.ms", "10000");
        Exception last = null;
        while (System.nanoTime() < deadline) {
            try (Admin a = Admin.create(admin)) {
                a.describeCluster().nodes().get(5, TimeUnit.SECONDS);
                return;
            } catch (Exception e) {
                last = e;
            }
        }
        throw new IllegalStateException("Kafka did not become ready: " + last, last);
    }

    String bootstrapServers() {
        return bootstrap;
    }

    /** Client settings authenticating as User:{@code name} with its certificate from the CA. */
    Map<String, Object> clientProperties(String name) throws Exception {
        LocalCa.ServerIdentity id = ca.server(name, List.of("localhost"));
        Map<String, Object> m = new HashMap<>(KafkaBroker.tlsClientProperties(bootstrap, ca));
        m.put("ssl.keystore.location", id.keystore().toString());
        m.put("ssl.keystore.password", new String(id.password()));
        m.put("ssl.key.password", new String(id.password()));
        m.put("ssl.keystore.type", "PKCS12");
        return m;
    }

    @Override
    public void close() {
        server.shutdown();
        server.awaitShutdown();
    }
}
