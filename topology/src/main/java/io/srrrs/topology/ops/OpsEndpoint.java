package io.srrrs.topology.ops;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.srrrs.crypto.kms.DecoratedKms;

/**
 * Everything behind {@code srrrs.metrics.port}, for one application: the Prometheus registry with
 * the topology's meters, the KMS stack's and the JVM's, and, once Kafka Streams exists, the HTTP
 * endpoint with its probes. Built before the topology (whose processors feed {@link #meters()}),
 * served after it started.
 */
public final class OpsEndpoint implements AutoCloseable {

    private final OpsConfig config;
    private final PrometheusMeterRegistry registry;
    private final TopologyMeters meters;
    private final KmsMeters kmsMeters;
    private final JvmGcMetrics gc;
    private OpsServer server;

    private OpsEndpoint(OpsConfig config, DecoratedKms kms) {
        this.config = config;
        this.registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        this.meters = new TopologyMeters(registry);
        this.kmsMeters = KmsMeters.bind(registry, kms);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        this.gc = new JvmGcMetrics();
        gc.bindTo(registry);
    }

    /** The registry and its meters; nothing is served yet. */
    public static OpsEndpoint create(OpsConfig config, DecoratedKms kms) {
        return new OpsEndpoint(config, kms);
    }

    public TopologyMeters meters() {
        return meters;
    }

    /** The metrics now, as {@code GET /metrics} shows them. */
    public String scrape() {
        return registry.scrape();
    }

    /**
     * Serves {@code /metrics} and the probes of {@code health} (unless the port is -1), and adds the
     * {@code srrrs_topology_ready} gauge, which asks the same readiness as {@code /health/ready}.
     */
    public void serve(Health.Source health) {
        // Strong: a gauge holds its object weakly, and with port -1 nothing else may hold the probes.
        Gauge.builder("srrrs.topology.ready", health, h -> h.ready().up() ? 1 : 0).strongReference(true)
                .description("1 when /health/ready answers 200").register(registry);
        if (config.enabled()) {
            server = OpsServer.start(config.address(), registry::scrape, health);
        }
    }

    /** The port served, or -1 when none is. */
    public int port() {
        return server == null ? OpsConfig.DISABLED : server.port();
    }

    @Override
    public void close() {
        if (server != null) {
            server.close();
        }
        kmsMeters.close();
        gc.close();
        registry.close();
    }
}
