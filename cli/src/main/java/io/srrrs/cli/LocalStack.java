package io.srrrs.cli;

import io.srrrs.crypto.SseCKeySealer;
import io.srrrs.crypto.kms.local.LocalKeystoreKms;
import io.srrrs.crypto.pki.LocalCa;
import io.srrrs.embedded.ApicurioRegistry;
import io.srrrs.embedded.CephRgw;
import io.srrrs.embedded.ConnectWorker;
import io.srrrs.embedded.EmbeddedKafka;
import io.srrrs.embedded.EmbeddedS3;
import io.srrrs.store.StoreClients;
import io.srrrs.store.StoreConfig;
import io.srrrs.topology.EncryptorApp;
import io.srrrs.topology.TopologyConfig;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The embedded local stack: every part of the pipeline, real, on this machine, all under one
 * directory. Started in order — CA, Kafka, registry, store, KMS, Connect worker with our sink,
 * topology — and stopped in reverse (by {@link StartedParts}, at any moment, even half-way through
 * a step); a part that fails to start stops those already running and is named in the exception.
 *
 * <p>What persists across {@code down}/{@code up}: the CA, the store's objects, the KMS keystore
 * and the SSE-C key pair. Kafka starts empty each time, because the registry keeps its schemas in
 * memory and ids from an old log would no longer match.
 */
public final class LocalStack implements AutoCloseable {

    /** Where the object store comes from. */
    public enum StoreKind { S3PROXY, RGW, EXTERNAL }

    /**
     * @param kmsConfig empty for the local keystore under DIR/kms; otherwise the {@code kms.*} keys
     *                  of another provider ({@code pkcs11}, {@code aws-kms}, {@code vault}) and
     *                  optionally {@code srrrs.kek.default}
     */
    public record Options(Path dir, StoreKind store, URI externalUrl, String externalAccessKey,
                          String externalSecretKey, List<Path> fileRoots, Path connectPlugins,
                          Map<String, String> kmsConfig) {
        public Options {
            kmsConfig = Map.copyOf(kmsConfig);
        }
    }

    public static final String BUCKET = "srrrs-demo";
    public static final String KEK = "local-default";
    public static final String CONNECTOR = "srrrs-s3-sink";

