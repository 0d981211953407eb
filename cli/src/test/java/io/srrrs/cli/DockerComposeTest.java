package io.srrrs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * docker-compose.yml cannot run here (no Docker engine), so its wiring is checked structurally:
 * every service's image, ports, dependencies, volumes and secrets, and that each configuration
 * file names the right service, port, protocol and key. It does not prove the images behave.
 * {@link DockerComposeGrantsTest} validates the file with docker-compose itself and checks who
 * may do what.
 */
class DockerComposeTest {

    static Path root;
    static Map<String, Object> compose;
    static Map<String, Map<String, Object>> services;

    @BeforeAll
    @SuppressWarnings("unchecked")
    static void load() throws Exception {
        root = Path.of(System.getProperty("srrrs.root", "..")).toAbsolutePath().normalize();
        try (Reader r = Files.newBufferedReader(root.resolve("docker-compose.yml"))) {
            compose = new Yaml().load(r);
        }
        services = (Map<String, Map<String, Object>>) compose.get("services");
    }

    @Test
    void everyPartOfThePipelineIsAService() {
        assertThat(services).containsOnlyKeys("certs", "kafka", "kafka-init", "registry", "minio", "minio-init", "kms",
                "connect", "connector-deploy", "topology", "prometheus");
    }

    @Test
    void imagesArePinnedOrBuiltFromThisRepository() {
        services.forEach((name, s) -> {
            if (s.containsKey("build")) {
                @SuppressWarnings("unchecked")
                Map<String, Object> build = (Map<String, Object>) s.get("build");
                assertThat(root.resolve(String.valueOf(build.get("context"))).resolve(String.valueOf(build.get("dockerfile"))))
                        .as(name).isRegularFile();
            } else {
                String image = String.valueOf(s.get("image"));
                assertThat(image).as(name).matches("[a-z0-9./_-]+:[A-Za-z0-9._-]+").doesNotEndWith(":latest");
            }
        });
        assertThat(services.get("kafka").get("image")).asString().startsWith("apache/kafka:");
        // the Connect image is built on the broker's image: one Kafka version across the deployment
        assertThat(build("connect")).containsEntry("dockerfile", "deploy/connect/Dockerfile");
        assertThat(((Map<?, ?>) build("connect").get("args")).get("KAFKA_IMAGE")).isEqualTo(services.get("kafka").get("image"));
        assertThat(services.get("kafka-init").get("image")).isEqualTo(services.get("kafka").get("image"));
        assertThat(services.get("registry").get("image")).asString().startsWith("apicurio/apicurio-registry:");
    }

    @Test
    void dependenciesFollowTheDataFlow() {
        assertThat(dependsOn("kafka")).containsEntry("certs", "service_completed_successfully");
        assertThat(dependsOn("kafka-init")).containsKey("kafka");
        // no Kafka client starts before its ACLs exist
        assertThat(dependsOn("connect")).containsEntry("kafka-init", "service_completed_successfully")
                .containsKey("registry").containsEntry("minio-init", "service_completed_successfully");
        assertThat(dependsOn("minio-init")).containsEntry("minio", "service_healthy");
        assertThat(dependsOn("connector-deploy")).containsKey("connect");
        assertThat(dependsOn("topology")).containsEntry("kafka-init", "service_completed_successfully")
                .containsKey("registry").containsEntry("kms", "service_healthy");
        for (String s : List.of("kms", "minio")) {
            assertThat(services.get(s)).as(s + " has the healthcheck its dependants wait for").containsKey("healthcheck");
        }
    }

    @Test
    void mountedFilesExistAndThePluginIsMountedWherePluginPathPoints() throws Exception {
        for (Map.Entry<String, Map<String, Object>> e : services.entrySet()) {
            for (String volume : volumes(e.getKey())) {
                String source = volume.split(":")[0];
                if (source.startsWith("./") && !source.contains("/target/")) {
                    assertThat(root.resolve(source)).as(e.getKey() + " mounts " + source).exists();
                }
            }
        }
        Properties worker = properties("deploy/connect/worker.properties");
        // the image copies the plugin where plugin.path points, and the agent with our exporter rules
        String connectImage = Files.readString(root.resolve("deploy/connect/Dockerfile"));
        assertThat(connectImage).contains("COPY cli/target/connect-plugins/ " + worker.getProperty("plugin.path") + "/")
                .contains("deploy/connect/jmx-exporter.yaml").contains("KAFKA_JMX_OPTS=\"-javaagent:");
        assertThat(volumes("connect")).contains("./deploy/connect/worker.properties:/etc/srrrs/worker.properties:ro");
        assertThat(String.join(" ", command("connect"))).contains("cat /etc/srrrs/worker.properties")
                .contains("exec /opt/kafka/bin/connect-distributed.sh");
        // the plugin directory is what the build makes: cli/pom.xml copies the plugin jar there
        assertThat(Files.readString(root.resolve("cli/pom.xml"))).contains("<outputDirectory>${project.build.directory}/connect-plugins");
        assertThat(volumes("topology")).contains("./deploy/topology/encryptor.properties:/etc/srrrs/encryptor.properties:ro");
        assertThat(Files.readString(root.resolve("topology/Dockerfile"))).contains("io.srrrs.topology.EncryptorApp")
                .contains("/etc/srrrs/encryptor.properties");
    }

