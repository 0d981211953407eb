package io.srrrs.cli;

import io.srrrs.crypto.format.EncryptionContext;
import io.srrrs.crypto.kms.DataKey;
import io.srrrs.crypto.kms.DataKeyPair;
import io.srrrs.crypto.kms.KekId;
import io.srrrs.crypto.kms.DecoratedKms;
import io.srrrs.crypto.kms.KmsConfig;
import io.srrrs.schemas.EncryptedChunk;
import io.srrrs.schemas.PayloadReference;
import io.srrrs.schemas.RejectedReference;
import io.srrrs.serdes.registry.HttpSchemaRegistryClient;
import io.srrrs.serdes.registry.RegistryConfig;
import io.srrrs.serdes.registry.SchemaNotFoundException;
import io.srrrs.serdes.registry.SchemaRegistryClient;
import io.srrrs.store.SseC;
import io.srrrs.store.SseCHeaders;
import io.srrrs.topology.TopologyConfig;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.apache.avro.Schema;
import org.apache.kafka.clients.admin.Admin;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Checks a deployment from the configuration alone: TLS of every endpoint, Kafka and its topics,
 * the registry and our schemas' compatibility, the KMS, and whether the store accepts SSE-C.
 */
@Command(name = "doctor", mixinStandardHelpOptions = true,
        description = {"Check every endpoint in the configuration.",
                "It checks the TLS versions (1.3 accepted, 1.2 refused), Kafka and the pipeline's topics, the "
                        + "registry's compatibility with our schemas, a KMS round trip and the store's SSE-C support. "
                        + "The exit code is 1 when any check FAILs; WARN lines say what to look at."})
final class DoctorCommand implements Callable<Integer> {

    @Mixin
    SrrrsCommand.Common common;

    enum Level { OK, WARN, FAIL }

    record Check(String area, Level level, String detail) {
    }

    @Override
    public Integer call() {
        CliConfig config = common.config();
        List<Check> checks = new ArrayList<>();
        TopologyConfig topology = config.topology();

        String bootstrap = config.get("bootstrap.servers", "");
        for (String server : bootstrap.split(",")) {
            if (!server.isBlank()) {
                checks.add(tls("kafka " + server.trim(), "SSL://" + server.trim(), config));
            }
        }
        checks.add(tls("registry", config.get("schema.registry.url", ""), config));
        String store = config.get(CliConfig.STORE_URL, "https://s3." + config.get(CliConfig.REGION, "us-east-1") + ".amazonaws.com");
        checks.add(tls("store", store, config));
        String connect = config.get(CliConfig.CONNECT_URL, "");
        if (!connect.isBlank()) {
            checks.add(tls("connect", connect, config));
        }
        checks.add(kafka(topology));
        checks.addAll(registry(topology));
        checks.add(kms(topology));
        checks.add(sseC(config));

        for (Check c : checks) {
            System.out.printf("%-4s  %-22s %s%n", c.level(), c.area(), c.detail());
        }
        long failed = checks.stream().filter(c -> c.level() == Level.FAIL).count();
        long warned = checks.stream().filter(c -> c.level() == Level.WARN).count();
        System.out.println(failed == 0 ? "no failures" + (warned > 0 ? ", " + warned + " warning(s)" : "")
                : failed + " check(s) failed");
        return failed == 0 ? 0 : 1;
    }

    static Check tls(String area, String endpoint, CliConfig config) {
        if (endpoint.isBlank()) {
            return new Check(area, Level.WARN, "not configured");
        }
        if (endpoint.startsWith("http://")) {
            return new Check(area, Level.FAIL, endpoint + " is plain HTTP: every hop must speak TLS");
        }
        var address = TlsProbe.address(endpoint);
        if (address.isEmpty()) {
            return new Check(area, Level.WARN, "cannot tell host and port from " + endpoint);
        }
        var v13 = TlsProbe.handshake(address.get().getHostString(), address.get().getPort(), "TLSv1.3");
        var v12 = TlsProbe.handshake(address.get().getHostString(), address.get().getPort(), "TLSv1.2");
        if (!v13.accepted()) {
            return new Check(area, Level.FAIL, endpoint + ": TLS 1.3 " + v13.detail());
        }
        return v12.accepted() ? new Check(area, Level.WARN, endpoint + ": TLS 1.3 ok, but TLS 1.2 is also accepted")
                : new Check(area, Level.OK, endpoint + ": TLS 1.3 ok, TLS 1.2 refused");
    }

    static Check kafka(TopologyConfig topology) {
        Map<String, Object> props = new HashMap<>(topology.kafkaClientProperties());
        props.put("request.timeout.ms", "5000");
        props.put("default.api.timeout.ms", "10000");
        List<String> topics = List.of(topology.getString(TopologyConfig.INPUT_TOPIC),
                topology.getString(TopologyConfig.OUTPUT_TOPIC), topology.getString(TopologyConfig.DLQ_TOPIC));
        try (Admin admin = Admin.create(props)) {
            int nodes = admin.describeCluster().nodes().get(10, TimeUnit.SECONDS).size();
            Set<String> existing = admin.listTopics().names().get(10, TimeUnit.SECONDS);
            List<String> missing = topics.stream().filter(t -> !existing.contains(t)).toList();
            return missing.isEmpty() ? new Check("kafka topics", Level.OK, nodes + " broker(s); topics " + topics + " exist")
                    : new Check("kafka topics", Level.WARN, nodes + " broker(s); missing " + missing
                    + " (the topology creates them at start when srrrs.topics.create=true)");
        } catch (Exception e) {
            return new Check("kafka topics", Level.FAIL, "cannot reach the cluster: " + rootMessage(e));
        }
    }

