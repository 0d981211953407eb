package io.srrrs.embedded;

import io.srrrs.crypto.pki.LocalCa;
import io.srrrs.crypto.pki.Tls;

import java.io.File;
import java.io.IOException;
import java.io.Writer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import javax.net.ssl.SSLContext;

/**
 * A real Kafka Connect worker in distributed mode, as its own JVM ({@code ConnectDistributed}),
 * with plugins found only on {@code plugin.path} (as a user installs them), its REST API on
 * HTTPS with TLS 1.3 only, and TLS 1.3 to the broker. Its own JVM so that a test can kill it
 * the hard way and start it again on the same Kafka state.
 */
public final class ConnectWorker implements AutoCloseable {

    /** In a connector's status: its list of tasks is not empty. */
    private static final String SOME_TASK = "\"tasks\":[{";

    private final Path dir;
    private final Path config;
    private final Path log;
    private final int port;
    private final SSLContext trust;
    private Process process;
    private List<String> jvmOptions = List.of();

    private ConnectWorker(Path dir, Path config, Path log, int port, SSLContext trust) {
        this.dir = dir;
        this.config = config;
        this.log = log;
        this.port = port;
        this.trust = trust;
    }

    /**
     * Writes the worker's configuration under {@code dir} and starts it.
     *
     * @param pluginPath a directory holding the plugins (e.g. the sink's plugin jar)
     */
    public static ConnectWorker start(Path dir, KafkaBroker kafka, LocalCa ca, Path pluginPath, String groupId)
            throws IOException, GeneralSecurityException, InterruptedException {
        return start(dir, kafka, ca, pluginPath, groupId, Map.of());
    }

    /**
     * As {@link #start(Path, KafkaBroker, LocalCa, Path, String)}, with worker settings of the
     * caller's laid over ours (e.g. a shorter {@code scheduled.rebalance.max.delay.ms} for a fault
     * suite that kills workers).
     */
    public static ConnectWorker start(Path dir, KafkaBroker kafka, LocalCa ca, Path pluginPath, String groupId,
                                      Map<String, String> overrides)
            throws IOException, GeneralSecurityException, InterruptedException {
        return start(dir, kafka, ca, pluginPath, groupId, overrides, List.of());
    }

    /** As above, the worker's JVM started with {@code jvmOptions} (see {@link #jvmOptions}), restarts too. */
    public static ConnectWorker start(Path dir, KafkaBroker kafka, LocalCa ca, Path pluginPath, String groupId,
                                      Map<String, String> overrides, List<String> jvmOptions)
            throws IOException, GeneralSecurityException, InterruptedException {
        Files.createDirectories(dir);
        LocalCa.ServerIdentity id = ca.server("connect", List.of("localhost", "127.0.0.1"));
        int port = FreePorts.next();
        Properties p = workerProperties(kafka, id, port, pluginPath, groupId);
        p.putAll(overrides);
        Path config = dir.resolve("worker.properties");
        try (Writer w = Files.newBufferedWriter(config)) {
            p.store(w, "srrrs embedded Connect worker");
        }
        SSLContext trust = Tls.clientContext(ca.truststore(), LocalCa.TRUSTSTORE_PASSWORD, "PKCS12");
        ConnectWorker worker = new ConnectWorker(dir, config, dir.resolve("worker.log"), port, trust);
        worker.jvmOptions(jvmOptions);
        worker.start();
        return worker;
    }

    /**
     * Our worker settings: the broker's client settings for the worker and for its producers,
     * consumers and admin clients, internal topics named after {@code groupId}, plugins from
     * {@code pluginPath} only, and the REST API on HTTPS (TLS 1.3) at {@code port}.
     */
    private static Properties workerProperties(KafkaBroker kafka, LocalCa.ServerIdentity id, int port, Path pluginPath,
                                               String groupId) {
        Properties p = new Properties();
        kafka.clientProperties().forEach((k, v) -> {
            p.put(k, String.valueOf(v));
            if (!k.equals("bootstrap.servers")) {
                for (String prefix : List.of("producer.", "consumer.", "admin.")) {
                    p.put(prefix + k, String.valueOf(v));
                }
            }
        });
        p.put("group.id", groupId);
        p.put("config.storage.topic", groupId + "-configs");
        p.put("offset.storage.topic", groupId + "-offsets");
        p.put("status.storage.topic", groupId + "-status");
        p.put("config.storage.replication.factor", "1");
        p.put("offset.storage.replication.factor", "1");
        p.put("status.storage.replication.factor", "1");
        p.put("key.converter", "org.apache.kafka.connect.storage.StringConverter");
        p.put("value.converter", "org.apache.kafka.connect.converters.ByteArrayConverter");
        p.put("plugin.path", pluginPath.toString());
        p.put("plugin.discovery", "service_load");
        p.put("offset.flush.interval.ms", "1000");
        p.put("connector.client.config.override.policy", "All");
        p.put("listeners", "https://127.0.0.1:" + port);
        p.put("rest.advertised.listener", "https");
        p.put("rest.advertised.host.name", "127.0.0.1");
        p.put("rest.advertised.port", Integer.toString(port));
        p.putAll(TlsSettings.keystore("listeners.https.", id));
        p.putAll(TlsSettings.tls13Only("listeners.https."));
        p.put("listeners.https.ssl.client.auth", "none");
        return p;
    }

