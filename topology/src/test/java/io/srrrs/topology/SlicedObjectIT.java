package io.srrrs.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.srrrs.crypto.kms.DecoratedKms;
import io.srrrs.crypto.kms.KmsConfig;
import io.srrrs.schemas.EncryptedChunk;
import io.srrrs.schemas.ObjectStart;

import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Overlapping stages on the real broker (D49): a 100 MiB object with 8 MiB slices is committed in
 * several transactions, so a read_committed reader (the sink) has its first chunks while the
 * topology is still encrypting the rest. The chunk topic stamps records with the broker's append
 * time, so "before the last chunk was produced" is read off the log itself.
 */
class SlicedObjectIT {

    static final long SIZE = 100L * 1024 * 1024;
    static final long SLICE = 8L * 1024 * 1024;

    @TempDir
    Path dir;

    @Test
    void aLargeObjectIsVisibleToReadCommittedReadersBeforeItsLastChunkIsProduced() throws Exception {
        TopologyItEnvironment stack = TopologyItEnvironment.get();
        String prefix = "sliced";
        stack.kafka.createTopic(prefix + "-refs", 1, Map.of());
        stack.kafka.createTopic(prefix + "-chunks", 1, Map.of("message.timestamp.type", "LogAppendTime"));
        Path file = dir.resolve("big.bin");
        byte[] sha256 = EncryptionPipelineIT.writePayload(file, SIZE, 7);
        Map<String, String> settings = stack.topologySettings(prefix, dir);
        settings.put(TopologyConfig.SLICE_BYTES, Long.toString(SLICE));
        // To measure the gap between slices under other Kafka Streams settings: k=v,k=v.
        String extra = System.getProperty("srrrs.it.streams", "");
        for (String kv : extra.split(",")) {
            if (kv.contains("=")) {
                settings.put(kv.substring(0, kv.indexOf('=')), kv.substring(kv.indexOf('=') + 1));
            }
        }
        try (EncryptorApp app = EncryptorApp.start(TopologyConfig.of(settings));
             KafkaConsumer<String, EncryptedChunk> consumer = stack.chunkConsumer("sliced-check", true)) {
            app.awaitRunning(Duration.ofSeconds(60));
            consumer.subscribe(List.of(prefix + "-chunks"));
            stack.publish(prefix + "-refs", List.of(Fixtures.uri("sliced-1", "file:" + file).build()));

            Path body = dir.resolve("big.ct");
            List<ConsumerRecord<String, EncryptedChunk>> seen = new ArrayList<>();
            long firstSeenAt = -1;
            EncryptedChunk last = null;
            ObjectStart start = null;
            long deadline = System.nanoTime() + Duration.ofMinutes(4).toNanos();
            while (last == null && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, EncryptedChunk> r : consumer.poll(Duration.ofMillis(100))) {
                    EncryptedChunk c = r.value();
                    if (firstSeenAt < 0) {
                        firstSeenAt = System.currentTimeMillis();
                    }
                    assertThat(c.getAttempt()).as("no restart in a healthy run").isZero();
                    assertThat(c.getSequence()).as("in order, once").isEqualTo(seen.size());
                    seen.add(r);
                    start = c.getStart() != null ? c.getStart() : start;
                    try (FileChannel ch = FileChannel.open(body, StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
                        ch.write(c.getCiphertext().duplicate());
                    }
                    last = c.getLast() ? c : null;
                }
            }
            assertThat(last).as("the object completed").isNotNull();
            assertThat(last.getAborted()).isFalse();
            long lastAppended = seen.get(seen.size() - 1).timestamp();
            long firstAppended = seen.get(0).timestamp();
            System.out.printf("SlicedObjectIT: %d chunks, first appended -> last appended %d ms, first read "
                    + "(read_committed) %d ms before the last was appended; settings [%s]%n", seen.size(),
                    lastAppended - firstAppended, lastAppended - firstSeenAt, extra);
            printSliceGaps(seen);
            assertThat(firstSeenAt).as("a read_committed reader had chunks before the last chunk was produced")
                    .isLessThan(lastAppended);
            try (DecoratedKms kms = KmsConfig.stack(TopologyConfig.of(settings).kmsConfig())) {
                assertThat(EncryptionPipelineIT.decryptedSha256(start, last, body, kms))
                        .isEqualTo(HexFormat.of().formatHex(sha256));
            }
        }
    }

    /** The pauses in the log between two slices' chunks: how long a slice waits for its turn. */
    private static void printSliceGaps(List<ConsumerRecord<String, EncryptedChunk>> seen) {
        List<Long> gaps = new ArrayList<>();
        long slicesOf = 0;
        long bytes = 0;
        for (int i = 1; i < seen.size(); i++) {
            bytes += seen.get(i - 1).value().getCiphertext().remaining();
            if (bytes >= SLICE) { // chunk i begins the next slice
                gaps.add(seen.get(i).timestamp() - seen.get(i - 1).timestamp());
                bytes = 0;
                slicesOf++;
            }
        }
        System.out.printf("SlicedObjectIT: %d slice boundaries, append-time gaps (ms) %s%n", slicesOf, gaps);
    }
}
