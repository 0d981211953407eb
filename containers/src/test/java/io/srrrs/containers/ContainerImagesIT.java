package io.srrrs.containers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.srrrs.cli.LocalStack;
import io.srrrs.cli.SrrrsCommand;
import io.srrrs.cli.StackConfigs;
import io.srrrs.crypto.pki.LocalCa;
import io.srrrs.crypto.pki.Tls;
import io.srrrs.embedded.FreePorts;
import io.srrrs.store.StoreClients;
import io.srrrs.topology.TopologyConfig;
import io.srrrs.topology.ops.OpsConfig;

import java.io.IOException;
import java.io.Writer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The project's own images, as bin/containers build made them with podman, run against the
 * embedded local stack on this machine: the topology image (topology/Dockerfile) as a second
 * Streams application and the Connect image (deploy/connect/Dockerfile, our plugin and the JMX
 * exporter agent inside) as a second Connect cluster, on topics of their own, sharing the stack's
 * broker, registry, store and KMS. References published by the CLI to those topics must come back
 * through the CLI's reader with the right SHA-256, counted by the containers' own metrics and by
 * neither of the stack's in-process parts; the store holds the canary payload as ciphertext only.
 */
class ContainerImagesIT {

    static final String IN = "payload-refs.containers";
    static final String OUT = "ciphertext-chunks.containers";
    static final String DLQ = "payload-refs.containers.dlq";
    static final String CONNECTOR = "srrrs-s3-sink-containers";
    static final String TOPOLOGY = "srrrs-it-topology";
    static final String CONNECT = "srrrs-it-connect";
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void theTopologyAndConnectImagesCarryEveryObjectThroughTheLocalStack() throws Exception {
        String topologyImage = image("SRRRS_TOPOLOGY_IMAGE");
        String connectImage = image("SRRRS_CONNECT_IMAGE");
        Path dir = Files.createTempDirectory(Files.createDirectories(Path.of("target").toAbsolutePath()), "images-");
        open(dir);
        Path files = open(Files.createDirectories(dir.resolve("container-files")));
        boolean rgw = Files.isExecutable(Path.of("/usr/bin/radosgw"));
        LocalStack.Options options = new LocalStack.Options(dir, rgw ? LocalStack.StoreKind.RGW : LocalStack.StoreKind.S3PROXY,
                null, null, null, List.of(files), Path.of(System.getProperty("srrrs.connect.plugins")), Map.of());
        try (LocalStack stack = LocalStack.start(options, step -> { })) {
            ReadableCopies topologyMounts = new ReadableCopies(dir, dir.resolve("topology-copies"));
            ReadableCopies connectMounts = new ReadableCopies(dir, dir.resolve("connect-copies"));
            int metricsPort = FreePorts.next();
            int restPort = FreePorts.next();
            int agentPort = FreePorts.next();
            try {
                startTopology(stack, options, dir, files, metricsPort, topologyImage, topologyMounts);
                Map<String, String> connector = connectorConfig(stack, connectMounts);
                startConnect(stack, dir, restPort, agentPort, connectImage, connectMounts);
                putConnector(stack.ca(), restPort, connector);

                String canary = "SRRRS-CANARY-" + HexFormat.of().formatHex(random(16));
                Map<String, String> sha = writePayloads(files);
                sha.put("canary.txt", digest(Files.writeString(files.resolve("canary.txt"), canary.repeat(1000))));
                Path cliConfig = cliConfig(stack, dir);
                List<String> publish = new ArrayList<>(List.of("publish", "--config", cliConfig.toString(),
                        "--prefix", "containers/", "--timeout", "240"));
                sha.keySet().forEach(name -> publish.add(files.resolve(name).toString()));
                assertThat(SrrrsCommand.commandLine().execute(publish.toArray(String[]::new))).as("srrrs publish").isZero();
                if (rgw) {
                    sha.put("sse-c.bin", digest(Files.write(files.resolve("sse-c.bin"), random(300_000))));
                    assertThat(SrrrsCommand.commandLine().execute("publish", "--config", cliConfig.toString(), "--prefix",
                            "containers/", "--sse-c", files.resolve("sse-c.bin").toString())).as("publish --sse-c").isZero();
                }
                for (Map.Entry<String, String> e : sha.entrySet()) {
                    Path out = dir.resolve("read-" + e.getKey());
                    assertThat(SrrrsCommand.commandLine().execute("get", "--config", cliConfig.toString(),
                            LocalStack.BUCKET + "/containers/" + e.getKey(), "-o", out.toString())).as("get " + e.getKey()).isZero();
                    assertThat(digest(out)).as("SHA-256 of " + e.getKey()).isEqualTo(e.getValue());
                }
                assertCountedByTheContainers(stack, metricsPort, agentPort, sha.size());
                assertNoSecretInTheLogs(stack, connector, canary);
                assertTheStoreHoldsCiphertext(stack, canary);
                assertThat(Podman.exec(TOPOLOGY, "id", "-u")).as("the topology image's user").isEqualTo("10001");
                assertThat(Podman.exec(CONNECT, "id", "-u")).as("the Connect image's user").isNotEqualTo("0");
            } finally {
                for (String name : List.of(TOPOLOGY, CONNECT)) {
                    Files.writeString(dir.resolve(name + ".log"), Podman.logs(name));
                    Podman.remove(name);
                }
            }
        }
    }

