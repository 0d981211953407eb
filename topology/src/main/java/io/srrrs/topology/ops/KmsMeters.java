package io.srrrs.topology.ops;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.srrrs.crypto.kms.DecoratedKms;
import io.srrrs.crypto.kms.DekCache;
import io.srrrs.crypto.kms.MeteredKms;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.ToLongFunction;

/**
 * The KMS and DEK-cache rows of the metrics contract, read from the KMS stack itself: calls and
 * failures from its {@link MeteredKms} (below the caches: real calls, a retried one counted once),
 * latency from that layer's call listener, the cache's counters and oldest DEK from its
 * {@link DekCache}. Counters read the stack's own totals, so they agree with its JMX sensors.
 */
public final class KmsMeters implements AutoCloseable {

    /** KMS call buckets: a local keystore answers in microseconds, a cloud KMS in tens of ms, an outage in seconds. */
    static final Duration[] CALL_BUCKETS = TopologyMeters.seconds(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25,
            0.5, 1, 2.5, 5, 10);

    private final MeteredKms metered;
    private final MeteredKms.CallListener listener;

    private KmsMeters(MeteredKms metered, MeteredKms.CallListener listener) {
        this.metered = metered;
        this.listener = listener;
    }

    /** Registers the meters of {@code kms} in {@code registry}; closing stops the latency listener. */
    public static KmsMeters bind(MeterRegistry registry, DecoratedKms kms) {
        String provider = kms.provider().type();
        Map<MeteredKms.Operation, Timer> timers = new EnumMap<>(MeteredKms.Operation.class);
        for (MeteredKms.Operation op : MeteredKms.Operation.values()) {
            String name = op.label();
            function(registry, "srrrs.kms.calls", "KMS calls made (past the DEK cache)", kms,
                    k -> k.kmsCalls().operations().get(op).calls(), "operation", name, "provider", provider);
            function(registry, "srrrs.kms.failures", "KMS calls that failed", kms,
                    k -> k.kmsCalls().operations().get(op).failures(), "operation", name, "provider", provider);
            timers.put(op, Timer.builder("srrrs.kms.call").tags("operation", name, "provider", provider)
                    .description("KMS call latency").serviceLevelObjectives(CALL_BUCKETS).register(registry));
        }
        cache(registry, kms);
        MeteredKms metered = MeteredKms.in(kms.kms()).orElse(null);
        MeteredKms.CallListener listener = (op, nanos, failed) -> timers.get(op).record(nanos, TimeUnit.NANOSECONDS);
        if (metered != null) {
            metered.addListener(listener);
        }
        return new KmsMeters(metered, listener);
    }

    private static void cache(MeterRegistry registry, DecoratedKms kms) {
        function(registry, "srrrs.dek.cache.hits", "DEK requests served from the cache", kms,
                k -> k.dekCacheStats().hits());
        function(registry, "srrrs.dek.cache.misses", "DEK requests that went to the KMS", kms,
                k -> k.dekCacheStats().misses());
        // The encrypt-side cache has no size bound (one DEK per KEK, context and wrapping): no cause="size".
        function(registry, "srrrs.dek.cache.evictions", "DEKs retired from the cache", kms,
                k -> k.dekCacheStats().retiredByAge(), "cause", "age");
        function(registry, "srrrs.dek.cache.evictions", "DEKs retired from the cache", kms,
                k -> k.dekCacheStats().retiredByObjects(), "cause", "objects");
        function(registry, "srrrs.dek.cache.evictions", "DEKs retired from the cache", kms,
                k -> k.dekCacheStats().retiredByBytes(), "cause", "bytes");
        if (kms.kms() instanceof DekCache dekCache) {
            Gauge.builder("srrrs.dek.cache.oldest.age", dekCache, c -> c.oldestAge().toNanos() / 1e9).baseUnit("seconds")
                    .description("age of the oldest cached DEK").register(registry);
        }
    }

    private static void function(MeterRegistry registry, String name, String description, DecoratedKms kms,
                                 ToLongFunction<DecoratedKms> value, String... tags) {
        FunctionCounter.builder(name, kms, k -> value.applyAsLong(k)).tags(tags).description(description)
                .register(registry);
    }

    @Override
    public void close() {
        if (metered != null) {
            metered.removeListener(listener);
        }
    }
}
