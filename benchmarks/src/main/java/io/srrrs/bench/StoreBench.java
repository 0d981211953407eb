package io.srrrs.bench;

import io.srrrs.client.SrrrsClient;
import io.srrrs.crypto.ChunkingEncryptor;
import io.srrrs.crypto.CiphertextChunk;
import io.srrrs.crypto.ObjectEncryptor;
import io.srrrs.crypto.ObjectMetadata;
import io.srrrs.crypto.format.FormatHeader;
import io.srrrs.crypto.format.EncryptionContext;
import io.srrrs.crypto.format.ObjectIdentity;
import io.srrrs.crypto.kms.DataKeyPair;
import io.srrrs.crypto.kms.KekAllowList;
import io.srrrs.crypto.kms.KekId;
import io.srrrs.crypto.kms.Kms;
import io.srrrs.crypto.kms.DecoratedKms;
import io.srrrs.crypto.kms.WrappedDek;
import io.srrrs.crypto.kms.local.LocalKeystoreKms;
import io.srrrs.crypto.pki.LocalCa;
import io.srrrs.embedded.EmbeddedS3;
import io.srrrs.schemas.EncryptedChunk;
import io.srrrs.schemas.ObjectStart;
import io.srrrs.serdes.connect.AvroConnectData;
import io.srrrs.sink.S3SinkConfig;
import io.srrrs.sink.S3SinkTask;
import io.srrrs.store.StoreClients;
import io.srrrs.store.StoreConfig;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.sink.ErrantRecordReporter;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTaskContext;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * {@code bin/bench store}: the sink task and the reading client against the plain S3 calls a
 * program without SRRRS would make for the same bytes, on one store (S3Proxy in this JVM,
 * HTTPS with TLS 1.3), side by side object by object in one run, medians of the rounds:
 * <ul>
 *   <li>sink: {@link S3SinkTask#put} of the chunk records of N objects (as Connect hands them
 *       over) vs {@code PutObject} / multipart upload of the same ciphertext, same part size;</li>
 *   <li>read: {@link SrrrsClient#open} (GET, DEK unwrap, verify, decrypt) of every object vs a
 *       raw {@code GetObject} of it.</li>
 * </ul>
 * Two workloads: many small objects (one PutObject each) and a few large ones (multipart).
 */
public final class StoreBench {

    private StoreBench() {
    }

    record Workload(String name, int objects, int size, int partSize) {
        long bytes() {
            return (long) objects * size;
        }
    }

    /** One object as the sink receives it, and the ciphertext a raw upload sends. */
    record Sealed(String key, List<EncryptedChunk> chunks, byte[] ciphertext, Map<String, String> metadata) {
    }

    record Pass(String workload, String kind, long bytes, double seconds) {
        double mbPerSecond() {
            return bytes / 1e6 / seconds;
        }
    }

    static final Schema SCHEMA = AvroConnectData.toConnectSchema(EncryptedChunk.getClassSchema());
    static final EncryptionContext CONTEXT = EncryptionContext.of("tenant", "bench");
    static final int CHUNK = 1 << 20;
    static final int SEGMENT = 64 * 1024;
    static final int WARMUP_ROUNDS = 2;

    public static void main(String[] args) throws Exception {
        // The task logs its whole configuration at every start; the table is what matters here.
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        int rounds = 5;
        int small = 512;
        int large = 4;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                case "--small" -> small = Integer.parseInt(args[++i]);
                case "--large" -> large = Integer.parseInt(args[++i]);
                default -> {
                }
            }
        }
        List<Workload> workloads = List.of(new Workload("small", small, 256 * 1024, 8 << 20),
                new Workload("large", large, 48 << 20, 8 << 20));
        Path dir = Files.createTempDirectory("srrrs-store-bench-");
        LocalCa ca = LocalCa.createOrLoad(dir.resolve("ca"));
        System.out.printf("store bench: S3Proxy over TLS 1.3 on loopback, %d rounds, JDK %s%n", rounds,
                System.getProperty("java.version"));
        try (EmbeddedS3 s3proxy = EmbeddedS3.start(dir.resolve("s3"), ca);
             LocalKeystoreKms local = LocalKeystoreKms.openOrCreate(dir.resolve("keks.p12"), "bench".toCharArray())) {
            local.createKek("bench");
            DecoratedKms kms = DecoratedKms.around(local, DecoratedKms.Config.DEFAULTS);
            StoreConfig store = StoreConfig.of(s3proxy.httpsEndpoint(), s3proxy.accessKey(), s3proxy.secretKey(),
                    ca.truststore());
            List<Pass> passes = new ArrayList<>();
            try (S3Client s3 = StoreClients.s3(store); SrrrsClient client = SrrrsClient.create(store, kms.kms(),
                    KekAllowList.parse("bench", ""))) {
                for (Workload w : workloads) {
                    // Bucket and key are bound into each object's key material: one bucket per
                    // workload for the sink (emptied between rounds), sealed for once.
                    String sinkBucket = "sink-" + w.name();
                    String rawBucket = "raw-" + w.name();
                    s3.createBucket(b -> b.bucket(sinkBucket));
                    s3.createBucket(b -> b.bucket(rawBucket));
                    List<Sealed> objects = seal(kms.kms(), w, sinkBucket);
                    for (int r = -WARMUP_ROUNDS; r < rounds; r++) { // negative rounds warm up, uncounted
                        List<Pass> round = new ArrayList<>(uploadRound(store, s3, w, objects, sinkBucket, rawBucket));
                        round.addAll(readRound(client, s3, w, objects, sinkBucket));
                        if (r >= 0) {
                            passes.addAll(round);
                        }
                        empty(s3, sinkBucket);
                        empty(s3, rawBucket);
                    }
                }
            }
            System.out.println();
            System.out.printf("%-8s %-16s %9s %9s %9s%n", "workload", "pass", "MB", "seconds", "MB/s");
            for (Pass p : passes) {
                System.out.printf(Locale.ROOT, "%-8s %-16s %9.1f %9.2f %9.1f%n", p.workload(), p.kind(), p.bytes() / 1e6,
                        p.seconds(), p.mbPerSecond());
            }
            System.out.println();
            List<String> failed = new ArrayList<>();
            for (Workload w : workloads) {
                failed.addAll(ratio(passes, w, "sink", "raw-upload", "sink vs raw PutObject/multipart"));
                ratio(passes, w, "sink", "raw-upload+meta", "  same, raw also with srrrs metadata");
                failed.addAll(ratio(passes, w, "client-read", "raw-get", "client read vs raw GET"));
            }
            System.out.println(failed.isEmpty() ? "target >= 0.90: met" : "target >= 0.90: NOT met for " + failed);
        }
    }

    private static List<String> ratio(List<Pass> passes, Workload w, String ours, String baseline, String label) {
        double a = median(passes, w.name(), ours);
        double b = median(passes, w.name(), baseline);
        double ratio = a / b;
        System.out.printf(Locale.ROOT, "%-6s %-38s %8.1f MB/s vs %8.1f MB/s  ratio %.3f%n", w.name(), label, a, b, ratio);
        return ratio >= 0.90 ? List.of() : List.of(w.name() + " " + ours);
    }

    private static double median(List<Pass> passes, String workload, String kind) {
        double[] v = passes.stream().filter(p -> p.workload().equals(workload) && p.kind().equals(kind))
                .mapToDouble(Pass::mbPerSecond).sorted().toArray();
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    /** Encrypts the workload's objects as the topology does, outside any timed part. */
    static List<Sealed> seal(Kms kms, Workload w, String bucket) throws Exception {
        Random random = new Random(42);
        List<Sealed> out = new ArrayList<>();
        byte[] plaintext = new byte[w.size()];
        for (int i = 0; i < w.objects(); i++) {
            random.nextBytes(plaintext);
            String key = "objects/" + i;
            ObjectIdentity id = new ObjectIdentity(bucket, key);
            List<EncryptedChunk> chunks = new ArrayList<>();
            ByteArrayOutputStream all = new ByteArrayOutputStream(w.size() + w.size() / 64 + 1024);
            try (DataKeyPair dek = kms.generateDataKey(new KekId("bench"), CONTEXT);
                 ObjectEncryptor enc = ObjectEncryptor.create(dek, id, CONTEXT, SEGMENT);
                 ChunkingEncryptor c = enc.chunks(new ByteArrayInputStream(plaintext), CHUNK, plaintext.length)) {
                ObjectStart start = ObjectStart.newBuilder().setHeader(ByteBuffer.wrap(enc.header().toBytes()))
                        .setKms(dek.wrapped().kms()).setKekId(dek.wrapped().kek().value())
                        .setWrappedDek(ByteBuffer.wrap(dek.wrapped().blob())).setEncryptionContext(CONTEXT.asMap())
                        .setContentType("application/octet-stream").setUserMetadata(Map.of()).setSseC(false)
                        .setSealedSseCKey(null).build();
                long total = 0;
                for (CiphertextChunk chunk = c.next(); chunk != null; chunk = c.next()) {
                    total += chunk.bytes().length;
                    all.write(chunk.bytes());
                    chunks.add(EncryptedChunk.newBuilder().setReferenceId("ref-" + i).setBucket(bucket).setKey(key)
                            .setSequence(chunk.sequence()).setLast(chunk.last()).setAborted(false)
                            .setStart(chunk.sequence() == 0 ? start : null).setCiphertext(ByteBuffer.wrap(chunk.bytes()))
                            .setPlaintextLength(chunk.last() ? c.plaintextLength() : null)
                            .setObjectLength(chunk.last() ? total : null).build());
                }
            }
            ObjectStart start = chunks.get(0).getStart();
            Map<String, String> metadata = new ObjectMetadata(FormatHeader.parse(start.getHeader().array()),
                    new WrappedDek(start.getKms(), new KekId(start.getKekId()), start.getWrappedDek().array()), CONTEXT,
                    false).toMap();
            out.add(new Sealed(key, chunks, all.toByteArray(), metadata));
        }
        return out;
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

    private static void empty(S3Client s3, String bucket) {
        for (S3Object o : s3.listObjectsV2Paginator(b -> b.bucket(bucket)).contents()) {
            s3.deleteObject(b -> b.bucket(bucket).key(o.key()));
        }
    }

    /** Connect's side of the task, as far as the bench needs it: no errant-record reporter. */
    static final class BenchSinkContext implements SinkTaskContext {
        @Override
        public Map<String, String> configs() {
            return Map.of();
        }

        @Override
        public void offset(Map<TopicPartition, Long> offsets) {
        }

        @Override
        public void offset(TopicPartition tp, long offset) {
        }

        @Override
        public void timeout(long timeoutMs) {
        }

        @Override
        public Set<TopicPartition> assignment() {
            return new HashSet<>();
        }

        @Override
        public void pause(TopicPartition... partitions) {
        }

        @Override
        public void resume(TopicPartition... partitions) {
        }

        @Override
        public void requestCommit() {
        }

        @Override
        public org.apache.kafka.common.metrics.PluginMetrics pluginMetrics() {
            return null;
        }

        @Override
        public ErrantRecordReporter errantRecordReporter() {
            return null;
        }
    }
}
