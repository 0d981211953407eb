package io.srrrs.chaos;

import io.srrrs.crypto.pki.LocalCa;
import io.srrrs.embedded.ConnectWorker;
import io.srrrs.embedded.KafkaBroker;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Kafka Connect workers in distributed mode, one group, each its own JVM with the sink's plugin
 * jar on plugin.path. The connector is PUT once; the group spreads its tasks over whoever is alive.
 */
final class WorkerFleet implements AutoCloseable {

    static final String GROUP = "chaos-connect";
    static final String CONNECTOR = "srrrs-chaos-sink";

    /**
     * Worker settings of this suite. A worker that vanishes keeps its tasks unassigned for
     * {@code scheduled.rebalance.max.delay.ms} (5 minutes by default) unless it comes back; a
     * deployment that expects crashes lowers it, and so does this one.
     */
    static final Map<String, String> WORKER_SETTINGS = Map.of("scheduled.rebalance.max.delay.ms", "20000");

    /**
     * For the fault suite: C1 only and the serial collector, since on two cores a worker
     * (re)started under load otherwise spends most of its first minute compiling. Never for a
     * measurement: C1 code does not reach the AES-GCM intrinsics, so TLS runs GHASH and AES in
     * plain Java (a JFR profile of the worker under `bin/bench e2e` showed 95 % of its samples
     * there, about 70 ms of CPU per MiB received and sent).
     */
    static final List<String> FAULT_SUITE_JVM = List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC");

    private final Path dir;
    private final KafkaBroker kafka;
    private final LocalCa ca;
    private final Path plugins;
    private final List<String> jvm;
    private final List<ConnectWorker> workers = new ArrayList<>();

    WorkerFleet(Path dir, KafkaBroker kafka, LocalCa ca, Path plugins) {
        this(dir, kafka, ca, plugins, FAULT_SUITE_JVM);
    }

    /** Each worker's JVM started with {@code jvmOptions} only ({@code {index}} there is the worker's). */
    WorkerFleet(Path dir, KafkaBroker kafka, LocalCa ca, Path plugins, List<String> jvmOptions) {
        this.dir = dir;
        this.kafka = kafka;
        this.ca = ca;
        this.plugins = plugins;
        this.jvm = List.copyOf(jvmOptions);
    }

    /** A new worker joining the group, started and answering REST. */
    ConnectWorker add() throws Exception {
        int index;
        synchronized (this) {
            index = workers.size();
            workers.add(null); // the slot, so two concurrent adds never share a directory
        }
        List<String> options = new ArrayList<>();
        jvm.forEach(o -> options.add(o.replace("{index}", Integer.toString(index))));
        ConnectWorker w = ConnectWorker.start(dir.resolve("connect-" + index), kafka, ca, plugins, GROUP,
                WORKER_SETTINGS, options);
        synchronized (this) {
            workers.set(index, w);
        }
        return w;
    }

    /** PUTs the connector through any live worker and waits for it and its tasks to run. */
    void deployConnector(Map<String, String> config) throws Exception {
        ConnectWorker w = live().get(0);
        var response = w.putConnector(CONNECTOR, config);
        if (response.statusCode() / 100 != 2) {
            throw new IllegalStateException("PUT connector answered " + response.statusCode() + ": " + response.body());
        }
        w.awaitRunning(CONNECTOR, Duration.ofSeconds(120));
    }

    synchronized List<ConnectWorker> all() {
        return workers.stream().filter(w -> w != null).toList();
    }

    List<ConnectWorker> live() {
        return all().stream().filter(ConnectWorker::isAlive).toList();
    }

    /** The connector's status as the group reports it (empty when no worker answers). */
    String status() {
        for (ConnectWorker w : live()) {
            try {
                return w.get("/connectors/" + CONNECTOR + "/status").body();
            } catch (Exception e) {
                // try the next
            }
        }
        return "";
    }

    @Override
    public void close() {
        all().parallelStream().forEach(w -> {
            try {
                w.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
    }
}
