package io.srrrs.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.srrrs.client.SrrrsClient;
import io.srrrs.schemas.EncryptedChunk;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.errors.RetriableException;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Uploads in the background ({@code s3.upload.concurrency}): put() goes on while they run, commits
 * wait for their success, one key's objects land in partition order, failures are retried or
 * refused as before, parts in flight count against the memory budget. Against S3Proxy, through a
 * {@link ControlledStore} that holds uploads back or fails them on cue.
 */
class ConcurrentUploadTest extends SinkTaskFixture {

    static final TopicPartition TP = new TopicPartition(TOPIC, 0);

    ControlledStore store;

    void startControlled(int concurrency) {
        task.stop();
        props.put(S3SinkConfig.UPLOAD_CONCURRENCY, Integer.toString(concurrency));
        storeWrapper = c -> {
            store = new ControlledStore(c);
            return store.client();
        };
        start(true);
    }

    @AfterEach
    void openGates() {
        if (store != null) {
            store.gates.values().forEach(java.util.concurrent.CountDownLatch::countDown);
        }
    }

    static void until(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 30_000;
        while (!condition.getAsBoolean()) {
            assertThat(System.currentTimeMillis()).as("waiting for: " + what).isLessThan(deadline);
            Thread.sleep(10);
        }
    }

    List<EncryptedChunk> chunks(String id, String key, byte[] plaintext) throws Exception {
        return ChunkMaker.chunks(kms.kms(), id, "objects", key, plaintext, SEGMENT, CHUNK, null);
    }

    static List<SinkRecord> inOrder(long first, List<EncryptedChunk> chunks) {
        List<SinkRecord> out = new ArrayList<>();
        for (EncryptedChunk c : chunks) {
            out.add(ChunkMaker.record(TOPIC, 0, first + out.size(), c));
        }
        return out;
    }

    Long committable(long consumed) {
        return preCommit(consumed).get(TP).offset();
    }

