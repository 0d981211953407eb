package io.srrrs.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.srrrs.client.SrrrsClient;
import io.srrrs.crypto.SseCKeySealer;
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
 * The sink task alone against a real S3 server (S3Proxy over TLS 1.3), fed the records the
 * topology makes; Connect's side is {@link TestSinkContext}. The Connect worker itself is in the IT.
 */
class S3SinkTaskTest extends SinkTaskFixture {

    @Test
    void aOneChunkObjectIsOnePutWithTheDocumentedMetadata() throws Exception {
        byte[] plaintext = payload(100_000);
        List<EncryptedChunk> chunks = ChunkMaker.chunks(kms.kms(), "r1", "objects", "small/one.pdf", plaintext, SEGMENT, CHUNK, null);
        assertThat(chunks).hasSize(1);
        settled(records(0, chunks));
        HeadObjectResponse head = admin.headObject(b -> b.bucket("objects").key("small/one.pdf"));
        assertThat(head.contentType()).isEqualTo("application/pdf");
        assertThat(head.metadata()).containsKeys("srrrs-header", "srrrs-kms", "srrrs-kek-id", "srrrs-wrapped-dek",
                "srrrs-context").containsEntry("owner", "billing").containsEntry("srrrs-kms", "local")
                .containsEntry("srrrs-context", "tenant=acme");
        ByteBuffer header = chunks.get(0).getStart().getHeader();
        assertThat(head.metadata().get("srrrs-header")).isEqualTo(java.util.Base64.getEncoder().encodeToString(
                Arrays.copyOfRange(header.array(), header.arrayOffset(), header.arrayOffset() + header.remaining())));
        try (SrrrsClient client = client()) {
            assertThat(client.readAll("objects", "small/one.pdf")).isEqualTo(plaintext);
        }
        assertThat(preCommit(1)).containsEntry(new TopicPartition(TOPIC, 0), new OffsetAndMetadata(1));
    }

    @Test
    void aLargeObjectIsAMultipartUploadInvisibleUntilItsLastChunk() throws Exception {
        byte[] plaintext = payload(13 * 1024 * 1024);
        List<EncryptedChunk> chunks = ChunkMaker.chunks(kms.kms(), "r2", "objects", "big/thirteen.bin", plaintext, SEGMENT,
                CHUNK, null);
        List<SinkRecord> records = records(100, chunks);
        settled(records.subList(0, records.size() - 1));
        assertThat(exists("objects", "big/thirteen.bin")).as("no partial object is visible").isFalse();
        assertThat(openUploads("objects")).isEqualTo(1);
        // Only up to the object's first chunk may be committed while it is unfinished.
        assertThat(preCommit(100 + records.size() - 1)).containsEntry(new TopicPartition(TOPIC, 0), new OffsetAndMetadata(100));
        settled(records.subList(records.size() - 1, records.size()));
        assertThat(exists("objects", "big/thirteen.bin")).isTrue();
        assertThat(openUploads("objects")).isZero();
        assertThat(preCommit(100 + records.size())).containsEntry(new TopicPartition(TOPIC, 0),
                new OffsetAndMetadata(100 + records.size()));
        try (SrrrsClient client = client()) {
            assertThat(client.readAll("objects", "big/thirteen.bin")).isEqualTo(plaintext);
            for (long at : new long[] {0, SEGMENT - 1, SEGMENT, 5L * 1024 * 1024 - 3, plaintext.length - 10}) {
                try (InputStream in = client.openRange("objects", "big/thirteen.bin", at, 20)) {
                    assertThat(in.readAllBytes()).isEqualTo(Arrays.copyOfRange(plaintext, (int) at,
                            (int) Math.min(plaintext.length, at + 20)));
                }
            }
        }
    }

    @Test
    void interleavedObjectsAreAssembledApartAndCommitsWaitForTheOldest() throws Exception {
        byte[] a = payload(2 * CHUNK);
        byte[] b = payload(CHUNK / 2);
        List<EncryptedChunk> ca = ChunkMaker.chunks(kms.kms(), "ra", "objects", "mix/a.bin", a, SEGMENT, CHUNK, null);
        List<EncryptedChunk> cb = ChunkMaker.chunks(kms.kms(), "rb", "objects", "mix/b.bin", b, SEGMENT, CHUNK, null);
        assertThat(ca).hasSizeGreaterThan(1);
        List<EncryptedChunk> mixed = new ArrayList<>();
        mixed.add(ca.get(0));
        mixed.addAll(cb);
        mixed.addAll(ca.subList(1, ca.size()));
        List<SinkRecord> records = records(10, mixed);
        settled(records.subList(0, 1 + cb.size()));
        assertThat(exists("objects", "mix/b.bin")).isTrue();
        assertThat(preCommit(10 + 1 + cb.size())).containsEntry(new TopicPartition(TOPIC, 0), new OffsetAndMetadata(10));
        settled(records.subList(1 + cb.size(), records.size()));
        try (SrrrsClient client = client()) {
            assertThat(client.readAll("objects", "mix/a.bin")).isEqualTo(a);
            assertThat(client.readAll("objects", "mix/b.bin")).isEqualTo(b);
        }
    }

