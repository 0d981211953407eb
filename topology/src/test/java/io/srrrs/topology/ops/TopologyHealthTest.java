package io.srrrs.topology.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.streams.KafkaStreams.State;
import org.junit.jupiter.api.Test;

/** Live and ready from Kafka Streams' state and the two dependency checks, each cached for its TTL. */
class TopologyHealthTest {

    static final class TestClock extends Clock {
        Instant now = Instant.parse("2026-01-01T00:00:00Z");

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    private final AtomicReference<State> state = new AtomicReference<>(State.CREATED);
    private final AtomicInteger kmsCalls = new AtomicInteger();
    private final AtomicReference<Exception> kmsFailure = new AtomicReference<>();
    private final AtomicInteger registryCalls = new AtomicInteger();
    private final TestClock clock = new TestClock();
    private final TopologyHealth health = new TopologyHealth(state::get, () -> {
        kmsCalls.incrementAndGet();
        Exception e = kmsFailure.get();
        if (e != null) {
            throw e;
        }
    }, registryCalls::incrementAndGet, Duration.ofSeconds(5), clock);

    @Test
    void liveUntilStreamsDies() {
        for (State s : new State[] {State.CREATED, State.REBALANCING, State.RUNNING}) {
            state.set(s);
            assertThat(health.live().up()).as("%s", s).isTrue();
        }
        for (State s : new State[] {State.PENDING_ERROR, State.ERROR, State.PENDING_SHUTDOWN, State.NOT_RUNNING}) {
            state.set(s);
            assertThat(health.live()).as("%s", s).isEqualTo(Health.down("Kafka Streams is " + s));
        }
    }

    @Test
    void readyOnlyWhenRunningAndBothDependenciesAnswer() {
        state.set(State.REBALANCING);
        assertThat(health.ready()).isEqualTo(Health.down("Kafka Streams is REBALANCING, not RUNNING"));
        assertThat(kmsCalls).hasValue(0);
        state.set(State.RUNNING);
        assertThat(health.ready()).isEqualTo(Health.UP);

        kmsFailure.set(new IllegalStateException("connection refused\nsecond line"));
        clock.now = clock.now.plusSeconds(5);
        Health down = health.ready();
        assertThat(down.up()).isFalse();
        assertThat(down.reason()).isEqualTo("KMS unreachable: IllegalStateException: connection refused second line");
    }

    @Test
    void checksAreReusedForTheirTtl() {
        state.set(State.RUNNING);
        for (int i = 0; i < 10; i++) {
            assertThat(health.ready().up()).isTrue();
        }
        assertThat(kmsCalls).hasValue(1);
        assertThat(registryCalls).hasValue(1);
        kmsFailure.set(new IllegalStateException("down"));
        clock.now = clock.now.plusMillis(4999);
        assertThat(health.ready().up()).as("the cached answer").isTrue();
        clock.now = clock.now.plusMillis(1);
        assertThat(health.ready().up()).as("checked again after the TTL").isFalse();
        assertThat(kmsCalls).hasValue(2);
    }
}
