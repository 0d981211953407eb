package io.srrrs.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.srrrs.crypto.SseCKeySealer;
import io.srrrs.schemas.EncryptedChunk;

import java.lang.management.ManagementFactory;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.apache.kafka.connect.errors.RetriableException;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;

/**
 * Every sink metric moves, read the way the JMX exporter reads it (the platform MBean server):
 * objects, bytes, parts, the latency histogram, the gauges while an object is half assembled, a
 * refusal by its reason, a retry, an SSE-C upload. Against S3Proxy, as the other task tests.
 */
class SinkMetricsTest extends SinkTaskFixture {

    static final MBeanServer JMX = ManagementFactory.getPlatformMBeanServer();

    String connector;

    void restartNamed(TestInfo test) {
        task.stop();
        connector = "metrics-" + test.getTestMethod().orElseThrow().getName();
        props.put(S3SinkConnector.NAME, connector);
        props.put(S3SinkConnector.TASK_INDEX, "3");
        start(true);
    }

    /** Restarts the task on a store whose uploads the test can hold or fail. */
    ControlledStore restartControlled(TestInfo test) {
        ControlledStore[] store = new ControlledStore[1];
        storeWrapper = c -> {
            store[0] = new ControlledStore(c);
            return store[0].client();
        };
        restartNamed(test);
        return store[0];
    }

    Number attribute(String suffix, String attribute) throws Exception {
        return (Number) JMX.getAttribute(new ObjectName(SinkMetricsJmx.baseName(connector, "3") + suffix), attribute);
    }

    long task(String attribute) throws Exception {
        return attribute("", attribute).longValue();
    }

    List<EncryptedChunk> chunks(String id, String key, int length, String sseCPublicKey) throws Exception {
        return ChunkMaker.chunks(kms.kms(), id, "objects", key, payload(length), SEGMENT, CHUNK, sseCPublicKey);
    }

    @Test
    void objectsBytesPartsAndTheLatencyHistogramCountWhatWasWritten(TestInfo test) throws Exception {
        restartNamed(test);
        List<SinkRecord> records = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            records.addAll(records(records.size(), chunks("m-small-" + i, "metrics/small-" + i, 10_000 + i, null)));
        }
        // 13 MiB over 5 MiB parts: three parts, then the Complete.
        records.addAll(records(records.size(), chunks("m-big", "metrics/big", 13 << 20, null)));
        settled(records);

