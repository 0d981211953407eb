package io.srrrs.crypto.kms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.srrrs.crypto.format.EncryptionContext;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The decorators with the wrapping-aware SPI: forwarded, counted, retried, and cached apart. */
class KmsDecoratorsS3ecTest {

    private static final KekId KEK = new KekId("orders");
    private static final EncryptionContext ACME = EncryptionContext.of("tenant", "acme");

    private final FakeKms fake = new FakeKms();
    private final MutableClock clock = new MutableClock();

    private DekCache cache(long maxObjects) {
        return new DekCache(fake, new DekCache.Limits(Duration.ofHours(1), maxObjects, DekCache.MAX_BYTES_CEILING), clock);
    }

    @Test
    void eachWrappingHasItsOwnDek() throws KmsException {
        DekCache cache = cache(1000);
        WrappedDek v1 = cache.generateDataKey(KEK, ACME).wrapped();
        WrappedDek v3 = cache.generateDataKey(KEK, ACME, DekWrapping.S3EC_V3).wrapped();
        WrappedDek v2 = cache.generateDataKey(KEK, ACME, DekWrapping.S3EC_V2).wrapped();
        assertThat(List.of(v1, v2, v3)).doesNotHaveDuplicates();
        assertThat(cache.generateDataKey(KEK, ACME, DekWrapping.S3EC_V3).wrapped()).isEqualTo(v3);
        assertThat(cache.generateDataKey(KEK, ACME, DekWrapping.SRRRS_V1).wrapped()).as("the v1 slot, either way")
                .isEqualTo(v1);
        assertThat(fake.generateCalls).hasValue(3);
        // The DEK handed out for V3 is the one its blob opens to, and it opens as V3 only.
        try (DataKeyPair lease = cache.generateDataKey(KEK, ACME, DekWrapping.S3EC_V3);
             DataKey back = fake.unwrap(v3, ACME, DekWrapping.S3EC_V3)) {
            assertThat(lease.plaintext().material()).isEqualTo(back.material());
        }
        assertThatThrownBy(() -> fake.unwrap(v3, ACME, DekWrapping.S3EC_V2)).isInstanceOf(InvalidWrappedKeyException.class);
    }

    @Test
    void anS3ecV2DekRetiresAfterTwoToTheTwentyObjectsWhateverTheLimits() throws KmsException {
        assertThat(DekCache.MAX_OBJECTS_S3EC_V2).isEqualTo(1L << 20);
        DekCache cache = cache(DekCache.MAX_OBJECTS_CEILING);
        WrappedDek first = cache.generateDataKey(KEK, ACME, DekWrapping.S3EC_V2).wrapped();
        WrappedDek firstV3 = cache.generateDataKey(KEK, ACME, DekWrapping.S3EC_V3).wrapped();
        for (long i = 1; i < DekCache.MAX_OBJECTS_S3EC_V2; i++) {
            cache.generateDataKey(KEK, ACME, DekWrapping.S3EC_V2).plaintext().close();
            cache.generateDataKey(KEK, ACME, DekWrapping.S3EC_V3).plaintext().close();
        }
        assertThat(fake.generateCalls).as("2^20 objects on each first DEK").hasValue(2);
        assertThat(cache.generateDataKey(KEK, ACME, DekWrapping.S3EC_V2).wrapped()).isNotEqualTo(first);
        assertThat(cache.generateDataKey(KEK, ACME, DekWrapping.S3EC_V3).wrapped()).as("V3 derives a key per object")
                .isEqualTo(firstV3);
        assertThat(cache.stats().retiredByObjects()).isEqualTo(1);
    }

    @Test
    void aLowerConfiguredLimitStillAppliesToV2() throws KmsException {
        DekCache cache = cache(2);
        for (int i = 0; i < 5; i++) {
            cache.generateDataKey(KEK, ACME, DekWrapping.S3EC_V2).close();
        }
        assertThat(fake.generateCalls).hasValue(3);
    }

    @Test
    void theUnwrapCacheKeepsWrappingsApart() throws KmsException {
        UnwrappedDekCache cache = new UnwrappedDekCache(fake, UnwrappedDekCache.Limits.DEFAULTS, clock);
        WrappedDek v3;
        byte[] dek;
        try (DataKeyPair pair = fake.generateDataKey(KEK, ACME, DekWrapping.S3EC_V3)) {
            v3 = pair.wrapped();
            dek = pair.plaintext().material().clone();
        }
        try (DataKey a = cache.unwrap(v3, ACME, DekWrapping.S3EC_V3); DataKey b = cache.unwrap(v3, ACME, DekWrapping.S3EC_V3)) {
            assertThat(a.material()).isEqualTo(dek).isEqualTo(b.material());
        }
        assertThat(fake.unwrapCalls).hasValue(1);
        assertThatThrownBy(() -> cache.unwrap(v3, ACME, DekWrapping.S3EC_V2)).as("a V3 blob cached is no V2 hit")
                .isInstanceOf(InvalidWrappedKeyException.class);
        assertThatThrownBy(() -> cache.unwrap(v3, ACME)).isInstanceOf(IllegalArgumentException.class);
        assertThat(fake.unwrapCalls).hasValue(3);
        assertThat(cache.stats().hits()).isEqualTo(1);
    }