    /** Starts (again) the worker process and waits for its REST API. */
    public void start() throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "-Xmx512m"));
        command.addAll(jvmOptions);
        command.addAll(List.of(
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=info",
                "-Dorg.slf4j.simpleLogger.log.org.apache.kafka=warn",
                "-Dorg.slf4j.simpleLogger.log.org.apache.kafka.connect.runtime.WorkerSinkTask=info",
                "-Dorg.slf4j.simpleLogger.log.io.srrrs=info",
                "-cp", workerClassPath(), "org.apache.kafka.connect.cli.ConnectDistributed", config.toString()));
        process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("Connect worker exited with " + process.exitValue() + "; see " + log);
            }
            try {
                if (get("/connector-plugins").statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // starting
            }
            Thread.sleep(250);
        }
        throw new IOException("Connect worker did not answer within 90 s; see " + log);
    }

    /**
     * JVM options for this worker's next {@link #start()} (none by default), e.g. a fault suite's
     * {@code -XX:TieredStopAtLevel=1}: on two cores a worker restarted under load spends most of
     * its first minute in the C2 compiler.
     */
    public synchronized ConnectWorker jvmOptions(List<String> options) {
        this.jvmOptions = List.copyOf(options);
        return this;
    }

    /**
     * This JVM's class path without the project's own modules: the worker must find our
     * connector and converter on plugin.path only, as a user's worker does.
     */
    static String workerClassPath() {
        return List.of(System.getProperty("java.class.path").split(File.pathSeparator)).stream()
                .filter(e -> !e.contains("/io/srrrs/") && !e.matches(".*/target/([^/]*classes|[^/]*\\.jar)/?$"))
                .collect(Collectors.joining(File.pathSeparator));
    }

    public String restUrl() {
        return "https://127.0.0.1:" + port;
    }

    public Path log() {
        return log;
    }

    /** PUT /connectors/{name}/config: creates or updates a connector. Returns the HTTP status. */
    public HttpResponse<String> putConnector(String name, Map<String, String> config) throws IOException, InterruptedException {
        String body = config.entrySet().stream()
                .map(e -> json(e.getKey()) + ":" + json(e.getValue()))
                .collect(Collectors.joining(",", "{", "}"));
        return client().send(HttpRequest.newBuilder(URI.create(restUrl() + "/connectors/" + name + "/config"))
                .header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    public HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return client().send(HttpRequest.newBuilder(URI.create(restUrl() + path)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** Waits until the connector and its tasks report RUNNING. */
    public void awaitRunning(String name, Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            HttpResponse<String> r = get("/connectors/" + name + "/status");
            last = r.body();
            // The connector and at least one task RUNNING, nothing FAILED.
            if (r.statusCode() == 200 && last.contains(SOME_TASK) && !last.contains("FAILED")
                    && countRunning(last) >= 2) {
                return;
            }
            if (last.contains("FAILED")) {
                throw new IOException("connector " + name + " failed: " + last);
            }
            Thread.sleep(250);
        }
        throw new IOException("connector " + name + " not running within " + timeout + ": " + last);
    }

    private static int countRunning(String status) {
        int n = 0;
        for (int i = status.indexOf("\"RUNNING\""); i >= 0; i = status.indexOf("\"RUNNING\"", i + 1)) {
            n++;
        }
        return n;
    }

    private HttpClient client() {
        return HttpClient.newBuilder().sslContext(trust).sslParameters(Tls.onlyTls13(trust))
                .connectTimeout(Duration.ofSeconds(5)).build();
    }

    private static String json(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                default -> sb.append(c < 0x20 ? String.format("\\u%04x", (int) c) : String.valueOf(c));
            }
        }
        return sb.append('"').toString();
    }

    public boolean isAlive() {
        return process != null && process.isAlive();
    }

    public long pid() {
        return process.pid();
    }

    /** SIGKILL: no shutdown hook, no task close, as a crashed machine. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                kill();
            }
        }
    }
}
