package io.srrrs.cli;

import io.srrrs.crypto.format.OutputFormat;
import io.srrrs.crypto.pki.LocalCa;
import io.srrrs.store.StoreConfig;
import io.srrrs.topology.TopologyConfig;
import io.srrrs.topology.ops.OpsConfig;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The configurations the local stack writes for its parts, from what its started parts answer:
 * the CLI's ({@code srrrs.properties}, which the topology's is derived from) and the sink connector's.
 */
public final class StackConfigs {

    private StackConfigs() {
    }

    /** Where the started parts listen, as the configurations need it. */
    record Parts(Map<String, Object> kafkaClient, Path kafkaLogDir, String registryUrl, LocalCa ca, StoreConfig store,
                 Path storeDataDir, String connectUrl) {
    }

    /** The configuration every {@code srrrs} command reads: Kafka, registry, store, KMS. */
    static Map<String, String> cli(LocalStack.Options options, Parts parts, String sseCPublicKey) {
        Map<String, String> c = new LinkedHashMap<>();
        parts.kafkaClient().forEach((k, v) -> c.put(k, String.valueOf(v)));
        c.put("schema.registry.url", parts.registryUrl());
        c.put("schema.registry.ssl.truststore.location", parts.ca().truststore().toString());
        c.put("schema.registry.ssl.truststore.password", new String(LocalCa.TRUSTSTORE_PASSWORD));
        StoreConfig store = parts.store();
        c.put(CliConfig.STORE_URL, store.endpoint().toString());
        c.put(CliConfig.ACCESS_KEY, store.accessKey());
        c.put(CliConfig.SECRET_KEY, store.secretKey());
        if (store.isHttps() && options.store() != LocalStack.StoreKind.EXTERNAL) {
            c.put(CliConfig.TRUSTSTORE, parts.ca().truststore().toString());
            c.put(CliConfig.TRUSTSTORE_PASSWORD, new String(LocalCa.TRUSTSTORE_PASSWORD));
        }
        c.put(CliConfig.BUCKET, LocalStack.BUCKET);
        c.put(CliConfig.CONNECT_URL, parts.connectUrl() == null ? "" : parts.connectUrl());
        c.put(CliConfig.STORE_KIND, options.store().name().toLowerCase());
        if (parts.storeDataDir() != null) {
            c.put(CliConfig.STORE_DATA_DIR, parts.storeDataDir().toString());
        }
        c.put(CliConfig.KAFKA_LOG_DIR, parts.kafkaLogDir().toString());
        c.put(TopologyConfig.INPUT_TOPIC, "payload-refs");
        c.put(TopologyConfig.OUTPUT_TOPIC, "ciphertext-chunks");
        c.put(TopologyConfig.DLQ_TOPIC, "payload-refs.dlq");
        c.put(TopologyConfig.KEK_DEFAULT, LocalStack.KEK);
        c.put(TopologyConfig.SSE_C_SINK_PUBLIC_KEY, sseCPublicKey);
        if (options.kmsConfig().isEmpty()) {
            c.put("kms.type", "local");
            c.put("kms.local.keystore", StackFiles.keystore(options.dir()).toString());
            c.put("kms.local.password.file", StackFiles.keystorePassword(options.dir()).toString());
        } else {
            c.putAll(options.kmsConfig());
        }
        return c;
    }

    /** The topology's: the CLI's without the CLI's own keys, plus what one machine's sandbox needs. */
    public static Map<String, String> topology(LocalStack.Options options, Map<String, String> cliConfig) {
        Map<String, String> t = new LinkedHashMap<>(cliConfig);
        CliConfig.NON_TOPOLOGY_KEYS.forEach(t::remove);
        t.put("application.id", "srrrs-encryptor");
        t.put("state.dir", options.dir().resolve("topology-state").toString());
        t.put("replication.factor", "1");
        t.put(TopologyConfig.TOPICS_PARTITIONS, "-1");
        // DIR/files is always allowed: srrrs demo writes its payloads there.
        List<String> roots = new ArrayList<>(options.fileRoots().stream().map(Path::toString).toList());
        roots.add(LocalStack.filesDir(options.dir()).toString());
        t.put(TopologyConfig.FILE_ROOTS, String.join(",", roots));
        // Objects go to the stack's bucket only, as the sink's s3.bucket.name says.
        t.put(TopologyConfig.BUCKET_ALLOWED, LocalStack.BUCKET);
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
        // `srrrs publish --format` may try every format, format v1 still the default; a configuration
        // given to the stack keeps its own choice.
        t.putIfAbsent(TopologyConfig.OUTPUT_FORMATS_ALLOWED, OutputFormat.ids());
        t.putIfAbsent(TopologyConfig.OUTPUT_FORMAT_DEFAULT, OutputFormat.SRRRS_V1.id());
        // Metrics and probes on loopback like every listener of the stack, on a free port (two stacks,
        // or a test beside one, never collide); the URL is among the stack's endpoints.
        t.putIfAbsent(OpsConfig.BIND, "127.0.0.1");
        t.putIfAbsent(OpsConfig.PORT, "0");
        return t;
    }

    /** The sink connector's, for the Connect worker's REST API. */
    static Map<String, String> connector(Map<String, String> cliConfig, Parts parts, Path sseCPrivateKey) {
        Map<String, String> c = new LinkedHashMap<>();
        c.put("connector.class", "io.srrrs.sink.S3SinkConnector");
        c.put("tasks.max", "1");
        c.put("topics", cliConfig.get(TopologyConfig.OUTPUT_TOPIC));
        c.put("key.converter", "org.apache.kafka.connect.storage.StringConverter");
        c.put("value.converter", "io.srrrs.serdes.connect.AvroConverter");
        c.put("value.converter.schema.registry.url", parts.registryUrl());
        c.put("value.converter.schema.registry.ssl.truststore.location", parts.ca().truststore().toString());
        c.put("value.converter.schema.registry.ssl.truststore.password", new String(LocalCa.TRUSTSTORE_PASSWORD));
        c.put("consumer.override.isolation.level", "read_committed");
        c.put("consumer.override.max.partition.fetch.bytes", Integer.toString(4 << 20));
        c.put("store.url", parts.store().endpoint().toString());
        c.put("s3.bucket.name", LocalStack.BUCKET);
        c.put("aws.access.key.id", parts.store().accessKey());
        c.put("aws.secret.access.key", parts.store().secretKey());
        if (cliConfig.containsKey(CliConfig.TRUSTSTORE)) {
            c.put("s3.ssl.truststore.location", cliConfig.get(CliConfig.TRUSTSTORE));
            c.put("s3.ssl.truststore.password", cliConfig.get(CliConfig.TRUSTSTORE_PASSWORD));
        }
        c.put("srrrs.sse-c.private.key.file", sseCPrivateKey.toString());
        c.put("errors.tolerance", "all");
        c.put("errors.deadletterqueue.topic.name", cliConfig.get(TopologyConfig.OUTPUT_TOPIC) + ".sink-dlq");
        c.put("errors.deadletterqueue.topic.replication.factor", "1");
        c.put("errors.deadletterqueue.context.headers.enable", "true");
        c.put("errors.retry.timeout", "-1");
        c.put("errors.retry.delay.max.ms", "5000");
        return c;
    }
}
