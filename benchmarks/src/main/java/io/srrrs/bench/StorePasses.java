package io.srrrs.bench;

import io.srrrs.bench.StoreBench.Pass;
import io.srrrs.bench.StoreBench.Sealed;
import io.srrrs.bench.StoreBench.Workload;
import io.srrrs.client.SrrrsClient;
import io.srrrs.schemas.EncryptedChunk;
import io.srrrs.serdes.connect.AvroConnectData;
import io.srrrs.sink.S3SinkConfig;
import io.srrrs.sink.S3SinkTask;
import io.srrrs.store.StoreConfig;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.sink.SinkRecord;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The timed passes of {@link StoreBench}, one round of one workload each: ours (the sink task's
 * upload, the client's read) beside the raw S3 calls of the same bytes, object by object.
 */
final class StorePasses {

    private static final Schema SCHEMA = AvroConnectData.toConnectSchema(EncryptedChunk.getClassSchema());

    private StorePasses() {
    }

    /**
     * Object by object, side by side: the sink task's {@code put()} of the object's chunk records
     * (as a Connect worker hands them over), then the same ciphertext uploaded raw, without and
     * with the same {@code x-amz-meta-srrrs-*} metadata (storing it is the store's work, not
     * ours). The order rotates per object, so a drift in the machine's speed (JIT, page cache,
     * neighbours) favours none of them.
     */
    static List<Pass> uploadRound(StoreConfig store, S3Client s3, Workload w, List<Sealed> objects, String sinkBucket,
                                  String rawBucket) {
        TopicPartition tp = new TopicPartition("chunks", 0);
        S3SinkTask task = new S3SinkTask();
        task.initialize(new BenchSinkContext());
        task.start(sinkConfig(store, w, sinkBucket));
        task.open(List.of(tp));
        long[] nanos = new long[3];
        long offset = 0;
        for (int i = 0; i < objects.size(); i++) {
            Sealed o = objects.get(i);
            List<SinkRecord> records = new ArrayList<>();
            for (EncryptedChunk c : o.chunks()) {
                Struct value = (Struct) AvroConnectData.toConnectValue(EncryptedChunk.getClassSchema(), SCHEMA, c);
                records.add(new SinkRecord(tp.topic(), tp.partition(), Schema.STRING_SCHEMA, sinkBucket + "/" + o.key(),
                        SCHEMA, value, offset++));
            }
            for (int k = 0; k < 3; k++) {
                int which = (i + k) % 3;
                long t0 = System.nanoTime();
                switch (which) {
                    case 0 -> task.put(records);
                    case 1 -> rawUpload(s3, w, o, rawBucket, Map.of());
                    default -> rawUpload(s3, w, o, rawBucket, o.metadata());
                }
                nanos[which] += System.nanoTime() - t0;
            }
        }
        Map<TopicPartition, OffsetAndMetadata> committed = task.preCommit(Map.of(tp, new OffsetAndMetadata(offset)));
        task.stop();
        if (committed.get(tp).offset() != offset) {
            throw new IllegalStateException("sink: an object is still open at offset " + committed.get(tp).offset());
        }
        long bytes = ciphertextBytes(objects);
        return List.of(new Pass(w.name(), "sink", bytes, nanos[0] / 1e9),
                new Pass(w.name(), "raw-upload", bytes, nanos[1] / 1e9),
                new Pass(w.name(), "raw-upload+meta", bytes, nanos[2] / 1e9));
    }

    private static Map<String, String> sinkConfig(StoreConfig store, Workload w, String bucket) {
        Map<String, String> config = new HashMap<>();
        config.put(S3SinkConfig.STORE_URL, store.endpoint().toString());
        config.put(S3SinkConfig.ACCESS_KEY, store.accessKey());
        config.put(S3SinkConfig.SECRET_KEY, store.secretKey());
        config.put(S3SinkConfig.TRUSTSTORE, store.truststore().toString());
        config.put(S3SinkConfig.TRUSTSTORE_PASSWORD, store.truststorePassword());
        config.put(S3SinkConfig.BUCKETS, bucket);
        config.put(S3SinkConfig.PART_SIZE, Integer.toString(w.partSize()));
        return config;
    }

    /** What a program would do with the same bytes: PutObject, or a multipart upload of the same part size. */
    static void rawUpload(S3Client s3, Workload w, Sealed o, String bucket, Map<String, String> metadata) {
        byte[] ct = o.ciphertext();
        if (ct.length <= w.partSize()) {
            s3.putObject(b -> b.bucket(bucket).key(o.key()).contentType("application/octet-stream").metadata(metadata),
                    RequestBody.fromInputStream(new ByteArrayInputStream(ct), ct.length));
            return;
        }
        String uploadId = s3.createMultipartUpload(b -> b.bucket(bucket).key(o.key())
                .contentType("application/octet-stream").metadata(metadata)).uploadId();
        List<CompletedPart> parts = new ArrayList<>();
        for (int at = 0; at < ct.length; at += w.partSize()) {
            int n = Math.min(w.partSize(), ct.length - at);
            int number = parts.size() + 1;
            int from = at;
            String etag = s3.uploadPart(b -> b.bucket(bucket).key(o.key()).uploadId(uploadId).partNumber(number),
                    RequestBody.fromInputStream(new ByteArrayInputStream(ct, from, n), n)).eTag();
            parts.add(CompletedPart.builder().partNumber(number).eTag(etag).build());
        }
        s3.completeMultipartUpload(b -> b.bucket(bucket).key(o.key()).uploadId(uploadId)
                .multipartUpload(m -> m.parts(parts)));
    }

    /**
     * Object by object, side by side, alternating which goes first: the client's open() (GET,
     * DEK unwrap, key derivation, verify and decrypt every segment; checked to give the
     * plaintext's length) vs a raw GetObject of the same object.
     */
    static List<Pass> readRound(SrrrsClient client, S3Client s3, Workload w, List<Sealed> objects, String bucket)
            throws Exception {
        long[] nanos = new long[2];
        for (int i = 0; i < objects.size(); i++) {
            Sealed o = objects.get(i);
            for (int k = 0; k < 2; k++) {
                int which = (i + k) % 2;
                long t0 = System.nanoTime();
                if (which == 0) {
                    try (InputStream in = client.open(bucket, o.key())) {
                        long n = in.transferTo(OutputStream.nullOutputStream());
                        if (n != w.size()) {
                            throw new IllegalStateException(o.key() + " read back " + n + " bytes, not " + w.size());
                        }
                    }
                } else {
                    try (InputStream in = s3.getObject(b -> b.bucket(bucket).key(o.key()))) {
                        in.transferTo(OutputStream.nullOutputStream());
                    }
                }
                nanos[which] += System.nanoTime() - t0;
            }
        }
        long bytes = ciphertextBytes(objects);
        return List.of(new Pass(w.name(), "client-read", bytes, nanos[0] / 1e9),
                new Pass(w.name(), "raw-get", bytes, nanos[1] / 1e9));
    }

    private static long ciphertextBytes(List<Sealed> objects) {
        return objects.stream().mapToLong(o -> o.ciphertext().length).sum();
    }

    static void empty(S3Client s3, String bucket) {
        for (S3Object o : s3.listObjectsV2Paginator(b -> b.bucket(bucket)).contents()) {
            s3.deleteObject(b -> b.bucket(bucket).key(o.key()));
        }
    }
}