    /** The image bin/containers built, named by its environment; a clear failure without it. */
    static String image(String variable) throws Exception {
        String image = System.getenv(variable);
        if (image == null || !Podman.imageExists(image)) {
            fail(variable + "=" + image + ": no such image; run this suite through bin/containers test, which builds it");
        }
        return image;
    }

    /** The topology image as a second Streams application on topics of its own. */
    static void startTopology(LocalStack stack, LocalStack.Options options, Path dir, Path files, int metricsPort,
                              String image, ReadableCopies mounts) throws Exception {
        Map<String, String> t = new LinkedHashMap<>(StackConfigs.topology(options, stack.cliConfig()));
        t.put("application.id", "srrrs-encryptor-containers");
        t.put(TopologyConfig.INPUT_TOPIC, IN);
        t.put(TopologyConfig.OUTPUT_TOPIC, OUT);
        t.put(TopologyConfig.DLQ_TOPIC, DLQ);
        t.put(TopologyConfig.FILE_ROOTS, files.toString());
        t.put("state.dir", "/var/lib/srrrs/state"); // the image's own, its user's
        t.put(OpsConfig.BIND, "127.0.0.1");
        t.put(OpsConfig.PORT, Integer.toString(metricsPort));
        Path config = writeProperties(dir.resolve("container-topology.properties"), t);
        mounts.of(t).mount(files, files.toString()).mount(config, "/etc/srrrs/encryptor.properties");
        Podman.run(TOPOLOGY, mounts.options(), image, List.of());
        String base = "http://127.0.0.1:" + metricsPort;
        awaitHttp(TOPOLOGY, base + "/health/ready", Duration.ofSeconds(120));
        assertThat(get(base + "/health/live").statusCode()).as("/health/live").isEqualTo(200);
    }

    /** The stack's own connector, as its worker's REST API returns it, moved to the containers' topics. */
    static Map<String, String> connectorConfig(LocalStack stack, ReadableCopies mounts) throws Exception {
        HttpResponse<String> r = stack.worker().get("/connectors/" + LocalStack.CONNECTOR + "/config");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        @SuppressWarnings("unchecked")
        Map<String, String> c = new ObjectMapper().readValue(r.body(), LinkedHashMap.class);
        c.put("name", CONNECTOR);
        c.put("topics", OUT);
        c.put("errors.deadletterqueue.topic.name", OUT + ".sink-dlq");
        mounts.of(c);
        return c;
    }

