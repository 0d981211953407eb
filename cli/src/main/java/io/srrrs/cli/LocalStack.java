package io.srrrs.cli;

import io.srrrs.crypto.SseCKeySealer;
import io.srrrs.crypto.kms.DecoratedKms;
import io.srrrs.crypto.kms.KmsConfig;
import io.srrrs.crypto.kms.local.LocalKeystoreKms;
import io.srrrs.crypto.pki.LocalCa;
import io.srrrs.embedded.ApicurioRegistry;
import io.srrrs.embedded.CephRgw;
import io.srrrs.embedded.ConnectWorker;
import io.srrrs.embedded.EmbeddedKafka;
import io.srrrs.embedded.EmbeddedS3;
import io.srrrs.embedded.FreePorts;
import io.srrrs.store.StoreClients;
import io.srrrs.store.StoreConfig;
import io.srrrs.topology.EncryptorApp;
import io.srrrs.topology.TopologyConfig;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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
    private ApicurioRegistry registry;
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
        step("directory", this::prepareDirectory);
        step("certificate authority", () -> ca = LocalCa.createOrLoad(dir().resolve("ca")));
        progress.accept("Kafka broker (KRaft, TLS 1.3)");
        step("Kafka broker", this::startKafka);
        progress.accept("schema registry (Apicurio, TLS 1.3)");
        step("schema registry", this::startRegistry);
        progress.accept("object store (" + options.store().name().toLowerCase() + ")");
        step("object store", this::startStore);
        endpoints.put("store", store.endpoint().toString());
        step("bucket " + BUCKET, this::createBucket);
        step(options.kmsConfig().isEmpty() ? "local KMS" : "KMS (" + options.kmsConfig().get(KmsConfig.TYPE) + ")",
                this::prepareKms);
        step("SSE-C key pair", this::prepareSseCKeyPair);
        step("configuration", this::writeCliConfig);
        progress.accept("Connect worker with the SRRRS sink (TLS 1.3 REST)");
        step("Connect worker", this::startConnectWorker);
        progress.accept("encryption topology (Kafka Streams)");
        step("topology", this::startTopology);
        step("sink connector", this::startConnector);
        metricsWriter.scheduleAtFixedRate(() -> StackMetrics.write(topology, dir().resolve(StackMetrics.FILE)), 0, 500,
                TimeUnit.MILLISECONDS);
        running.push(metricsWriter::shutdownNow);
    }

    private Path dir() {
        return options.dir();
    }

    /** Kafka, Connect and the topology's state start empty each time (see the class comment). */
    private void prepareDirectory() throws IOException {
        Files.createDirectories(filesDir(dir()));
        StackFiles.deleteRecursively(dir().resolve("kafka"));
        StackFiles.deleteRecursively(dir().resolve("connect"));
        StackFiles.deleteRecursively(dir().resolve("topology-state"));
    }

    private void startKafka() throws Exception {
        kafka = EmbeddedKafka.start(dir().resolve("kafka"), ca);
        running.push(kafka);
        endpoints.put("kafka", "SSL://" + kafka.bootstrapServers());
    }

    private void startRegistry() throws Exception {
        registry = ApicurioRegistry.start(dir().resolve("registry"), ca);
        running.push(registry);
        endpoints.put("registry", registry.url());
    }

    private void startStore() throws Exception {
        switch (options.store()) {
            case S3PROXY -> {
                // HTTPS only: the local stack opens no plain-text listener.
                EmbeddedS3 s3 = EmbeddedS3.start(dir().resolve("s3"), ca, FreePorts.next(), 0);
                running.push(s3);
                store = StoreConfig.of(s3.httpsEndpoint(), s3.accessKey(), s3.secretKey(), ca.truststore());
                storeDataDir = s3.dataDir();
            }
            case RGW -> {
                Path rgwDir = dir().resolve("rgw");
                StackFiles.deleteRecursively(rgwDir); // a memstore cluster: nothing survives it anyway
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

    private void createBucket() {
        try (S3Client s3 = StoreClients.s3(store)) {
            if (s3.listBuckets().buckets().stream().noneMatch(b -> b.name().equals(BUCKET))) {
                s3.createBucket(b -> b.bucket(BUCKET));
            }
        }
    }

    /** Another KMS: check it answers for the default KEK. Else the local keystore, with its KEK made once. */
    private void prepareKms() throws Exception {
        Map<String, String> kmsConfig = options.kmsConfig();
        if (!kmsConfig.isEmpty()) {
            try (DecoratedKms kms = KmsConfig.stack(kmsConfig)) {
                kms.kms().resolve(kmsConfig.getOrDefault(TopologyConfig.KEK_DEFAULT, KEK));
            }
            endpoints.put("kms", kmsConfig.get(KmsConfig.TYPE) + " " + kmsConfig.entrySet().stream()
                    .filter(e -> e.getKey().endsWith(".endpoint") || e.getKey().endsWith(".address")
                            || e.getKey().endsWith(".library"))
                    .map(Map.Entry::getValue).findFirst().orElse(""));
            return;
        }
        Path keystore = StackFiles.keystore(dir());
        Path passwordFile = StackFiles.keystorePassword(dir());
        Files.createDirectories(keystore.getParent());
        if (!Files.exists(passwordFile)) {
            StackFiles.writeSecret(passwordFile, StackFiles.randomHex(16));
        }
        char[] password = Files.readString(passwordFile).trim().toCharArray();
        try (LocalKeystoreKms kms = LocalKeystoreKms.openOrCreate(keystore, password)) {
            if (kms.listKeks().stream().noneMatch(k -> k.name().equals(KEK))) {
                kms.createKek(KEK);
            }
        }
        endpoints.put("kms", "local keystore " + keystore);
    }

    /** Made once: objects sealed to it must stay readable across {@code down}/{@code up}. */
    private void prepareSseCKeyPair() throws IOException {
        Path sseCPrivate = StackFiles.sseCPrivateKey(dir());
        if (!Files.exists(sseCPrivate)) {
            Files.createDirectories(sseCPrivate.getParent());
            SseCKeySealer.KeyPair pair = SseCKeySealer.generateKeyPair();
            StackFiles.writeSecret(sseCPrivate, pair.privateKeyBase64());
            Files.writeString(StackFiles.sseCPublicKey(dir()), pair.publicKeyBase64() + "\n");
        }
    }

    private StackConfigs.Parts parts() {
        return new StackConfigs.Parts(kafka.clientProperties(), kafka.logDir(), registry.url(), ca, store, storeDataDir,
                worker == null ? null : worker.restUrl());
    }

    private void writeCliConfig() throws IOException {
        cliConfig = StackConfigs.cli(options, parts(), Files.readString(StackFiles.sseCPublicKey(dir())).trim());
        StackFiles.writeSecret(StackFiles.cliProperties(dir()), StackFiles.asProperties(cliConfig));
    }

    private void startConnectWorker() throws Exception {
        ConnectMetricsAgent agent = ConnectMetricsAgent.find();
        worker = ConnectWorker.start(dir().resolve("connect"), kafka, ca, options.connectPlugins(), "srrrs-connect",
                Map.of(), ConnectMetricsAgent.jvmOptions(agent));
        running.push(worker);
        endpoints.put("connect", worker.restUrl());
        if (agent != null) {
            endpoints.put("connect-metrics", agent.url());
        }
        cliConfig.put(CliConfig.CONNECT_URL, worker.restUrl());
        StackFiles.writeSecret(StackFiles.cliProperties(dir()), StackFiles.asProperties(cliConfig));
    }

    private void startTopology() throws Exception {
        topology = EncryptorApp.start(TopologyConfig.of(StackConfigs.topology(options, cliConfig)));
        running.push(topology);
        topology.awaitRunning(Duration.ofSeconds(60));
        if (topology.metricsPort() > 0) {
            endpoints.put("metrics", "http://127.0.0.1:" + topology.metricsPort() + "/metrics");
        }
    }

    private void startConnector() throws Exception {
        HttpResponse<String> response = worker.putConnector(CONNECTOR,
                StackConfigs.connector(cliConfig, parts(), StackFiles.sseCPrivateKey(dir())));
        if (response.statusCode() / 100 != 2) {
            throw new IOException("PUT /connectors/" + CONNECTOR + "/config answered " + response.statusCode() + ": "
                    + response.body());
        }
        worker.awaitRunning(CONNECTOR, Duration.ofSeconds(60));
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
}