    static List<Check> registry(TopologyConfig topology) {
        List<Check> checks = new ArrayList<>();
        SchemaRegistryClient registry;
        try {
            registry = new HttpSchemaRegistryClient(RegistryConfig.fromProperties(topology.registryConfig()));
        } catch (RuntimeException e) {
            checks.add(new Check("registry", Level.FAIL, rootMessage(e)));
            return checks;
        }
        Map<String, Schema> ours = Map.of(
                topology.getString(TopologyConfig.INPUT_TOPIC) + "-value", PayloadReference.getClassSchema(),
                topology.getString(TopologyConfig.OUTPUT_TOPIC) + "-value", EncryptedChunk.getClassSchema(),
                topology.getString(TopologyConfig.DLQ_TOPIC) + "-value", RejectedReference.getClassSchema());
        for (Map.Entry<String, Schema> e : new TreeMap<>(ours).entrySet()) {
            String area = "registry " + e.getValue().getName();
            try {
                registry.latest(e.getKey());
                boolean compatible = registry.isCompatible(e.getKey(), e.getValue());
                checks.add(compatible ? new Check(area, Level.OK, "subject " + e.getKey() + ": this build's schema is compatible")
                        : new Check(area, Level.FAIL, "subject " + e.getKey() + ": this build's schema is NOT compatible "
                        + "with the registered one (see schemas/README.md, evolution rules)"));
            } catch (SchemaNotFoundException notYet) {
                checks.add(new Check(area, Level.OK, "subject " + e.getKey() + " not registered yet (registered on first use)"));
            } catch (RuntimeException ex) {
                checks.add(new Check(area, Level.FAIL, "subject " + e.getKey() + ": " + rootMessage(ex)));
            }
        }
        return checks;
    }

    static Check kms(TopologyConfig topology) {
        Map<String, String> kmsConfig = topology.kmsConfig();
        String kek = topology.getString(TopologyConfig.KEK_DEFAULT);
        if (kek == null || kek.isBlank()) {
            return new Check("kms", Level.WARN, "no " + TopologyConfig.KEK_DEFAULT + " to try a round trip with");
        }
        long start = System.nanoTime();
        try (DecoratedKms kms = KmsConfig.stack(kmsConfig)) {
            KekId id = kms.kms().resolve(kek);
            EncryptionContext context = EncryptionContext.of("srrrs-doctor", "probe");
            // The provider itself, not the caches: this is a reachability check.
            DataKeyPair pair = kms.provider().generateDataKey(id, context);
            try (DataKey back = kms.provider().unwrap(pair.wrapped(), context)) {
                pair.plaintext().close();
            }
            return new Check("kms", Level.OK, kms.provider().type() + ": generate and unwrap under " + id.value() + " in "
                    + (System.nanoTime() - start) / 1_000_000 + " ms");
        } catch (Exception e) {
            return new Check("kms", Level.FAIL, kmsConfig.getOrDefault("kms.type", "local") + ", KEK " + kek + ": "
                    + e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    /**
     * Puts a small probe object with SSE-C, checks a GET without the key is refused and one with it
     * works, then deletes it. The probe's content is a constant, not data.
     */
    static Check sseC(CliConfig config) {
        String bucket = config.bucket();
        if (bucket == null) {
            return new Check("store SSE-C", Level.WARN, "no " + CliConfig.BUCKET + " to probe in");
        }
        if (!SseC.allowedOver(config.store())) {
            return new Check("store SSE-C", Level.FAIL, "the store URL is plain HTTP; SSE-C keys are only ever sent over TLS");
        }
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        SseC sse = SseC.consuming(key);
        String probe = ".srrrs-doctor/sse-c-probe-" + UUID.randomUUID();
        try (S3Client s3 = config.s3()) {
            try {
                s3.putObject(b -> SseCHeaders.apply(b.bucket(bucket).key(probe), sse), RequestBody.fromString("probe"));
            } catch (S3Exception e) {
                return new Check("store SSE-C", Level.WARN, "refused (HTTP " + e.statusCode() + " "
                        + e.awsErrorDetails().errorCode() + "): references asking for SSE-C will go to the sink's DLQ. "
                        + "On AWS S3, buckets created since April 2026 block SSE-C until the bucket's encryption "
                        + "configuration sets BlockedEncryptionTypes to NONE.");
            }
            try {
                boolean readableWithoutKey;
                try {
                    s3.headObject(b -> b.bucket(bucket).key(probe));
                    readableWithoutKey = true;
                } catch (S3Exception expected) {
                    readableWithoutKey = false;
                }
                s3.headObject(b -> SseCHeaders.apply(b.bucket(bucket).key(probe), sse));
                return readableWithoutKey
                        ? new Check("store SSE-C", Level.WARN, "accepted but NOT enforced: the object reads without the key "
                        + "(S3Proxy does this); SSE-C adds nothing on this store, envelope encryption still holds")
                        : new Check("store SSE-C", Level.OK, "supported and enforced (a read without the key is refused)");
            } finally {
                s3.deleteObject(b -> b.bucket(bucket).key(probe));
            }
        } catch (Exception e) {
            return new Check("store SSE-C", Level.FAIL, "cannot probe: " + rootMessage(e));
        }
    }

    static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getClass().getSimpleName() + ": " + t.getMessage();
    }
}