    @Test
    void theTopologyIsGivenLongerToStopThanItsShutdownTimeout() {
        // Docker's default is 10 s: a SIGKILL before Kafka Streams committed leaves its transaction open.
        String grace = (String) services.get("topology").get("stop_grace_period");
        assertThat(grace).matches("\\d+s");
        assertThat(Long.parseLong(grace.replace("s", "")) * 1000)
                .isGreaterThan(io.srrrs.topology.ops.OpsConfig.DEFAULT_SHUTDOWN_TIMEOUT_MS);
    }

    @Test
    void prometheusScrapesTheTopologyAndTheConnectAgentOnTheirServiceNames() throws Exception {
        assertThat(volumes("prometheus")).contains("./deploy/prometheus/prometheus.yml:/etc/prometheus/prometheus.yml:ro",
                "./deploy/prometheus/alerts.yml:/etc/prometheus/alerts.yml:ro");
        String scrape = Files.readString(root.resolve("deploy/prometheus/prometheus.yml"));
        String agentPort = Files.readString(root.resolve("deploy/connect/Dockerfile")).replaceAll("(?s).*jmx_prometheus_javaagent\\.jar=(\\d+):.*", "$1");
        assertThat(scrape).contains("\"topology:" + io.srrrs.topology.ops.OpsConfig.DEFAULT_PORT + "\"")
                .contains("\"connect:" + agentPort + "\"");
        assertThat(dependsOn("prometheus")).containsKeys("topology", "connect");
    }

    @Test
    void everyClientNamesTheRightServiceAndSpeaksTls13() throws Exception {
        Map<String, String> kafka = environment("kafka");
        assertThat(kafka.get("KAFKA_ADVERTISED_LISTENERS")).startsWith("INTERNAL://kafka:9093,");
        assertThat(kafka.get("KAFKA_LISTENER_SECURITY_PROTOCOL_MAP")).doesNotContain("PLAINTEXT");
        assertThat(kafka).containsEntry("KAFKA_SSL_ENABLED_PROTOCOLS", "TLSv1.3");
        Map<String, String> registry = environment("registry");
        assertThat(registry).containsEntry("QUARKUS_HTTP_INSECURE_REQUESTS", "disabled")
                .containsEntry("QUARKUS_HTTP_SSL_PROTOCOLS", "TLSv1.3");
        String registryUrl = "https://registry:" + registry.get("QUARKUS_HTTP_SSL_PORT") + "/apis/ccompat/v7";

        Properties topology = properties("deploy/topology/encryptor.properties");
        assertThat(topology.getProperty("bootstrap.servers")).isEqualTo("kafka:9093");
        assertThat(topology.getProperty("security.protocol")).isEqualTo("SSL");
        assertThat(topology.getProperty("ssl.enabled.protocols")).isEqualTo("TLSv1.3");
        assertThat(topology.getProperty("schema.registry.url")).isEqualTo(registryUrl);
        assertThat(topology.getProperty("kms.type")).isEqualTo("aws-kms");
        assertThat(topology.getProperty("kms.aws-kms.endpoint")).isEqualTo("https://kms:4566");
        assertThat(environment("kms")).containsEntry("SERVICES", "kms").containsEntry("USE_SSL", "1");
        assertThat(environment("topology")).containsKey("SRRRS_SRRRS_SSE_C_SINK_PUBLIC_KEY");
        java.util.Set<String> kmsKeys = new java.util.HashSet<>(io.srrrs.crypto.kms.KmsConfig.COMMON_KEYS.keySet());
        io.srrrs.crypto.kms.KmsConfig.factories().forEach(f -> kmsKeys.addAll(f.documentation().keySet()));
        for (String k : topology.stringPropertyNames()) {
            if (k.startsWith("kms.")) {
                assertThat(kmsKeys).as("a KMS key some provider reads: " + k).contains(k);
            }
        }
        assertThat(topology.stringPropertyNames()).allSatisfy(k ->
                assertThat(io.srrrs.topology.TopologyConfig.DEFINITION.names().contains(k) || k.startsWith("kms.")
                        || k.startsWith("ssl.") || k.startsWith("schema.registry.") || List.of("application.id",
                        "bootstrap.servers", "security.protocol", "replication.factor", "state.dir").contains(k))
                        .as("a key the topology reads: " + k).isTrue());

        Properties worker = properties("deploy/connect/worker.properties");
        assertThat(worker.getProperty("bootstrap.servers")).isEqualTo("kafka:9093");
        assertThat(worker.getProperty("listeners")).startsWith("https://");
        assertThat(worker.getProperty("listeners.https.ssl.enabled.protocols")).isEqualTo("TLSv1.3");
        for (String prefix : List.of("", "producer.", "consumer.", "admin.")) {
            assertThat(worker.getProperty(prefix + "security.protocol")).as(prefix).isEqualTo("SSL");
            assertThat(worker.getProperty(prefix + "ssl.enabled.protocols")).as(prefix).isEqualTo("TLSv1.3");
        }

        String connector = Files.readString(root.resolve("deploy/connect/srrrs-s3-sink.json"));
        Map<String, String> c = json(connector);
        assertThat(c).containsEntry("connector.class", "io.srrrs.sink.S3SinkConnector")
                .containsEntry("topics", topology.getProperty("srrrs.output.topic"))
                .containsEntry("value.converter.schema.registry.url", registryUrl)
                .containsEntry("consumer.override.isolation.level", "read_committed")
                .containsEntry("store.url", "https://minio:9000");
        // every key of ours in the connector config is one the connector defines
        for (String key : c.keySet()) {
            if (key.startsWith("s3.") || key.startsWith("srrrs.") || key.startsWith("aws.") || key.equals("store.url")) {
                assertThat(io.srrrs.sink.S3SinkConfig.DEFINITION.names()).as(key).contains(key);
            }
        }
        // secrets come from the worker's environment through its config provider, never inline
        assertThat(c.get("aws.secret.access.key")).startsWith("${env:");
        String secretVar = c.get("aws.secret.access.key").replaceAll("\\$\\{env:(.*)}", "$1");
        assertThat(environment("connect")).containsKey(secretVar);
        assertThat(secrets("connect")).contains("sse_c_private_key");
        assertThat(c.get("srrrs.sse-c.private.key.file")).isEqualTo("/run/secrets/sse_c_private_key");
        assertThat(String.join(" ", command("connector-deploy"))).contains("--tlsv1.3")
                .contains("https://connect:" + worker.getProperty("listeners").replaceAll(".*:", "") + "/connectors/srrrs-s3-sink/config");
        String minio = String.join(" ", command("minio"));
        assertThat(minio).contains("--certs-dir").contains(":9000");
    }