    @Test
    void putGoesOnWhileUploadsRunAndCommitsWaitForTheFirstUnfinishedObject() throws Exception {
        startControlled(4);
        store.gate("c/0.bin");
        store.gate("c/1.bin");
        store.gate("c/2.bin");
        List<EncryptedChunk> all = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            all.addAll(chunks("c-" + i, "c/" + i + ".bin", payload(2000 + i)));
        }
        task.put(inOrder(0, all)); // returns though no upload could finish
        assertThat(store.succeeded).as("no upload finished when put() returned").isEmpty();
        until("three uploads in flight at once", () -> store.startedCount() == 3);
        assertThat(committable(3)).as("nothing is finished").isEqualTo(0);
        store.gate("c/1.bin").countDown();
        store.gate("c/2.bin").countDown();
        until("the later two written", () -> exists("objects", "c/1.bin") && exists("objects", "c/2.bin"));
        Thread.sleep(50); // let their success reach the hand-off queue
        assertThat(committable(3)).as("the first object is still unfinished").isEqualTo(0);
        store.gate("c/0.bin").countDown();
        task.awaitUploads(30_000);
        assertThat(committable(3)).isEqualTo(3);
        assertThat(exists("objects", "c/0.bin")).isTrue();
    }

    @Test
    void twoObjectsOfOneKeyLandInPartitionOrderWhenTheFirstIsSlower() throws Exception {
        startControlled(4);
        byte[] first = payload(3000);
        byte[] second = payload(5000);
        List<EncryptedChunk> all = new ArrayList<>(chunks("k-1", "same/key.bin", first));
        all.addAll(chunks("k-2", "same/key.bin", second));
        java.util.concurrent.CountDownLatch gate = store.gate("same/key.bin");
        task.put(inOrder(0, all));
        until("the first upload started", () -> store.startedCount() >= 1);
        Thread.sleep(300);
        assertThat(store.startedCount()).as("the second object of the key waits for the first").isEqualTo(1);
        gate.countDown();
        task.awaitUploads(30_000);
        assertThat(store.succeededFor("same/key.bin")).isEqualTo(2);
        try (SrrrsClient client = client()) {
            assertThat(client.readAll("objects", "same/key.bin")).as("the later object is what stays").isEqualTo(second);
        }
        assertThat(committable(2)).isEqualTo(2);
    }

    @Test
    void aSmallObjectOfAKeyWaitsForTheMultipartObjectBeforeIt() throws Exception {
        startControlled(4);
        byte[] multipart = payload(11 * 1024 * 1024);
        byte[] small = payload(2000);
        List<EncryptedChunk> all = new ArrayList<>(chunks("mp-1", "mp/key.bin", multipart));
        all.addAll(chunks("mp-2", "mp/key.bin", small));
        java.util.concurrent.CountDownLatch gate = store.gate("mp/key.bin");
        // The multipart object's Complete can be submitted only once its parts are in; the later small
        // object of the key must not take its place in the key's order meanwhile.
        task.put(inOrder(0, all));
        until("a part in flight", () -> store.startedCount() >= 1);
        gate.countDown();
        task.awaitUploads(30_000);
        try (SrrrsClient client = client()) {
            assertThat(client.readAll("objects", "mp/key.bin")).as("the later object is what stays").isEqualTo(small);
        }
        assertThat(committable(all.size())).isEqualTo(all.size());
    }

    @Test
    void aTransientUploadFailureIsRetriedFromItsBufferAndTheObjectWrittenOnce() throws Exception {
        startControlled(4);
        byte[] plaintext = payload(4000);
        List<SinkRecord> records = inOrder(0, chunks("t-1", "transient/x.bin", plaintext));
        store.failNext("transient/x.bin", ControlledStore.unreachable());
        task.put(records);
        assertThatThrownBy(() -> task.awaitUploads(30_000)).isInstanceOf(RetriableException.class)
                .hasMessageContaining("store unavailable");
        assertThat(context.lastTimeout).isPositive();
        assertThat(committable(1)).as("held back while the retry is pending").isEqualTo(0);
        assertThat(exists("objects", "transient/x.bin")).isFalse();
        settled(records); // Connect hands the batch over again after the backoff: applied records skipped
        assertThat(store.succeededFor("transient/x.bin")).as("written once").isEqualTo(1);
        assertThat(context.reported).isEmpty();
        try (SrrrsClient client = client()) {
            assertThat(client.readAll("objects", "transient/x.bin")).isEqualTo(plaintext);
        }
        assertThat(committable(1)).isEqualTo(1);
    }

    @Test
    void aPermanentUploadFailureEndsAtTheReporterWithItsReason() throws Exception {
        startControlled(4);
        List<SinkRecord> records = inOrder(0, chunks("p-1", "denied/x.bin", payload(4000)));
        store.failNext("denied/x.bin", ControlledStore.denied());
        settled(records);
        assertThat(context.reported).hasSize(1);
        assertThat(context.reported.get(0).record().kafkaOffset()).isEqualTo(0);
        assertThat(context.reported.get(0).error()).isInstanceOf(ChunkRefusedException.class)
                .hasMessageStartingWith("STORE_REFUSED").hasMessageContaining("403");
        assertThat(exists("objects", "denied/x.bin")).isFalse();
        assertThat(committable(1)).as("a refused object holds nothing back").isEqualTo(1);
        settled(inOrder(1, chunks("p-2", "denied/next.bin", payload(100))));
        assertThat(exists("objects", "denied/next.bin")).as("the task goes on").isTrue();
    }

    @Test
    void partsInFlightCountAgainstTheMemoryBudgetUntilTheirUploadSucceeded() throws Exception {
        startControlled(4);
        byte[] plaintext = payload(11 * 1024 * 1024);
        List<SinkRecord> records = inOrder(0, chunks("m-1", "memory/x.bin", plaintext));
        java.util.concurrent.CountDownLatch gate = store.gate("memory/x.bin");
        task.put(records.subList(0, records.size() - 1));
        until("a part in flight", () -> store.startedCount() >= 1);
        long partSize = 5L * 1024 * 1024;
        assertThat(task.bufferedBytes()).as("the parts in flight are still held").isGreaterThanOrEqualTo(partSize);
        gate.countDown();
        task.awaitUploads(30_000);
        assertThat(task.bufferedBytes()).as("only the part being filled").isLessThan(partSize);
        settled(records.subList(records.size() - 1, records.size()));
        assertThat(task.bufferedBytes()).isZero();
        try (SrrrsClient client = client()) {
            assertThat(client.readAll("objects", "memory/x.bin")).isEqualTo(plaintext);
        }
        assertThat(openUploads("objects")).isZero();
    }
}
