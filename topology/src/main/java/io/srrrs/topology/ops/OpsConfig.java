package io.srrrs.topology.ops;

import java.net.InetSocketAddress;
import java.time.Duration;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;

/**
 * The keys of the metrics and health endpoint, and how long a stop may take, defined into the
 * topology's {@code ConfigDef}.
 *
 * @param port     where to listen: 0 any free port (logged), -1 no endpoint at all
 * @param bind     the address to bind
 * @param probeTtl how long one answer of the KMS and of the registry is reused by the readiness probe
 */
public record OpsConfig(int port, String bind, Duration probeTtl) {

    public static final String PORT = "srrrs.metrics.port";
    public static final String BIND = "srrrs.metrics.bind";
    public static final String PROBE_TTL = "srrrs.health.cache.ms";
    public static final String SHUTDOWN_TIMEOUT = "srrrs.shutdown.timeout.ms";
    /**
     * A stop waits for a rebalance in progress to end before Kafka Streams commits and leaves, and a
     * rebalance waits for a member killed meanwhile until its session expires (session.timeout.ms,
     * 45 s), once per round (a cooperative rebalance may take two): cut shorter, the stop leaves its
     * transaction open (see the key's text).
     */
    public static final long DEFAULT_SHUTDOWN_TIMEOUT_MS = 120_000;
    /** The port a Prometheus exporter usually takes (the JMX exporter's and the Java client's default). */
    public static final int DEFAULT_PORT = 9464;
    public static final int DISABLED = -1;

    /** Adds the keys to the topology's definition. */
    public static void define(ConfigDef def) {
        def.define(PORT, Type.INT, DEFAULT_PORT, Range.between(DISABLED, 65535), Importance.MEDIUM,
                "Port of the HTTP endpoint serving GET /metrics (Prometheus text format), GET /health/live and "
                        + "GET /health/ready. 0 takes a free port (logged at start); -1 serves nothing.");
        def.define(BIND, Type.STRING, "0.0.0.0", Importance.LOW,
                "Address that endpoint binds. All interfaces by default: Prometheus and the kubelet's probes "
                        + "reach a pod on its own address, not on loopback. It serves counts and durations only "
                        + "(no key material, no payload, no reference contents); bind 127.0.0.1 where only a "
                        + "local agent scrapes.");
        def.define(PROBE_TTL, Type.LONG, 5_000L, Range.atLeast(0), Importance.LOW,
                "How long /health/ready reuses its last check of the KMS (resolving srrrs.kek.default) and of "
                        + "the schema registry, so frequent probes do not load either.");
        def.define(SHUTDOWN_TIMEOUT, Type.LONG, DEFAULT_SHUTDOWN_TIMEOUT_MS, Range.atLeast(0), Importance.LOW,
                "How long a stop (SIGTERM) waits for Kafka Streams to commit and leave the group. A rebalance in "
                        + "progress ends first, and each of its rounds may wait for a member that died until its "
                        + "session.timeout.ms (45 s) ran out. A stop cut shorter leaves its transaction open, and read_committed "
                        + "readers of the partitions it wrote (the sink) wait until the broker aborts it, after "
                        + "the producer's transaction.timeout.ms. Give the process longer than this to stop "
                        + "(terminationGracePeriodSeconds, stop_grace_period).");
    }

    /** How long a stop waits for Kafka Streams to close ({@code srrrs.shutdown.timeout.ms}). */
    public static Duration shutdownTimeout(AbstractConfig config) {
        return Duration.ofMillis(config.getLong(SHUTDOWN_TIMEOUT));
    }

    /** Reads the keys from the topology's configuration. */
    public static OpsConfig from(AbstractConfig config) {
        return new OpsConfig(config.getInt(PORT), config.getString(BIND), Duration.ofMillis(config.getLong(PROBE_TTL)));
    }

    public boolean enabled() {
        return port != DISABLED;
    }

    public InetSocketAddress address() {
        return new InetSocketAddress(bind, port);
    }
}
