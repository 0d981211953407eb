package io.srrrs.topology;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.metrics.Sensor;
import org.apache.kafka.common.metrics.stats.Avg;
import org.apache.kafka.common.metrics.stats.CumulativeSum;
import org.apache.kafka.common.metrics.stats.Max;
import org.apache.kafka.common.metrics.stats.Rate;
import io.srrrs.topology.ops.TopologyMeters;

import java.util.concurrent.TimeUnit;
import org.apache.kafka.streams.StreamsMetrics;

/**
 * The topology's own metrics, in Kafka Streams' metrics registry (so in JMX beside the Streams
 * metrics, as {@code kafka.streams:type=srrrs-topology-metrics,thread-id=<thread>}): references
 * processed and rejected (in all and by reason), plaintext and ciphertext bytes, chunks, objects
 * abandoned, encryption latency, KMS calls and DEK-cache hits. Each event also feeds the
 * application's Prometheus meters ({@link TopologyMeters}): this class is the one place the
 * processor reports to.
 */
final class TopologyMetrics implements AutoCloseable {

    static final String GROUP = "srrrs-topology-metrics";

    private final StreamsMetrics registry;
    private final String thread;
    private final Sensor processed;
    private final Sensor rejected;
    private final Map<RejectReason, Sensor> rejectedByReason = new EnumMap<>(RejectReason.class);
    private final Sensor plaintextBytes;
    private final Sensor ciphertextBytes;
    private final Sensor chunks;
    private final Sensor abandoned;
    private final Sensor latency;
    private final Sensor kmsCalls;
    private final Sensor dekCacheHits;
    private final Counter kmsCallsSource;
    private final Counter dekHitsSource;
    private final TopologyMeters meters;

    /** Turns an app-wide running total into per-thread increments without double counting. */
    static final class Counter {
        private final LongSupplier total;
        private final AtomicLong seen = new AtomicLong();

        Counter(LongSupplier total) {
            this.total = total;
        }

        long delta() {
            long now = total.getAsLong();
            return now - seen.getAndSet(now);
        }
    }

    TopologyMetrics(StreamsMetrics registry, String thread, Counter kmsCalls, Counter dekCacheHits,
                    TopologyMeters meters) {
        this.registry = registry;
        this.meters = meters;
        this.thread = thread;
        this.kmsCallsSource = kmsCalls;
        this.dekHitsSource = dekCacheHits;
        this.processed = counter("references-processed", "references turned into ciphertext chunks");
        this.rejected = counter("references-rejected", "references sent to the DLQ");
        this.plaintextBytes = counter("plaintext-bytes", "plaintext bytes encrypted");
        this.ciphertextBytes = counter("ciphertext-bytes", "ciphertext bytes produced (headers included)");
        this.chunks = counter("chunks", "EncryptedChunk records produced");
        this.abandoned = counter("objects-abandoned", "objects given up after some chunks (abandon markers sent)");
        this.kmsCalls = counter("kms-calls", "calls that reached the KMS (cache misses)");
        this.dekCacheHits = counter("dek-cache-hits", "DEKs served from the encrypt-side cache");
        this.latency = registry.addSensor(sensorName("encryption-latency"), Sensor.RecordingLevel.INFO);
        latency.add(name("encryption-latency-avg", "mean ms from opening a payload to its last chunk"), new Avg());
        latency.add(name("encryption-latency-max", "max ms from opening a payload to its last chunk"), new Max());
    }

    private Sensor counter(String metric, String description) {
        Sensor s = registry.addSensor(sensorName(metric), Sensor.RecordingLevel.INFO);
        s.add(name(metric + "-total", "total " + description), new CumulativeSum());
        s.add(name(metric + "-rate", "per second, " + description), new Rate());
        return s;
    }

    private String sensorName(String metric) {
        return "srrrs." + thread + "." + metric;
    }

    private MetricName name(String metric, String description) {
        return new MetricName(metric, GROUP, description, Map.of("thread-id", thread));
    }

    /** A reference was read from the input topic (again, when its transaction was aborted). */
    void received() {
        meters.received();
    }

    /** An object's last chunk was sent, {@code latencyNanos} after its attempt opened the source. */
    void processed(String format, long plaintext, long ciphertext, long chunkCount, long latencyNanos) {
        processed.record(1);
        plaintextBytes.record(plaintext);
        ciphertextBytes.record(ciphertext);
        chunks.record(chunkCount);
        latency.record(TimeUnit.NANOSECONDS.toMillis(latencyNanos));
        meters.encrypted(format, plaintext, latencyNanos);
    }

    void rejected(RejectReason reason) {
        rejected.record(1);
        meters.rejected(reason);
        rejectedByReason.computeIfAbsent(reason, r -> {
            Sensor s = registry.addSensor(sensorName("rejected-" + r.name()), Sensor.RecordingLevel.INFO);
            s.add(new MetricName("references-rejected-by-reason-total", GROUP, "references sent to the DLQ for one reason",
                    Map.of("thread-id", thread, "reason", r.name())), new CumulativeSum());
            return s;
        }).record(1);
    }

    void abandoned() {
        abandoned.record(1);
    }

    void kms() {
        kmsCalls.record(kmsCallsSource.delta());
        dekCacheHits.record(dekHitsSource.delta());
    }

    @Override
    public void close() {
        for (Sensor s : List.of(processed, rejected, plaintextBytes, ciphertextBytes, chunks, abandoned, latency, kmsCalls,
                dekCacheHits)) {
            registry.removeSensor(s);
        }
        rejectedByReason.values().forEach(registry::removeSensor);
    }
}