    @Test
    void theReadmeSaysPlainlyItIsNotRunHere() throws Exception {
        assertThat(Files.readString(root.resolve("README.md"))).contains("docker-compose.yml")
                .containsIgnoringCase("not run as a whole here");
    }

    // ---- helpers -------------------------------------------------------------------------------

    @SuppressWarnings("unchecked")
    static Map<String, Object> build(String service) {
        return (Map<String, Object>) services.get(service).get("build");
    }

    @SuppressWarnings("unchecked")
    static Map<String, String> dependsOn(String service) {
        Map<String, String> out = new java.util.LinkedHashMap<>();
        Object d = services.get(service).get("depends_on");
        if (d instanceof Map<?, ?> m) {
            m.forEach((k, v) -> out.put(String.valueOf(k), String.valueOf(((Map<String, Object>) v).get("condition"))));
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    static List<String> volumes(String service) {
        return (List<String>) services.get(service).getOrDefault("volumes", List.of());
    }

    static List<String> secrets(String service) {
        List<String> out = new ArrayList<>();
        for (Object o : (List<?>) services.get(service).getOrDefault("secrets", List.of())) {
            out.add(o instanceof Map<?, ?> m ? String.valueOf(m.get("source")) : String.valueOf(o));
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    static List<String> command(String service) {
        return ((List<Object>) services.get(service).get("command")).stream().map(String::valueOf).toList();
    }

    @SuppressWarnings("unchecked")
    static Map<String, String> environment(String service) {
        Map<String, String> out = new java.util.LinkedHashMap<>();
        ((Map<String, Object>) services.get(service).getOrDefault("environment", Map.of()))
                .forEach((k, v) -> out.put(k, String.valueOf(v)));
        return out;
    }

    static Properties properties(String path) throws Exception {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(root.resolve(path))) {
            p.load(r);
        }
        return p;
    }

    /** A flat JSON object of strings. */
    static Map<String, String> json(String text) {
        Map<String, String> out = new java.util.LinkedHashMap<>();
        Matcher m = Pattern.compile("\"([^\"]+)\"\\s*:\\s*\"([^\"]*)\"").matcher(text);
        while (m.find()) {
            out.put(m.group(1), m.group(2));
        }
        return out;
    }
}
