package io.srrrs.crypto.kms;

import io.srrrs.crypto.format.EncryptionContext;

import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.LongAdder;

/**
 * Decrypt-side cache of unwrapped DEKs, keyed by the wrapped bytes (with KMS, KEK, context and
 * wrapping): a reader opening many objects under one DEK asks the KMS once. Bounded by entry count (least
 * recently used goes first) and by time to live; evicted keys are zeroed. Callers get copies.
 *
 * <p>A KEK disabled in the KMS stays usable here until the entry's TTL runs out: keep the TTL as
 * short as the crypto-shredding promise you make (see {@link Limits#DEFAULTS}).
 */
public final class UnwrappedDekCache extends ForwardingKms {

    /**
     * How much is kept, and how long. The defaults are {@link #DEFAULTS}'s, the
     * {@code kms.unwrap.cache.*} keys of {@link KmsConfig} override them.
     *
     * @param maxEntries DEKs kept
     * @param ttl        how long one is kept
     */
    public record Limits(int maxEntries, Duration ttl) {
        /** The defaults; the one place they are stated (the {@code kms.unwrap.cache.*} documentation shows them). */
        public static final Limits DEFAULTS = new Limits(1000, Duration.ofMinutes(5));

        /** Refuses fewer than one entry and a TTL that is not positive. */
        public Limits {
            Objects.requireNonNull(ttl, "ttl");
            if (maxEntries < 1) {
                throw new IllegalArgumentException("unwrap cache max entries must be at least 1");
            }
            if (ttl.isNegative() || ttl.isZero()) {
                throw new IllegalArgumentException("unwrap cache TTL must be positive");
            }
        }
    }

    /** Hits, misses, evictions so far, and entries held now. */
    public record Stats(long hits, long misses, long evictions, int size) {
    }

    /** The wrapping is part of the key: a blob opened as one wrapping is never handed out as another. */
    private record Key(String kms, KekId kek, ByteBuffer blob, EncryptionContext context, DekWrapping wrapping) {
    }

    private record Cached(DataKey dek, Instant expires) {
    }

    private final Limits limits;
    private final Clock clock;
    private final LinkedHashMap<Key, Cached> entries = new LinkedHashMap<>(16, 0.75f, true);
    private final LongAdder hits = new LongAdder();
    private final LongAdder misses = new LongAdder();
    private final LongAdder evictions = new LongAdder();

    /** Caches {@code delegate}'s unwraps within {@code limits}, TTLs read from {@code clock}. */
    public UnwrappedDekCache(Kms delegate, Limits limits, Clock clock) {
        super(delegate);
        this.limits = Objects.requireNonNull(limits, "limits");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** As the three-argument constructor, on the system clock. */
    public UnwrappedDekCache(Kms delegate, Limits limits) {
        this(delegate, limits, Clock.systemUTC());
    }

    @Override
    public DataKey unwrap(WrappedDek wrapped, EncryptionContext context) throws KmsException {
        return unwrap(wrapped, context, DekWrapping.SRRRS_V1);
    }

    @Override
    public DataKey unwrap(WrappedDek wrapped, EncryptionContext context, DekWrapping wrapping) throws KmsException {
        Key key = new Key(wrapped.kms(), wrapped.kek(), ByteBuffer.wrap(wrapped.blob()), context, wrapping);
        synchronized (entries) {
            Cached cached = entries.get(key);
            if (cached != null) {
                if (clock.instant().isBefore(cached.expires())) {
                    hits.increment();
                    return cached.dek().copy();
                }
                entries.remove(key);
                cached.dek().close();
                evictions.increment();
            }
        }
        misses.increment();
        // The KMS call runs outside the lock; two concurrent misses both ask, which is harmless.
        DataKey fresh = wrapping == DekWrapping.SRRRS_V1 ? delegate.unwrap(wrapped, context)
                : delegate.unwrap(wrapped, context, wrapping);
        synchronized (entries) {
            Cached previous = entries.put(key, new Cached(fresh.copy(), clock.instant().plus(limits.ttl())));
            if (previous != null) {
                previous.dek().close();
            }
            evictOverflow();
        }
        return fresh;
    }

    private void evictOverflow() {
        Iterator<Map.Entry<Key, Cached>> it = entries.entrySet().iterator();
        while (entries.size() > limits.maxEntries() && it.hasNext()) {
            it.next().getValue().dek().close();
            it.remove();
            evictions.increment();
        }
    }

    /** The counters now. */
    public Stats stats() {
        synchronized (entries) {
            return new Stats(hits.sum(), misses.sum(), evictions.sum(), entries.size());
        }
    }

    /** Zeroes and forgets every cached DEK. */
    public void invalidateAll() {
        synchronized (entries) {
            entries.values().forEach(c -> c.dek().close());
            entries.clear();
        }
    }

    @Override
    public void close() {
        invalidateAll();
        delegate.close();
    }
}
