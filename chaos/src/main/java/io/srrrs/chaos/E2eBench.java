package io.srrrs.chaos;

import io.srrrs.crypto.format.OutputFormat;
import io.srrrs.store.StoreClients;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * {@code bin/bench e2e}: the chaos suite's components without the faults (broker JVM, registry,
 * store, moto KMS, topology JVMs, one Connect worker JVM with the sink), each workload measured
 * end to end and then as raw S3 calls of the same bytes on the same store, back to back; then the
 * same payloads again in each S3EC format of {@code --formats}, against the same raw rows.
 */
final class E2eBench {

    /** The sink's uploads in flight per task (s3.upload.concurrency; chaos does not load the sink's classes). */
    private static final String SINK_CONCURRENCY = "s3.upload.concurrency";

    private final E2eOptions o;
    private final Path dir;
    private final RunLog log;
    private final E2ePayloads payloads;
    private ChaosStack stack;
    private TopologyFleet topology;
    private WorkerFleet workers;
    /** Set for the measured phase: the run's one publisher's pipeline, and the read-back of each row. */
    private E2ePipeline pipeline;
    private E2eVerify verify;
    private final List<E2eTable.Row> rows = new ArrayList<>();
    /** Where each measured row's CPU went, by component (the footer). */
    private final List<String> cpu = new ArrayList<>();

    private E2eBench(E2eOptions o, Path dir, RunLog log, Path data) throws Exception {
        this.o = o;
        this.dir = dir;
        this.log = log;
        this.payloads = new E2ePayloads(data);
    }

    /** Runs every workload under {@code dir} (files under {@code data}, kept); returns the table's lines. */
    static List<String> run(E2eOptions o, Path dir, RunLog log, Path data) throws Exception {
        E2eBench b = new E2eBench(o, dir, log, data);
        Thread hook = new Thread(b::stopAll, "e2e-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            return b.execute();
        } finally {
            b.stopAll();
            Runtime.getRuntime().removeShutdownHook(hook);
            // The chunk topic's segments hold every ciphertext byte published (gigabytes with the large
            // workload); the logs and GC files stay.
            ChaosRun.deleteQuietly(dir.resolve("kafka/kafka-logs"));
        }
    }

    private List<String> execute() throws Exception {
        List<Payload> medium = payloads.files("medium", o.medium(), E2ePayloads.MEDIUM_BYTES);
        List<Payload> large = o.skipLarge() ? List.of() : payloads.files("large", 1, o.largeBytes());
        log.info("payload files ready under " + payloads.root());
        start();
        int partSize = Integer.parseInt(connectorConfig().get("s3.part.size"));
        int concurrency = Integer.parseInt(connectorConfig().get(SINK_CONCURRENCY));
        try (S3Client s3 = StoreClients.s3(stack.store.config(), 16); Publisher publisher = new Publisher(stack);
             E2eVerify verifier = new E2eVerify(stack)) {
            E2eRaw raw = new E2eRaw(s3);
            pipeline = new E2ePipeline(stack, publisher, log);
            verify = verifier;
            log.info("warming up (not measured): " + o.formats().stream().map(OutputFormat::id).toList());
            List<Payload> warmup = payloads.inline("warmup", 200, E2ePayloads.SMALL_BYTES, 1);
            for (OutputFormat f : o.formats()) {
                pipeline.run("warmup", f, E2ePayloads.rekeyed(warmup, E2ePayloads.dir("warmup", f)), Duration.ZERO);
            }
            raw.putAll("raw/warmup/", bodies(warmup), 8);
            E2eTable.Row small = small(raw);
            medium(raw, medium);
            if (!large.isEmpty()) {
                Map<OutputFormat, String> s3ecKeys = large(raw, large.get(0), partSize, concurrency);
                rows.addAll(E2eReadBack.run(stack, raw, pipeline, large.get(0).key(), "raw/large", o.largeBytes(),
                        o.rangedReads(), s3ecKeys));
            }
            load(small);
        }
        return E2eTable.lines(header(partSize, concurrency), rows, footer());
    }

