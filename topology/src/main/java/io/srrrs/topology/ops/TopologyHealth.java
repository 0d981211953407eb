package io.srrrs.topology.ops;

import java.time.Clock;
import java.time.Duration;
import java.util.function.Supplier;
import org.apache.kafka.streams.KafkaStreams;

/**
 * The topology's probes. Live: the process answers and Kafka Streams has not died (not ERROR,
 * PENDING_ERROR or NOT_RUNNING once started): a dead application restarts, a rebalancing one does
 * not. Ready: Streams is RUNNING, and the KMS and the schema registry answer (each check reused for
 * {@code srrrs.health.cache.ms}); ready is what gates a rolling restart, so the next instance only
 * goes down once this one processes.
 */
public final class TopologyHealth implements Health.Source {

    private final Supplier<KafkaStreams.State> state;
    private final CachedCheck kms;
    private final CachedCheck registry;

    /**
     * @param state    Kafka Streams' state now
     * @param kms      a cheap KMS call that reaches the KMS (not a cache)
     * @param registry a cheap schema-registry request
     */
    public TopologyHealth(Supplier<KafkaStreams.State> state, Health.Check kms, Health.Check registry, Duration ttl,
                          Clock clock) {
        this.state = state;
        this.kms = new CachedCheck("KMS", kms, ttl, clock);
        this.registry = new CachedCheck("schema registry", registry, ttl, clock);
    }

    @Override
    public Health live() {
        KafkaStreams.State s = state.get();
        return switch (s) {
            case ERROR, PENDING_ERROR, NOT_RUNNING, PENDING_SHUTDOWN -> Health.down("Kafka Streams is " + s);
            default -> Health.UP;
        };
    }

    @Override
    public Health ready() {
        KafkaStreams.State s = state.get();
        if (s != KafkaStreams.State.RUNNING) {
            return Health.down("Kafka Streams is " + s + ", not RUNNING");
        }
        Health k = kms.get();
        if (!k.up()) {
            return k;
        }
        return registry.get();
    }
}
