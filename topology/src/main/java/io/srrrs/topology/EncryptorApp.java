package io.srrrs.topology;

import io.srrrs.crypto.kms.KmsConfig;
import io.srrrs.crypto.kms.DecoratedKms;
import io.srrrs.crypto.kms.MeteredKms;
import io.srrrs.schemas.EncryptedChunk;
import io.srrrs.schemas.PayloadReference;
import io.srrrs.schemas.RejectedReference;
import io.srrrs.serdes.AvroDeserializer;
import io.srrrs.serdes.AvroSerializer;
import io.srrrs.serdes.registry.HttpSchemaRegistryClient;
import io.srrrs.serdes.registry.RegistryConfig;
import io.srrrs.serdes.registry.SchemaNotFoundException;
import io.srrrs.serdes.registry.SchemaRegistryClient;
import io.srrrs.topology.ops.Health;
import io.srrrs.topology.ops.OpsConfig;
import io.srrrs.topology.ops.OpsEndpoint;
import io.srrrs.topology.ops.TopologyHealth;
import io.srrrs.topology.ops.TopologyMeters;
import io.srrrs.topology.source.PayloadSources;
import io.srrrs.topology.source.SourceDeadlineRule;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.avro.Schema;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The runnable topology: {@code java -cp ... io.srrrs.topology.EncryptorApp --config encryptor.properties}.
 * Environment variables override the file (see {@link TopologyConfig}). {@code --print-config}
 * prints the configuration reference.
 */
