package io.srrrs.cli;

import static io.srrrs.cli.DockerComposeTest.command;
import static io.srrrs.cli.DockerComposeTest.environment;
import static io.srrrs.cli.DockerComposeTest.json;
import static io.srrrs.cli.DockerComposeTest.properties;
import static io.srrrs.cli.DockerComposeTest.root;
import static io.srrrs.cli.DockerComposeTest.services;
import static io.srrrs.cli.DockerComposeTest.volumes;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.kafka.common.config.provider.EnvVarConfigProvider;
import org.apache.kafka.common.security.ssl.SslPrincipalMapper;
import org.apache.kafka.connect.connector.policy.AllowlistConnectorClientConfigOverridePolicy;
import org.apache.kafka.connect.connector.policy.ConnectorClientConfigRequest;
import org.apache.kafka.connect.connector.policy.ConnectorClientConfigRequest.ClientType;
import org.apache.kafka.connect.health.ConnectorType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Who may do what in docker-compose.yml: the file validates with Compose itself; Kafka demands a
 * client certificate and grants by ACL; each principal's grants, read from what init-acls.sh
 * actually passes to kafka-acls.sh; Connect REST, its config provider and override policy, checked
 * with Kafka's own classes. The stack itself still never runs here (no Docker engine).
 */
class DockerComposeGrantsTest {

    @BeforeAll
    static void load() throws Exception {
        DockerComposeTest.load();
    }

    @Test
    void dockerComposeItselfValidatesTheFile(@TempDir Path tmp) throws Exception {
        Tools.require("docker-compose");
        String text = Files.readString(root.resolve("docker-compose.yml"));
        Path env = tmp.resolve("test.env");
        Matcher m = Pattern.compile("\\$\\{([A-Z0-9_]+):\\?").matcher(text);
        StringBuilder values = new StringBuilder();
        while (m.find()) {
            values.append(m.group(1)).append("=placeholder\n");
        }
        Files.writeString(env, values);
        Tools.Result ok = config(env, root.resolve("docker-compose.yml"));
        assertThat(ok.exit()).as(ok.output()).isZero();
        // the tool does validate: the same file with one bad dependency condition is refused
        Path broken = tmp.resolve("broken.yml");
        Files.writeString(broken, text.replaceFirst("service_completed_successfully", "service_finished"));
        Tools.Result refused = config(env, broken);
        assertThat(refused.exit()).isNotZero();
        assertThat(refused.output()).contains("service_finished");
    }

    private static Tools.Result config(Path env, Path file) throws Exception {
        return Tools.run(root, List.of("docker-compose", "--env-file", env.toString(), "--project-directory",
                root.toString(), "-f", file.toString(), "config", "-q"), Map.of());
    }

    @Test
    void onlyAuthenticatedServicesArePublishedAndOnlyOnLoopback() {
        Map<String, List<String>> published = new HashMap<>();
        services.forEach((name, s) -> {
            @SuppressWarnings("unchecked")
            List<Object> ports = (List<Object>) s.getOrDefault("ports", List.of());
            if (!ports.isEmpty()) {
                published.put(name, ports.stream().map(String::valueOf).toList());
            }
        });
        // Kafka: mutual TLS and ACLs; MinIO: signed requests. Connect REST, registry, KMS, Prometheus: none.
        assertThat(published).containsOnlyKeys("kafka", "minio");
        published.values().forEach(ports -> assertThat(ports).allMatch(p -> p.startsWith("127.0.0.1:")));
        Map<String, String> kafka = environment("kafka");
        String hostPort = published.get("kafka").get(0).split(":")[2];
        assertThat(kafka.get("KAFKA_LISTENERS")).contains("EXTERNAL://0.0.0.0:" + hostPort);
        assertThat(kafka.get("KAFKA_ADVERTISED_LISTENERS")).contains("EXTERNAL://localhost:" + hostPort);
    }