    private E2eTable.Row small(E2eRaw raw) throws Exception {
        List<Payload> small = payloads.inline("small", o.small(), E2ePayloads.SMALL_BYTES, 2);
        E2eTable.Row ours = measure("small", OutputFormat.SRRRS_V1, small, true);
        rows.add(ours);
        log.info("small: raw PutObject, 8 threads and 1");
        E2eTable.Row baseline = rawRow(ours, "raw PutObject, 8 threads", small.size(),
                small.size() * (long) E2ePayloads.SMALL_BYTES,
                rawCpu("small raw 8 threads", () -> raw.putAll("raw/small-8/", bodies(small), 8)), true);
        rows.add(baseline);
        List<Payload> one = small.subList(0, Math.min(small.size(), 1000));
        rows.add(rawRow(ours, "raw PutObject, 1 thread", one.size(), one.size() * (long) E2ePayloads.SMALL_BYTES,
                raw.putAll("raw/small-1/", bodies(one), 1), true));
        otherFormats("small", small, baseline, true, true);
        return ours;
    }

    private void medium(E2eRaw raw, List<Payload> medium) throws Exception {
        E2eTable.Row ours = measure("medium", OutputFormat.SRRRS_V1, medium, true);
        rows.add(ours);
        log.info("medium: raw PutObject, 8 threads and 1");
        long bytes = medium.size() * (long) E2ePayloads.MEDIUM_BYTES;
        E2eTable.Row baseline = rawRow(ours, "raw PutObject, 8 threads", medium.size(), bytes,
                rawCpu("medium raw 8 threads", () -> raw.putAll("raw/medium-8/", bodies(medium), 8)), false);
        rows.add(baseline);
        rows.add(rawRow(ours, "raw PutObject, 1 thread", medium.size(), bytes, raw.putAll("raw/medium-1/", bodies(medium), 1),
                false));
        otherFormats("medium", medium, baseline, false, true);
    }

    /** The large rows of every format; returns the S3EC copies' keys, for the read rows. */
    private Map<OutputFormat, String> large(E2eRaw raw, Payload large, int partSize, int concurrency)
            throws Exception {
        // Its read row checks the object's length; reading 1 GiB once more here would double the read phase.
        E2eTable.Row ours = measure("large", OutputFormat.SRRRS_V1, List.of(large), false);
        rows.add(ours);
        log.info("large: raw multipart upload, " + (partSize >> 20) + " MiB parts, " + concurrency + " in flight");
        E2eTable.Row baseline = rawRow(ours, "raw multipart, " + concurrency + " in flight", 1, large.size(),
                rawCpu("large raw multipart", () -> raw.multipart("raw/large", large.file(), partSize, concurrency)), false);
        rows.add(baseline);
        return otherFormats("large", List.of(large), baseline, false, false);
    }

    /**
     * The same payloads once per S3EC format, each row's ratio against {@code baseline} (the raw
     * side measured once for all formats); returns the first object's key per format.
     */
    private Map<OutputFormat, String> otherFormats(String workload, List<Payload> ps, E2eTable.Row baseline,
                                                   boolean byObjects, boolean readBack) throws Exception {
        Map<OutputFormat, String> firstKeys = new LinkedHashMap<>();
        for (OutputFormat f : o.s3ecFormats()) {
            List<Payload> again = E2ePayloads.rekeyed(ps, E2ePayloads.dir(workload, f));
            rows.add(E2eTable.against(measure(workload, f, again, readBack), baseline, byObjects));
            firstKeys.put(f, again.get(0).key());
        }
        return firstKeys;
    }

