package io.srrrs.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.srrrs.crypto.kms.KmsConfig;
import io.srrrs.crypto.kms.DecoratedKms;
import io.srrrs.schemas.EncryptedChunk;
import io.srrrs.schemas.ObjectStart;
import io.srrrs.schemas.PayloadReference;

import java.io.IOException;
import java.io.Writer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exactly once across a crash: the topology runs as its own JVM (EncryptorApp's main), is killed
 * with SIGKILL while it is in the middle of a 200 MB object, after some of its slices were
 * committed (D49), and is started again. The restarted topology encrypts that object again from
 * chunk 0 under attempt 1; a read_committed reader that keeps, as the sink does, only the newest
 * attempt of each reference then has every object exactly once and complete, although the log
 * also holds attempt 0's committed slices and the killed transaction's chunks.
 */
class ExactlyOnceIT {

    @TempDir
    Path dir;

    Process startTopology(Path config, Path log) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new ProcessBuilder(java, "-Xmx768m", "-Dorg.slf4j.simpleLogger.defaultLogLevel=info",
                "-cp", System.getProperty("java.class.path"), EncryptorApp.class.getName(), "--config", config.toString())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    }

    @Test
    void aTopologyKilledMidObjectAndRestartedLeavesEveryObjectExactlyOnce() throws Exception {
        TopologyItEnvironment stack = TopologyItEnvironment.get();
        String prefix = "eos";
        stack.kafka.createTopic(prefix + "-refs", 1, Map.of());
        Map<String, byte[]> expected = new LinkedHashMap<>();
        List<PayloadReference> refs = new ArrayList<>();
        long[] sizes = {100_000, 200L * 1024 * 1024, 300_000, 1_000};
        for (int i = 0; i < sizes.length; i++) {
            Path f = dir.resolve("p" + i + ".bin");
            expected.put("eos-" + i, EncryptionPipelineIT.writePayload(f, sizes[i], 100 + i));
            refs.add(Fixtures.uri("eos-" + i, "file:" + f).build());
        }
        Map<String, String> settings = stack.topologySettings(prefix, dir);
        Path config = dir.resolve("encryptor.properties");
        Properties p = new Properties();
        p.putAll(settings);
        try (Writer w = Files.newBufferedWriter(config)) {
            p.store(w, "ExactlyOnceIT");
        }
        Path log = dir.resolve("topology.log");
        stack.publish(prefix + "-refs", refs);

        Process first = startTopology(config, log);
        int bigChunksBeforeKill;
        // read_committed: the kill comes once some of the big object's slices are committed.
        try (KafkaConsumer<String, EncryptedChunk> watcher = stack.chunkConsumer("eos-watch", true)) {
            watcher.subscribe(List.of(prefix + "-chunks"));
            List<ConsumerRecord<String, EncryptedChunk>> seen = TopologyItEnvironment.pollUntil(watcher, Duration.ofSeconds(120),
                    all -> all.stream().filter(r -> r.value().getReferenceId().equals("eos-1")).count() >= 4);
            List<EncryptedChunk> big = seen.stream().map(ConsumerRecord::value)
                    .filter(c -> c.getReferenceId().equals("eos-1")).toList();
            assertThat(big).as("the topology got into the big object (log: %s)", log).hasSizeGreaterThanOrEqualTo(4);
            first.destroyForcibly(); // SIGKILL: no clean shutdown, the transaction stays open
            assertThat(first.waitFor(30, TimeUnit.SECONDS)).isTrue();
            bigChunksBeforeKill = big.size();
            assertThat(big).as("killed in the middle of the object, before its last chunk")
                    .noneMatch(EncryptedChunk::getLast);
        }

        Process second = startTopology(config, log);
        try {
            Map<String, Long> nextSequence = new HashMap<>();
            Map<String, Integer> attempts = new HashMap<>();
            Map<String, EncryptedChunk> lasts = new HashMap<>();
            Map<String, ObjectStart> starts = new HashMap<>();
            Map<String, Path> bodies = new HashMap<>();
            try (KafkaConsumer<String, EncryptedChunk> consumer = stack.chunkConsumer("eos-check", true)) {
                consumer.subscribe(List.of(prefix + "-chunks"));
                long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
                while (lasts.size() < expected.size() && System.nanoTime() < deadline) {
                    assertThat(second.isAlive()).as("restarted topology alive (log: %s)", log).isTrue();
                    for (ConsumerRecord<String, EncryptedChunk> r : consumer.poll(Duration.ofMillis(500))) {
                        EncryptedChunk c = r.value();
                        String id = c.getReferenceId();
                        assertThat(lasts).as("nothing of %s after its last chunk", id).doesNotContainKey(id);
                        int attempt = attempts.getOrDefault(id, 0);
                        assertThat(c.getAttempt()).as("%s: attempts only go up", id).isGreaterThanOrEqualTo(attempt);
                        if (c.getAttempt() > attempt) { // a newer attempt supersedes what came before: start again
                            assertThat(c.getSequence()).as("%s: a new attempt starts at chunk 0", id).isZero();
                            attempts.put(id, c.getAttempt());
                            nextSequence.remove(id);
                            Files.deleteIfExists(dir.resolve(id + ".ct"));
                        }
                        assertThat(c.getSequence()).as("%s: every chunk once, in order", id)
                                .isEqualTo(nextSequence.getOrDefault(id, 0L));
                        nextSequence.put(id, c.getSequence() + 1);
                        if (c.getStart() != null) {
                            starts.put(id, c.getStart());
                        }
                        Path body = bodies.computeIfAbsent(id, k -> dir.resolve(k + ".ct"));
                        try (FileChannel ch = FileChannel.open(body, StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
                            ch.write(c.getCiphertext().duplicate());
                        }
                        if (c.getLast()) {
                            lasts.put(id, c);
                        }
                    }
                }
                // Nothing more arrives after every object is complete.
                assertThat(consumer.poll(Duration.ofSeconds(3))).isEmpty();
            }
            assertThat(lasts.keySet()).containsExactlyInAnyOrderElementsOf(expected.keySet());
            assertThat(lasts.get("eos-1").getAttempt()).as("the big object was started again after the kill").isEqualTo(1);
            try (DecoratedKms kms = KmsConfig.stack(TopologyConfig.of(settings).kmsConfig())) {
                for (Map.Entry<String, byte[]> e : expected.entrySet()) {
                    assertThat(lasts.get(e.getKey()).getAborted()).isFalse();
                    assertThat(EncryptionPipelineIT.decryptedSha256(starts.get(e.getKey()), lasts.get(e.getKey()),
                            bodies.get(e.getKey()), kms)).isEqualTo(HexFormat.of().formatHex(e.getValue()));
                }
            }
            // The killed attempt's chunks are in the log, invisible to read_committed readers.
            try (KafkaConsumer<String, EncryptedChunk> raw = stack.chunkConsumer("eos-raw", false)) {
                raw.subscribe(List.of(prefix + "-chunks"));
                long committedBig = nextSequence.get("eos-1");
                List<ConsumerRecord<String, EncryptedChunk>> all = TopologyItEnvironment.pollUntil(raw, Duration.ofSeconds(60),
                        a -> a.stream().filter(r -> r.value().getReferenceId().equals("eos-1")).count()
                                >= committedBig + bigChunksBeforeKill);
                long firstChunks = all.stream().filter(r -> r.value().getReferenceId().equals("eos-1")
                        && r.value().getSequence() == 0).count();
                assertThat(firstChunks).as("chunk 0 of the big object written twice: attempt 0's, committed with its "
                        + "first slices, and attempt 1's").isEqualTo(2);
            }
        } finally {
            second.destroy();
            second.waitFor(30, TimeUnit.SECONDS);
        }
    }
}
