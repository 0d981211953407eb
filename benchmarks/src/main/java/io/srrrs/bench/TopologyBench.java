package io.srrrs.bench;

import io.srrrs.crypto.kms.local.LocalKeystoreKms;
import io.srrrs.crypto.pki.LocalCa;
import io.srrrs.embedded.ApicurioRegistry;
import io.srrrs.embedded.EmbeddedKafka;
import io.srrrs.schemas.EncryptedChunk;
import io.srrrs.schemas.InlineSource;
import io.srrrs.schemas.PayloadReference;
import io.srrrs.serdes.AvroDeserializer;
import io.srrrs.serdes.AvroSerializer;
import io.srrrs.serdes.registry.HttpSchemaRegistryClient;
import io.srrrs.serdes.registry.RegistryConfig;
import io.srrrs.serdes.registry.SchemaRegistryClient;
import io.srrrs.topology.EncryptorApp;
import io.srrrs.topology.ObjectCipher;
import io.srrrs.topology.TopologyConfig;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.function.ToDoubleFunction;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * {@code bin/bench topology}: the encryption topology on a real (embedded, TLS 1.3) broker and
 * registry, on the same pre-published input, once with format v1 envelope encryption and once
 * with {@link PassthroughCipher}, alternating; prints MB/s of each, the ratio of their medians,
 * and KMS calls per 10 000 objects.
 *
 * <p>A pass is timed from the moment the topology runs until it has processed every reference
 * (its own references-processed metric); nothing else runs meanwhile, so the reader that checks
 * the output afterwards (every object complete, read_committed) costs the measurement nothing.
 * Both ciphers get a warm-up pass first. Broker, registry and topology share this machine's
 * cores, as they do in {@code srrrs demo}.
 */
public final class TopologyBench {

    private TopologyBench() {
    }

    /**
     * @param seconds    wall-clock time of the pass, end to end on a machine shared with the broker
     * @param cpuSeconds CPU time of the topology's own threads (stream thread and its producer)
     */
    record Pass(String cipher, int objects, long bytes, double seconds, double cpuSeconds, long kmsCalls) {
        double mbPerSecond() {
            return bytes / 1e6 / seconds;
        }

        /** What one core of the topology gets through: the capacity that adding instances multiplies. */
        double mbPerCpuSecond() {
            return bytes / 1e6 / cpuSeconds;
        }
    }

