package io.srrrs.chaos;

import io.srrrs.client.SrrrsClient;
import io.srrrs.crypto.format.OutputFormat;
import io.srrrs.crypto.format.S3ecContent;
import io.srrrs.crypto.kms.DecoratedKms;
import io.srrrs.crypto.kms.KekAllowList;
import io.srrrs.crypto.kms.KmsConfig;
import io.srrrs.crypto.s3ec.S3ecObjectDecryptor;

import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Read-back in {@code bin/bench e2e}: the large object through the project's client (in this JVM,
 * which bin/bench starts with {@code -Xmx} = {@code --heap}) beside a raw GET of the raw-uploaded
 * copy of the same bytes, then its S3EC copies; then random 1 MiB ranges of the v1 object, client
 * and raw interleaved range by range.
 */
final class E2eReadBack {

    static final long RANGE = 1024 * 1024;

    private E2eReadBack() {
    }

    /**
     * The v1 object {@code key} whole and by ranges beside the raw copy {@code rawKey}; then each
     * S3EC object of {@code s3ecKeys} (the same plaintext) whole against the same raw GET. S3EC
     * objects have no ranged rows: the client refuses an unauthenticated range (docs/S3EC.md §5).
     */
    static List<E2eTable.Row> run(ChaosStack stack, E2eRaw raw, E2ePipeline pipeline, String key, String rawKey,
                                  long size, int ranges, Map<OutputFormat, String> s3ecKeys) throws Exception {
        List<E2eTable.Row> rows = new ArrayList<>();
        try (DecoratedKms kms = KmsConfig.stack(stack.kmsConfig());
             SrrrsClient client = SrrrsClient.create(stack.store.config(), kms.kms(), KekAllowList.parse(ChaosStack.KEK, ""))) {
            E2eTable.Row whole = whole(client, pipeline, key, size, "client, whole object");
            rows.add(whole);
            E2eTable.Row rawGet = E2eTable.ratio(whole, new E2eTable.Row("read", "raw GET, whole object", 1, size,
                    raw.get(rawKey), new long[0], -1, "", ""), false);
            rows.add(rawGet);
            for (Map.Entry<OutputFormat, String> e : s3ecKeys.entrySet()) {
                rows.add(E2eTable.against(whole(client, pipeline, e.getValue(), size, s3ecSide(e.getKey(), size)),
                        rawGet, false));
            }
            rows.addAll(ranged(client, raw, pipeline, key, rawKey, size, ranges));
        }
        return rows;
    }

    /**
     * How the client reads an S3EC object of {@code size} bytes: buffered whole up to 64 MiB, else
     * two passes over the body (authenticate, then release), so that row costs two GETs.
     */
    static String s3ecSide(OutputFormat format, long size) {
        boolean twice = size + S3ecContent.TAG_LENGTH > S3ecObjectDecryptor.BUFFER_LIMIT_BYTES;
        return "client " + format.id() + (twice ? ", read twice" : ", buffered");
    }

    /** One whole-object read through the client, its length checked. */
    private static E2eTable.Row whole(SrrrsClient client, E2ePipeline pipeline, String key, long size, String side)
            throws Exception {
        long kms0 = pipeline.kmsCalls();
        resetHeapPeak();
        long t0 = System.nanoTime();
        long n;
        try (InputStream in = client.open(Workload.BUCKET, key)) {
            n = E2eRaw.drain(in);
        }
        long ours = System.nanoTime() - t0;
        if (n != size) {
            throw new IllegalStateException("the client read " + n + " bytes of " + size + " (" + side + ")");
        }
        return new E2eTable.Row("read", side, 1, size, ours, new long[0], pipeline.kmsCalls() - kms0,
                heapPeakMiB() + " MiB (bench)", "");
    }

    private static List<E2eTable.Row> ranged(SrrrsClient client, E2eRaw raw, E2ePipeline pipeline, String key,
                                             String rawKey, long size, int ranges) throws Exception {
        Random r = new Random(42);
        long ours = 0;
        long theirs = 0;
        long kms0 = pipeline.kmsCalls();
        resetHeapPeak();
        for (int i = 0; i < ranges; i++) {
            long offset = (long) (r.nextDouble() * (size - RANGE));
            long t0 = System.nanoTime();
            try (InputStream in = client.openRange(Workload.BUCKET, key, offset, RANGE)) {
                long n = E2eRaw.drain(in);
                if (n != RANGE) {
                    throw new IllegalStateException("the client's range read " + n + " bytes of " + RANGE);
                }
            }
            ours += System.nanoTime() - t0;
            theirs += raw.getRange(rawKey, offset, RANGE);
        }
        E2eTable.Row client1 = new E2eTable.Row("ranges", "client, 1 MiB ranges", ranges, ranges * RANGE, ours,
                new long[0], pipeline.kmsCalls() - kms0, heapPeakMiB() + " MiB (bench)", "");
        return List.of(client1, E2eTable.ratio(client1, new E2eTable.Row("ranges", "raw ranged GET", ranges,
                ranges * RANGE, theirs, new long[0], -1, "", ""), false));
    }

    private static void resetHeapPeak() {
        System.gc(); // so the peak is the read's, not garbage left by what ran before
        heapPools().forEach(MemoryPoolMXBean::resetPeakUsage);
    }

    /** The sum of each heap pool's peak since the reset: an upper bound of the heap the read needed. */
    private static long heapPeakMiB() {
        return heapPools().stream().mapToLong(p -> p.getPeakUsage().getUsed()).sum() >> 20;
    }

    private static List<MemoryPoolMXBean> heapPools() {
        return ManagementFactory.getMemoryPoolMXBeans().stream().filter(p -> p.getType() == MemoryType.HEAP).toList();
    }
}
