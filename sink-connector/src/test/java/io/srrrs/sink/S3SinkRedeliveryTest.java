package io.srrrs.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.srrrs.client.SrrrsClient;
import io.srrrs.crypto.SseCKeySealer;
import io.srrrs.schemas.EncryptedChunk;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.errors.RetriableException;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.Test;

/**
 * Redelivery is normal, not bad input; and nothing one object does can stop the task or hold back
 * its commits for ever. Against the real S3Proxy of {@link SinkTaskFixture}.
 */
class S3SinkRedeliveryTest extends SinkTaskFixture {

    static final TopicPartition TP = new TopicPartition(TOPIC, 0);

    /** Records of several objects at consecutive offsets, in the order given. */
    static List<SinkRecord> interleave(long firstOffset, List<EncryptedChunk> order) {
        List<SinkRecord> out = new ArrayList<>();
        for (EncryptedChunk c : order) {
            out.add(ChunkMaker.record(TOPIC, 0, firstOffset + out.size(), c));
        }
        return out;
    }

    List<EncryptedChunk> chunks(String id, String key, byte[] plaintext) throws Exception {
        return ChunkMaker.chunks(kms.kms(), id, "objects", key, plaintext, SEGMENT, CHUNK, null);
    }

    @Test
    void aSingleChunkObjectWhosePutFailedIsWrittenWhenConnectRedeliversIt() throws Exception {
        byte[] plaintext = payload(3000);
        List<SinkRecord> records = records(0, chunks("again-0", "redelivered/one.bin", plaintext));
        s3.close();
        try {
            assertThatThrownBy(() -> settled(records)).isInstanceOf(RetriableException.class);
        } finally {
            s3 = io.srrrs.embedded.EmbeddedS3.start(dir.resolve("s3"), ca, httpsPort, httpPort);
        }
        settled(records); // the same batch, as Connect hands it over again: the upload is sent again
        assertThat(context.reported).as("a redelivered chunk 0 is not bad input").isEmpty();
        try (SrrrsClient client = client()) {
            assertThat(client.readAll("objects", "redelivered/one.bin")).isEqualTo(plaintext);
        }
        assertThat(preCommit(1)).containsEntry(TP, new OffsetAndMetadata(1));
    }

    @Test
    void aChunk0ThatComesAgainMidObjectAbortsItsUploadAndStartsTheObjectAgain() throws Exception {
        byte[] plaintext = payload(7 * 1024 * 1024);
        List<EncryptedChunk> chunks = chunks("restart", "redelivered/big.bin", plaintext);
        settled(records(0, chunks.subList(0, chunks.size() - 1)));
        assertThat(openUploads("objects")).isEqualTo(1);
        settled(records(chunks.size() - 1, chunks)); // the whole object again, from its chunk 0
        assertThat(context.reported).isEmpty();
        assertThat(openUploads("objects")).as("the first upload was aborted").isZero();
        try (SrrrsClient client = client()) {
            assertThat(client.readAll("objects", "redelivered/big.bin")).isEqualTo(plaintext);
        }
    }

    @Test
    void aCommitNeverSplitsAnObjectSoARestartSeesNoGap() throws Exception {
        List<EncryptedChunk> a = chunks("span-a", "span/a.bin", payload(2 * CHUNK));
        List<EncryptedChunk> b = chunks("span-b", "span/b.bin", payload(2 * CHUNK));
        List<EncryptedChunk> c = chunks("span-c", "span/c.bin", payload(2 * CHUNK));
        assertThat(a).hasSize(3);
        // a0 b0 a1 a2 c0 b1 b2: b finishes while c, opened inside b's span, is still open.
        List<SinkRecord> records = interleave(0, List.of(a.get(0), b.get(0), a.get(1), a.get(2), c.get(0), b.get(1),
                b.get(2)));
        settled(records);
        long safe = preCommit(records.size()).get(TP).offset();
        assertThat(safe).as("not at c0 (inside b's span), nor at b0 (inside a's)").isZero();

        task.stop(); // a crash: the next owner starts at the committed offset
        start(true);
        List<SinkRecord> all = new ArrayList<>(records);
        all.addAll(interleave(records.size(), List.of(c.get(1), c.get(2))));
        settled(all.subList((int) safe, all.size()));
        assertThat(context.reported).as("no tail without its chunk 0").isEmpty();
        assertThat(exists("objects", "span/a.bin") && exists("objects", "span/b.bin") && exists("objects", "span/c.bin"))
                .isTrue();
        assertThat(preCommit(all.size())).containsEntry(TP, new OffsetAndMetadata(all.size()));
    }