    private final Options options;
    private final StartedParts running;
    private final Map<String, String> endpoints = new LinkedHashMap<>();
    private final ScheduledExecutorService metricsWriter = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "srrrs-stack-metrics");
        t.setDaemon(true);
        return t;
    });
    private LocalCa ca;
    private EmbeddedKafka kafka;
    private StoreConfig store;
    private Path storeDataDir;
    private EncryptorApp topology;
    private ConnectWorker worker;
    private Map<String, String> cliConfig;

    private LocalStack(Options options, StartedParts running) {
        this.options = options;
        this.running = running;
    }

    /** Starts every part, reporting each step to {@code progress}. */
    public static LocalStack start(Options options, Consumer<String> progress) throws StackException {
        return start(options, StartedParts.inMemory(), progress);
    }

    /** The same, each part kept in {@code parts}, whose {@link StartedParts#stopAll} stops them at any moment. */
    public static LocalStack start(Options options, StartedParts parts, Consumer<String> progress) throws StackException {
        LocalStack stack = new LocalStack(options, parts);
        try {
            stack.startAll(progress);
            return stack;
        } catch (StackException | RuntimeException | Error e) {
            stack.close(); // whatever went wrong, nothing keeps running behind it
            throw e;
        }
    }

    private void startAll(Consumer<String> progress) throws StackException {
        Path dir = options.dir();
        step("directory", () -> {
            Files.createDirectories(filesDir(dir));
            deleteRecursively(dir.resolve("kafka"));
            deleteRecursively(dir.resolve("connect"));
            deleteRecursively(dir.resolve("topology-state"));
        });
        step("certificate authority", () -> ca = LocalCa.createOrLoad(dir.resolve("ca")));
        progress.accept("Kafka broker (KRaft, TLS 1.3)");
        step("Kafka broker", () -> {
            kafka = EmbeddedKafka.start(dir.resolve("kafka"), ca);
            running.push(kafka);
            endpoints.put("kafka", "SSL://" + kafka.bootstrapServers());
        });
        progress.accept("schema registry (Apicurio, TLS 1.3)");
        ApicurioRegistry[] registry = new ApicurioRegistry[1];
        step("schema registry", () -> {
            registry[0] = ApicurioRegistry.start(dir.resolve("registry"), ca);
            running.push(registry[0]);
            endpoints.put("registry", registry[0].url());
        });
        progress.accept("object store (" + options.store().name().toLowerCase() + ")");
        step("object store", this::startStore);
        endpoints.put("store", store.endpoint().toString());
        step("bucket " + BUCKET, () -> {
            try (S3Client s3 = StoreClients.s3(store)) {
                if (s3.listBuckets().buckets().stream().noneMatch(b -> b.name().equals(BUCKET))) {
                    s3.createBucket(b -> b.bucket(BUCKET));
                }
            }
        });
        Path keystore = dir.resolve("kms").resolve("keks.p12");
        Path passwordFile = dir.resolve("kms").resolve("password");
        step(options.kmsConfig().isEmpty() ? "local KMS" : "KMS (" + options.kmsConfig().get("kms.type") + ")", () -> {
            if (!options.kmsConfig().isEmpty()) {
                try (io.srrrs.crypto.kms.DecoratedKms kms = io.srrrs.crypto.kms.KmsConfig.stack(options.kmsConfig())) {
                    kms.kms().resolve(options.kmsConfig().getOrDefault(TopologyConfig.KEK_DEFAULT, KEK));
                }
                endpoints.put("kms", options.kmsConfig().get("kms.type") + " "
                        + options.kmsConfig().entrySet().stream().filter(e -> e.getKey().endsWith(".endpoint")
                        || e.getKey().endsWith(".address") || e.getKey().endsWith(".library"))
                        .map(Map.Entry::getValue).findFirst().orElse(""));
                return;
            }
            Files.createDirectories(keystore.getParent());
            if (!Files.exists(passwordFile)) {
                writeSecret(passwordFile, randomHex(16));
            }
            try (LocalKeystoreKms kms = LocalKeystoreKms.openOrCreate(keystore,
                    Files.readString(passwordFile).trim().toCharArray())) {
                if (kms.listKeks().stream().noneMatch(k -> k.name().equals(KEK))) {
                    kms.createKek(KEK);
                }
            }
            endpoints.put("kms", "local keystore " + keystore);
        });
        Path sseCPrivate = dir.resolve("sse-c").resolve("sink-private.key");
        Path sseCPublic = dir.resolve("sse-c").resolve("sink-public.key");
        step("SSE-C key pair", () -> {
            if (!Files.exists(sseCPrivate)) {
                Files.createDirectories(sseCPrivate.getParent());
                SseCKeySealer.KeyPair pair = SseCKeySealer.generateKeyPair();
                writeSecret(sseCPrivate, pair.privateKeyBase64());
                Files.writeString(sseCPublic, pair.publicKeyBase64() + "\n");
            }
        });
        step("configuration", () -> {
            cliConfig = cliConfig(registry[0], keystore, passwordFile, sseCPublic);
            writeSecret(dir.resolve("srrrs.properties"), asProperties(cliConfig));
        });

        progress.accept("Connect worker with the SRRRS sink (TLS 1.3 REST)");
        step("Connect worker", () -> {
            worker = ConnectWorker.start(dir.resolve("connect"), kafka, ca, options.connectPlugins(), "srrrs-connect");
            running.push(worker);
            endpoints.put("connect", worker.restUrl());
            cliConfig.put(CliConfig.CONNECT_URL, worker.restUrl());
            writeSecret(dir.resolve("srrrs.properties"), asProperties(cliConfig));
        });
        progress.accept("encryption topology (Kafka Streams)");
        step("topology", () -> {
            topology = EncryptorApp.start(TopologyConfig.of(topologyConfig()));
            running.push(topology);
            topology.awaitRunning(Duration.ofSeconds(60));
        });
        step("sink connector", () -> {
            var response = worker.putConnector(CONNECTOR, connectorConfig(registry[0], sseCPrivate));
            if (response.statusCode() / 100 != 2) {
                throw new IOException("PUT /connectors/" + CONNECTOR + "/config answered " + response.statusCode() + ": "
                        + response.body());
            }
            worker.awaitRunning(CONNECTOR, Duration.ofSeconds(60));
        });
        metricsWriter.scheduleAtFixedRate(this::writeMetrics, 0, 500, TimeUnit.MILLISECONDS);
        running.push(metricsWriter::shutdownNow);
    }

    private void startStore() throws Exception {
        Path dir = options.dir();
        switch (options.store()) {
            case S3PROXY -> {
                // HTTPS only: the local stack opens no plain-text listener.
                EmbeddedS3 s3 = EmbeddedS3.start(dir.resolve("s3"), ca, io.srrrs.embedded.FreePorts.next(), 0);
                running.push(s3);
                store = StoreConfig.of(s3.httpsEndpoint(), s3.accessKey(), s3.secretKey(), ca.truststore());
                storeDataDir = s3.dataDir();
            }
            case RGW -> {
                Path rgwDir = dir.resolve("rgw");
                deleteRecursively(rgwDir); // a memstore cluster: nothing survives it anyway
                running.cephDir(rgwDir); // before its daemons exist: they detach from this JVM
                CephRgw rgw = CephRgw.start(rgwDir, ca);
                running.push(rgw);
                store = StoreConfig.of(rgw.httpsEndpoint(), rgw.accessKey(), rgw.secretKey(), ca.truststore());
                storeDataDir = null;
            }
            case EXTERNAL -> {
                store = StoreConfig.of(options.externalUrl(), options.externalAccessKey(), options.externalSecretKey(),
                        null);
                storeDataDir = null;
            }
        }
    }

    /** The configuration every {@code srrrs} command reads: Kafka, registry, store, KMS. */
    private Map<String, String> cliConfig(ApicurioRegistry registry, Path keystore, Path passwordFile, Path sseCPublic)
            throws IOException {
        Map<String, String> c = new LinkedHashMap<>();
        kafka.clientProperties().forEach((k, v) -> c.put(k, String.valueOf(v)));
        c.put("schema.registry.url", registry.url());
        c.put("schema.registry.ssl.truststore.location", ca.truststore().toString());
        c.put("schema.registry.ssl.truststore.password", new String(LocalCa.TRUSTSTORE_PASSWORD));
        c.put(CliConfig.STORE_URL, store.endpoint().toString());
        c.put(CliConfig.ACCESS_KEY, store.accessKey());
        c.put(CliConfig.SECRET_KEY, store.secretKey());
        if (store.isHttps() && options.store() != StoreKind.EXTERNAL) {
            c.put(CliConfig.TRUSTSTORE, ca.truststore().toString());
            c.put(CliConfig.TRUSTSTORE_PASSWORD, new String(LocalCa.TRUSTSTORE_PASSWORD));
        }
        c.put(CliConfig.BUCKET, BUCKET);
        c.put(CliConfig.CONNECT_URL, worker == null ? "" : worker.restUrl());
        c.put(CliConfig.STORE_KIND, options.store().name().toLowerCase());
        if (storeDataDir != null) {
            c.put(CliConfig.STORE_DATA_DIR, storeDataDir.toString());
        }
        c.put(CliConfig.KAFKA_LOG_DIR, kafka.logDir().toString());
        c.put(TopologyConfig.INPUT_TOPIC, "payload-refs");
        c.put(TopologyConfig.OUTPUT_TOPIC, "ciphertext-chunks");
        c.put(TopologyConfig.DLQ_TOPIC, "payload-refs.dlq");
        c.put(TopologyConfig.KEK_DEFAULT, KEK);
        c.put(TopologyConfig.SSE_C_SINK_PUBLIC_KEY, Files.readString(sseCPublic).trim());
        if (options.kmsConfig().isEmpty()) {
            c.put("kms.type", "local");
            c.put("kms.local.keystore", keystore.toString());
            c.put("kms.local.password.file", passwordFile.toString());
        } else {
            c.putAll(options.kmsConfig());
        }
        return c;
    }

    private Map<String, String> topologyConfig() {
        Map<String, String> t = new LinkedHashMap<>(cliConfig);
        CliConfig.NON_TOPOLOGY_KEYS.forEach(t::remove);
        t.put("application.id", "srrrs-encryptor");
        t.put("state.dir", options.dir().resolve("topology-state").toString());
        t.put("replication.factor", "1");
        t.put(TopologyConfig.TOPICS_PARTITIONS, "-1");
        // DIR/files is always allowed: srrrs demo writes its payloads there.
        List<String> roots = new java.util.ArrayList<>(options.fileRoots().stream().map(Path::toString).toList());
        roots.add(filesDir(options.dir()).toString());
        t.put(TopologyConfig.FILE_ROOTS, String.join(",", roots));
        // Objects go to the stack's bucket only, as the sink's s3.bucket.name says.
        t.put(TopologyConfig.BUCKET_ALLOWED, BUCKET);
        // One user's sandbox: `srrrs publish --kek` picks among their KEKs. Every KEK of the stack's own
        // keystore is theirs (`*`); with another KMS only those its configuration allows, and without
        // such a list references cannot choose (the topology's default, off).
        if (options.kmsConfig().isEmpty()) {
            t.put(TopologyConfig.KEK_ALLOWED, "*");
            t.put(TopologyConfig.KEK_REFERENCE_OVERRIDE, "true");
        } else if (!options.kmsConfig().getOrDefault(TopologyConfig.KEK_ALLOWED, "").isBlank()) {
            t.put(TopologyConfig.KEK_REFERENCE_OVERRIDE, "true");
        }
        // Short commit interval: the demo measures publish-to-visible latency.
        t.put("commit.interval.ms", "200");
        return t;
    }

    private Map<String, String> connectorConfig(ApicurioRegistry registry, Path sseCPrivate) {
        Map<String, String> c = new LinkedHashMap<>();
        c.put("connector.class", "io.srrrs.sink.S3SinkConnector");
        c.put("tasks.max", "1");
        c.put("topics", cliConfig.get(TopologyConfig.OUTPUT_TOPIC));
        c.put("key.converter", "org.apache.kafka.connect.storage.StringConverter");
        c.put("value.converter", "io.srrrs.serdes.connect.AvroConverter");
        c.put("value.converter.schema.registry.url", registry.url());
        c.put("value.converter.schema.registry.ssl.truststore.location", ca.truststore().toString());
        c.put("value.converter.schema.registry.ssl.truststore.password", new String(LocalCa.TRUSTSTORE_PASSWORD));
        c.put("consumer.override.isolation.level", "read_committed");
        c.put("consumer.override.max.partition.fetch.bytes", Integer.toString(4 << 20));
        c.put("store.url", store.endpoint().toString());
        c.put("s3.bucket.name", BUCKET);
        c.put("aws.access.key.id", store.accessKey());
        c.put("aws.secret.access.key", store.secretKey());
        if (cliConfig.containsKey(CliConfig.TRUSTSTORE)) {
            c.put("s3.ssl.truststore.location", cliConfig.get(CliConfig.TRUSTSTORE));
            c.put("s3.ssl.truststore.password", cliConfig.get(CliConfig.TRUSTSTORE_PASSWORD));
        }
        c.put("srrrs.sse-c.private.key.file", sseCPrivate.toString());
        c.put("errors.tolerance", "all");
        c.put("errors.deadletterqueue.topic.name", cliConfig.get(TopologyConfig.OUTPUT_TOPIC) + ".sink-dlq");
        c.put("errors.deadletterqueue.topic.replication.factor", "1");
        c.put("errors.deadletterqueue.context.headers.enable", "true");
        c.put("errors.retry.timeout", "-1");
        c.put("errors.retry.delay.max.ms", "5000");
        return c;
    }

    /** The topology's counters, for {@code srrrs demo} and {@code status}, refreshed twice a second. */
    private void writeMetrics() {
        try {
            Map<String, String> m = new LinkedHashMap<>();
            m.put("kms.calls", Long.toString(topology.kms().totalKmsCalls()));
            m.put("dek.cache.hits", Long.toString(topology.kms().dekCacheStats().hits()));
            topology.streams().metrics().forEach((name, metric) -> {
                if (name.group().equals("srrrs-topology-metrics") && name.name().endsWith("-total")
                        && metric.metricValue() instanceof Number n) {
                    String reason = name.tags().get("reason");
                    m.merge(name.name() + (reason == null ? "" : "." + reason), Long.toString(n.longValue()),
                            (a, b) -> Long.toString(Long.parseLong(a) + Long.parseLong(b)));
                }
            });
            Path tmp = options.dir().resolve("metrics.properties.tmp");
            Files.writeString(tmp, asProperties(m));
            Files.move(tmp, options.dir().resolve("metrics.properties"), java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | RuntimeException e) {
            // best effort: the next tick tries again
        }
    }

    /** A directory the topology may always read files from. */
    public static Path filesDir(Path stackDir) {
        return stackDir.resolve("files");
    }

    public Map<String, String> endpoints() {
        return endpoints;
    }

    public Map<String, String> cliConfig() {
        return cliConfig;
    }

    public EncryptorApp topology() {
        return topology;
    }

    public EmbeddedKafka kafka() {
        return kafka;
    }

    public ConnectWorker worker() {
        return worker;
    }

    public LocalCa ca() {
        return ca;
    }

    public StoreConfig store() {
        return store;
    }

    @Override
    public void close() {
        running.stopAll();
    }

    // ---- helpers -------------------------------------------------------------------------------

    @FunctionalInterface
    private interface Step {
        void run() throws Exception;
    }

    /** Runs one start-up step, unless the stack is being stopped; a failure names the part that failed and why. */
    private void step(String part, Step step) throws StackException {
        try {
            running.refuseIfStopping();
            step.run();
        } catch (StackException e) {
            throw e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StackException(part, "interrupted", e);
        } catch (Exception e) {
            throw new StackException(part, String.valueOf(e.getMessage()), e);
        }
    }

    /** A part of the stack did not start. */
    public static final class StackException extends Exception {
        private final String part;

        StackException(String part, String reason, Throwable cause) {
            super(part + " did not start: " + reason, cause);
            this.part = part;
        }

        public String part() {
            return part;
        }
    }

    static String asProperties(Map<String, String> m) {
        StringBuilder sb = new StringBuilder("# written by srrrs; every srrrs command reads it\n");
        m.forEach((k, v) -> sb.append(k).append('=').append(v.replace("\\", "\\\\")).append('\n'));
        return sb.toString();
    }

    static void writeSecret(Path file, String text) throws IOException {
        Files.deleteIfExists(file);
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(file, text.endsWith("\n") ? text : text + "\n");
    }

    private static String randomHex(int bytes) {
        byte[] b = new byte[bytes];
        new SecureRandom().nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var walk = Files.walk(dir)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.delete(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }
}
