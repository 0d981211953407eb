package io.srrrs.embedded;

import io.srrrs.crypto.pki.LocalCa;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * The same single-node KRaft broker as {@link EmbeddedKafka}, but in a JVM of its own, so that a
 * fault suite can kill it and start it again on the same log directory, ports and certificate:
 * clients see one broker that went away for a while. The child runs {@link #main} with this
 * JVM's class path.
 */
public final class KafkaProcess implements KafkaBroker {

    private final Path dir;
    private final LocalCa ca;
    private final int port;
    private final int controllerPort;
    private final Path log;
    private Process process;

    private KafkaProcess(Path dir, LocalCa ca, int port, int controllerPort) {
        this.dir = dir;
        this.ca = ca;
        this.port = port;
        this.controllerPort = controllerPort;
        this.log = dir.resolve("broker.log");
    }

    /**
     * Starts a broker under {@code dir} on two free ports, which it keeps across restarts.
     * {@code overrides} are broker settings laid over EmbeddedKafka's.
     */
    public static KafkaProcess start(Path dir, LocalCa ca, Map<String, String> overrides)
            throws IOException, GeneralSecurityException, InterruptedException {
        Files.createDirectories(dir);
        // Issued here, once: the child only loads it, so two JVMs never write the CA's files at once.
        KraftBrokerSettings.identity(ca);
        Properties p = new Properties();
        p.putAll(overrides);
        try (Writer w = Files.newBufferedWriter(dir.resolve("broker-overrides.properties"))) {
            p.store(w, "broker settings over EmbeddedKafka's");
        }
        KafkaProcess kafka = new KafkaProcess(dir, ca, FreePorts.next(), FreePorts.next());
        kafka.start();
        return kafka;
    }

    /** Starts (again) the broker process and waits until it serves clients. */
    public synchronized void start() throws IOException, InterruptedException {
        Path ready = dir.resolve("broker.ready");
        Files.deleteIfExists(ready);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = List.of(java, "-Xms256m", "-Xmx768m",
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=info",
                "-Dorg.slf4j.simpleLogger.log.org.apache.kafka=warn",
                "-Dorg.slf4j.simpleLogger.log.kafka=warn",
                "-cp", System.getProperty("java.class.path"), KafkaProcess.class.getName(),
                dir.toString(), ca.caPem().getParent().toString(), Integer.toString(port), Integer.toString(controllerPort));
        process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        Process started = process;
        Runtime.getRuntime().addShutdownHook(new Thread(started::destroyForcibly, "srrrs-kafka-process-stop"));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
        while (!Files.exists(ready)) {
            if (!process.isAlive()) {
                throw new IOException("the Kafka broker process exited with " + process.exitValue() + "; see " + log);
            }
            if (System.nanoTime() > deadline) {
                kill();
                throw new IOException("the Kafka broker process was not ready within 180 s; see " + log);
            }
            Thread.sleep(100);
        }
    }

    /** SIGKILL: no controlled shutdown, as a crashed machine; the log directory stays. */
    public synchronized void kill() throws InterruptedException {
        if (process != null) {
            process.destroyForcibly();
            process.waitFor(60, TimeUnit.SECONDS);
        }
    }

    public synchronized boolean isAlive() {
        return process != null && process.isAlive();
    }

    public synchronized long pid() {
        return process.pid();
    }

    public Path log() {
        return log;
    }

    @Override
    public BrokerEndpoint endpoint() {
        return new BrokerEndpoint(port, dir.resolve("kafka-logs"), ca);
    }

    /**
     * As {@link KafkaBroker#createTopic}, but patient: a broker that has just (re)started in its
     * own JVM on a loaded machine may answer its first admin calls after more than the default's
     * ten seconds. Tries for up to two minutes.
     */
    @Override
    public void createTopic(String name, int partitions, Map<String, String> configs) {
        Map<String, Object> admin = new HashMap<>(clientProperties());
        admin.put("request.timeout.ms", "30000");
        admin.put("default.api.timeout.ms", "60000");
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        for (int attempt = 1; ; attempt++) {
            try {
                Topics.create(admin, name, partitions, configs, 60);
                return;
            } catch (ExecutionException e) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("cannot create topic " + name + ": " + e.getCause(), e.getCause());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while creating topic " + name, e);
            } catch (Exception e) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("cannot create topic " + name + " (" + attempt + " tries): " + e, e);
                }
            }
        }
    }

    /** SIGTERM (a controlled shutdown by the child's hook), SIGKILL if that takes over a minute. */
    @Override
    public synchronized void close() {
        if (process == null || !process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                kill();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    /** The child: {@code DIR CA_DIR PORT CONTROLLER_PORT}; writes DIR/broker.ready once it serves. */
    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        Map<String, String> overrides = new HashMap<>();
        Path file = dir.resolve("broker-overrides.properties");
        if (Files.exists(file)) {
            Properties p = new Properties();
            try (Reader r = Files.newBufferedReader(file)) {
                p.load(r);
            }
            p.stringPropertyNames().forEach(k -> overrides.put(k, p.getProperty(k)));
        }
        EmbeddedKafka kafka = EmbeddedKafka.start(dir, LocalCa.createOrLoad(Path.of(args[1])), Integer.parseInt(args[2]),
                Integer.parseInt(args[3]), overrides);
        Runtime.getRuntime().addShutdownHook(new Thread(kafka::close, "srrrs-kafka-shutdown"));
        Files.writeString(dir.resolve("broker.ready"), ProcessHandle.current().pid() + "\n");
        Thread.currentThread().join();
    }
}