    @Test
    void kafkaRequiresAClientCertificateAndDeniesWhatNoAclGrants() throws Exception {
        Map<String, String> kafka = environment("kafka");
        for (String listener : kafka.get("KAFKA_LISTENER_SECURITY_PROTOCOL_MAP").split(",")) {
            assertThat(listener).as("every listener, controller included").endsWith(":SSL");
        }
        assertThat(kafka).containsEntry("KAFKA_SSL_CLIENT_AUTH", "required")
                .containsEntry("KAFKA_SSL_ENABLED_PROTOCOLS", "TLSv1.3")
                .containsEntry("KAFKA_AUTHORIZER_CLASS_NAME", "org.apache.kafka.metadata.authorizer.StandardAuthorizer")
                .containsEntry("KAFKA_ALLOW_EVERYONE_IF_NO_ACL_FOUND", "false");
        assertThat(Set.of(kafka.get("KAFKA_SUPER_USERS").split(";"))).containsExactlyInAnyOrder("User:kafka", "User:admin");
        // the rule as Kafka applies it ("$$" is Compose's escape for "$")
        SslPrincipalMapper mapper = SslPrincipalMapper.fromRules(kafka.get("KAFKA_SSL_PRINCIPAL_MAPPING_RULES").replace("$$", "$"));
        assertThat(mapper.getName("CN=topology")).isEqualTo("topology");
        assertThat(mapper.getName("CN=connect-admin")).isEqualTo("connect-admin");
        assertThat(mapper.getName("CN=topology,O=elsewhere")).as("other DNs stay whole").isEqualTo("CN=topology,O=elsewhere");
        // the image runs the Kafka we build and test against (the Allowlist override policy is recent)
        String pom = Files.readString(root.resolve("pom.xml"));
        String version = pom.replaceAll("(?s).*<kafka.version>([^<]+)</kafka.version>.*", "$1");
        assertThat(services.get("kafka").get("image")).isEqualTo("apache/kafka:" + version);
    }

    @Test
    void eachPrincipalMayDoOnlyItsPart(@TempDir Path tmp) throws Exception {
        Acls acls = Acls.record(tmp);
        Properties topology = properties("deploy/topology/encryptor.properties");
        Properties worker = properties("deploy/connect/worker.properties");
        Map<String, String> sink = json(Files.readString(root.resolve("deploy/connect/srrrs-s3-sink.json")));
        String input = topology.getProperty("srrrs.input.topic");
        String chunks = topology.getProperty("srrrs.output.topic");
        String dlq = topology.getProperty("srrrs.dlq.topic");
        String sinkDlq = sink.get("errors.deadletterqueue.topic.name");
        String app = topology.getProperty("application.id");
        assertThat(sink.get("topics")).isEqualTo(chunks);
        // kafka-init creates the pipeline's topics; the topology creates none
        assertThat(acls.createdTopics()).containsExactlyInAnyOrder(input, chunks, dlq, sinkDlq);
        assertThat(topology.getProperty("srrrs.topics.create")).isEqualTo("false");

        assertThat(acls.who("Write", "topic", chunks)).containsExactly("topology");
        assertThat(acls.who("Read", "topic", chunks)).containsExactly("connect");
        assertThat(acls.who("Write", "topic", input)).containsExactly("producer");
        assertThat(acls.who("Read", "topic", input)).containsExactly("topology");
        assertThat(acls.who("Write", "topic", dlq)).containsExactly("topology");
        assertThat(acls.who("Write", "topic", sinkDlq)).containsExactly("connect");
        assertThat(acls.who("Read", "topic", dlq)).containsExactly("operator");
        assertThat(acls.who("Read", "topic", sinkDlq)).containsExactly("operator");
        assertThat(acls.grantsOf("producer")).allMatch(g -> g.type().equals("topic") && g.name().equals(input));
        // the topology's own topics, transactional ids and group follow its application.id
        assertThat(acls.who("Create", "topic", app + "-srrrs-seen-reference-ids-changelog")).containsExactly("topology");
        assertThat(acls.who("Write", "transactional-id", app + "-0f4d-1")).containsExactly("topology");
        assertThat(acls.who("Read", "group", app)).containsExactly("topology");
        // Connect: the worker group, its internal topics, the sink's consumer group (connect-<name>)
        assertThat(acls.who("Read", "group", worker.getProperty("group.id"))).containsExactly("connect");
        for (String key : List.of("config.storage.topic", "offset.storage.topic", "status.storage.topic")) {
            assertThat(acls.who("Write", "topic", worker.getProperty(key))).containsExactly("connect");
        }
        String connector = String.join(" ", command("connector-deploy")).replaceAll("(?s).*/connectors/([^/]+)/config.*", "$1");
        assertThat(acls.who("Read", "group", "connect-" + connector)).containsExactly("connect");
        // no wildcard principal or resource, no cluster-wide grant
        assertThat(acls.grants()).allSatisfy(g -> {
            assertThat(g.principal()).isNotEqualTo("*");
            assertThat(g.name()).isNotEqualTo("*");
            assertThat(g.type()).isIn("topic", "group", "transactional-id");
        });
        // kafka-init runs as admin; only it holds that key
        assertThat(volumes("kafka-init")).contains("keys-admin:/keys:ro");
    }