    /** The Connect image as a second Connect cluster: the stack's worker settings, its own group and topics. */
    static void startConnect(LocalStack stack, Path dir, int restPort, int agentPort, String image,
                             ReadableCopies mounts) throws Exception {
        Properties p = new Properties();
        try (var in = Files.newBufferedReader(dir.resolve("connect").resolve("worker.properties"))) {
            p.load(in);
        }
        Map<String, String> w = new LinkedHashMap<>();
        p.stringPropertyNames().forEach(k -> w.put(k, p.getProperty(k)));
        w.put("group.id", "srrrs-connect-containers");
        for (String kind : List.of("config", "offset", "status")) {
            w.put(kind + ".storage.topic", "srrrs-connect-containers-" + kind);
        }
        w.put("listeners", "https://127.0.0.1:" + restPort);
        w.put("rest.advertised.port", Integer.toString(restPort));
        w.put("plugin.path", "/opt/srrrs/plugins"); // the image's: our sink alone
        Path config = writeProperties(dir.resolve("container-worker.properties"), w);
        mounts.of(w).mount(config, "/etc/srrrs/worker.properties");
        List<String> run = new ArrayList<>(mounts.options());
        run.addAll(List.of("-e", "KAFKA_JMX_OPTS=-javaagent:/opt/srrrs/jmx-exporter/jmx_prometheus_javaagent.jar=127.0.0.1:"
                + agentPort + ":/opt/srrrs/jmx-exporter/jmx-exporter.yaml"));
        Podman.run(CONNECT, run, image, List.of());
        HttpClient https = HttpClient.newBuilder().sslContext(Tls.clientContext(stack.ca().truststore(),
                LocalCa.TRUSTSTORE_PASSWORD, "PKCS12")).build();
        awaitHttp(CONNECT, https, "https://127.0.0.1:" + restPort + "/connector-plugins", Duration.ofSeconds(120));
        String plugins = https.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + restPort + "/connector-plugins"))
                .build(), HttpResponse.BodyHandlers.ofString()).body();
        assertThat(plugins).as("the image's plugin.path").contains("io.srrrs.sink.S3SinkConnector");
    }

    static void putConnector(LocalCa ca, int restPort, Map<String, String> config) throws Exception {
        HttpClient https = HttpClient.newBuilder().sslContext(Tls.clientContext(ca.truststore(), LocalCa.TRUSTSTORE_PASSWORD,
                "PKCS12")).build();
        String base = "https://127.0.0.1:" + restPort + "/connectors/" + CONNECTOR;
        HttpResponse<String> put = https.send(HttpRequest.newBuilder(URI.create(base + "/config"))
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(new ObjectMapper().writeValueAsString(config))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(put.statusCode() / 100).as(put.body()).isEqualTo(2);
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        String status = "";
        while (System.nanoTime() < deadline) {
            status = https.send(HttpRequest.newBuilder(URI.create(base + "/status")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            if (status.matches("(?s).*\"tasks\":\\[\\{[^]]*\"state\":\"RUNNING\".*")) {
                return;
            }
            Thread.sleep(500);
        }
        fail("connector " + CONNECTOR + " not running within 90 s: " + status + "\n" + Podman.logs(CONNECT));
    }

    /** Every count is the containers': the stack's own topology and sink saw none of these references. */
    static void assertCountedByTheContainers(LocalStack stack, int metricsPort, int agentPort, int objects)
            throws Exception {
        String topology = get("http://127.0.0.1:" + metricsPort + "/metrics").body();
        assertThat(sum(topology, "srrrs_topology_references_encrypted_total")).as(topology).isGreaterThanOrEqualTo(objects);
        assertThat(sum(topology, "srrrs_topology_references_rejected_total")).as("references sent to the DLQ").isZero();
        String sink = get("http://127.0.0.1:" + agentPort + "/metrics").body();
        assertThat(sum(sink, "srrrs_sink_objects_written_total\\{[^}]*connector=\"" + CONNECTOR + "\""))
                .as("the Connect image's agent").isGreaterThanOrEqualTo(objects);
        String own = get(stack.endpoints().get("metrics")).body();
        assertThat(own).contains("srrrs_topology_references_received_total");
        assertThat(sum(own, "srrrs_topology_references_received_total")).as("the stack's own topology").isZero();
    }

    /** Neither container's log holds a payload's text, the KMS key store's password or the SSE-C private key. */
    static void assertNoSecretInTheLogs(LocalStack stack, Map<String, String> connector, String canary) throws Exception {
        String logs = Podman.logs(TOPOLOGY) + Podman.logs(CONNECT);
        assertThat(logs).as("the containers' logs").contains("io.srrrs").doesNotContain(canary)
                .doesNotContain(Files.readString(Path.of(stack.cliConfig().get("kms.local.password.file"))).trim())
                .doesNotContain(Files.readString(Path.of(connector.get("srrrs.sse-c.private.key.file"))).trim());
    }

    /** The canary object as the store returns it, raw: ciphertext, without the payload's text. */
    static void assertTheStoreHoldsCiphertext(LocalStack stack, String canary) {
        try (S3Client s3 = StoreClients.s3(stack.store())) {
            byte[] raw = s3.getObjectAsBytes(b -> b.bucket(LocalStack.BUCKET).key("containers/canary.txt")).asByteArray();
            assertThat(raw.length).as("the stored object").isGreaterThan(canary.length() * 1000);
            assertThat(new String(raw, StandardCharsets.ISO_8859_1)).as("the stored object").doesNotContain(canary);
        }
    }

    /** The sum of every sample of the series whose name (and labels) start with {@code series}. */
    static double sum(String exposition, String series) {
        Matcher m = Pattern.compile("(?m)^" + series + "[^\\n]*? ([0-9.eE+-]+)$").matcher(exposition);
        double total = 0;
        while (m.find()) {
            total += Double.parseDouble(m.group(1));
        }
        return total;
    }

    static Map<String, String> writePayloads(Path files) throws Exception {
        Map<String, String> sha = new LinkedHashMap<>();
        int[] sizes = {0, 1, 4096, 1 << 20, (9 << 20) + 7};
        for (int size : sizes) {
            String name = "payload-" + size + ".bin";
            sha.put(name, digest(Files.write(files.resolve(name), random(size))));
        }
        return sha;
    }

    /** The CLI's configuration of the stack, pointed at the containers' topics. */
    static Path cliConfig(LocalStack stack, Path dir) throws IOException {
        Map<String, String> c = new LinkedHashMap<>(stack.cliConfig());
        c.put(TopologyConfig.INPUT_TOPIC, IN);
        c.put(TopologyConfig.OUTPUT_TOPIC, OUT);
        c.put(TopologyConfig.DLQ_TOPIC, DLQ);
        return writeProperties(dir.resolve("container-cli.properties"), c);
    }

    static Path writeProperties(Path file, Map<String, String> values) throws IOException {
        Properties p = new Properties();
        p.putAll(values);
        try (Writer w = Files.newBufferedWriter(file)) {
            p.store(w, null);
        }
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        return file;
    }

    static void awaitHttp(String container, String url, Duration timeout) throws Exception {
        awaitHttp(container, HTTP, url, timeout);
    }

    static void awaitHttp(String container, HttpClient client, String url, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "no answer";
        while (System.nanoTime() < deadline) {
            if (!Podman.running(container)) {
                fail(container + " stopped:\n" + Podman.logs(container));
            }
            try {
                HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5))
                        .build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return;
                }
                last = r.statusCode() + " " + r.body();
            } catch (IOException notYet) {
                last = notYet.toString();
            }
            Thread.sleep(500);
        }
        fail(url + " did not answer 200 within " + timeout + " (" + last + "):\n" + Podman.logs(container));
    }

    static HttpResponse<String> get(String url) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** The test's directories are read by the containers' unprivileged users. */
    static Path open(Path dir) throws IOException {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        return dir;
    }

    static byte[] random(int size) {
        byte[] b = new byte[size];
        new SecureRandom().nextBytes(b);
        return b;
    }

    static String digest(Path file) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }
}
