package io.srrrs.chaos;

import io.srrrs.topology.EncryptorApp;
import io.srrrs.topology.ops.OpsConfig;

import java.io.IOException;
import java.io.Writer;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/**
 * The topology as separate JVMs ({@code EncryptorApp --config FILE}, one application id), each
 * with its own configuration file, state directory and log, so that one can be killed with
 * SIGKILL and started again on the same state, as a crashed pod whose volume survives.
 */
final class TopologyFleet implements AutoCloseable {

    /** One instance: a process that may be dead, restarted, or stopped for good. */
    static final class Instance {
        final int index;
        final Path config;
        final Path log;
        private final List<String> jvmOptions;
        private Process process;

        Instance(int index, Path config, Path log, List<String> jvmOptions) {
            this.index = index;
            this.config = config;
            this.log = log;
            this.jvmOptions = List.copyOf(jvmOptions);
        }

        private long logOffset;

        synchronized void start() throws IOException {
            logOffset = Files.exists(log) ? Files.size(log) : 0;
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            List<String> command = new ArrayList<>(List.of(java, "-Xms128m", "-Xmx640m",
                    "-Dorg.slf4j.simpleLogger.defaultLogLevel=info",
                    "-Dorg.slf4j.simpleLogger.log.org.apache.kafka=warn",
                    "-Dorg.slf4j.simpleLogger.showDateTime=true",
                    // Wall-clock times, to line the log up with chaos.log's fault times.
                    "-Dorg.slf4j.simpleLogger.dateTimeFormat=HH:mm:ss.SSS"));
            if (Runtime.version().feature() >= 24) {
                command.add("--sun-misc-unsafe-memory-access=allow");
            }
            command.addAll(jvmOptions); // after the defaults: a later -Xmx wins
            command.addAll(List.of("-cp", System.getProperty("java.class.path"), EncryptorApp.class.getName(),
                    "--config", config.toString()));
            process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        }

        /** SIGKILL: the open transaction stays open until the broker aborts it. */
        synchronized void kill() throws InterruptedException {
            if (process != null) {
                process.destroyForcibly();
                process.waitFor(30, TimeUnit.SECONDS);
            }
        }

        /** SIGTERM: a clean leave (the shutdown hook closes Kafka Streams). */
        synchronized void stop() throws InterruptedException {
            if (process != null && process.isAlive()) {
                process.destroy();
                // Longer than its srrrs.shutdown.timeout.ms, as an orchestrator's grace period must be.
                if (!process.waitFor(OpsConfig.DEFAULT_SHUTDOWN_TIMEOUT_MS + 30_000, TimeUnit.MILLISECONDS)) {
                    kill();
                }
            }
        }

        /** Until this start's log says the topology started; fails with the log's tail if the JVM died. */
        void awaitStarted(Duration timeout) throws IOException, InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < deadline) {
                String since = sinceStart();
                if (since.contains("topology started")) {
                    return;
                }
                if (!isAlive()) {
                    throw new IOException(this + " exited: " + since.substring(Math.max(0, since.length() - 2000)));
                }
                Thread.sleep(250);
            }
            throw new IOException(this + " did not start within " + timeout + "; see " + log);
        }

        private String sinceStart() throws IOException {
            try (var ch = FileChannel.open(log)) {
                long n = Math.max(0, ch.size() - logOffset);
                ByteBuffer b = ByteBuffer.allocate((int) Math.min(n, 1 << 20));
                ch.read(b, logOffset);
                return new String(b.array(), 0, b.position(), StandardCharsets.UTF_8);
            }
        }

        synchronized boolean isAlive() {
            return process != null && process.isAlive();
        }

        @Override
        public String toString() {
            return "topology-" + index;
        }
    }

    private final Path dir;
    private final ChaosStack stack;
    private final Path fileRoot;
    private final List<String> jvmOptions;
    private final UnaryOperator<Map<String, String>> adjust;
    private final List<Instance> instances = new ArrayList<>();

    TopologyFleet(Path dir, ChaosStack stack, Path fileRoot) {
        this(dir, stack, fileRoot, List.of(), UnaryOperator.identity());
    }

    /**
     * As above, each JVM also started with {@code jvmOptions} (after the defaults, so {@code -Xmx}
     * there wins) and each instance's configuration passed through {@code adjust} (the bench's
     * overrides); {@code {index}} in an option becomes the instance's index (per-instance GC logs).
     */
    TopologyFleet(Path dir, ChaosStack stack, Path fileRoot, List<String> jvmOptions,
                  UnaryOperator<Map<String, String>> adjust) {
        this.dir = dir;
        this.stack = stack;
        this.fileRoot = fileRoot;
        this.jvmOptions = List.copyOf(jvmOptions);
        this.adjust = adjust;
    }

    /** A new instance (joining the group), started. */
    synchronized Instance add() throws IOException {
        int index = instances.size();
        Path home = Files.createDirectories(dir.resolve("topology-" + index));
        Map<String, String> settings = adjust.apply(stack.topologyConfig(home.resolve("state"), fileRoot));
        Properties p = new Properties();
        p.putAll(settings);
        Path config = home.resolve("encryptor.properties");
        try (Writer w = Files.newBufferedWriter(config)) {
            p.store(w, "chaos topology instance " + index);
        }
        List<String> options = jvmOptions.stream().map(o -> o.replace("{index}", Integer.toString(index))).toList();
        Instance instance = new Instance(index, config, home.resolve("topology.log"), options);
        instance.start();
        instances.add(instance);
        return instance;
    }

    synchronized List<Instance> all() {
        return List.copyOf(instances);
    }

    synchronized Instance get(int index) {
        return instances.get(index);
    }

    @Override
    public void close() {
        // Stopped side by side: each clean close waits for its stream threads.
        all().parallelStream().forEach(i -> {
            try {
                i.stop();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
    }
}
