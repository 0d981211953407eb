package io.srrrs.crypto.kms;

import io.srrrs.crypto.format.EncryptionContext;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Encrypt-side DEK cache: {@link #generateDataKey} hands out the current DEK of a (KEK, context)
 * pair until it is older than {@code maxAge}, has been handed out {@code maxObjects} times, or has
 * encrypted {@code maxBytes}; then the next call asks the KMS for a new one. This is what drops KMS
 * calls from one per object to one per DEK lifetime (DESIGN.md §3).
 *
 * <p>Reuse is safe because every object derives its own key from the DEK with a fresh 32-byte
 * salt, so GCM's per-key limits apply per object (2^32 segments, enforced by the format), not per
 * DEK. The ceilings below bound the salt-collision probability and the blast radius of one DEK;
 * no configuration can exceed them. An object under way when its DEK retires finishes with it.
 *
 * <p>The max age is also how long a KEK that was disabled or destroyed still encrypts new
 * objects: only a new DEK asks the KMS, and every provider refuses {@code generateDataKey} under
 * a disabled or destroyed KEK. The SPI has no cheaper "is this KEK still usable" call that every
 * provider offers (PKCS#11 and Vault have no disabled state at all), so the bound is kept short
 * instead (see {@link Limits#DEFAULTS}). Objects written in that window after a destroy are
 * unreadable, so it is a window of loss too; one GenerateDataKey per (KEK, context) per max age
 * is its price.
 *
 * <p>S3EC V2 is the exception: it encrypts with the DEK itself under a random 96-bit IV, so a V2
 * DEK retires after at most {@link #MAX_OBJECTS_S3EC_V2} objects. DEKs of different wrappings
 * never mix: a DEK generated for V3 is not handed out for V2 or v1.
 *
 * <p>Every caller gets its own copy of the DEK (close it); the cache zeroes its copy on retirement.
 */
public final class DekCache extends ForwardingKms {

    /** Hard ceiling on objects per DEK: 2^32 salts of 256 bits collide with probability < 2^-192. */
    public static final long MAX_OBJECTS_CEILING = 1L << 32;
    /** Hard ceiling on bytes per DEK (1 PiB): a bound on what one leaked DEK can expose. */
    public static final long MAX_BYTES_CEILING = 1L << 50;
    /**
     * Objects per DEK under the S3EC V2 wrapping, whatever the limits say: V2 encrypts each object
     * with the DEK itself and a random 96-bit IV, so GCM's random-IV bound applies per DEK. 2^20 is
     * far below the 2^32 invocations NIST SP 800-38D §8.3 allows (IV collision probability below
     * 2^-57). V3 and format v1 derive a key per object from a fresh salt, so their ceiling is
     * {@link #MAX_OBJECTS_CEILING}.
     */
    public static final long MAX_OBJECTS_S3EC_V2 = 1L << 20;

    /**
     * When a DEK retires. The defaults are {@link #DEFAULTS}'s, the {@code kms.dek.cache.*} keys of
     * {@link KmsConfig} override them.
     *
     * @param maxAge     how long one DEK is handed out, and so how long a disabled or destroyed KEK
     *                   still encrypts new objects
     * @param maxObjects objects per DEK (at most {@link #MAX_OBJECTS_CEILING})
     * @param maxBytes   plaintext bytes per DEK (at most {@link #MAX_BYTES_CEILING})
     */
    public record Limits(Duration maxAge, long maxObjects, long maxBytes) {
        /** The defaults; the one place they are stated (the {@code kms.dek.cache.*} documentation shows them). */
        public static final Limits DEFAULTS = new Limits(Duration.ofSeconds(30), 1_000_000, 1L << 40);

        /** Refuses limits that are not positive or exceed the ceilings. */
        public Limits {
            Objects.requireNonNull(maxAge, "maxAge");
            if (maxAge.isNegative() || maxAge.isZero()) {
                throw new IllegalArgumentException("DEK max age must be positive");
            }
            if (maxObjects < 1 || maxObjects > MAX_OBJECTS_CEILING) {
                throw new IllegalArgumentException("DEK max objects must be in [1, 2^32]");
            }
            if (maxBytes < 1 || maxBytes > MAX_BYTES_CEILING) {
                throw new IllegalArgumentException("DEK max bytes must be in [1, 2^50]");
            }
        }
    }

    /** Counters since start: hits, KMS generations, and why DEKs were retired. */
    public record Stats(long hits, long misses, long retiredByAge, long retiredByObjects, long retiredByBytes) {
    }

    /** A DEK is only ever handed out under the wrapping it was generated for. */
    private record Slot(KekId kek, EncryptionContext context, DekWrapping wrapping) {
    }

    private static final class Entry {
        final DataKey dek;
        final WrappedDek wrapped;
        final Instant created;
        final AtomicLong objects = new AtomicLong();
        final AtomicLong bytes = new AtomicLong();

        Entry(DataKey dek, WrappedDek wrapped, Instant created) {
            this.dek = dek;
            this.wrapped = wrapped;
            this.created = created;
        }
    }

    private final Limits limits;
    private final Clock clock;
    private final ConcurrentHashMap<Slot, Entry> current = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Slot, Object> locks = new ConcurrentHashMap<>();
    private record Resolved(KekId kek, Instant at) {
    }

    private final ConcurrentHashMap<String, Resolved> aliases = new ConcurrentHashMap<>();
    private final LongAdder hits = new LongAdder();
    private final LongAdder misses = new LongAdder();
    private final LongAdder retiredByAge = new LongAdder();
    private final LongAdder retiredByObjects = new LongAdder();
    private final LongAdder retiredByBytes = new LongAdder();

    /** Hands out {@code delegate}'s DEKs again within {@code limits}, ages read from {@code clock}. */
    public DekCache(Kms delegate, Limits limits, Clock clock) {
        super(delegate);
        this.limits = Objects.requireNonNull(limits, "limits");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** As the three-argument constructor, on the system clock. */
    public DekCache(Kms delegate, Limits limits) {
        this(delegate, limits, Clock.systemUTC());
    }

    @Override
    public DataKeyPair generateDataKey(KekId kek, EncryptionContext context) throws KmsException {
        return generateDataKey(kek, context, DekWrapping.SRRRS_V1);
    }

    /** As the v1 method, one current DEK per (KEK, context, wrapping). */
    @Override
    public DataKeyPair generateDataKey(KekId kek, EncryptionContext context, DekWrapping wrapping) throws KmsException {
        Slot slot = new Slot(kek, context, wrapping);
        // One lock per (KEK, context): a slow KMS call for one tenant does not stall the others.
        synchronized (locks.computeIfAbsent(slot, s -> new Object())) {
            Entry entry = current.get(slot);
            if (entry != null && !retireIfSpent(slot, entry)) {
                entry.objects.incrementAndGet();
                hits.increment();
                return lease(entry);
            }
            misses.increment();
            DataKeyPair fresh = wrapping == DekWrapping.SRRRS_V1 ? delegate.generateDataKey(kek, context)
                    : delegate.generateDataKey(kek, context, wrapping);
            Entry created = new Entry(fresh.plaintext(), fresh.wrapped(), clock.instant());
            created.objects.incrementAndGet();
            current.put(slot, created);
            return lease(created);
        }
    }

    /**
     * Alias resolution is cached for the DEK max age too: every object names its KEK, and a
     * cloud KMS answers each resolution with a billable call. A KEK re-pointed to another alias
     * target is seen within one max age.
     */
    @Override
    public KekId resolve(String aliasOrId) throws KmsException {
        Resolved cached = aliases.get(aliasOrId);
        if (cached != null && clock.instant().isBefore(cached.at().plus(limits.maxAge()))) {
            return cached.kek();
        }
        KekId kek = delegate.resolve(aliasOrId);
        aliases.put(aliasOrId, new Resolved(kek, clock.instant()));
        return kek;
    }

    private DataKeyPair lease(Entry entry) {
        return new DataKeyPair(entry.dek.copy(), entry.wrapped, entry.bytes::addAndGet);
    }

    /** True (and the entry retired and zeroed) when it may no longer be handed out. */
    private boolean retireIfSpent(Slot slot, Entry entry) {
        LongAdder reason = null;
        if (!clock.instant().isBefore(entry.created.plus(limits.maxAge()))) {
            reason = retiredByAge;
        } else if (entry.objects.get() >= maxObjects(slot.wrapping())) {
            reason = retiredByObjects;
        } else if (entry.bytes.get() >= limits.maxBytes()) {
            reason = retiredByBytes;
        }
        if (reason == null) {
            return false;
        }
        reason.increment();
        current.remove(slot, entry);
        entry.dek.close();
        return true;
    }

    private long maxObjects(DekWrapping wrapping) {
        return wrapping == DekWrapping.S3EC_V2 ? Math.min(limits.maxObjects(), MAX_OBJECTS_S3EC_V2) : limits.maxObjects();
    }

    /** The counters now. */
    public Stats stats() {
        return new Stats(hits.sum(), misses.sum(), retiredByAge.sum(), retiredByObjects.sum(), retiredByBytes.sum());
    }

    /**
     * Age of the oldest DEK the cache holds now, zero when it holds none. A DEK is retired when it
     * is next asked for, so one past its max age is still counted until then (and still zeroed then).
     */
    public Duration oldestAge() {
        Instant now = clock.instant();
        Duration oldest = Duration.ZERO;
        for (Entry e : current.values()) {
            Duration age = Duration.between(e.created, now);
            if (age.compareTo(oldest) > 0) {
                oldest = age;
            }
        }
        return oldest;
    }

    /** DEKs the cache holds now. */
    public int size() {
        return current.size();
    }

    /** The limits this cache retires DEKs by. */
    public Limits limits() {
        return limits;
    }

    /** Retires every cached DEK and alias now (for example after a KEK rotation). */
    public void invalidateAll() {
        aliases.clear();
        current.forEach((slot, entry) -> {
            if (current.remove(slot, entry)) {
                entry.dek.close();
            }
        });
    }

    @Override
    public void close() {
        invalidateAll();
        delegate.close();
    }
}
