package io.srrrs.topology;

import io.srrrs.schemas.EncryptedChunk;
import io.srrrs.schemas.InlineSource;
import io.srrrs.schemas.PayloadReference;
import io.srrrs.schemas.RejectedReference;
import io.srrrs.schemas.UriSource;
import io.srrrs.serdes.AvroDeserializer;
import io.srrrs.serdes.AvroSerializer;
import io.srrrs.serdes.registry.HttpSchemaRegistryClient;
import io.srrrs.serdes.registry.RegistryConfig;
import io.srrrs.serdes.registry.SchemaRegistryClient;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Small tools around the topology, with the topology's own configuration file:
 * <pre>
 *   publish --config F (--file PATH | --inline TEXT | --uri URI) --bucket B --key K [--context k=v]... [--id ID]
 *   watch   --config F [--seconds N]     one line per chunk and per DLQ record, read_committed
 *   keys    --config F (--create NAME | --rotate NAME | --disable NAME | --enable NAME | --list x)
 *                                        KEKs of the local keystore named by kms.local.*
 * </pre>
 */
public final class ReferenceTool {

    private ReferenceTool() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 0 || args[0].equals("--help")) {
            System.out.println("usage: publish --config F (--file PATH | --inline TEXT | --uri URI) --bucket B --key K"
                    + " [--context k=v]... [--id ID]\n       watch --config F [--seconds N]\n"
                    + "       keys --config F (--create NAME | --rotate NAME | --disable NAME | --enable NAME | --list all)\n"
                    + "       sse-c-keypair --out FILE");
            return;
        }
        Map<String, String> opts = new LinkedHashMap<>();
        Map<String, String> context = new LinkedHashMap<>();
        for (int i = 1; i < args.length; i++) {
            String name = args[i];
            if (!name.startsWith("--") || i + 1 >= args.length) {
                fail("expected --option value, got " + name);
            }
            String value = args[++i];
            if (name.equals("--context")) {
                int eq = value.indexOf('=');
                if (eq <= 0) {
                    fail("--context takes key=value");
                }
                context.put(value.substring(0, eq), value.substring(eq + 1));
            } else {
                opts.put(name.substring(2), value);
            }
        }
        if (args[0].equals("sse-c-keypair")) {
            sseCKeyPair(Path.of(required(opts, "out")));
            return;
        }
        TopologyConfig config = TopologyConfig.load(opts.containsKey("config") ? Path.of(opts.get("config")) : null,
                System.getenv());
        switch (args[0]) {
            case "publish" -> publish(config, opts, context);
            case "watch" -> watch(config, Integer.parseInt(opts.getOrDefault("seconds", "30")));
            case "keys" -> keys(config, opts);
            default -> fail("unknown command " + args[0] + " (publish, watch, keys, sse-c-keypair)");
        }
    }

    static void publish(TopologyConfig config, Map<String, String> opts, Map<String, String> context) throws Exception {
        PayloadReference.Builder ref = PayloadReference.newBuilder()
                .setId(opts.getOrDefault("id", UUID.randomUUID().toString()))
                .setBucket(required(opts, "bucket"))
                .setKey(required(opts, "key"))
                .setEncryptionContext(context);
        if (opts.containsKey("file")) {
            ref.setSource(new UriSource(Path.of(opts.get("file")).toAbsolutePath().toUri().toString()));
        } else if (opts.containsKey("uri")) {
            ref.setSource(new UriSource(opts.get("uri")));
        } else if (opts.containsKey("inline")) {
            ref.setSource(new InlineSource(ByteBuffer.wrap(opts.get("inline").getBytes(java.nio.charset.StandardCharsets.UTF_8))));
        } else {
            fail("one of --file, --uri, --inline is required");
        }
        PayloadReference built = ref.build();
        SchemaRegistryClient registry = new HttpSchemaRegistryClient(RegistryConfig.fromProperties(config.registryConfig()));
        try (KafkaProducer<String, PayloadReference> producer = new KafkaProducer<>(config.kafkaClientProperties(),
                new StringSerializer(), new AvroSerializer<>(registry, true))) {
            producer.send(new ProducerRecord<>(config.getString(TopologyConfig.INPUT_TOPIC), built.getId(), built)).get();
        }
        System.out.println("published reference " + built.getId() + " -> s3://" + built.getBucket() + "/" + built.getKey());
    }

    static void watch(TopologyConfig config, int seconds) {
        SchemaRegistryClient registry = new HttpSchemaRegistryClient(RegistryConfig.fromProperties(config.registryConfig()));
        Map<String, Object> props = config.kafkaClientProperties();
        props.put("group.id", "srrrs-watch-" + UUID.randomUUID());
        props.put("auto.offset.reset", "earliest");
        props.put("isolation.level", "read_committed");
        AvroDeserializer<EncryptedChunk> chunks = new AvroDeserializer<>(EncryptedChunk.class, registry);
        AvroDeserializer<RejectedReference> rejects = new AvroDeserializer<>(RejectedReference.class, registry);
        String chunkTopic = config.getString(TopologyConfig.OUTPUT_TOPIC);
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(chunkTopic, config.getString(TopologyConfig.DLQ_TOPIC)));
            long deadline = System.currentTimeMillis() + seconds * 1000L;
            while (System.currentTimeMillis() < deadline) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    if (r.topic().equals(chunkTopic)) {
                        EncryptedChunk c = chunks.deserialize(r.topic(), r.value());
                        System.out.printf("chunk  %s  s3://%s/%s  #%d%s  %d bytes%s%n", c.getReferenceId(), c.getBucket(),
                                c.getKey(), c.getSequence(), c.getLast() ? " last" : "", c.getCiphertext().remaining(),
                                c.getAborted() ? "  ABANDONED" : c.getStart() != null ? "  kek=" + c.getStart().getKekId() : "");
                    } else {
                        RejectedReference d = rejects.deserialize(r.topic(), r.value());
                        System.out.printf("DLQ    %s  %s/%s  %s%n", d.getReferenceId(), d.getStage(), d.getReason(),
                                d.getMessage());
                    }
                }
            }
        }
    }

    static void keys(TopologyConfig config, Map<String, String> opts) throws Exception {
        Map<String, String> kms = config.kmsConfig();
        if (!"local".equals(kms.getOrDefault("kms.type", "local"))) {
            fail("keys manages the local keystore only (kms.type=local)");
        }
        try (io.srrrs.crypto.kms.local.LocalKeystoreKms store = io.srrrs.crypto.kms.local.LocalKeystoreKms.openOrCreate(
                Path.of(io.srrrs.crypto.kms.KmsConfig.required(kms, "kms.local.keystore")),
                io.srrrs.crypto.kms.KmsConfig.secret(kms, "kms.local.password"))) {
            if (opts.containsKey("create")) {
                System.out.println("created " + store.createKek(opts.get("create")));
            } else if (opts.containsKey("rotate")) {
                System.out.println("rotated " + store.rotate(opts.get("rotate")));
            } else if (opts.containsKey("disable")) {
                System.out.println("disabled " + store.disable(opts.get("disable")));
            } else if (opts.containsKey("enable")) {
                System.out.println("enabled " + store.enable(opts.get("enable")));
            }
            store.listKeks().forEach(k -> System.out.println(k.name() + "  v" + k.primaryVersion() + "  " + k.state()
                    + (k.aliases().isEmpty() ? "" : "  aliases " + k.aliases())));
        }
    }

    /**
     * A key pair for SSE-C: the private half in {@code out} (owner-only), for the sink's
     * {@code srrrs.sse-c.private.key.file}; the public half printed, for the topology's
     * {@code srrrs.sse-c.sink.public.key}.
     */
    static void sseCKeyPair(Path out) throws java.io.IOException {
        if (Files.exists(out)) {
            fail(out + " exists; not overwriting a sink's private key");
        }
        io.srrrs.crypto.SseCKeySealer.KeyPair pair = io.srrrs.crypto.SseCKeySealer.generateKeyPair();
        Files.createFile(out, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
        Files.writeString(out, pair.privateKeyBase64() + "\n");
        System.out.println("sink private key written to " + out + " (give the connector "
                + "srrrs.sse-c.private.key.file=" + out.toAbsolutePath() + ")");
        System.out.println("topology: " + TopologyConfig.SSE_C_SINK_PUBLIC_KEY + "=" + pair.publicKeyBase64());
    }

    private static String required(Map<String, String> opts, String name) {
        String v = opts.get(name);
        if (v == null) {
            fail("--" + name + " is required");
        }
        return v;
    }

    private static void fail(String message) {
        System.err.println(message);
        System.exit(2);
    }

}