    @Test
    void aGapIsReportedAndNothingIsUploaded() throws Exception {
        List<EncryptedChunk> chunks = ChunkMaker.chunks(kms.kms(), "gap", "objects", "gap/x.bin", payload(9 * 1024 * 1024),
                SEGMENT, CHUNK, null);
        List<EncryptedChunk> holed = new ArrayList<>(chunks);
        holed.remove(3);
        settled(records(0, holed));
        assertThat(context.reported).hasSize(1);
        assertThat(context.reported.get(0).error().getMessage()).contains("expected chunk 3").contains("gap");
        assertThat(exists("objects", "gap/x.bin")).isFalse();
        assertThat(openUploads("objects")).isZero();
        // The task goes on: the next object is written.
        byte[] next = payload(1000);
        settled(records(100, ChunkMaker.chunks(kms.kms(), "after-gap", "objects", "gap/next.bin", next, SEGMENT, CHUNK, null)));
        try (SrrrsClient client = client()) {
            assertThat(client.readAll("objects", "gap/next.bin")).isEqualTo(next);
        }
    }

    @Test
    void anUnknownFormatOrABucketNotAllowedIsReportedNotUploaded() throws Exception {
        List<EncryptedChunk> chunks = ChunkMaker.chunks(kms.kms(), "v2", "objects", "format/v2.bin", payload(500), SEGMENT,
                CHUNK, null);
        EncryptedChunk c = chunks.get(0);
        ByteBuffer header = c.getStart().getHeader();
        header.put(header.position() + 5, (byte) 2); // format version 2
        settled(records(0, chunks));
        assertThat(context.reported).hasSize(1);
        assertThat(context.reported.get(0).error().getMessage()).contains("not in a format this sink knows")
                .contains("version 2");
        assertThat(exists("objects", "format/v2.bin")).isFalse();

        settled(records(1, ChunkMaker.chunks(kms.kms(), "other", "elsewhere", "x.bin", payload(500), SEGMENT, CHUNK, null)));
        assertThat(context.reported).hasSize(2);
        assertThat(context.reported.get(1).error().getMessage()).contains("'elsewhere' is not in s3.bucket.name");
        assertThat(exists("elsewhere", "x.bin")).isFalse();
    }

    @Test
    void anAbandonedObjectIsDroppedWithItsUpload() throws Exception {
        List<EncryptedChunk> chunks = ChunkMaker.chunks(kms.kms(), "gone", "objects", "gone/x.bin", payload(12 * 1024 * 1024),
                SEGMENT, CHUNK, null);
        List<EncryptedChunk> sent = new ArrayList<>(chunks.subList(0, chunks.size() - 2));
        sent.add(ChunkMaker.abandonMarker("gone", "objects", "gone/x.bin", sent.size()));
        List<SinkRecord> records = records(0, sent);
        settled(records.subList(0, records.size() - 1));
        assertThat(openUploads("objects")).isEqualTo(1);
        settled(records.subList(records.size() - 1, records.size()));
        assertThat(openUploads("objects")).isZero();
        assertThat(exists("objects", "gone/x.bin")).isFalse();
        assertThat(context.reported).isEmpty();
        assertThat(preCommit(records.size())).containsEntry(new TopicPartition(TOPIC, 0), new OffsetAndMetadata(records.size()));
    }

    @Test
    void withoutAReporterARefusalFailsTheTaskAndSaysHowToGoOn() throws Exception {
        task.stop();
        start(false);
        List<EncryptedChunk> chunks = ChunkMaker.chunks(kms.kms(), "nope", "elsewhere", "x.bin", payload(10), SEGMENT, CHUNK, null);
        assertThatThrownBy(() -> settled(records(0, chunks))).isInstanceOf(ConnectException.class)
                .hasMessageContaining("errors.tolerance=all");
    }

    @Test
    void aStoreOutageIsRetriedByRedeliveryAndNothingIsLostOrDoubled() throws Exception {
        byte[] plaintext = payload(11 * 1024 * 1024);
        List<SinkRecord> records = records(0, ChunkMaker.chunks(kms.kms(), "outage", "objects", "outage/x.bin", plaintext,
                SEGMENT, CHUNK, null));
        settled(records.subList(0, 3));
        s3.close();
        try {
            assertThatThrownBy(() -> settled(records.subList(3, records.size()))).isInstanceOf(RetriableException.class)
                    .hasMessageContaining("store unavailable");
            assertThat(context.lastTimeout).isPositive();
            assertThatThrownBy(() -> settled(records.subList(3, records.size()))).isInstanceOf(RetriableException.class);
        } finally {
            s3 = EmbeddedS3.start(dir.resolve("s3"), ca, httpsPort, httpPort);
        }
        // Connect redelivers the failed batch, maybe more than once: records applied are skipped.
        settled(records.subList(3, records.size()));
        settled(records.subList(3, records.size()));
        try (SrrrsClient client = client()) {
            assertThat(client.readAll("objects", "outage/x.bin")).isEqualTo(plaintext);
        }
        assertThat(context.reported).isEmpty();
    }