    @Test
    void meteringCountsS3ecCallsUnderTheSameOperationAndTellsWrappingsApart() throws KmsException {
        MeteredKms metered = new MeteredKms(fake);
        WrappedDek v2 = metered.generateDataKey(KEK, ACME, DekWrapping.S3EC_V2).wrapped();
        metered.unwrap(v2, ACME, DekWrapping.S3EC_V2).close();
        metered.rewrap(v2, ACME, DekWrapping.S3EC_V2, new KekId("archive"));
        metered.generateDataKey(KEK, ACME).close();
        MeteredKms.Snapshot s = metered.snapshot();
        assertThat(s.calls(MeteredKms.Operation.GENERATE_DATA_KEY)).isEqualTo(2);
        assertThat(s.calls(MeteredKms.Operation.UNWRAP)).isEqualTo(1);
        assertThat(s.calls(MeteredKms.Operation.REWRAP)).isEqualTo(1);
        assertThat(metered.callsByWrapping()).isEqualTo(Map.of(DekWrapping.SRRRS_V1, 1L, DekWrapping.S3EC_V2, 3L,
                DekWrapping.S3EC_V3, 0L));
    }

    @Test
    void transientFailuresOfS3ecCallsAreRetried() throws KmsException {
        ResilientKms resilient = new ResilientKms(fake, ResilientKms.RetryPolicy.DEFAULTS, millis -> { });
        WrappedDek v3 = fake.generateDataKey(KEK, ACME, DekWrapping.S3EC_V3).wrapped();
        fake.failNext(new KmsUnavailableException("down"), new KmsThrottledException("slow"));
        resilient.unwrap(v3, ACME, DekWrapping.S3EC_V3).close();
        fake.failNext(new KmsUnavailableException("down"));
        assertThat(resilient.rewrap(v3, ACME, DekWrapping.S3EC_V3, new KekId("archive")).kek().value()).isEqualTo("archive");
        assertThat(resilient.retries()).isEqualTo(3);
    }

    @Test
    void theWholeStackForwardsEveryWrappingToTheProvider() throws KmsException {
        try (DecoratedKms stack = DecoratedKms.around(fake, DecoratedKms.Config.DEFAULTS, clock, millis -> { })) {
            Kms kms = stack.kms();
            for (DekWrapping w : DekWrapping.values()) {
                try (DataKeyPair pair = kms.generateDataKey(KEK, ACME, w); DataKey back = kms.unwrap(pair.wrapped(), ACME, w)) {
                    assertThat(back.material()).isEqualTo(pair.plaintext().material());
                    WrappedDek moved = kms.rewrap(pair.wrapped(), ACME, w, new KekId("archive"));
                    assertThat(moved.kek().value()).isEqualTo("archive");
                }
            }
            assertThat(stack.kmsCalls().calls(MeteredKms.Operation.GENERATE_DATA_KEY)).isEqualTo(3);
            assertThat(stack.kmsCalls().calls(MeteredKms.Operation.REWRAP)).isEqualTo(3);
        }
    }

    @Test
    void theKmsContextOfAnS3ecWrapAddsTheReservedKeyAndRefusesItFromTheCaller() {
        assertThat(DekWrapping.S3EC_V3.kmsContext(ACME)).isEqualTo(Map.of("tenant", "acme", "aws:x-amz-cek-alg", "115"));
        assertThat(DekWrapping.S3EC_V2.kmsContext(EncryptionContext.EMPTY))
                .isEqualTo(Map.of("aws:x-amz-cek-alg", "AES/GCM/NoPadding"));
        EncryptionContext reserved = EncryptionContext.of("aws:x-amz-cek-alg", "115");
        assertThatThrownBy(() -> DekWrapping.S3EC_V3.kmsContext(reserved)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("aws:x-amz-cek-alg");
        assertThatThrownBy(() -> DekWrapping.SRRRS_V1.kmsContext(ACME)).isInstanceOf(IllegalStateException.class);
    }
}
