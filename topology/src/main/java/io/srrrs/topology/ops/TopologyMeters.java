package io.srrrs.topology.ops;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.srrrs.crypto.format.OutputFormat;
import io.srrrs.topology.RejectReason;

import java.time.Duration;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The pipeline's meters (the topology table of the metrics contract): one instance per
 * application, shared by every stream thread, fed where {@code TopologyMetrics} records its Kafka
 * Streams sensors. Every series of a closed label set (formats, reasons, schemes) is created up
 * front, at zero, so a dashboard's rate() sees it before its first event.
 */
public final class TopologyMeters {

    /** The payload schemes of {@code PayloadSources}: the label values of the fetch histogram. */
    public static final List<String> SCHEMES = List.of("inline", "file", "s3", "https");
    /** Buckets of the per-object histograms: from a small inline payload to a source deadline's worth. */
    static final Duration[] OBJECT_BUCKETS = seconds(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60,
            120, 300);

    private final MeterRegistry registry;
    private final Counter received;
    private final Counter plaintextBytes;
    private final Map<String, Counter> encrypted = new HashMap<>();
    private final Map<String, Timer> encryption = new HashMap<>();
    private final Map<RejectReason, Counter> rejected = new EnumMap<>(RejectReason.class);
    private final Map<String, Timer> fetches = new HashMap<>();
    private final Set<AtomicInteger> inFlight = ConcurrentHashMap.newKeySet();

    public TopologyMeters(MeterRegistry registry) {
        this.registry = registry;
        this.received = Counter.builder("srrrs.topology.references.received")
                .description("references read from the input topic").register(registry);
        this.plaintextBytes = Counter.builder("srrrs.topology.plaintext").baseUnit("bytes")
                .description("plaintext bytes read from sources and encrypted").register(registry);
        for (OutputFormat f : OutputFormat.values()) {
            String format = f.id();
            encrypted.put(format, Counter.builder("srrrs.topology.references.encrypted").tag("format", format)
                    .description("references that became an object (its last chunk sent)").register(registry));
            encryption.put(format, timer("srrrs.topology.encryption", "format", format,
                    "time from an object's attempt starting (its source opened) to its last chunk sent"));
        }
        for (RejectReason reason : RejectReason.values()) {
            rejected.put(reason, Counter.builder("srrrs.topology.references.rejected").tag("reason", reason.name())
                    .description("references sent to the DLQ, by reason").register(registry));
        }
        for (String scheme : SCHEMES) {
            fetches.put(scheme, timer("srrrs.topology.source.fetch", "scheme", scheme,
                    "time to open a source and read it whole"));
        }
        Gauge.builder("srrrs.topology.objects.in.flight", inFlight, s -> s.stream().mapToInt(AtomicInteger::get).sum())
                .description("objects being encrypted now (in progress records)").register(registry);
    }

    /** Meters that go nowhere: for tests and tools that build the topology without an endpoint. */
    public static TopologyMeters none() {
        return new TopologyMeters(new CompositeMeterRegistry());
    }

    private Timer timer(String name, String tag, String value, String description) {
        return Timer.builder(name).tag(tag, value).description(description).serviceLevelObjectives(OBJECT_BUCKETS)
                .register(registry);
    }

    static Duration[] seconds(double... values) {
        Duration[] out = new Duration[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = Duration.ofNanos(Math.round(values[i] * 1e9));
        }
        return out;
    }

    public MeterRegistry registry() {
        return registry;
    }

    public void received() {
        received.increment();
    }

    /** An object's last chunk was sent. */
    public void encrypted(String format, long plaintext, long nanos) {
        Counter c = encrypted.get(format);
        if (c != null) { // the formats are OutputFormat's ids: another cannot reach a completed object
            c.increment();
            encryption.get(format).record(nanos, TimeUnit.NANOSECONDS);
        }
        plaintextBytes.increment(plaintext);
    }

    public void rejected(RejectReason reason) {
        rejected.get(reason).increment();
    }

    /** A source of {@code scheme} was opened and read to its end in {@code nanos}. */
    public void fetched(String scheme, long nanos) {
        Timer t = fetches.get(scheme);
        if (t != null) {
            t.record(nanos, TimeUnit.NANOSECONDS);
        }
    }

    /** One stream thread's share of the in-flight gauge: it sets it, and closes it when its processor closes. */
    public InFlight inFlight() {
        AtomicInteger share = new AtomicInteger();
        inFlight.add(share);
        return new InFlight(share, inFlight);
    }

    /** A processor's objects in flight. */
    public static final class InFlight implements AutoCloseable {
        private final AtomicInteger share;
        private final Set<AtomicInteger> all;

        InFlight(AtomicInteger share, Set<AtomicInteger> all) {
            this.share = share;
            this.all = all;
        }

        public void set(int objects) {
            share.set(objects);
        }

        @Override
        public void close() {
            all.remove(share);
        }
    }
}
