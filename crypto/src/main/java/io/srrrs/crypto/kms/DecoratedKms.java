package io.srrrs.crypto.kms;

import java.time.Clock;
import java.util.Objects;

/**
 * The standard decorator stack around a provider, outermost first:
 * {@link DekCache} → {@link UnwrappedDekCache} → {@link MeteredKms} → {@link ResilientKms} →
 * provider. Cache hits never reach the metrics, so "KMS calls" counts real calls; each logical
 * call is counted once however many times it is retried.
 *
 * <p>A KEK disabled or destroyed in the KMS stops new encryptions within the DEK cache's max age
 * ({@code kms.dek.cache.max.age.ms}) and reads within the unwrap cache's TTL
 * ({@code kms.unwrap.cache.ttl.ms}); {@link Config#DEFAULTS} holds the defaults of both.
 */
public final class DecoratedKms implements AutoCloseable {

    /**
     * The settings of the three configurable decorators; {@link KmsConfig#stackConfig} reads them from
     * {@code kms.*} keys.
     */
    public record Config(ResilientKms.RetryPolicy retry, DekCache.Limits dekCache, UnwrappedDekCache.Limits unwrapCache) {
        /** Each decorator's defaults. */
        public static final Config DEFAULTS = new Config(ResilientKms.RetryPolicy.DEFAULTS, DekCache.Limits.DEFAULTS,
                UnwrappedDekCache.Limits.DEFAULTS);

        /** All three parts are required. */
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

    /**
     * The standard stack around {@code provider}, on the system clock, really sleeping between
     * retries. Closing the stack closes the provider.
     */
    public static DecoratedKms around(Kms provider, Config config) {
        return new DecoratedKms(Objects.requireNonNull(provider, "provider"), config, Clock.systemUTC(),
                ResilientKms.Sleeper.SYSTEM);
    }

    /**
     * As {@link #around(Kms, Config)}, with the clock the caches read and the sleeper the retries wait
     * with (for tests).
     */
    public static DecoratedKms around(Kms provider, Config config, Clock clock, ResilientKms.Sleeper sleeper) {
        return new DecoratedKms(Objects.requireNonNull(provider, "provider"), config, clock, sleeper);
    }

    /** The whole stack: what the topology, client and CLI call. */
    public Kms kms() {
        return dekCache;
    }

    /** The provider alone, below every decorator (for administration that must not be cached). */
    public Kms provider() {
        return provider;
    }

    /** The calls that reached the provider, per operation (a retried call counts once). */
    public MeteredKms.Snapshot kmsCalls() {
        return metered.snapshot();
    }

    /** Calls that reached the KMS so far, all operations together. */
    public long totalKmsCalls() {
        return metered.totalCalls();
    }

    /** The encrypt-side cache's counters. */
    public DekCache.Stats dekCacheStats() {
        return dekCache.stats();
    }

    /** The decrypt-side cache's counters. */
    public UnwrappedDekCache.Stats unwrapCacheStats() {
        return unwrapCache.stats();
    }

    /** Retries made so far (attempts after the first). */
    public long retries() {
        return resilient.retries();
    }

    @Override
    public void close() {
        dekCache.close();
    }
}
