package io.srrrs.crypto.kms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.srrrs.crypto.format.EncryptionContext;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** The hooks the topology's Prometheus metrics read: MeteredKms's call listener, DekCache's oldest age. */
class KmsMetricsHooksTest {

    private static final KekId KEK = new KekId("orders");
    private static final EncryptionContext ACME = EncryptionContext.of("tenant", "acme");

    private final FakeKms fake = new FakeKms();
    private final MutableClock clock = new MutableClock();

    record Call(MeteredKms.Operation op, boolean failed) {
    }

    @Test
    void theListenerHearsEveryCallWithItsOutcome() throws KmsException {
        MeteredKms metered = new MeteredKms(fake);
        List<Call> heard = new CopyOnWriteArrayList<>();
        MeteredKms.CallListener listener = (op, nanos, failed) -> {
            assertThat(nanos).isNotNegative();
            heard.add(new Call(op, failed));
        };
        metered.addListener(listener);
        metered.generateDataKey(KEK, ACME).close();
        fake.failNext(new KmsUnavailableException("down"));
        assertThatThrownBy(() -> metered.generateDataKey(KEK, ACME, DekWrapping.S3EC_V3))
                .isInstanceOf(KmsUnavailableException.class);
        metered.resolve("orders");
        metered.removeListener(listener);
        metered.resolve("orders");
        assertThat(heard).containsExactly(new Call(MeteredKms.Operation.GENERATE_DATA_KEY, false),
                new Call(MeteredKms.Operation.GENERATE_DATA_KEY, true), new Call(MeteredKms.Operation.RESOLVE, false));
        assertThat(metered.snapshot().calls(MeteredKms.Operation.RESOLVE)).isEqualTo(2);
    }

    @Test
    void theMeteredLayerIsFoundInsideTheStandardStack() {
        DecoratedKms stack = DecoratedKms.around(fake, DecoratedKms.Config.DEFAULTS);
        assertThat(MeteredKms.in(stack.kms())).isPresent();
        assertThat(MeteredKms.in(fake)).isEmpty();
    }

    @Test
    void operationLabelsAreTheMetricsNames() {
        assertThat(List.of(MeteredKms.Operation.values()).stream().map(MeteredKms.Operation::label))
                .containsExactly("resolve", "generate", "unwrap", "rewrap");
    }

    @Test
    void theOldestAgeIsThatOfTheOldestDekHeld() throws KmsException {
        DekCache cache = new DekCache(fake, new DekCache.Limits(Duration.ofMinutes(10), 1000, 1L << 30), clock);
        assertThat(cache.oldestAge()).isEqualTo(Duration.ZERO);
        cache.generateDataKey(KEK, ACME).close();
        clock.advance(Duration.ofMinutes(3));
        cache.generateDataKey(KEK, EncryptionContext.of("tenant", "globex")).close();
        clock.advance(Duration.ofMinutes(1));
        assertThat(cache.oldestAge()).isEqualTo(Duration.ofMinutes(4));
        assertThat(cache.size()).isEqualTo(2);
        cache.invalidateAll();
        assertThat(cache.oldestAge()).isEqualTo(Duration.ZERO);
        assertThat(cache.size()).isZero();
    }
}