    /** One pipeline row in {@code format}; then (unmeasured) every object read back when {@code readBack}. */
    private E2eTable.Row measure(String workload, OutputFormat format, List<Payload> ps, boolean readBack)
            throws Exception {
        E2eTable.Row row = cpu(workload + " pipeline " + format.id(), () -> pipeline.run(workload, format, ps,
                Duration.ZERO));
        if (!readBack) {
            return row;
        }
        List<String> problems = verify.check(ps, format);
        log.info(workload + " " + format.id() + ": " + (ps.size() - problems.size()) + " of " + ps.size()
                + " objects read back in " + format.id() + " to their SHA-256");
        problems.stream().limit(5).forEach(p -> log.info(workload + " " + format.id() + ": NOT VERIFIED " + p));
        return problems.isEmpty() ? row : row.withSide(row.side() + " (" + problems.size() + " NOT VERIFIED)");
    }

    /** 4 KiB payloads at 80 % of the small workload's end-to-end rate, for the load window. */
    private void load(E2eTable.Row small) throws Exception {
        double rate = 0.8 * small.objectsPerSecond();
        int n = (int) Math.max(1, rate * o.loadSeconds());
        log.info(String.format(Locale.ROOT, "load: %d references at %.0f/s over %d s", n, rate, o.loadSeconds()));
        List<Payload> refs = payloads.inline("load", n, E2ePayloads.SMALL_BYTES, 3);
        E2eTable.Row row = cpu("load pipeline", () -> pipeline.run("load", OutputFormat.SRRRS_V1, refs,
                o.loadWindow()));
        rows.add(new E2eTable.Row("load", String.format(Locale.ROOT, "srrrs-v1 at %.0f/s (80 %%)", rate),
                row.objects(), row.bytes(), row.nanos(), row.latencyNanos(), row.kmsCalls(), "",
                "p99 target <= 1000 ms"));
    }

    /** Runs one pipeline row, noting where its CPU went. */
    private E2eTable.Row cpu(String label, Callable<E2eTable.Row> measured) throws Exception {
        Map<String, Double> before = E2eCpu.snapshot();
        E2eTable.Row row = measured.call();
        cpu.add(label + ": " + E2eCpu.used(before, E2eCpu.snapshot(), row.nanos()));
        return row;
    }

    /** Runs one raw pass (its nanoseconds), noting where its CPU went. */
    private long rawCpu(String label, Callable<Long> measured) throws Exception {
        Map<String, Double> before = E2eCpu.snapshot();
        long nanos = measured.call();
        cpu.add(label + ": " + E2eCpu.used(before, E2eCpu.snapshot(), nanos));
        return nanos;
    }

    private static E2eTable.Row rawRow(E2eTable.Row ours, String side, int objects, long bytes, long nanos,
                                       boolean byObjects) {
        return E2eTable.ratio(ours, new E2eTable.Row(ours.workload(), side, objects, bytes, nanos, new long[0], -1, "", ""),
                byObjects);
    }

    private static List<E2eRaw.RequestBodySource> bodies(List<Payload> ps) {
        return ps.stream().<E2eRaw.RequestBodySource>map(p -> p.data() != null ? () -> RequestBody.fromBytes(p.data())
                : () -> RequestBody.fromFile(p.file())).toList();
    }

    /** The components, as in the fault suite, sized by the options; the topology and worker JVMs at --heap. */
    private void start() throws Exception {
        Path plugins = ChaosRun.pluginDir();
        List<String> topologyJvm = List.of("-Xmx" + o.heap(), "-Xlog:gc:file=" + dir.resolve("gc-topology-{index}.log"));
        List<String> workerJvm = List.of("-Xmx" + o.heap(), "-Xlog:gc:file=" + dir.resolve("gc-connect-{index}.log"));
        log.info("starting broker, registry, store, KMS, " + o.instances() + " topology instance(s), one Connect worker");
        stack = ChaosStack.start(dir, log, Math.max(2, o.tasks()), s -> {
            workers = new WorkerFleet(dir, s.kafka, s.ca, plugins, workerJvm);
            topology = new TopologyFleet(dir, s, payloads.root(), topologyJvm, this::topologySettings);
            var worker = CompletableFuture.supplyAsync(() -> ChaosStack.call(workers::add));
            List<TopologyFleet.Instance> started = new ArrayList<>();
            for (int i = 0; i < o.instances(); i++) {
                started.add(ChaosStack.call(topology::add));
            }
            worker.join();
            for (TopologyFleet.Instance t : started) {
                ChaosStack.call(() -> {
                    t.awaitStarted(Duration.ofSeconds(180));
                    return null;
                });
            }
        });
        workers.deployConnector(connectorConfig());
        log.info("store " + stack.store.kind() + "; connector running with " + o.tasks() + " task(s)");
    }

