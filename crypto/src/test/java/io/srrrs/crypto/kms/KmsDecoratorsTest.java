package io.srrrs.crypto.kms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.srrrs.crypto.format.EncryptionContext;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class KmsDecoratorsTest {

    private static final KekId KEK = new KekId("orders");
    private static final EncryptionContext ACME = EncryptionContext.of("tenant", "acme");
    private static final EncryptionContext GLOBEX = EncryptionContext.of("tenant", "globex");

    private final FakeKms fake = new FakeKms();
    private final MutableClock clock = new MutableClock();

    // ---- encrypt-side DEK cache -----------------------------------------------------------------

    private DekCache cache(Duration age, long objects, long bytes) {
        return new DekCache(fake, new DekCache.Limits(age, objects, bytes), clock);
    }

    @Test
    void oneKmsCallPerDekLifetime() throws KmsException {
        DekCache cache = cache(Duration.ofHours(1), 1000, 1L << 30);
        List<WrappedDek> wrapped = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            try (DataKeyPair pair = cache.generateDataKey(KEK, ACME)) {
                wrapped.add(pair.wrapped());
            }
        }
        assertThat(fake.generateCalls).hasValue(1);
        assertThat(wrapped).allMatch(w -> w.equals(wrapped.get(0)));
        assertThat(cache.stats()).isEqualTo(new DekCache.Stats(99, 1, 0, 0, 0));
    }

    @Test
    void aDekRetiresAtItsMaximumAge() throws KmsException {
        DekCache cache = cache(Duration.ofMinutes(10), 1000, 1L << 30);
        WrappedDek first = cache.generateDataKey(KEK, ACME).wrapped();
        clock.advance(Duration.ofMinutes(9).plusSeconds(59));
        assertThat(cache.generateDataKey(KEK, ACME).wrapped()).isEqualTo(first);
        clock.advance(Duration.ofSeconds(1));
        assertThat(cache.generateDataKey(KEK, ACME).wrapped()).isNotEqualTo(first);
        assertThat(fake.generateCalls).hasValue(2);
        assertThat(cache.stats().retiredByAge()).isEqualTo(1);
    }

    @Test
    void aDekRetiresAfterItsMaximumObjects() throws KmsException {
        DekCache cache = cache(Duration.ofHours(1), 3, 1L << 30);
        for (int i = 0; i < 7; i++) {
            cache.generateDataKey(KEK, ACME).close();
        }
        // Objects 1-3 on DEK 1, 4-6 on DEK 2, 7 on DEK 3.
        assertThat(fake.generateCalls).hasValue(3);
        assertThat(cache.stats().retiredByObjects()).isEqualTo(2);
    }

    @Test
    void aDekRetiresAfterItsMaximumBytes() throws KmsException {
        DekCache cache = cache(Duration.ofHours(1), 1000, 1000);
        DataKeyPair a = cache.generateDataKey(KEK, ACME);
        a.usage().bytesEncrypted(600);
        DataKeyPair b = cache.generateDataKey(KEK, ACME);
        assertThat(b.wrapped()).isEqualTo(a.wrapped());
        b.usage().bytesEncrypted(400); // now exactly at the limit
        DataKeyPair c = cache.generateDataKey(KEK, ACME);
        assertThat(c.wrapped()).isNotEqualTo(a.wrapped());
        assertThat(cache.stats().retiredByBytes()).isEqualTo(1);
    }

    @Test
    void eachKekAndContextHasItsOwnDek() throws KmsException {
        DekCache cache = cache(Duration.ofHours(1), 1000, 1L << 30);
        WrappedDek acme = cache.generateDataKey(KEK, ACME).wrapped();
        WrappedDek globex = cache.generateDataKey(KEK, GLOBEX).wrapped();
        WrappedDek other = cache.generateDataKey(new KekId("payments"), ACME).wrapped();
        assertThat(List.of(acme, globex, other)).doesNotHaveDuplicates();
        assertThat(fake.generateCalls).hasValue(3);
    }

    @Test
    void callersGetCopiesAndRetiredDeksAreZeroed() throws KmsException {
        DekCache cache = cache(Duration.ofMinutes(1), 1000, 1L << 30);
        DataKeyPair lease = cache.generateDataKey(KEK, ACME);
        byte[] seen = lease.plaintext().material().clone();
        lease.close();
        assertThat(lease.plaintext().isDestroyed()).isTrue();
        DataKeyPair again = cache.generateDataKey(KEK, ACME);
        assertThat(again.plaintext().material()).isEqualTo(seen);
        DataKey cachedOriginal = fake.handedOut.get(0);
        assertThat(cachedOriginal.isDestroyed()).isFalse();
        clock.advance(Duration.ofMinutes(2));
        cache.generateDataKey(KEK, ACME);
        assertThat(cachedOriginal.isDestroyed()).as("retired DEK zeroed").isTrue();
        // A lease handed out before retirement is the caller's own copy and still usable.
        assertThat(again.plaintext().material()).isEqualTo(seen);
    }

    @Test
    void aliasResolutionIsCachedForTheDekMaxAge() throws KmsException {
        java.util.concurrent.atomic.AtomicInteger resolves = new java.util.concurrent.atomic.AtomicInteger();
        Kms counting = new ForwardingKms(fake) {
            @Override
            public KekId resolve(String aliasOrId) throws KmsException {
                resolves.incrementAndGet();
                return super.resolve(aliasOrId);
            }
        };
        DekCache cache = new DekCache(counting, new DekCache.Limits(Duration.ofMinutes(10), 1000, 1L << 30), clock);
        for (int i = 0; i < 50; i++) {
            assertThat(cache.resolve("alias/orders")).isEqualTo(new KekId("alias/orders"));
        }
        assertThat(resolves).hasValue(1);
        clock.advance(Duration.ofMinutes(10));
        cache.resolve("alias/orders");
        assertThat(resolves).hasValue(2);
        cache.invalidateAll();
        cache.resolve("alias/orders");
        assertThat(resolves).hasValue(3);
    }

    @Test
    void limitsCannotExceedTheCeilings() {
        assertThatThrownBy(() -> new DekCache.Limits(Duration.ofHours(1), (1L << 32) + 1, 1000))
                .hasMessageContaining("2^32");
        assertThatThrownBy(() -> new DekCache.Limits(Duration.ofHours(1), 10, (1L << 50) + 1))
                .hasMessageContaining("2^50");
        assertThatThrownBy(() -> new DekCache.Limits(Duration.ZERO, 10, 10)).hasMessageContaining("positive");
        assertThat(DekCache.Limits.DEFAULTS).isEqualTo(new DekCache.Limits(Duration.ofSeconds(30), 1_000_000, 1L << 40));
    }

    // ---- decrypt-side cache ---------------------------------------------------------------------

    @Test
    void unwrapCacheAsksTheKmsOncePerWrappedDek() throws KmsException {
        UnwrappedDekCache cache = new UnwrappedDekCache(fake, new UnwrappedDekCache.Limits(10, Duration.ofMinutes(5)), clock);
        WrappedDek w = fake.generateDataKey(KEK, ACME).wrapped();
        byte[] first;
        try (DataKey a = cache.unwrap(w, ACME)) {
            first = a.material().clone();
        }
        for (int i = 0; i < 5; i++) {
            try (DataKey again = cache.unwrap(w, ACME)) {
                assertThat(again.material()).isEqualTo(first);
            }
        }
        assertThat(fake.unwrapCalls).hasValue(1);
        assertThat(cache.stats()).isEqualTo(new UnwrappedDekCache.Stats(5, 1, 0, 1));
        // The context is part of the key: another context is another KMS call.
        cache.unwrap(w, GLOBEX).close();
        assertThat(fake.unwrapCalls).hasValue(2);
    }

    @Test
    void unwrapCacheEntriesExpire() throws KmsException {
        UnwrappedDekCache cache = new UnwrappedDekCache(fake, new UnwrappedDekCache.Limits(10, Duration.ofMinutes(5)), clock);
        WrappedDek w = fake.generateDataKey(KEK, ACME).wrapped();
        cache.unwrap(w, ACME).close();
        clock.advance(Duration.ofMinutes(5));
        cache.unwrap(w, ACME).close();
        assertThat(fake.unwrapCalls).hasValue(2);
        assertThat(cache.stats().evictions()).isEqualTo(1);
    }

    @Test
    void unwrapCacheEvictsTheLeastRecentlyUsed() throws KmsException {
        UnwrappedDekCache cache = new UnwrappedDekCache(fake, new UnwrappedDekCache.Limits(2, Duration.ofMinutes(5)), clock);
        WrappedDek a = fake.generateDataKey(KEK, ACME).wrapped();
        WrappedDek b = fake.generateDataKey(KEK, ACME).wrapped();
        WrappedDek c = fake.generateDataKey(KEK, ACME).wrapped();
        cache.unwrap(a, ACME).close();
        cache.unwrap(b, ACME).close();
        cache.unwrap(a, ACME).close(); // a is now more recent than b
        cache.unwrap(c, ACME).close(); // evicts b
        assertThat(cache.stats().size()).isEqualTo(2);
        int calls = fake.unwrapCalls.get();
        cache.unwrap(a, ACME).close();
        assertThat(fake.unwrapCalls).hasValue(calls);
        cache.unwrap(b, ACME).close();
        assertThat(fake.unwrapCalls).hasValue(calls + 1);
    }

    // ---- resilience -----------------------------------------------------------------------------

    @Test
    void transientFailuresAreRetriedWithGrowingCappedJitteredBackoff() throws KmsException {
        List<Long> waits = new ArrayList<>();
        ResilientKms kms = new ResilientKms(fake, new ResilientKms.RetryPolicy(5, Duration.ofMillis(100),
                Duration.ofMillis(250)), waits::add);
        fake.failNext(new KmsUnavailableException("down"), new KmsThrottledException("slow down"),
                new KmsUnavailableException("down"));
        assertThat(kms.generateDataKey(KEK, ACME)).isNotNull();
        assertThat(fake.generateCalls).hasValue(4);
        assertThat(kms.retries()).isEqualTo(3);
        assertThat(waits).hasSize(3);
        assertThat(waits.get(0)).isBetween(0L, 100L);
        assertThat(waits.get(1)).isBetween(0L, 200L);
        assertThat(waits.get(2)).isBetween(0L, 250L);
    }

    @Test
    void retriesStopAtTheMaximumAttempts() {
        List<Long> waits = new ArrayList<>();
        ResilientKms kms = new ResilientKms(fake, new ResilientKms.RetryPolicy(3, Duration.ofMillis(1),
                Duration.ofMillis(1)), waits::add);
        fake.failNext(new KmsUnavailableException("1"), new KmsUnavailableException("2"), new KmsUnavailableException("3"),
                new KmsUnavailableException("4"));
        assertThatThrownBy(() -> kms.generateDataKey(KEK, ACME)).isInstanceOf(KmsUnavailableException.class).hasMessage("3");
        assertThat(fake.generateCalls).hasValue(3);
    }

    @Test
    void permanentFailuresAreNotRetried() {
        List<Long> waits = new ArrayList<>();
        ResilientKms kms = new ResilientKms(fake, ResilientKms.RetryPolicy.DEFAULTS, waits::add);
        for (KmsException e : List.of(new UnknownKeyException("no such key"), new KmsAccessDeniedException("no"),
                new KeyDisabledException("off"), new InvalidWrappedKeyException("bad"))) {
            int before = fake.generateCalls.get();
            fake.failNext(e);
            assertThatThrownBy(() -> kms.generateDataKey(KEK, ACME)).isSameAs(e);
            assertThat(fake.generateCalls.get() - before).isEqualTo(1);
        }
        assertThat(waits).isEmpty();
        assertThat(kms.retries()).isZero();
    }

    // ---- metrics and the standard stack ---------------------------------------------------------

    @Test
    void metricsCountCallsFailuresAndLatency() throws KmsException {
        MeteredKms kms = new MeteredKms(fake);
        kms.generateDataKey(KEK, ACME);
        fake.failNext(new UnknownKeyException("x"));
        assertThatThrownBy(() -> kms.generateDataKey(KEK, ACME)).isInstanceOf(UnknownKeyException.class);
        MeteredKms.Snapshot s = kms.snapshot();
        assertThat(s.operations().get(MeteredKms.Operation.GENERATE_DATA_KEY).calls()).isEqualTo(2);
        assertThat(s.operations().get(MeteredKms.Operation.GENERATE_DATA_KEY).failures()).isEqualTo(1);
        assertThat(s.operations().get(MeteredKms.Operation.GENERATE_DATA_KEY).totalLatencyNanos()).isPositive();
        assertThat(s.failuresByType()).containsEntry("UnknownKeyException", 1L);
        assertThat(s.calls(MeteredKms.Operation.UNWRAP)).isZero();
    }

    @Test
    void theStackCountsOnlyCallsThatReachTheKms() throws KmsException {
        DecoratedKms stack = DecoratedKms.around(fake, DecoratedKms.Config.DEFAULTS, clock, millis -> { });
        fake.failNext(new KmsThrottledException("slow"));
        WrappedDek w = null;
        for (int i = 0; i < 50; i++) {
            try (DataKeyPair p = stack.kms().generateDataKey(KEK, ACME)) {
                w = p.wrapped();
            }
        }
        for (int i = 0; i < 50; i++) {
            stack.kms().unwrap(w, ACME).close();
        }
        assertThat(stack.kmsCalls().calls(MeteredKms.Operation.GENERATE_DATA_KEY)).isEqualTo(1);
        assertThat(stack.kmsCalls().calls(MeteredKms.Operation.UNWRAP)).isEqualTo(1);
        assertThat(stack.retries()).isEqualTo(1);
        assertThat(stack.dekCacheStats().hits()).isEqualTo(49);
        assertThat(stack.unwrapCacheStats().hits()).isEqualTo(49);
    }
}
