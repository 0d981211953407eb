package io.srrrs.chaos;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;

/**
 * One run of the suite, start to verdict: the components, the workload published while the faults
 * happen, the wait until every reference has an outcome (bounded), then the checks. Everything it
 * starts is stopped at the end, or by a shutdown hook when the JVM is told to stop.
 */
final class ChaosRun {

    private final ChaosPlan plan;
    private final Path dir;
    private final RunLog log;
    private final String runId;
    private final Map<String, Double> phases = new LinkedHashMap<>();
    private ChaosStack stack;
    private TopologyFleet topology;
    private WorkerFleet workers;

    private ChaosRun(ChaosPlan plan, Path dir, PrintStream console) throws Exception {
        this.plan = plan;
        this.dir = Files.createDirectories(dir);
        this.log = new RunLog(dir, console);
        byte[] id = new byte[5];
        new Random(plan.seed()).nextBytes(id);
        this.runId = HexFormat.of().formatHex(id);
    }

    /** Runs the plan under {@code dir}; the report says whether anything was lost, duplicated, corrupt or leaked. */
    static Report run(ChaosPlan plan, Path dir, PrintStream console) throws Exception {
        ChaosRun run = new ChaosRun(plan, dir, console);
        Thread hook = new Thread(run::stopAll, "chaos-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        Report report;
        try {
            report = run.execute();
        } finally {
            run.stopAll();
            Runtime.getRuntime().removeShutdownHook(hook);
        }
        if (!report.failed()) {
            // A passing run keeps its logs and report; the bulk (payloads, the store's raw export,
            // Kafka's segments: gigabytes in the full form) only matters for investigating a failure.
            for (String bulk : List.of("files", "outside", "store-raw", "kafka/kafka-logs")) {
                deleteQuietly(dir.resolve(bulk));
            }
        }
        return report;
    }

    private Report execute() throws Exception {
        long t0 = System.nanoTime();
        List<Fault> faults = FaultPlan.schedule(plan);
        log.info(String.format(Locale.ROOT, "run %s, seed %d: %d objects over %d s, %d faults; started %s; logs under %s",
                runId, plan.seed(), plan.objects(), plan.publishWindow().toSeconds(), faults.size(),
                LocalTime.now().withNano(0), dir));
        faults.forEach(f -> log.detail(String.format(Locale.ROOT, "planned at %.1f s: %s", f.atMillis() / 1000.0,
                f.kind().label)));
        String canary = "SRRRS-CHAOS-" + runId + "-";
        List<Payload> payloads = startComponents(canary);
        phases.put("startup", (System.nanoTime() - t0) / 1e9);
        Outcomes outcomes = publishUnderFaults(payloads, faults);
        long checks = System.nanoTime();
        Verifier.Result verdict = Verifier.verify(payloads, outcomes.deadLetters(), outcomes.unpublished(),
                stack.store.config(), stack.kmsConfig());
        log.info("read back " + verdict.verified() + " objects; auditing the chunk topic");
        ChunkAudit.Result chunks = ChunkAudit.audit(stack);
        topology.close();
        workers.close();
        log.info("topology and workers stopped; scanning for canaries");
        List<Path> storeFiles = stack.store.rawFiles(dir.resolve("store-raw"));
        LeakScan.Result leaks = LeakScan.scan(dir, storeFiles, stack.kafka.logDir(),
                List.of(dir.resolve("files"), dir.resolve("outside")), canary);
        phases.put("checks", (System.nanoTime() - checks) / 1e9);
        phases.put("total", (System.nanoTime() - t0) / 1e9);
        Report report = new Report(runId, plan, stack.store.kind(), payloads, verdict, chunks, leaks,
                outcomes.recovery(), phases, outcomes.undecoded(), outcomes.selfExits());
        Files.write(dir.resolve("report.txt"), report.lines());
        return report;
    }

    /**
     * The workload first (its SSE-C share depends on the store), then the shared components, and,
     * as soon as the broker and the KMS serve, two Connect workers and two topology instances
     * (they need nothing else to start); then the connector.
     */
    private List<Payload> startComponents(String canary) throws Exception {
        boolean sseC = ObjectStore.cephAvailable();
        List<Payload> payloads = new Workload(plan, canary, dir.resolve("files"), dir.resolve("outside")).generate(sseC);
        log.info("workload written; starting broker, registry, store, KMS, two workers and two topology instances");
        Path plugins = pluginDir();
        stack = ChaosStack.start(dir, log, s -> {
            workers = new WorkerFleet(dir, s.kafka, s.ca, plugins);
            topology = new TopologyFleet(dir, s, dir.resolve("files"));
            var w1 = CompletableFuture.supplyAsync(() -> ChaosStack.call(workers::add));
            var w2 = CompletableFuture.supplyAsync(() -> ChaosStack.call(workers::add));
            var t1 = ChaosStack.call(topology::add);
            var t2 = ChaosStack.call(topology::add);
            CompletableFuture.allOf(w1, w2).join();
            ChaosStack.call(() -> {
                t1.awaitStarted(Duration.ofSeconds(120));
                t2.awaitStarted(Duration.ofSeconds(120));
                return null;
            });
        });
        log.info("store " + stack.store.kind() + ", broker " + stack.kafka.bootstrapServers() + ", registry "
                + stack.registryUrl() + ", KMS " + stack.moto.endpoint());
        workers.deployConnector(stack.connectorConfig());
        log.info("2 topology instances, 2 Connect workers, connector running");
        return payloads;
    }

    /** What happened to the references while publishing and draining. */
    record Outcomes(DeadLetters deadLetters, Map<String, String> unpublished, List<Recovery.Figure> recovery,
                    int undecoded, List<String> selfExits) {
    }

    private Outcomes publishUnderFaults(List<Payload> payloads, List<Fault> faults) throws Exception {
        try (LandingWatch landing = new LandingWatch(stack.store.config());
             DeadLetters deadLetters = new DeadLetters(stack);
             Publisher publisher = new Publisher(stack);
             FaultInjector injector = new FaultInjector(stack, topology, workers, plan, log)) {
            landing.start();
            DlqPoller poller = new DlqPoller(deadLetters);
            poller.start();
            long start = System.nanoTime();
            injector.schedule(faults, start);
            injector.supervise();
            log.info("publishing " + payloads.size() + " references over " + plan.publishWindow().toSeconds() + " s");
            publisher.publish(payloads, start, plan.publishWindow(), () -> false);
            phases.put("publish", (System.nanoTime() - start) / 1e9);
            log.info("published (" + publisher.acked() + " acknowledged); waiting for the last faults to end");
            if (!injector.awaitAll(Duration.ofMinutes(15))) {
                log.info("faults still running after 15 min: going on without them");
            }
            long drain = System.nanoTime();
            awaitOutcomes(payloads, landing, deadLetters, publisher);
            phases.put("drain", (System.nanoTime() - drain) / 1e9);
            poller.close();
            int undecoded = deadLetters.finish();
            long end = System.nanoTime();
            Recovery recovery = recovery(payloads, publisher.sentAt(), landing.landedAt(), deadLetters, end);
            return new Outcomes(deadLetters, Map.copyOf(publisher.failed()), recovery.figures(injector.records()),
                    undecoded, injector.selfExits());
        }
    }

    /** Until every acknowledged reference has landed or been dead-lettered, or the drain timeout. */
    private void awaitOutcomes(List<Payload> payloads, LandingWatch landing, DeadLetters deadLetters, Publisher publisher)
            throws InterruptedException {
        long deadline = System.nanoTime() + plan.drainTimeout().toNanos();
        long nextReport = 0;
        while (true) {
            long open = payloads.stream().filter(p -> !publisher.failed().containsKey(p.id()))
                    .filter(p -> !landing.landedAt().containsKey(p.key()) && !deadLetters.byReference().containsKey(p.id()))
                    .count();
            if (open == 0) {
                log.info("every reference has an outcome");
                return;
            }
            if (System.nanoTime() > deadline) {
                log.info(open + " references without an outcome after the drain timeout of "
                        + plan.drainTimeout().toSeconds() + " s");
                return;
            }
            if (System.nanoTime() > nextReport) {
                log.info(open + " references still without an outcome; connector " + shortStatus());
                nextReport = System.nanoTime() + 10_000_000_000L;
            }
            Thread.sleep(1_000);
        }
    }

    private String shortStatus() {
        String s = workers.status();
        int running = s.split("\"RUNNING\"", -1).length - 1;
        int failed = s.split("\"FAILED\"", -1).length - 1;
        return running + " RUNNING" + (failed > 0 ? ", " + failed + " FAILED" : "");
    }

    private Recovery recovery(List<Payload> payloads, Map<String, Long> sentAt, Map<String, Long> landedAt,
                              DeadLetters deadLetters, long end) {
        List<Long> sent = new ArrayList<>();
        List<Long> outcome = new ArrayList<>();
        for (Payload p : payloads) {
            Long s = sentAt.get(p.id());
            if (s == null) {
                continue;
            }
            sent.add(s);
            Long at = landedAt.get(p.key());
            DeadLetters.DeadLetter dl = deadLetters.byReference().get(p.id());
            Long dlAt = dl == null ? null : dl.nanos();
            // Boxed throughout: a reference with neither outcome yet is null here, not an unboxing NPE.
            Long first = at == null ? dlAt : dlAt == null ? at : Long.valueOf(Math.min(at, dlAt));
            if (first != null) {
                outcome.add(first);
            }
        }
        double rate = payloads.size() / (double) plan.publishWindow().toSeconds();
        return new Recovery(sent.stream().mapToLong(Long::longValue).toArray(),
                outcome.stream().mapToLong(Long::longValue).toArray(), rate, end);
    }

    /** The sink's plugin jar, alone in a directory (the build puts it in chaos/target/connect-plugins). */
    static Path pluginDir() {
        String configured = System.getProperty("srrrs.connect.plugins");
        if (configured != null) {
            return Path.of(configured);
        }
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            Path candidate = d.resolve("chaos/target/connect-plugins");
            if (Files.isDirectory(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("no chaos/target/connect-plugins (build: mvn -pl chaos -am package -DskipTests),"
                + " or set -Dsrrrs.connect.plugins");
    }

    static void deleteQuietly(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (var walk = Files.walk(root)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | RuntimeException e) {
            // bulk left behind; chaos/target is cleaned by mvn clean
        }
    }

    /** Stops what is still running, in reverse order of start; safe to call twice. */
    private synchronized void stopAll() {
        stopInOrder(topology, workers, stack);
        topology = null;
        workers = null;
        stack = null;
    }

    /** The harness's shutdown order (the fault suite's and the e2e bench's): topology, workers, stack; nulls skipped. */
    static void stopInOrder(TopologyFleet topology, WorkerFleet workers, ChaosStack stack) {
        if (topology != null) {
            topology.close();
        }
        if (workers != null) {
            workers.close();
        }
        if (stack != null) {
            stack.close();
        }
    }

    /** Polls the dead-letter topics on a thread of its own until closed. */
    private static final class DlqPoller extends Thread implements AutoCloseable {
        private final DeadLetters deadLetters;
        private volatile boolean running = true;

        DlqPoller(DeadLetters deadLetters) {
            super("chaos-dlq-poll");
            setDaemon(true);
            this.deadLetters = deadLetters;
        }

        @Override
        public void run() {
            while (running) {
                deadLetters.poll(Duration.ofMillis(500));
            }
        }

        @Override
        public void close() throws InterruptedException {
            running = false;
            join(10_000);
        }
    }
}