    /** The suite's topology settings, with the KMS's default DEK rotation (not the suite's every 100), then --topology-config. */
    private Map<String, String> topologySettings(Map<String, String> suite) {
        suite.remove("kms.dek.cache.max.objects");
        suite.putAll(o.topologyConfig());
        return suite;
    }

    private Map<String, String> connectorConfig() {
        Map<String, String> c = stack.connectorConfig();
        c.put("tasks.max", Integer.toString(o.tasks()));
        // Named, so that the raw multipart has as many parts in flight as the sink (its default is 8).
        c.put(SINK_CONCURRENCY, "8");
        c.putAll(o.sinkConfig());
        return c;
    }

    private String header(int partSize, int concurrency) {
        return String.format(Locale.ROOT, "bin/bench e2e: store %s (TLS 1.3), %d topology instance(s), 1 Connect worker"
                + " with %d task(s), both at -Xmx%s; sink parts %d MiB, %d upload(s) in flight; java %s, %d cores%s%s",
                stack.store.kind(), o.instances(), o.tasks(), o.heap(), partSize >> 20, concurrency,
                Runtime.version().feature(), Runtime.getRuntime().availableProcessors(),
                o.sinkConfig().isEmpty() ? "" : "; sink " + o.sinkConfig(),
                o.topologyConfig().isEmpty() ? "" : "; topology " + o.topologyConfig());
    }

    private List<String> footer() {
        List<String> f = new ArrayList<>();
        StringBuilder heaps = new StringBuilder("heap from -Xlog:gc, largest before a GC / largest live after one:");
        for (int i = 0; i < o.instances(); i++) {
            heaps.append(heap(" topology-" + i, dir.resolve("gc-topology-" + i + ".log")));
        }
        heaps.append(heap(" connect-0", dir.resolve("gc-connect-0.log"))).append(" each -Xmx").append(o.heap())
                .append(". Client (read rows): this JVM at -Xmx").append(o.heap())
                .append(", sum of heap-pool peaks during the read.");
        f.add(heaps.toString());
        f.add("CPU seconds by component (process table), and the core-seconds the row's wall time offered:");
        cpu.forEach(line -> f.add("  " + line));
        f.add("pipeline rows: first publish -> last object visible; p50/p99/max publish -> visible, visibility being"
                + " the start of the first " + E2ePipeline.LISTING_MILLIS + " ms listing that shows the object."
                + " KMS: requests moto answered meanwhile. Ratios: pipeline / raw (above 1: the pipeline is faster).");
        if (!o.s3ecFormats().isEmpty()) {
            f.add("S3EC rows: the same payloads again, each reference naming the format; their ratio is against the"
                    + " raw row it names (measured once, beside srrrs-v1). 4 KiB and 1 MiB objects of every format are"
                    + " read back through SrrrsClient after their row (format and SHA-256 checked). An S3EC object is"
                    + " one GCM message: the client buffers it up to 64 MiB, reads it twice above; no ranged reads.");
        }
        return f;
    }

    private static String heap(String name, Path gcLog) {
        return name + " " + E2eTable.peakHeapMiB(gcLog) + " / " + E2eTable.liveHeapMiB(gcLog) + " MiB;";
    }

    /** Stops what still runs, topology first; safe to call twice. */
    private synchronized void stopAll() {
        ChaosRun.stopInOrder(topology, workers, stack);
        topology = null;
        workers = null;
        stack = null;
    }
}