    @Test
    void anObjectThatNeverCompletesIsReportedAndStopsHoldingBackCommits() throws Exception {
        task.stop();
        props.put(S3SinkConfig.ASSEMBLY_TIMEOUT, "1000");
        start(true);
        List<EncryptedChunk> stuck = chunks("stuck", "stuck/x.bin", payload(2 * CHUNK));
        settled(records(0, stuck.subList(0, 1)));
        settled(records(1, chunks("after", "stuck/after.bin", payload(100))));
        assertThat(preCommit(2)).as("held back while it may still complete").containsEntry(TP, new OffsetAndMetadata(0));
        Thread.sleep(1100);
        settled(List.of()); // Connect's empty batch while idle
        assertThat(context.reported).hasSize(1);
        assertThat(context.reported.get(0).error().getMessage()).startsWith("INCOMPLETE");
        assertThat(context.reported.get(0).record().kafkaOffset()).isZero();
        assertThat(preCommit(2)).containsEntry(TP, new OffsetAndMetadata(2));
        settled(records(2, stuck.subList(1, stuck.size()))); // its tail, should it come after all: ignored
        assertThat(context.reported).hasSize(1);
        assertThat(exists("objects", "stuck/x.bin")).isFalse();
    }

    @Test
    void anSseCKeySealedToAnotherSinkIsRefusedWithItsReasonAndTheTaskGoesOn() throws Exception {
        SseCKeySealer.KeyPair ours = SseCKeySealer.generateKeyPair();
        SseCKeySealer.KeyPair theirs = SseCKeySealer.generateKeyPair();
        task.stop();
        props.put(S3SinkConfig.SSE_C_PRIVATE_KEY, ours.privateKeyBase64());
        start(true);
        settled(records(0, ChunkMaker.chunks(kms.kms(), "sealed-elsewhere", "objects", "ssec/theirs.bin", payload(1000),
                SEGMENT, CHUNK, theirs.publicKeyBase64())));
        assertThat(context.reported).hasSize(1);
        assertThat(context.reported.get(0).error()).isInstanceOf(ChunkRefusedException.class);
        assertThat(((ChunkRefusedException) context.reported.get(0).error()).reason())
                .isEqualTo(ChunkRefusedException.Reason.SSE_C_KEY_INVALID);
        byte[] plaintext = payload(500);
        settled(records(1, chunks("plain-after", "ssec/after.bin", plaintext)));
        try (SrrrsClient client = client()) {
            assertThat(client.readAll("objects", "ssec/after.bin")).isEqualTo(plaintext);
        }
    }

    @Test
    void anObjectTheStoreKeepsFailingWhileItAnswersOthersIsRefusedNotRetriedForEver() throws Exception {
        // S3Proxy's file system store answers 500 to a key segment longer than a file name may be.
        String key = "long/" + "x".repeat(300);
        List<SinkRecord> records = records(0, chunks("stuck-key", key, payload(1000)));
        int retriable = 0;
        for (int i = 0; i < 10; i++) {
            try {
                settled(records); // as Connect redelivers it after each RetriableException
                break;
            } catch (RetriableException e) {
                retriable++;
            }
        }
        assertThat(retriable).as("retried first, as for an outage").isGreaterThanOrEqualTo(3).isLessThan(10);
        assertThat(context.reported).hasSize(1);
        assertThat(((ChunkRefusedException) context.reported.get(0).error()).reason())
                .isEqualTo(ChunkRefusedException.Reason.STORE_REFUSED);
        byte[] plaintext = payload(700);
        settled(records(1, chunks("after-stuck", "long/ok.bin", plaintext)));
        try (SrrrsClient client = client()) {
            assertThat(client.readAll("objects", "long/ok.bin")).isEqualTo(plaintext);
        }
        assertThat(preCommit(2)).containsEntry(TP, new OffsetAndMetadata(2));
    }

    @Test
    void theConnectorRefusesAConfigurationThatWouldStopOrDropSilently() {
        S3SinkConnector connector = new S3SinkConnector();
        Map<String, String> config = new java.util.HashMap<>(props);
        config.put("consumer.override.isolation.level", "read_committed");
        config.put("errors.tolerance", "none");
        List<String> errors = connector.validate(config).configValues().stream()
                .flatMap(v -> v.errorMessages().stream()).toList();
        assertThat(errors).anyMatch(m -> m.startsWith("errors.tolerance=none"))
                .anyMatch(m -> m.startsWith("errors.deadletterqueue.topic.name=null"));
        config.put("errors.tolerance", "all");
        config.put("errors.deadletterqueue.topic.name", "chunks.sink-dlq");
        assertThat(connector.validate(config).configValues().stream().flatMap(v -> v.errorMessages().stream()))
                .singleElement().asString().startsWith("errors.retry.timeout=null");
        config.put("errors.retry.timeout", "-1");
        assertThat(connector.validate(config).configValues().stream().flatMap(v -> v.errorMessages().stream()))
                .isEmpty();
    }
}
