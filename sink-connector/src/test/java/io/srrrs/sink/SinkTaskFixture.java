package io.srrrs.sink;

import io.srrrs.client.SrrrsClient;
import io.srrrs.crypto.SseCKeySealer;
import io.srrrs.crypto.kms.KekAllowList;
import io.srrrs.crypto.kms.DecoratedKms;
import io.srrrs.crypto.kms.local.LocalKeystoreKms;
import io.srrrs.crypto.pki.LocalCa;
import io.srrrs.embedded.EmbeddedS3;
import io.srrrs.schemas.EncryptedChunk;
import io.srrrs.store.StoreClients;
import io.srrrs.store.StoreConfig;

import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.errors.RetriableException;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

/**
 * A sink task alone against a real S3 server (S3Proxy over TLS 1.3), fed the records the topology
 * makes; Connect's side is {@link TestSinkContext}. The tests of the task extend this.
 */
abstract class SinkTaskFixture {

    static final String TOPIC = "chunks";
    static final int SEGMENT = 65536;
    static final int CHUNK = 768 * 1024;
    static final SecureRandom RANDOM = new SecureRandom();

    @TempDir
    static Path dir;
    static LocalCa ca;
    static EmbeddedS3 s3;
    static int httpsPort;
    static int httpPort;
    static S3Client admin;
    static DecoratedKms kms;

    TestSinkContext context;
    S3SinkTask task;
    Map<String, String> props;

    @BeforeAll
    static void store() throws Exception {
        ca = LocalCa.createOrLoad(dir.resolve("ca"));
        httpsPort = io.srrrs.embedded.FreePorts.next();
        httpPort = io.srrrs.embedded.FreePorts.next();
        s3 = EmbeddedS3.start(dir.resolve("s3"), ca, httpsPort, httpPort);
        admin = StoreClients.s3(storeConfig());
        admin.createBucket(b -> b.bucket("objects"));
        admin.createBucket(b -> b.bucket("elsewhere"));
        LocalKeystoreKms keystore = LocalKeystoreKms.openOrCreate(dir.resolve("keks.p12"), "pw".toCharArray());
        keystore.createKek("orders");
        kms = DecoratedKms.around(keystore, DecoratedKms.Config.DEFAULTS);
    }

    static StoreConfig storeConfig() {
        return StoreConfig.of(s3.httpsEndpoint(), s3.accessKey(), s3.secretKey(), ca.truststore());
    }

    @AfterAll
    static void stop() throws Exception {
        admin.close();
        s3.close();
        kms.close();
    }

    @BeforeEach
    void task() {
        props = new HashMap<>();
        props.put(S3SinkConfig.STORE_URL, s3.httpsEndpoint().toString());
        props.put(S3SinkConfig.BUCKETS, "objects");
        props.put(S3SinkConfig.ACCESS_KEY, s3.accessKey());
        props.put(S3SinkConfig.SECRET_KEY, s3.secretKey());
        props.put(S3SinkConfig.TRUSTSTORE, ca.truststore().toString());
        props.put(S3SinkConfig.TRUSTSTORE_PASSWORD, "changeit");
        props.put(S3SinkConfig.PART_SIZE, Integer.toString(5 * 1024 * 1024));
        props.put(S3SinkConfig.RETRIES, "1");
        props.put(S3SinkConfig.RETRY_BACKOFF, "10");
        props.put(S3SinkConfig.RETRY_BACKOFF_MAX, "50");
        props.put(S3SinkConfig.BUFFER_DIR, dir.resolve("spill").toString());
        start(true);
    }

    /** Wraps the task's store client: a store that blocks or fails on cue. */
    java.util.function.UnaryOperator<S3Client> storeWrapper = java.util.function.UnaryOperator.identity();

    void start(boolean withReporter) {
        context = new TestSinkContext(withReporter);
        task = new S3SinkTask();
        task.storeClientWrapper = storeWrapper;
        task.initialize(context);
        task.start(props);
        task.open(List.of(new TopicPartition(TOPIC, 0)));
    }

    @AfterEach
    void stopTask() {
        task.stop();
    }

    /**
     * put() and then the uploads it handed over, until none runs: what a test of the store's
     * contents after a batch needs now that uploads run in the background. Throws as the next
     * put() would when an upload failed and waits for a retry.
     */
    void settled(List<SinkRecord> records) {
        task.put(records);
        task.awaitUploads(60_000);
    }

    static byte[] payload(int n) {
        byte[] b = new byte[n];
        RANDOM.nextBytes(b);
        return b;
    }

    static List<SinkRecord> records(long firstOffset, List<EncryptedChunk> chunks) {
        List<SinkRecord> out = new ArrayList<>();
        for (int i = 0; i < chunks.size(); i++) {
            out.add(ChunkMaker.record(TOPIC, 0, firstOffset + i, chunks.get(i)));
        }
        return out;
    }

    SrrrsClient client() {
        return SrrrsClient.create(storeConfig(), kms.kms(), KekAllowList.parse("orders", ""));
    }

    static boolean exists(String bucket, String key) {
        try {
            admin.headObject(b -> b.bucket(bucket).key(key));
            return true;
        } catch (NoSuchKeyException e) {
            return false;
        } catch (software.amazon.awssdk.services.s3.model.S3Exception e) {
            if (e.statusCode() == 404) {
                return false;
            }
            throw e;
        }
    }

    static int openUploads(String bucket) {
        return admin.listMultipartUploads(b -> b.bucket(bucket)).uploads().size();
    }

    Map<TopicPartition, OffsetAndMetadata> preCommit(long consumed) {
        return task.preCommit(Map.of(new TopicPartition(TOPIC, 0), new OffsetAndMetadata(consumed)));
    }
}