    @Test
    void eachServiceMountsTheCaAndOnlyItsOwnKey() {
        Map<String, Set<String>> keyVolumeUsers = new HashMap<>();
        services.forEach((name, s) -> {
            if (!name.equals("certs")) {
                for (String v : volumes(name)) {
                    String source = v.split(":")[0];
                    if (source.startsWith("keys-") || source.equals("ca")) {
                        assertThat(v).as(name + " mounts " + source + " read-only").endsWith(":ro");
                    }
                    if (source.startsWith("keys-")) {
                        keyVolumeUsers.computeIfAbsent(source, k -> new TreeSet<>()).add(name);
                    }
                }
            }
        });
        assertThat(keyVolumeUsers).allSatisfy((volume, users) -> assertThat(users).as(volume).hasSize(1));
        assertThat(keyVolumeUsers.get("keys-connect-admin")).containsExactly("connector-deploy");
        assertThat(keyVolumeUsers.get("keys-topology")).containsExactly("topology");
        assertThat(keyVolumeUsers.get("keys-connect")).containsExactly("connect");
    }

    @Test
    void connectRestTakesOnlyTheRestCaAndConnectorsOverrideOnlyWhatTheSinkNeeds() throws Exception {
        Properties worker = properties("deploy/connect/worker.properties");
        assertThat(worker.getProperty("listeners")).startsWith("https://");
        assertThat(worker.getProperty("listeners.https.ssl.client.auth")).isEqualTo("required");
        assertThat(worker.getProperty("listeners.https.ssl.truststore.location")).isEqualTo("/keys/rest-clients.p12");
        assertThat(String.join(" ", command("connector-deploy"))).contains("--cert /keys/connect-admin.pem")
                .contains("--key /keys/connect-admin.key");

        String policy = worker.getProperty("connector.client.config.override.policy");
        assertThat(policy).isNotEqualTo("All").isNotNull();
        assertThat(AllowlistConnectorClientConfigOverridePolicy.class.getSimpleName()).startsWith(policy);
        AllowlistConnectorClientConfigOverridePolicy allowlist = new AllowlistConnectorClientConfigOverridePolicy();
        allowlist.configure(asMap(worker));
        Map<String, String> sink = json(Files.readString(root.resolve("deploy/connect/srrrs-s3-sink.json")));
        Map<String, Object> overrides = new HashMap<>();
        sink.forEach((k, v) -> {
            if (k.startsWith("consumer.override.")) {
                overrides.put(k.substring("consumer.override.".length()), v);
            }
        });
        assertThat(overrides).containsEntry("isolation.level", "read_committed"); // D19
        assertThat(allowlist.validate(request(overrides))).allSatisfy(v -> assertThat(v.errorMessages()).isEmpty());
        for (String stolen : List.of("ssl.keystore.location", "security.protocol", "config.providers", "bootstrap.servers")) {
            assertThat(allowlist.validate(request(Map.of(stolen, "x")))).as(stolen)
                    .anySatisfy(v -> assertThat(v.errorMessages()).isNotEmpty());
        }
    }

