package io.srrrs.bench;

import io.srrrs.client.SrrrsClient;
import io.srrrs.crypto.ChunkingEncryptor;
import io.srrrs.crypto.CiphertextChunk;
import io.srrrs.crypto.ObjectEncryptor;
import io.srrrs.crypto.ObjectMetadata;
import io.srrrs.crypto.format.EncryptionContext;
import io.srrrs.crypto.format.ObjectIdentity;
import io.srrrs.crypto.kms.DataKeyPair;
import io.srrrs.crypto.kms.KekAllowList;
import io.srrrs.crypto.kms.KekId;
import io.srrrs.crypto.kms.Kms;
import io.srrrs.crypto.kms.DecoratedKms;
import io.srrrs.crypto.kms.local.LocalKeystoreKms;
import io.srrrs.crypto.pki.LocalCa;
import io.srrrs.embedded.EmbeddedS3;
import io.srrrs.schemas.EncryptedChunk;
import io.srrrs.schemas.ObjectStart;
import io.srrrs.serdes.chunk.ObjectStartFields;
import io.srrrs.sink.S3SinkTask;
import io.srrrs.store.StoreClients;
import io.srrrs.store.StoreConfig;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import software.amazon.awssdk.services.s3.S3Client;

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
 * This class prepares the objects ({@link #seal}) and prints the table; {@link StorePasses} holds
 * the timed passes.
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
            report(measure(store, kms.kms(), workloads, rounds), workloads);
        }
    }

    /** Every workload's rounds (the first {@link #WARMUP_ROUNDS} uncounted); the counted passes. */
    private static List<Pass> measure(StoreConfig store, Kms kms, List<Workload> workloads, int rounds) throws Exception {
        List<Pass> passes = new ArrayList<>();
        try (S3Client s3 = StoreClients.s3(store); SrrrsClient client = SrrrsClient.create(store, kms,
                KekAllowList.parse("bench", ""))) {
            for (Workload w : workloads) {
                // Bucket and key are bound into each object's key material: one bucket per
                // workload for the sink (emptied between rounds), sealed for once.
                String sinkBucket = "sink-" + w.name();
                String rawBucket = "raw-" + w.name();
                s3.createBucket(b -> b.bucket(sinkBucket));
                s3.createBucket(b -> b.bucket(rawBucket));
                List<Sealed> objects = seal(kms, w, sinkBucket);
                for (int r = -WARMUP_ROUNDS; r < rounds; r++) { // negative rounds warm up, uncounted
                    List<Pass> round = new ArrayList<>(StorePasses.uploadRound(store, s3, w, objects, sinkBucket,
                            rawBucket));
                    round.addAll(StorePasses.readRound(client, s3, w, objects, sinkBucket));
                    if (r >= 0) {
                        passes.addAll(round);
                    }
                    StorePasses.empty(s3, sinkBucket);
                    StorePasses.empty(s3, rawBucket);
                }
            }
        }
        return passes;
    }

    /** The table of passes, then each workload's ratios against the 0.90 target. */
    private static void report(List<Pass> passes, List<Workload> workloads) {
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
                ObjectStart start = new ObjectStartFields(new ObjectMetadata(enc.header(), dek.wrapped(), CONTEXT),
                        "application/octet-stream", Map.of(), null).toAvro();
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
            Map<String, String> metadata = ObjectStartFields.fromAvro(chunks.get(0).getStart()).metadata().toMap();
            out.add(new Sealed(key, chunks, all.toByteArray(), metadata));
        }
        return out;
    }
}