    public static void main(String[] args) throws Exception {
        int objects = 10_000;
        int size = 32 * 1024;
        int rounds = 3;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--objects" -> objects = Integer.parseInt(args[++i]);
                case "--size" -> size = Integer.parseInt(args[++i]);
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                default -> {
                }
            }
        }
        Path dir = Files.createTempDirectory("srrrs-bench-");
        LocalCa ca = LocalCa.createOrLoad(dir.resolve("ca"));
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"), ca);
             ApicurioRegistry registry = ApicurioRegistry.start(dir.resolve("registry"), ca)) {
            Path keystore = dir.resolve("keks.p12");
            try (LocalKeystoreKms kms = LocalKeystoreKms.openOrCreate(keystore, "bench".toCharArray())) {
                kms.createKek("bench");
            }
            Map<String, Object> registryProps = Map.of(RegistryConfig.URL, registry.url(),
                    RegistryConfig.TRUSTSTORE_LOCATION, ca.truststore().toString(),
                    RegistryConfig.TRUSTSTORE_PASSWORD, "changeit");
            SchemaRegistryClient client = new HttpSchemaRegistryClient(RegistryConfig.fromProperties(registryProps));
            System.out.printf("topology bench: %d objects of %d bytes per pass, %d rounds, JDK %s%n", objects, size,
                    rounds, System.getProperty("java.version"));

            run(kafka, client, registryProps, keystore, dir, "warmup-envelope", ObjectCipher.ENVELOPE, objects, size);
            run(kafka, client, registryProps, keystore, dir, "warmup-passthrough", new PassthroughCipher(), objects, size);
            List<Pass> passes = new ArrayList<>();
            for (int r = 0; r < rounds; r++) {
                passes.add(run(kafka, client, registryProps, keystore, dir, "envelope-" + r, ObjectCipher.ENVELOPE, objects, size));
                passes.add(run(kafka, client, registryProps, keystore, dir, "passthrough-" + r, new PassthroughCipher(),
                        objects, size));
            }
            report(passes);
        }
    }

    /** The table of passes, then the medians' ratios: end to end, and per CPU-second of the topology. */
    private static void report(List<Pass> passes) {
        System.out.println();
        System.out.printf("%-16s %8s %9s %9s %9s %9s %14s %12s%n", "pass", "objects", "MB", "seconds", "MB/s",
                "CPU s", "MB/CPU-second", "KMS/10k obj");
        for (Pass p : passes) {
            System.out.printf(Locale.ROOT, "%-16s %8d %9.1f %9.2f %9.1f %9.2f %14.1f %12.1f%n", p.cipher(), p.objects(),
                    p.bytes() / 1e6, p.seconds(), p.mbPerSecond(), p.cpuSeconds(), p.mbPerCpuSecond(),
                    p.kmsCalls() * 10_000.0 / p.objects());
        }
        double wallEnvelope = median(passes, "envelope", Pass::mbPerSecond);
        double wallPassthrough = median(passes, "passthrough", Pass::mbPerSecond);
        double cpuEnvelope = median(passes, "envelope", Pass::mbPerCpuSecond);
        double cpuPassthrough = median(passes, "passthrough", Pass::mbPerCpuSecond);
        double ratio = cpuEnvelope / cpuPassthrough;
        System.out.printf(Locale.ROOT, "%nend to end (medians): envelope %.1f MB/s, passthrough %.1f MB/s, ratio %.3f%n",
                wallEnvelope, wallPassthrough, wallEnvelope / wallPassthrough);
        System.out.printf(Locale.ROOT, "topology per CPU-second (medians): envelope %.1f MB, passthrough %.1f MB, "
                + "ratio %.3f (target >= 0.95: %s)%n", cpuEnvelope, cpuPassthrough, ratio, ratio >= 0.95 ? "met" : "NOT met");
    }

    private static double median(List<Pass> passes, String cipher, ToDoubleFunction<Pass> metric) {
        double[] v = passes.stream().filter(p -> p.cipher().startsWith(cipher)).mapToDouble(metric).sorted()
                .toArray();
        return v.length == 0 ? 0 : v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    /** One pass: publishes {@code objects} references, times the topology over them, checks its output. */
    static Pass run(EmbeddedKafka kafka, SchemaRegistryClient registry, Map<String, Object> registryProps, Path keystore,
                    Path dir, String name, ObjectCipher cipher, int objects, int size) throws Exception {
        String prefix = "bench-" + name;
        publish(kafka, registry, prefix, objects, size);
        Map<String, String> settings = topologySettings(kafka, registryProps, keystore, dir, prefix);
        Pass pass;
        try (EncryptorApp app = EncryptorApp.start(TopologyConfig.of(settings), cipher)) {
            app.awaitRunning(Duration.ofSeconds(60));
            long start = System.nanoTime();
            long cpuStart = topologyCpuNanos(prefix);
            while (processed(app) < objects) {
                if (System.nanoTime() - start > Duration.ofMinutes(10).toNanos()) {
                    throw new IllegalStateException(name + ": only " + processed(app) + " of " + objects + " in 10 min");
                }
                Thread.sleep(20);
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            double cpu = (topologyCpuNanos(prefix) - cpuStart) / 1e9;
            pass = new Pass(name, objects, (long) objects * size, seconds, cpu, app.kms().totalKmsCalls());
        }
        // Outside the timed part: every object is in the chunk topic, complete, read_committed.
        checkOutput(kafka, registry, prefix, name, objects, size);
        System.out.printf(Locale.ROOT, "  %-20s %.1f MB/s%n", name, pass.mbPerSecond());
        return pass;
    }

    /** The pass's input topic, filled before the topology starts: {@code objects} inline references of random bytes. */
    private static void publish(EmbeddedKafka kafka, SchemaRegistryClient registry, String prefix, int objects, int size) {
        kafka.createTopic(prefix + "-refs", 1, Map.of());
        Random random = new Random(42);
        byte[] payload = new byte[size];
        Map<String, Object> producerProps = new HashMap<>(kafka.clientProperties());
        producerProps.put("linger.ms", "20");
        producerProps.put("batch.size", Integer.toString(1 << 20));
        try (KafkaProducer<String, PayloadReference> producer = new KafkaProducer<>(producerProps, new StringSerializer(),
                new AvroSerializer<>(registry, true))) {
            for (int i = 0; i < objects; i++) {
                random.nextBytes(payload);
                PayloadReference ref = PayloadReference.newBuilder().setId(prefix + "-" + i)
                        .setSource(new InlineSource(ByteBuffer.wrap(payload.clone()))).setBucket("bench")
                        .setKey("objects/" + i).setEncryptionContext(Map.of("tenant", "bench")).build();
                producer.send(new ProducerRecord<>(prefix + "-refs", ref.getId(), ref));
            }
        }
    }

    /** The topology's configuration for one pass: its own topics, state and application id, the local KMS. */
    private static Map<String, String> topologySettings(EmbeddedKafka kafka, Map<String, Object> registryProps,
                                                        Path keystore, Path dir, String prefix) {
        Map<String, String> settings = new HashMap<>();
        kafka.clientProperties().forEach((k, v) -> settings.put(k, String.valueOf(v)));
        registryProps.forEach((k, v) -> settings.put(k, String.valueOf(v)));
        settings.put("application.id", prefix);
        settings.put("state.dir", dir.resolve(prefix + "-state").toString());
        settings.put("replication.factor", "1");
        settings.put(TopologyConfig.INPUT_TOPIC, prefix + "-refs");
        settings.put(TopologyConfig.OUTPUT_TOPIC, prefix + "-chunks");
        settings.put(TopologyConfig.DLQ_TOPIC, prefix + "-dlq");
        settings.put(TopologyConfig.KEK_DEFAULT, "bench");
        settings.put(TopologyConfig.BUCKET_ALLOWED, "bench"); // required; the references' only bucket
        settings.put("kms.type", "local");
        settings.put("kms.local.keystore", keystore.toString());
        settings.put("kms.local.password", "bench");
        return settings;
    }

    /** Every object of the pass is in the chunk topic, complete, as a read_committed reader sees it. */
    private static void checkOutput(EmbeddedKafka kafka, SchemaRegistryClient registry, String prefix, String name,
                                    int objects, int size) {
        Map<String, Object> consumerProps = new HashMap<>(kafka.clientProperties());
        consumerProps.put("group.id", prefix + "-check");
        consumerProps.put("auto.offset.reset", "earliest");
        consumerProps.put("isolation.level", "read_committed");
        consumerProps.put("max.partition.fetch.bytes", Integer.toString(8 << 20));
        try (KafkaConsumer<String, EncryptedChunk> consumer = new KafkaConsumer<>(consumerProps, new StringDeserializer(),
                new AvroDeserializer<>(EncryptedChunk.class, registry))) {
            consumer.subscribe(List.of(prefix + "-chunks"));
            int complete = 0;
            long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
            while (complete < objects && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, EncryptedChunk> r : consumer.poll(Duration.ofMillis(200))) {
                    if (r.value().getLast() && !r.value().getAborted() && r.value().getPlaintextLength() == size) {
                        complete++;
                    }
                }
            }
            if (complete != objects) {
                throw new IllegalStateException(name + ": " + complete + " of " + objects + " objects in the chunk topic");
            }
        }
    }

    /** CPU time so far of the topology's threads: its stream threads and their producers' senders. */
    private static long topologyCpuNanos(String applicationId) {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        long sum = 0;
        for (ThreadInfo t : mx.getThreadInfo(mx.getAllThreadIds())) {
            if (t != null && t.getThreadName().contains(applicationId) && t.getThreadName().contains("StreamThread")) {
                long cpu = mx.getThreadCpuTime(t.getThreadId());
                if (cpu > 0) {
                    sum += cpu;
                }
            }
        }
        return sum;
    }

    private static long processed(EncryptorApp app) {
        double sum = 0;
        for (var e : app.streams().metrics().entrySet()) {
            if (e.getKey().group().equals("srrrs-topology-metrics") && e.getKey().name().equals("references-processed-total")) {
                sum += ((Number) e.getValue().metricValue()).doubleValue();
            }
        }
        return (long) sum;
    }
}
