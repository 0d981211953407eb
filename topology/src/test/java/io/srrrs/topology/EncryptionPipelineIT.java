package io.srrrs.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.srrrs.crypto.ObjectDecryptor;
import io.srrrs.crypto.format.EncryptionContext;
import io.srrrs.crypto.format.FormatHeader;
import io.srrrs.crypto.format.ObjectIdentity;
import io.srrrs.crypto.kms.DataKey;
import io.srrrs.crypto.kms.KekId;
import io.srrrs.crypto.kms.KmsConfig;
import io.srrrs.crypto.kms.DecoratedKms;
import io.srrrs.crypto.kms.WrappedDek;
import io.srrrs.schemas.EncryptedChunk;
import io.srrrs.schemas.ObjectStart;
import io.srrrs.schemas.PayloadReference;
import io.srrrs.schemas.RejectedReference;
import io.srrrs.serdes.AvroDeserializer;

import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The topology for real: an in-process KRaft broker with a TLS 1.3 listener, the real Apicurio
 * registry over TLS 1.3, the local KMS. References of mixed sizes, one of them a file of 210 MB,
 * go in; the ciphertext topic, read read_committed, decrypts to the same SHA-256 for every one;
 * the bytes Kafka stored for the ciphertext and DLQ topics contain no plaintext canary.
 */
class EncryptionPipelineIT {

    @TempDir
    Path inbox;

    /** Writes {@code size} pseudo-random bytes with the canary every 64 KiB; returns the SHA-256. */
    static byte[] writePayload(Path file, long size, long seed) throws Exception {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        Random random = new Random(seed);
        byte[] block = new byte[1 << 20];
        try (OutputStream out = Files.newOutputStream(file)) {
            for (long written = 0; written < size; written += block.length) {
                random.nextBytes(block);
                for (int at = 0; at + Fixtures.CANARY.length <= block.length; at += 65536) {
                    System.arraycopy(Fixtures.CANARY, 0, block, at, Fixtures.CANARY.length);
                }
                int n = (int) Math.min(block.length, size - written);
                out.write(block, 0, n);
                sha.update(block, 0, n);
            }
        }
        return sha.digest();
    }