    private static ConnectorClientConfigRequest request(Map<String, Object> overrides) {
        return new ConnectorClientConfigRequest("srrrs-s3-sink", ConnectorType.SINK, io.srrrs.sink.S3SinkConnector.class,
                overrides, ClientType.CONSUMER);
    }

    @Test
    void connectorsResolveOnlyTheSinksOwnStoreCredentials() throws Exception {
        Properties worker = properties("deploy/connect/worker.properties");
        for (String alias : worker.getProperty("config.providers").split(",")) {
            String prefix = "config.providers." + alias.trim() + ".";
            assertThat(worker.getProperty(prefix + "class")).as(alias)
                    .isEqualTo(EnvVarConfigProvider.class.getName());
            assertThat(worker.getProperty(prefix + "param." + EnvVarConfigProvider.ALLOWLIST_PATTERN_CONFIG)).as(alias)
                    .isNotBlank();
        }
        Map<String, String> env = new HashMap<>(environment("connect"));
        env.put("SRRRS_MINIO_SECRET_KEY", "root secret"); // as if the root credentials leaked into it
        String pattern = worker.getProperty("config.providers.env.param.allowlist.pattern");
        Set<String> visible;
        try (EnvVarConfigProvider provider = new EnvVarConfigProvider(env)) {
            provider.configure(Map.of(EnvVarConfigProvider.ALLOWLIST_PATTERN_CONFIG, pattern));
            visible = provider.get("").data().keySet();
        }
        assertThat(visible).containsExactlyInAnyOrder("SRRRS_MINIO_SINK_ACCESS_KEY", "SRRRS_MINIO_SINK_SECRET_KEY");
        Map<String, String> sink = json(Files.readString(root.resolve("deploy/connect/srrrs-s3-sink.json")));
        Set<String> named = sink.values().stream().flatMap(v -> Pattern.compile("\\$\\{env:([^}]+)}").matcher(v).results())
                .map(r -> r.group(1)).collect(Collectors.toSet());
        assertThat(visible).containsAll(named);
        assertThat(sink.get("aws.access.key.id")).startsWith("${env:"); // never the root user's
        assertThat(environment("connect").get("SRRRS_MINIO_SINK_ACCESS_KEY")).isEqualTo("srrrs-sink");
        // the keystore password never reaches the worker's environment or its file
        assertThat(Files.readString(root.resolve("deploy/connect/worker.properties"))).doesNotContain("keystore.password")
                .doesNotContain("SRRRS_CERT_PASSWORD");
        assertThat(String.join(" ", command("connect"))).contains("unset SRRRS_CERT_PASSWORD &&");
        assertThat(environment("connect").get("KAFKA_OPTS"))
                .isEqualTo("-Dorg.apache.kafka.automatic.config.providers=" + EnvVarConfigProvider.class.getName());
    }

    @Test
    void theTopologyPresentsItsOwnCertificate() throws Exception {
        Path file = root.resolve("deploy/topology/encryptor.properties");
        String var = io.srrrs.topology.TopologyConfig.envName("ssl.keystore.password");
        assertThat(environment("topology")).containsKey(var);
        Properties streams = io.srrrs.topology.TopologyConfig.load(file, Map.of(var, "from-env",
                "SRRRS_SRRRS_SSE_C_SINK_PUBLIC_KEY", "unused")).streamsProperties();
        assertThat(streams.getProperty("ssl.keystore.location")).isEqualTo("/keys/topology.p12");
        assertThat(streams.getProperty("ssl.keystore.password")).isEqualTo("from-env");
        assertThat(volumes("topology")).contains("keys-topology:/keys:ro");
    }

    static Map<String, Object> asMap(Properties p) {
        Map<String, Object> m = new HashMap<>();
        p.stringPropertyNames().forEach(k -> m.put(k, p.getProperty(k)));
        return m;
    }
}
