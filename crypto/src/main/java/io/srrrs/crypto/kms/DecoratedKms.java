package io.srrrs.crypto.kms;

import java.time.Clock;
import java.util.Objects;

/**
 * The standard decorator stack around a provider, outermost first:
 * {@link DekCache} → {@link UnwrappedDekCache} → {@link MeteredKms} → {@link ResilientKms} →
 * provider. Cache hits never reach the metrics, so "KMS calls" counts real calls; each logical
 * call is counted once however many times it is retried.
 *
 * <p>With the defaults, a KEK disabled or destroyed in the KMS stops new encryptions within
 * {@code kms.dek.cache.max.age.ms} (30 s) and reads within {@code kms.unwrap.cache.ttl.ms}.
 */
public final class DecoratedKms implements AutoCloseable {

    public record Config(ResilientKms.RetryPolicy retry, DekCache.Limits dekCache, UnwrappedDekCache.Limits unwrapCache) {
        public static final Config DEFAULTS = new Config(ResilientKms.RetryPolicy.DEFAULTS, DekCache.Limits.DEFAULTS,
                UnwrappedDekCache.Limits.DEFAULTS);

        public Config {
            Objects.requireNonNull(retry, "retry");
            Objects.requireNonNull(dekCache, "dekCache");
            Objects.requireNonNull(unwrapCache, "unwrapCache");
        }
    }

    private final Kms provider;
    private final ResilientKms resilient;
    private final MeteredKms metered;
    private final UnwrappedDekCache unwrapCache;
    private final DekCache dekCache;

    private DecoratedKms(Kms provider, Config config, Clock clock, ResilientKms.Sleeper sleeper) {
        this.provider = provider;
        this.resilient = new ResilientKms(provider, config.retry(), sleeper);
        this.metered = new MeteredKms(resilient);
        this.unwrapCache = new UnwrappedDekCache(metered, config.unwrapCache(), clock);
        this.dekCache = new DekCache(unwrapCache, config.dekCache(), clock);
    }

    public static DecoratedKms around(Kms provider, Config config) {
        return new DecoratedKms(Objects.requireNonNull(provider, "provider"), config, Clock.systemUTC(),
                ResilientKms.Sleeper.SYSTEM);
    }

    public static DecoratedKms around(Kms provider, Config config, Clock clock, ResilientKms.Sleeper sleeper) {
        return new DecoratedKms(Objects.requireNonNull(provider, "provider"), config, clock, sleeper);
    }

    /** The whole stack: what the topology, client and CLI call. */
    public Kms kms() {
        return dekCache;
    }

    public Kms provider() {
        return provider;
    }

    public MeteredKms.Snapshot kmsCalls() {
        return metered.snapshot();
    }

    /** Calls that reached the KMS so far, all operations together. */
    public long totalKmsCalls() {
        return metered.totalCalls();
    }

    public DekCache.Stats dekCacheStats() {
        return dekCache.stats();
    }

    public UnwrappedDekCache.Stats unwrapCacheStats() {
        return unwrapCache.stats();
    }

    public long retries() {
        return resilient.retries();
    }

    @Override
    public void close() {
        dekCache.close();
    }
}