public final class EncryptorApp implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EncryptorApp.class);
    /** How long start-up waits for the broker and the registry before it gives up. */
    private static final Duration STARTUP_PATIENCE = Duration.ofMinutes(5);

    private final KafkaStreams streams;
    private final DecoratedKms kms;
    private final PayloadSources sources;
    private final OpsEndpoint ops;
    private final Duration shutdownTimeout;

    private EncryptorApp(KafkaStreams streams, DecoratedKms kms, PayloadSources sources, OpsEndpoint ops,
                         Duration shutdownTimeout) {
        this.streams = streams;
        this.kms = kms;
        this.sources = sources;
        this.ops = ops;
        this.shutdownTimeout = shutdownTimeout;
    }

    /** Builds and starts the application. */
    public static EncryptorApp start(TopologyConfig config) {
        return start(config, ObjectCipher.ENVELOPE);
    }

    /** With another cipher: only the pipeline benchmark uses this. */
    public static EncryptorApp start(TopologyConfig config, ObjectCipher cipher) {
        // Policy first: a configuration that allows no bucket, or KEKs it cannot name, fails here,
        // before anything is connected to.
        KekPolicy kekPolicy = KekPolicy.from(config);
        ReferencePolicy referencePolicy = ReferencePolicy.from(config);
        DecoratedKms kms = KmsConfig.stack(config.kmsConfig());
        SchemaRegistryClient registry = new HttpSchemaRegistryClient(RegistryConfig.fromProperties(config.registryConfig()));
        PayloadSources sources = PayloadSources.from(config);
        AtomicReference<KafkaStreams> started = new AtomicReference<>();
        // Served from the start: live (and scraped) while start-up waits for the broker and the registry.
        OpsEndpoint ops = serveOps(config, kms, registry, started);
        sources.observeFetches(ops.meters()::fetched);
        Properties streamsProps = config.streamsProperties();
        if (config.getBoolean(TopologyConfig.TOPICS_CREATE)) {
            createTopics(config, streamsProps);
        }
        warmUpSchemas(config, registry);
        EncryptionTopology.Dependencies deps = dependencies(config, kekPolicy, referencePolicy, kms, registry, sources,
                cipher, ops.meters());
        Topology topology = EncryptionTopology.build(config, deps, registry);
        KafkaStreams streams = new KafkaStreams(topology, streamsProps);
        started.set(streams);
        // A stream thread that dies on a transient failure is replaced; its transaction was aborted
        // and the record is retried (bounded by srrrs.transient.max.attempts).
        streams.setUncaughtExceptionHandler(e -> {
            LOG.warn("stream thread failed, replacing it: {}", Sanitizer.text(String.valueOf(e.getMessage())));
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
        });
        streams.start();
        LOG.info("topology started: {} -> {} (DLQ {}), KMS {}, KEKs allowed {}, buckets allowed {}",
                config.getString(TopologyConfig.INPUT_TOPIC), config.getString(TopologyConfig.OUTPUT_TOPIC),
                config.getString(TopologyConfig.DLQ_TOPIC), kms.provider().type(), kekPolicy.allowedEntries(),
                config.getList(TopologyConfig.BUCKET_ALLOWED));
        return new EncryptorApp(streams, kms, sources, ops, OpsConfig.shutdownTimeout(config));
    }

    /**
     * The metrics and probes ({@code srrrs.metrics.port}). Ready asks the provider itself, below the
     * caches (a cached alias would answer for a KMS that is down), to resolve srrrs.kek.default, and
     * the registry for the chunk subject's latest schema; a subject it does not know still answers.
     */
    private static OpsEndpoint serveOps(TopologyConfig config, DecoratedKms kms, SchemaRegistryClient registry,
                                        AtomicReference<KafkaStreams> streams) {
        OpsConfig opsConfig = OpsConfig.from(config);
        OpsEndpoint ops = OpsEndpoint.create(opsConfig, kms);
        String kek = config.getString(TopologyConfig.KEK_DEFAULT);
        String subject = config.getString(TopologyConfig.OUTPUT_TOPIC) + "-value";
        Health.Check kmsCheck = kek.isBlank() ? () -> { } : () -> kms.provider().resolve(kek);
        Health.Check registryCheck = () -> {
            try {
                registry.latest(subject);
            } catch (SchemaNotFoundException answered) {
                // the registry is up: it said so
            }
        };
        ops.serve(new TopologyHealth(() -> streams.get() == null ? KafkaStreams.State.CREATED : streams.get().state(),
                kmsCheck, registryCheck, opsConfig.probeTtl(), Clock.systemUTC()));
        return ops;
    }

    /** @throws ConfigException when the KEK or reference policy is refused */
    static EncryptionTopology.Dependencies dependencies(TopologyConfig config, DecoratedKms kms, SchemaRegistryClient registry,
                                                        PayloadSources sources, ObjectCipher cipher) {
        return dependencies(config, KekPolicy.from(config), ReferencePolicy.from(config), kms, registry, sources, cipher,
                TopologyMeters.none());
    }

    private static EncryptionTopology.Dependencies dependencies(TopologyConfig config, KekPolicy kekPolicy,
                                                                ReferencePolicy referencePolicy, DecoratedKms kms,
                                                                SchemaRegistryClient registry, PayloadSources sources,
                                                                ObjectCipher cipher, TopologyMeters meters) {
        return new EncryptionTopology.Dependencies(
                new AvroDeserializer<>(PayloadReference.class, registry),
                new ReferenceValidator(),
                kekPolicy,
                referencePolicy,
                kms.kms(),
                sources,
                cipher,
                config.getInt(TopologyConfig.SEGMENT_SIZE),
                config.getInt(TopologyConfig.CHUNK_MAX_BYTES),
                config.getLong(TopologyConfig.SLICE_BYTES),
                config.getLong(TopologyConfig.DEDUP_RETENTION),
                new RecordAttempts(config.getInt(TopologyConfig.TRANSIENT_MAX_ATTEMPTS),
                        config.getLong(TopologyConfig.TRANSIENT_BACKOFF), config.getLong(TopologyConfig.TRANSIENT_BACKOFF_MAX),
                        SourceDeadlineRule.inPlaceRetryBudget(config.getLong(TopologyConfig.SOURCE_DEADLINE),
                                config.streamsProperties())),
                config.getString(TopologyConfig.SSE_C_SINK_PUBLIC_KEY).isBlank() ? null
                        : config.getString(TopologyConfig.SSE_C_SINK_PUBLIC_KEY).trim(),
                new TopologyMetrics.Counter(kms::totalKmsCalls),
                new TopologyMetrics.Counter(() -> kms.dekCacheStats().hits()),
                OutputFormats.from(config), meters);
    }

    /**
     * Gets the ids of the schemas the topology writes before it reads anything, waiting for the
     * registry if it is down: the serializers cache them for good, so a registry outage later
     * cannot fail a transaction between two chunks.
     */
    static void warmUpSchemas(TopologyConfig config, SchemaRegistryClient registry) {
        boolean register = !"false".equals(config.raw().getOrDefault(AvroSerializer.AUTO_REGISTER, "true"));
        Map<String, Schema> subjects = Map.of(
                config.getString(TopologyConfig.OUTPUT_TOPIC) + "-value", EncryptedChunk.getClassSchema(),
                config.getString(TopologyConfig.DLQ_TOPIC) + "-value", RejectedReference.getClassSchema());
        subjects.forEach((subject, schema) -> untilAvailable("the schema registry (" + subject + ")", () -> {
            if (register) {
                registry.register(subject, schema);
            } else {
                registry.lookup(subject, schema);
            }
        }));
    }

    /** One start-up step against a service that may be down for a while (a restarted broker, say). */
    @FunctionalInterface
    private interface StartupStep {
        void run() throws Exception;
    }

    /**
     * Runs {@code step} until it succeeds, with backoff, for up to {@link #STARTUP_PATIENCE}: an
     * instance started during an outage waits for it rather than exiting (and crash-looping).
     */
    private static void untilAvailable(String what, StartupStep step) {
        long deadline = System.nanoTime() + STARTUP_PATIENCE.toNanos();
        for (long wait = 500; ; wait = Math.min(10_000, wait * 2)) {
            try {
                step.run();
                return;
            } catch (Exception e) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(what + " did not answer for " + STARTUP_PATIENCE.toMinutes()
                            + " minutes: " + Sanitizer.text(e.toString()), e);
                }
                LOG.warn("{} not ready ({}); retrying in {} ms", what, Sanitizer.text(e.toString()), wait);
                try {
                    Thread.sleep(wait);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while waiting for " + what, interrupted);
                }
            }
        }
    }

    private static void createTopics(TopologyConfig config, Properties streamsProps) {
        Map<String, Object> admin = new StreamsConfig(streamsProps).getAdminConfigs("srrrs-encryptor-admin");
        try (Admin client = Admin.create(admin)) {
            untilAvailable("the Kafka cluster (creating topics)", () -> createMissingTopics(config, client));
        }
    }

    private static void createMissingTopics(TopologyConfig config, Admin client) throws Exception {
        String input = config.getString(TopologyConfig.INPUT_TOPIC);
        Set<String> existing = client.listTopics().names().get(30, TimeUnit.SECONDS);
        int partitions = config.getInt(TopologyConfig.TOPICS_PARTITIONS);
        if (partitions < 0 && existing.contains(input)) {
            TopicDescription d = client.describeTopics(List.of(input)).allTopicNames().get(30, TimeUnit.SECONDS).get(input);
            partitions = d.partitions().size();
        }
        short replication = config.getShort(TopologyConfig.TOPICS_REPLICATION);
        List<NewTopic> missing = new ArrayList<>();
        for (String topic : List.of(input, config.getString(TopologyConfig.OUTPUT_TOPIC),
                config.getString(TopologyConfig.DLQ_TOPIC))) {
            if (!existing.contains(topic)) {
                missing.add(new NewTopic(topic, partitions < 0 ? Optional.empty() : Optional.of(partitions),
                        replication < 0 ? Optional.empty() : Optional.of(replication)));
            }
        }
        if (missing.isEmpty()) {
            return;
        }
        try {
            client.createTopics(missing).all().get(30, TimeUnit.SECONDS);
            LOG.info("created topics {}", missing.stream().map(NewTopic::name).toList());
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw e; // another instance starting at the same time created them: fine
            }
        }
    }

    public KafkaStreams streams() {
        return streams;
    }

    public MeteredKms.Snapshot kmsCalls() {
        return kms.kmsCalls();
    }

    public DecoratedKms kms() {
        return kms;
    }

    /** The port /metrics and the probes are served on, or -1 when srrrs.metrics.port is -1. */
    public int metricsPort() {
        return ops.port();
    }

    /** Waits until every stream thread runs. */
    public void awaitRunning(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (streams.state() != KafkaStreams.State.RUNNING) {
            if (System.nanoTime() > deadline || streams.state() == KafkaStreams.State.ERROR) {
                throw new IllegalStateException("topology did not reach RUNNING, state " + streams.state());
            }
            Thread.sleep(50);
        }
    }

    @Override
    public void close() {
        if (!streams.close(shutdownTimeout)) {
            LOG.warn("Kafka Streams did not close within {} ms ({}): a transaction it left open blocks read_committed "
                    + "readers of its partitions until the broker aborts it (the producer's transaction.timeout.ms); "
                    + "its threads are at:{}", shutdownTimeout.toMillis(), OpsConfig.SHUTDOWN_TIMEOUT,
                    StuckThreads.describe());
        }
        ops.close();
        sources.close();
        kms.close();
    }

    public static void main(String[] args) throws Exception {
        Path file = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--config" -> file = Path.of(args[++i]);
                case "--print-config" -> {
                    System.out.print(TopologyConfig.markdown());
                    return;
                }
                case "--help", "-h" -> {
                    System.out.println("usage: EncryptorApp [--config FILE] [--print-config]\n"
                            + "Environment variables SRRRS_<KEY> override the file's keys.");
                    return;
                }
                default -> {
                    System.err.println("unknown argument " + args[i] + " (try --help)");
                    System.exit(2);
                }
            }
        }
        TopologyConfig config = TopologyConfig.load(file, System.getenv());
        EncryptorApp app = start(config);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            app.close();
            stopped.countDown();
        }, "srrrs-encryptor-shutdown"));
        stopped.await();
    }
}
