package io.srrrs.chaos;

import io.srrrs.crypto.SseCKeySealer;
import io.srrrs.crypto.format.OutputFormat;
import io.srrrs.crypto.pki.LocalCa;
import io.srrrs.crypto.pki.Tls;
import io.srrrs.embedded.ApicurioRegistry;
import io.srrrs.embedded.FreePorts;
import io.srrrs.embedded.KafkaProcess;
import io.srrrs.embedded.MotoKms;
import io.srrrs.store.StoreClients;
import io.srrrs.topology.TopologyConfig;
import io.srrrs.topology.ops.OpsConfig;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.function.Consumer;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kms.KmsClient;

/**
 * The shared components of a run, each a real process on loopback, all under the run directory:
 * the CA, a KRaft broker in its own JVM (so it can be restarted), Apicurio with its schemas in an
 * H2 file (so a killed registry comes back with the same ids), the object store and moto_server
 * as AWS KMS. Also what the topology and the connector are configured with.
 */
final class ChaosStack implements AutoCloseable {

    static final String INPUT = "payload-refs";
    static final String CHUNKS = "ciphertext-chunks";
    static final String DLQ = "payload-refs.dlq";
    static final String SINK_DLQ = CHUNKS + ".sink-dlq";
    static final String KEK = "alias/srrrs-chaos";
    static final int INPUT_PARTITIONS = 4;
    static final int CHUNK_PARTITIONS = 2;
    /** The formats references may name in a chaos or bench run: all of them. */
    static final String ALLOWED_FORMATS = OutputFormat.ids();

    final Path dir;
    final LocalCa ca;
    final int registryPort;
    private final int chunkPartitions;
    // Set as each comes up; read only after start() returned (or in its early callback, see there).
    volatile KafkaProcess kafka;
    volatile ObjectStore store;
    volatile MotoKms moto;
    private volatile ApicurioRegistry registry;
    private final Path sseCPrivate;
    private final String sseCPublic;
    private final Deque<AutoCloseable> running = new ConcurrentLinkedDeque<>();

    private ChaosStack(Path dir, LocalCa ca, int registryPort, Path sseCPrivate, String sseCPublic,
                       int chunkPartitions) {
        this.dir = dir;
        this.chunkPartitions = chunkPartitions;
        this.ca = ca;
        this.registryPort = registryPort;
        this.sseCPrivate = sseCPrivate;
        this.sseCPublic = sseCPublic;
    }

    /**
     * Starts the broker, registry, store and KMS side by side (startup is most of a short run's
     * fixed cost). {@code early} runs as soon as the broker (with the topics) and the KMS (with the
     * KEK) serve, while the rest still starts: the Connect workers and the topology need nothing
     * else to start. It is waited for too. On any failure everything started is stopped.
     */
    static ChaosStack start(Path dir, RunLog log, Consumer<ChaosStack> early) throws Exception {
        return start(dir, log, CHUNK_PARTITIONS, early);
    }