    @Test
    void partsSpillToDiskPastTheMemoryBudget() throws Exception {
        task.stop();
        props.put(S3SinkConfig.BUFFER_MEMORY, Integer.toString(CHUNK));
        start(true);
        byte[] plaintext = payload(12 * 1024 * 1024);
        settled(records(0, ChunkMaker.chunks(kms.kms(), "spill", "objects", "spill/x.bin", plaintext, SEGMENT, CHUNK, null)));
        try (SrrrsClient client = client()) {
            assertThat(client.readAll("objects", "spill/x.bin")).isEqualTo(plaintext);
        }
        try (var files = java.nio.file.Files.list(dir.resolve("spill"))) {
            assertThat(files.toList()).as("spill files are deleted").isEmpty();
        }
    }

    @Test
    void anUploadLeftByACrashIsAbortedWhenItsObjectComesAgain() throws Exception {
        String stale = admin.createMultipartUpload(b -> b.bucket("objects").key("again/x.bin")).uploadId();
        assertThat(openUploads("objects")).isEqualTo(1);
        byte[] plaintext = payload(6 * 1024 * 1024);
        settled(records(0, ChunkMaker.chunks(kms.kms(), "again", "objects", "again/x.bin", plaintext, SEGMENT, CHUNK, null)));
        assertThat(openUploads("objects")).isZero();
        assertThat(stale).isNotBlank();
        try (SrrrsClient client = client()) {
            assertThat(client.readAll("objects", "again/x.bin")).isEqualTo(plaintext);
        }
    }

    @Test
    void partitionsTakenAwayLeaveNoUploadBehind() throws Exception {
        List<SinkRecord> records = records(0, ChunkMaker.chunks(kms.kms(), "moved", "objects", "moved/x.bin",
                payload(9 * 1024 * 1024), SEGMENT, CHUNK, null));
        settled(records.subList(0, records.size() - 2));
        assertThat(openUploads("objects")).isEqualTo(1);
        task.close(List.of(new TopicPartition(TOPIC, 0)));
        assertThat(openUploads("objects")).isZero();
        assertThat(exists("objects", "moved/x.bin")).isFalse();
    }

    @Test
    void sseCIsRefusedOverHttpAndOnAStoreThatDoesNotImplementIt() throws Exception {
        SseCKeySealer.KeyPair sink = SseCKeySealer.generateKeyPair();
        task.stop();
        props.put(S3SinkConfig.SSE_C_PRIVATE_KEY, sink.privateKeyBase64());
        start(true);
        settled(records(0, ChunkMaker.chunks(kms.kms(), "ssec", "objects", "ssec/x.bin", payload(1000), SEGMENT, CHUNK,
                sink.publicKeyBase64())));
        assertThat(context.reported).hasSize(1);
        assertThat(context.reported.get(0).error().getMessage()).contains("does not accept SSE-C")
                .contains("BlockedEncryptionTypes");
        assertThat(exists("objects", "ssec/x.bin")).isFalse();

        task.stop();
        props.put(S3SinkConfig.STORE_URL, s3.httpEndpoint().toString());
        start(true);
        settled(records(1, ChunkMaker.chunks(kms.kms(), "ssec-http", "objects", "ssec/y.bin", payload(1000), SEGMENT, CHUNK,
                sink.publicKeyBase64())));
        assertThat(context.reported).hasSize(1);
        assertThat(context.reported.get(0).error().getMessage()).contains("refused over plain http");
    }

    @Test
    void theConfigurationRefusesNonsenseByName() {
        Map<String, String> bad = new HashMap<>(props);
        bad.put(S3SinkConfig.PART_SIZE, "1000");
        assertThatThrownBy(() -> new S3SinkConfig(bad)).hasMessageContaining(S3SinkConfig.PART_SIZE);
        Map<String, String> badKey = new HashMap<>(props);
        badKey.put(S3SinkConfig.SSE_C_PRIVATE_KEY, "not a key");
        assertThatThrownBy(() -> new S3SinkConfig(badKey)).hasMessageContaining("X25519");
        Map<String, String> halfCredentials = new HashMap<>(props);
        halfCredentials.remove(S3SinkConfig.SECRET_KEY);
        assertThatThrownBy(() -> new S3SinkConfig(halfCredentials)).hasMessageContaining("or neither");
    }

}