        long stored = 0;
        for (String key : List.of("metrics/small-0", "metrics/small-1", "metrics/small-2", "metrics/big")) {
            stored += admin.headObject(b -> b.bucket("objects").key(key)).contentLength();
        }
        assertThat(task("objects_written_total")).isEqualTo(4);
        assertThat(task("bytes_written_total")).as("every ciphertext byte, once").isEqualTo(stored);
        assertThat(task("bytes_discarded_total")).isZero();
        assertThat(task("multipart_parts_total")).isEqualTo(3);
        assertThat(task("upload_seconds_count")).isEqualTo(4);
        assertThat(attribute("", "upload_seconds_sum").doubleValue()).isPositive();
        assertThat(attribute(",le=+Inf", "upload_seconds_bucket").longValue()).isEqualTo(4);
        assertThat(attribute(",le=60.0", "upload_seconds_bucket").longValue()).as("none took a minute").isEqualTo(4);
        assertThat(task("objects_in_assembly")).as("none left unfinished").isZero();
        assertThat(task("memory_budget_used_bytes")).as("every part buffer given back").isZero();
        assertThat(task("retries_total")).isZero();
        assertThat(task("sse_c_uploads_total")).isZero();
    }

    /** The chunks of one 13 MiB object under two attempts: attempt 0 and attempt 1. */
    List<List<EncryptedChunk>> twoAttempts(String id, String key) throws Exception {
        List<EncryptedChunk> first = new ArrayList<>();
        List<EncryptedChunk> again = new ArrayList<>();
        for (EncryptedChunk c : ChunkMaker.chunks(kms.kms(), id, "objects", key, payload(13 << 20), SEGMENT, CHUNK,
                null)) {
            first.add(EncryptedChunk.newBuilder(c).setAttempt(0).build());
            again.add(EncryptedChunk.newBuilder(c).setAttempt(1).build());
        }
        return List.of(first, again);
    }

    @Test
    void theBytesOfAnObjectStartedAgainCountAsDiscarded(TestInfo test) throws Exception {
        restartNamed(test);
        List<List<EncryptedChunk>> attempts = twoAttempts("m-again", "metrics/again");
        List<EncryptedChunk> again = attempts.get(1);
        // Attempt 0 gets as far as its first 5 MiB part; then a newer attempt starts the object again.
        settled(records(0, attempts.get(0).subList(0, 8)));
        assertThat(task("multipart_parts_total")).isEqualTo(1);
        long firstPart = task("bytes_written_total");
        assertThat(firstPart).isGreaterThanOrEqualTo(5 << 20);
        assertThat(task("bytes_discarded_total")).as("not dropped yet").isZero();
        settled(records(8, again));

        long stored = admin.headObject(b -> b.bucket("objects").key("metrics/again")).contentLength();
        assertThat(task("objects_written_total")).isEqualTo(1);
        assertThat(task("bytes_discarded_total")).as("attempt 0's part").isEqualTo(firstPart);
        assertThat(task("bytes_written_total")).as("both attempts' bytes").isEqualTo(stored + firstPart);
        assertThat(task("multipart_parts_total")).isEqualTo(1 + 3);
        assertThat(task("objects_in_assembly")).isZero();
    }

    @Test
    void aPartThatLandsAfterItsObjectWasDroppedCountsAsDiscarded(TestInfo test) throws Exception {
        ControlledStore store = restartControlled(test);
        List<List<EncryptedChunk>> attempts = twoAttempts("m-late", "metrics/late");
        java.util.concurrent.CountDownLatch gate = store.gate("metrics/late");
        task.put(records(0, attempts.get(0).subList(0, 8))); // its first part is held in flight
        ConcurrentUploadTest.until("the part's upload started", () -> store.startedCount() == 1);
        task.put(records(8, attempts.get(1).subList(0, 1))); // attempt 1's chunk 0 drops attempt 0
        assertThat(task("bytes_discarded_total")).as("the part has not landed").isZero();
        gate.countDown();
        task.awaitUploads(30_000);
        assertThat(task("multipart_parts_total")).isEqualTo(1);
        assertThat(task("bytes_discarded_total")).as("it landed for nothing").isEqualTo(task("bytes_written_total"))
                .isGreaterThanOrEqualTo(5 << 20);
        assertThat(task("objects_in_assembly")).as("attempt 1").isEqualTo(1);
    }

    @Test
    void theGaugesShowAHalfAssembledObjectAndItsAge(TestInfo test) throws Exception {
        restartNamed(test);
        List<SinkRecord> records = records(0, chunks("m-half", "metrics/half", 7 << 20, null));
        settled(records.subList(0, records.size() - 1));
        Thread.sleep(200);
        assertThat(task("objects_in_assembly")).isEqualTo(1);
        assertThat(task("memory_budget_used_bytes")).as("the part being filled").isPositive();
        assertThat(attribute("", "oldest_unfinished_object_age_seconds").doubleValue()).isGreaterThanOrEqualTo(0.2);
        settled(records.subList(records.size() - 1, records.size()));
        assertThat(task("objects_in_assembly")).isZero();
        assertThat(attribute("", "oldest_unfinished_object_age_seconds").doubleValue()).isZero();
        assertThat(task("objects_written_total")).isEqualTo(1);
        assertThat(attribute(",le=+Inf", "upload_seconds_bucket").longValue()).isEqualTo(1);
        assertThat(attribute(",le=0.05", "upload_seconds_bucket").longValue()).as("it took 200 ms at least").isZero();
    }

    @Test
    void aRefusalCountsUnderItsReasonOnly(TestInfo test) throws Exception {
        restartNamed(test);
        List<EncryptedChunk> chunks = chunks("m-gap", "metrics/gap", 2 * CHUNK, null);
        settled(records(0, chunks.subList(1, chunks.size()))); // no chunk 0: a sequence gap
        assertThat(context.reported).hasSize(1);
        for (ChunkRefusedException.Reason r : ChunkRefusedException.Reason.values()) {
            assertThat(attribute(",reason=" + r.name(), "refusals_total").longValue()).as(r.name())
                    .isEqualTo(r == ChunkRefusedException.Reason.SEQUENCE_GAP ? 1 : 0);
        }
        assertThat(task("objects_in_assembly")).isZero();
    }

    @Test
    void anUploadSentAgainIsARetry(TestInfo test) throws Exception {
        ControlledStore store = restartControlled(test);
        List<SinkRecord> records = records(0, chunks("m-retry", "metrics/retry", 4000, null));
        store.failNext("metrics/retry", ControlledStore.unreachable());
        task.put(records);
        assertThatThrownBy(() -> task.awaitUploads(30_000)).isInstanceOf(RetriableException.class);
        assertThat(task("retries_total")).as("not yet sent again").isZero();
        settled(records);
        assertThat(task("retries_total")).isEqualTo(1);
        assertThat(task("objects_written_total")).isEqualTo(1);
    }

    @Test
    void anSseCObjectCountsAsAnSseCUpload(TestInfo test) throws Exception {
        SseCKeySealer.KeyPair sink = SseCKeySealer.generateKeyPair();
        props.put(S3SinkConfig.SSE_C_PRIVATE_KEY, sink.privateKeyBase64());
        storeWrapper = SinkMetricsTest::acceptingSseC;
        restartNamed(test);
        settled(records(0, chunks("m-ssec", "metrics/ssec", 1000, sink.publicKeyBase64())));
        settled(records(1, chunks("m-plain", "metrics/plain", 1000, null)));
        assertThat(context.reported).isEmpty();
        assertThat(task("objects_written_total")).isEqualTo(2);
        assertThat(task("sse_c_uploads_total")).isEqualTo(1);
    }

    @Test
    void theMBeansGoAwayWithTheTask(TestInfo test) throws Exception {
        restartNamed(test);
        ObjectName name = new ObjectName(SinkMetricsJmx.baseName(connector, "3"));
        assertThat(JMX.isRegistered(name)).isTrue();
        task.stop();
        assertThat(JMX.isRegistered(name)).isFalse();
        assertThat(JMX.queryNames(new ObjectName(SinkMetricsJmx.baseName(connector, "3") + ",*"), null)).isEmpty();
        start(true); // for the fixture's stop
    }

    /**
     * S3Proxy does not implement SSE-C (it answers 501): this store takes the SSE-C headers off a
     * PutObject, so that the sink's SSE-C path runs whole and the object lands.
     */
    @SuppressWarnings("unchecked")
    static S3Client acceptingSseC(S3Client real) {
        return (S3Client) Proxy.newProxyInstance(S3Client.class.getClassLoader(), new Class<?>[] {S3Client.class},
                (proxy, method, args) -> {
                    Object[] call = args;
                    if ("putObject".equals(method.getName()) && args != null && args[0] instanceof Consumer<?> c) {
                        Consumer<PutObjectRequest.Builder> original = (Consumer<PutObjectRequest.Builder>) c;
                        Consumer<PutObjectRequest.Builder> plain = b -> {
                            original.accept(b);
                            b.sseCustomerAlgorithm(null).sseCustomerKey(null).sseCustomerKeyMD5(null);
                        };
                        call = new Object[] {plain, args[1]};
                    }
                    try {
                        return method.invoke(real, call);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }
}