    /** As above with {@code chunkPartitions} on the chunk topic (the bench: at least its Connect tasks). */
    static ChaosStack start(Path dir, RunLog log, int chunkPartitions, Consumer<ChaosStack> early) throws Exception {
        LocalCa ca = LocalCa.createOrLoad(dir.resolve("ca"));
        // Certificates first, from this JVM only: the children then just load them.
        for (String name : new String[] {"registry", "ceph-rgw", "moto-kms", "connect", "s3"}) {
            ca.server(name, List.of("localhost", "127.0.0.1"));
        }
        SseCKeySealer.KeyPair pair = SseCKeySealer.generateKeyPair();
        Path sseCPrivate = dir.resolve("sse-c-sink-private.key");
        Files.createFile(sseCPrivate, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(sseCPrivate, pair.privateKeyBase64() + "\n");
        ChaosStack s = new ChaosStack(dir, ca, FreePorts.next(), sseCPrivate, pair.publicKeyBase64(),
                chunkPartitions);
        var kafka = CompletableFuture.runAsync(() -> s.kafka = s.started(call(() ->
                KafkaProcess.start(dir.resolve("kafka"), ca, Map.of())))).thenRun(s::createTopics);
        var registry = CompletableFuture.runAsync(() -> s.registry = s.started(call(() ->
                ApicurioRegistry.startPersistent(dir.resolve("registry"), ca, s.registryPort))));
        var store = CompletableFuture.runAsync(() -> s.store = s.started(call(() -> ObjectStore.start(dir, ca, log))))
                .thenRun(s::createBucket);
        var moto = CompletableFuture.runAsync(() -> s.moto = s.started(call(() -> MotoKms.start(dir.resolve("moto"), ca))))
                .thenRun(s::createKek);
        var first = kafka.runAfterBoth(moto, () -> early.accept(s));
        try {
            CompletableFuture.allOf(kafka, registry, store, moto, first).join();
        } catch (RuntimeException e) {
            CompletableFuture.allOf(kafka, registry, store, moto, first).exceptionally(x -> null).join();
            s.close();
            throw e;
        }
        return s;
    }

    private <T extends AutoCloseable> T started(T component) {
        running.push(component);
        return component;
    }

    /** Topics with the partitions the issue asks for. */
    private void createTopics() {
        kafka.createTopic(INPUT, INPUT_PARTITIONS, Map.of());
        kafka.createTopic(CHUNKS, chunkPartitions, Map.of());
        kafka.createTopic(DLQ, 1, Map.of());
        kafka.createTopic(SINK_DLQ, 1, Map.of());
    }

    private void createBucket() {
        try (var s3 = StoreClients.s3(store.config())) {
            s3.createBucket(b -> b.bucket(Workload.BUCKET));
        }
    }

    /** The KEK and its alias, in moto. */
    private void createKek() {
        try (KmsClient admin = kmsAdmin()) {
            String arn = admin.createKey(b -> b.description("srrrs chaos KEK")).keyMetadata().arn();
            admin.createAlias(b -> b.aliasName(KEK).targetKeyId(arn));
        }
    }

    private KmsClient kmsAdmin() {
        return KmsClient.builder().region(Region.EU_WEST_1).endpointOverride(moto.endpoint())
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("testing", "testing")))
                .httpClient(ApacheHttpClient.builder().tlsTrustManagersProvider(() -> call(() -> Tls.trustManagers(
                        ca.truststore(), LocalCa.TRUSTSTORE_PASSWORD, "PKCS12"))).build()).build();
    }

    ApicurioRegistry registry() {
        return registry;
    }

    /** A registry killed earlier, started again on the same port and database file. */
    void restartRegistry() throws Exception {
        registry = started(ApicurioRegistry.startPersistent(dir.resolve("registry"), ca, registryPort));
    }

    String registryUrl() {
        return "https://127.0.0.1:" + registryPort + "/apis/ccompat/v7";
    }

    Map<String, String> registryClientConfig() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("schema.registry.url", registryUrl());
        m.put("schema.registry.ssl.truststore.location", ca.truststore().toString());
        m.put("schema.registry.ssl.truststore.password", new String(LocalCa.TRUSTSTORE_PASSWORD));
        return m;
    }

    Map<String, String> kmsConfig() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("kms.type", "aws-kms");
        m.put("kms.aws-kms.endpoint", moto.endpoint().toString());
        m.put("kms.aws-kms.region", "eu-west-1");
        m.put("kms.aws-kms.access.key.id", "testing");
        m.put("kms.aws-kms.secret.access.key", "testing");
        m.put("kms.aws-kms.truststore.location", ca.truststore().toString());
        // A fresh DEK every 100 objects, so that the KMS is called throughout the run and an
        // outage is felt (with the default one DEK an hour, only a restarting instance would notice).
        m.put("kms.dek.cache.max.objects", "100");
        return m;
    }

    /** One topology instance's configuration: the same application, its own state directory. */
    Map<String, String> topologyConfig(Path stateDir, Path fileRoot) {
        Map<String, String> t = new LinkedHashMap<>();
        kafka.clientProperties().forEach((k, v) -> t.put(k, String.valueOf(v)));
        t.putAll(registryClientConfig());
        t.putAll(kmsConfig());
        t.put("application.id", "chaos-encryptor");
        t.put("state.dir", stateDir.toString());
        t.put("replication.factor", "1");
        t.put(TopologyConfig.INPUT_TOPIC, INPUT);
        t.put(TopologyConfig.OUTPUT_TOPIC, CHUNKS);
        t.put(TopologyConfig.DLQ_TOPIC, DLQ);
        t.put(TopologyConfig.FILE_ROOTS, fileRoot.toString());
        t.put(TopologyConfig.KEK_DEFAULT, KEK);
        t.put(TopologyConfig.BUCKET_ALLOWED, Workload.BUCKET); // required; the workload's only bucket
        t.put(TopologyConfig.SSE_C_SINK_PUBLIC_KEY, sseCPublic);
        // 4 MiB slices (default 32): the workload's multipart files (up to 12 MiB) span several
        // transactions, so kills and outages also hit objects half committed (DECISIONS D49).
        t.put(TopologyConfig.SLICE_BYTES, Long.toString(4L << 20));
        // Every format may be asked for (the bench publishes all three); a reference that names none
        // still gets the default srrrs-v1, so the fault suite, which names none, runs as before.
        t.put(TopologyConfig.OUTPUT_FORMATS_ALLOWED, ALLOWED_FORMATS);
        // Several instances share this host (joins, restarts beside survivors): each takes a free
        // port for its metrics and probes, on loopback, instead of all binding the default 9464.
        t.put(OpsConfig.PORT, "0");
        t.put(OpsConfig.BIND, "127.0.0.1");
        return t;
    }

    /** The connector, as a user PUTs it: two tasks over the two chunk partitions, 5 MiB parts. */
    Map<String, String> connectorConfig() {
        Map<String, String> c = new HashMap<>();
        c.put("connector.class", "io.srrrs.sink.S3SinkConnector");
        c.put("tasks.max", "2");
        c.put("topics", CHUNKS);
        c.put("key.converter", "org.apache.kafka.connect.storage.StringConverter");
        c.put("value.converter", "io.srrrs.serdes.connect.AvroConverter");
        registryClientConfig().forEach((k, v) -> c.put("value.converter." + k, v));
        c.put("consumer.override.isolation.level", "read_committed");
        c.put("consumer.override.max.partition.fetch.bytes", Integer.toString(4 << 20));
        c.put("store.url", store.config().endpoint().toString());
        c.put("s3.bucket.name", Workload.BUCKET);
        c.put("aws.access.key.id", store.config().accessKey());
        c.put("aws.secret.access.key", store.config().secretKey());
        c.put("s3.ssl.truststore.location", ca.truststore().toString());
        c.put("s3.ssl.truststore.password", new String(LocalCa.TRUSTSTORE_PASSWORD));
        c.put("s3.part.size", Integer.toString(5 * 1024 * 1024));
        c.put("srrrs.sse-c.private.key.file", sseCPrivate.toString());
        c.put("errors.tolerance", "all");
        // Retried without end rather than dead-lettered: a chunk the converter cannot decode during a
        // registry outage must wait for it (the connector refuses any other value).
        c.put("errors.retry.timeout", "-1");
        c.put("errors.retry.delay.max.ms", "5000");
        c.put("errors.deadletterqueue.topic.name", SINK_DLQ);
        c.put("errors.deadletterqueue.topic.replication.factor", "1");
        c.put("errors.deadletterqueue.context.headers.enable", "true");
        c.put("errors.retry.timeout", "-1");
        c.put("errors.retry.delay.max.ms", "5000");
        return c;
    }

    @Override
    public void close() {
        while (!running.isEmpty()) {
            closeQuietly(running.pop());
        }
    }

    static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            // stopping everything else matters more
        }
    }

    @FunctionalInterface
    interface Call<T> {
        T call() throws Exception;
    }

    static <T> T call(Call<T> c) {
        try {
            return c.call();
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }
}