    @Test
    void mixedReferencesIncludingA210MbFileArriveEncryptedExactlyAsTheyLeft() throws Exception {
        TopologyItEnvironment stack = TopologyItEnvironment.get();
        String prefix = "pipe";
        stack.kafka.createTopic(prefix + "-refs", 3, Map.of());
        Map<String, byte[]> expected = new LinkedHashMap<>();
        List<PayloadReference> refs = new ArrayList<>();
        long[] sizes = {0, 1, 65_536, 5_000_000, 210L * 1024 * 1024};
        for (int i = 0; i < sizes.length; i++) {
            Path f = inbox.resolve("file-" + i + ".bin");
            expected.put("file-" + i, writePayload(f, sizes[i], i));
            refs.add(Fixtures.uri("file-" + i, "file:" + f).build());
        }
        for (int i = 0; i < 4; i++) {
            byte[] data = Fixtures.payload(10_000 * (i + 1));
            expected.put("inline-" + i, Fixtures.sha256(data));
            refs.add(Fixtures.inline("inline-" + i, data).build());
        }
        refs.add(Fixtures.uri("bad-missing", "file:" + inbox.resolve("missing.bin")).build());
        refs.add(Fixtures.uri("bad-traversal", "file:" + inbox + "/../etc/passwd").build());

        Map<String, String> settings = stack.topologySettings(prefix, inbox);
        try (EncryptorApp app = EncryptorApp.start(TopologyConfig.of(settings))) {
            app.awaitRunning(Duration.ofSeconds(60));
            stack.publish(prefix + "-refs", refs);

            Map<String, Path> bodies = new HashMap<>();
            Map<String, ObjectStart> starts = new HashMap<>();
            Map<String, EncryptedChunk> lasts = new HashMap<>();
            Map<String, Long> nextSequence = new HashMap<>();
            try (KafkaConsumer<String, EncryptedChunk> consumer = stack.chunkConsumer("pipe-check", true)) {
                consumer.subscribe(List.of(prefix + "-chunks"));
                long deadline = System.nanoTime() + Duration.ofMinutes(6).toNanos();
                while (lasts.size() < expected.size() && System.nanoTime() < deadline) {
                    for (ConsumerRecord<String, EncryptedChunk> r : consumer.poll(Duration.ofMillis(500))) {
                        EncryptedChunk c = r.value();
                        String id = c.getReferenceId();
                        assertThat(c.getSequence()).as("chunks of %s in order, once", id)
                                .isEqualTo(nextSequence.getOrDefault(id, 0L));
                        nextSequence.put(id, c.getSequence() + 1);
                        if (c.getStart() != null) {
                            starts.put(id, c.getStart());
                        }
                        Path body = bodies.computeIfAbsent(id, k -> inbox.resolve(k + ".ciphertext"));
                        try (FileChannel ch = FileChannel.open(body, StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
                            ch.write(c.getCiphertext().duplicate());
                        }
                        if (c.getLast()) {
                            assertThat(c.getAborted()).isFalse();
                            lasts.put(id, c);
                        }
                    }
                }
            }
            assertThat(lasts.keySet()).containsExactlyInAnyOrderElementsOf(expected.keySet());

            try (DecoratedKms reader = KmsConfig.stack(TopologyConfig.of(settings).kmsConfig())) {
                for (Map.Entry<String, byte[]> e : expected.entrySet()) {
                    String id = e.getKey();
                    EncryptedChunk last = lasts.get(id);
                    assertThat(Files.size(bodies.get(id))).isEqualTo(last.getObjectLength());
                    assertThat(decryptedSha256(starts.get(id), last, bodies.get(id), reader))
                            .as("SHA-256 of %s", id).isEqualTo(HexFormat.of().formatHex(e.getValue()));
                }
            }

            List<String> rejected = rejectedIds(stack, prefix);
            assertThat(rejected).containsExactlyInAnyOrder("bad-missing:SOURCE_NOT_FOUND", "bad-traversal:PATH_NOT_ALLOWED");

            MBeanServer jmx = ManagementFactory.getPlatformMBeanServer();
            double processed = 0;
            for (ObjectName name : jmx.queryNames(new ObjectName("kafka.streams:type=srrrs-topology-metrics,*"), null)) {
                if (name.getKeyProperty("reason") != null) {
                    continue; // the per-reason DLQ counters live in beans of their own
                }
                processed += ((Number) jmx.getAttribute(name, "references-processed-total")).doubleValue();
            }
            assertThat(processed).as("JMX kafka.streams:type=srrrs-topology-metrics").isEqualTo(expected.size());
        }

        // What Kafka stored for the ciphertext and DLQ topics holds no plaintext.
        List<Path> scanned = new ArrayList<>();
        try (Stream<Path> dirs = Files.list(stack.kafka.logDir())) {
            for (Path d : dirs.filter(p -> p.getFileName().toString().startsWith(prefix + "-chunks-")
                    || p.getFileName().toString().startsWith(prefix + "-refs.dlq-")).toList()) {
                try (Stream<Path> files = Files.list(d)) {
                    for (Path f : files.filter(Files::isRegularFile).toList()) {
                        scanned.add(f);
                        assertThat(containsCanary(f)).as("canary in %s", f).isFalse();
                    }
                }
            }
        }
        assertThat(scanned).anyMatch(p -> p.toString().endsWith(".log"));
        // ...and the scan can find the canary where it is allowed to be: the input topic (inline payloads).
        boolean inInput = false;
        try (Stream<Path> dirs = Files.list(stack.kafka.logDir())) {
            for (Path d : dirs.filter(p -> p.getFileName().toString().startsWith(prefix + "-refs-")).toList()) {
                try (Stream<Path> files = Files.list(d)) {
                    for (Path f : files.filter(p -> p.toString().endsWith(".log")).toList()) {
                        inInput |= containsCanary(f);
                    }
                }
            }
        }
        assertThat(inInput).as("the scan finds the canary in the input topic").isTrue();
    }

    static String decryptedSha256(ObjectStart start, EncryptedChunk last, Path body, DecoratedKms kms) throws Exception {
        EncryptionContext ctx = EncryptionContext.of(start.getEncryptionContext());
        byte[] wrapped = bytes(start.getWrappedDek());
        WrappedDek w = new WrappedDek(start.getKms(), new KekId(start.getKekId()), wrapped);
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        try (DataKey dek = kms.kms().unwrap(w, ctx);
             ObjectDecryptor dec = ObjectDecryptor.open(FormatHeader.parse(bytes(start.getHeader())), dek,
                     new ObjectIdentity(last.getBucket(), last.getKey()), ctx);
             InputStream in = new DigestInputStream(dec.decrypt(Files.newInputStream(body)), sha)) {
            in.transferTo(OutputStream.nullOutputStream());
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    static byte[] bytes(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.duplicate().get(out);
        return out;
    }

    static boolean containsCanary(Path file) throws Exception {
        byte[] needle = Fixtures.CANARY;
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[1 << 20];
            byte[] carry = new byte[0];
            for (int n; (n = in.read(buf)) > 0; ) {
                byte[] window = new byte[carry.length + n];
                System.arraycopy(carry, 0, window, 0, carry.length);
                System.arraycopy(buf, 0, window, carry.length, n);
                if (Fixtures.contains(window, needle)) {
                    return true;
                }
                carry = java.util.Arrays.copyOfRange(window, Math.max(0, window.length - needle.length + 1), window.length);
            }
        }
        return false;
    }

    static List<String> rejectedIds(TopologyItEnvironment stack, String prefix) {
        Map<String, Object> c = new HashMap<>(stack.kafka.clientProperties());
        c.put("group.id", prefix + "-dlq-check");
        c.put("auto.offset.reset", "earliest");
        c.put("isolation.level", "read_committed");
        try (KafkaConsumer<String, RejectedReference> consumer = new KafkaConsumer<>(c, new StringDeserializer(),
                new AvroDeserializer<>(RejectedReference.class, stack.registryClient))) {
            consumer.subscribe(List.of(prefix + "-refs.dlq"));
            return TopologyItEnvironment.pollUntil(consumer, Duration.ofSeconds(30), all -> all.size() >= 2).stream()
                    .map(r -> r.value().getReferenceId() + ":" + r.value().getReason()).toList();
        }
    }
}
