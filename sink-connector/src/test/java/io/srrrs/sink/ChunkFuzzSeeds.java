package io.srrrs.sink;

import io.srrrs.sink.ChunkFuzzHarness.Op;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Writes the seeds of {@link ChunkFuzzTest}: whole objects as the topology sends them, and one
 * input for each way a chunk stream goes wrong (gaps, redeliveries, rebalances, changed fields,
 * values that are no chunks). Objects: 0 = one chunk, 1 = three chunks, 2 = SSE-C, two chunks.
 * Run from the sink-connector module with the test class path.
 */
final class ChunkFuzzSeeds {

    static final Path SEEDS = Path.of("src/test/resources/io/srrrs/sink/ChunkFuzzTestInputs/anyChunks");

    private final ByteArrayOutputStream steps = new ByteArrayOutputStream();

    private ChunkFuzzSeeds step(Op op, int object, int chunk, byte... arg) {
        steps.write(op.ordinal());
        steps.write(object);
        steps.write(chunk);
        steps.write(arg.length);
        steps.writeBytes(arg);
        return this;
    }

    private ChunkFuzzSeeds text(Op op, int object, int chunk, int field, String value) {
        byte[] v = value.getBytes(StandardCharsets.UTF_8);
        byte[] arg = new byte[v.length + 1];
        arg[0] = (byte) field;
        System.arraycopy(v, 0, arg, 1, v.length);
        return step(op, object, chunk, arg);
    }

    private ChunkFuzzSeeds number(int object, int chunk, int field, long value) {
        return step(Op.NUMBER, object, chunk, ByteBuffer.allocate(9).put((byte) field).putLong(value).array());
    }

    private byte[] bytes() {
        return steps.toByteArray();
    }

    private static ChunkFuzzSeeds seed() {
        return new ChunkFuzzSeeds();
    }

    public static void main(String[] args) throws IOException {
        Map<String, byte[]> seeds = new LinkedHashMap<>();
        seeds.put("ok-one-chunk-object", seed().step(Op.SEND_ALL, 0, 0).bytes());
        seeds.put("ok-three-chunk-object", seed().step(Op.SEND_ALL, 1, 0).step(Op.PRECOMMIT, 0, 0).bytes());
        seeds.put("ok-sse-c-object", seed().step(Op.SEND_ALL, 2, 0).bytes());
        seeds.put("ok-chunk-by-chunk-with-commits", seed().step(Op.SEND, 1, 0).step(Op.PRECOMMIT, 0, 0)
                .step(Op.SEND, 1, 1).step(Op.SKIP_OFFSETS, 0, 0, (byte) 1).step(Op.SEND, 1, 2).step(Op.PRECOMMIT, 0, 0)
                .step(Op.EMPTY_PUT, 0, 0).bytes());
        seeds.put("ok-two-objects-interleaved", seed().step(Op.SEND, 1, 0).step(Op.SEND, 2, 0).step(Op.SEND, 1, 1)
                .step(Op.SEND, 2, 1).step(Op.SEND, 1, 2).bytes());
        seeds.put("redelivered-chunk-0", seed().step(Op.SEND, 1, 0).step(Op.REDELIVER, 0, 0, (byte) 0)
                .step(Op.SEND, 1, 1).step(Op.SEND, 1, 2).bytes());
        seeds.put("redelivered-chunk-0-at-a-new-offset", seed().step(Op.SEND, 1, 0).step(Op.SEND, 1, 1)
                .step(Op.SEND, 1, 0).step(Op.SEND, 1, 1).step(Op.SEND, 1, 2).bytes());
        seeds.put("redelivered-whole-object", seed().step(Op.SEND_ALL, 1, 0).step(Op.REDELIVER, 0, 0, (byte) 2).bytes());
        seeds.put("rebalance-mid-object", seed().step(Op.SEND, 1, 0).step(Op.REBALANCE, 0, 0).step(Op.SEND, 1, 1)
                .step(Op.SEND, 1, 2).bytes());
        seeds.put("bad-gap", seed().step(Op.SEND, 1, 0).step(Op.SEND, 1, 2).bytes());
        seeds.put("bad-no-chunk-0", seed().step(Op.SEND, 1, 1).step(Op.SEND, 1, 2).bytes());
        seeds.put("bad-chunk-repeated", seed().step(Op.SEND, 1, 0).step(Op.SEND, 1, 1).step(Op.SEND, 1, 1)
                .step(Op.SEND, 1, 2).bytes());
        seeds.put("bad-no-start", seed().step(Op.FLAGS, 0, 0, (byte) 8).bytes());
        seeds.put("bad-start-on-chunk-1", seed().step(Op.SEND, 1, 0).step(Op.FLAGS, 1, 1, (byte) 64).bytes());
        seeds.put("bad-bucket-not-allowed", seed().text(Op.STRING, 0, 0, 1, "elsewhere").bytes());
        seeds.put("bad-bucket-name", seed().text(Op.STRING, 0, 0, 1, "Not_A_Bucket").bytes());
        seeds.put("bad-key-nul", seed().text(Op.STRING, 0, 0, 2, "a\0b").bytes());
        seeds.put("bad-key-empty", seed().text(Op.STRING, 0, 0, 2, "").bytes());
        seeds.put("bad-reference-id-empty", seed().text(Op.STRING, 0, 0, 0, "").bytes());
        seeds.put("bad-kms-name", seed().text(Op.STRING, 0, 0, 3, "LOCAL!").bytes());
        seeds.put("bad-kek-id", seed().text(Op.STRING, 0, 0, 4, "a b").bytes());
        seeds.put("bad-context-empty-name", seed().text(Op.STRING, 0, 0, 6, "=x").bytes());
        seeds.put("bad-content-type-control", seed().text(Op.STRING, 0, 0, 5, "text/\nplain").bytes());
        seeds.put("bad-metadata-too-large", seed().text(Op.STRING, 0, 0, 7, "blob=" + "x".repeat(200)).step(Op.SEND, 0, 0)
                .bytes());
        seeds.put("bad-metadata-name", seed().text(Op.STRING, 0, 0, 7, "a b=c").bytes());
        seeds.put("bad-header-flipped", seed().step(Op.BYTES, 0, 0, (byte) 1, (byte) 1, (byte) 0, (byte) 20, (byte) 0)
                .bytes());
        seeds.put("bad-header-version", seed().step(Op.BYTES, 0, 0, (byte) 1, (byte) 1, (byte) 0, (byte) 5, (byte) 1)
                .bytes());
        seeds.put("bad-header-cut", seed().step(Op.BYTES, 0, 0, (byte) 1, (byte) 2, (byte) 0, (byte) 100).bytes());
        seeds.put("bad-ciphertext-header-differs", seed().step(Op.BYTES, 0, 0, (byte) 0, (byte) 1, (byte) 0, (byte) 10,
                (byte) 3).bytes());
        seeds.put("bad-ciphertext-empty", seed().step(Op.BYTES, 0, 0, (byte) 0, (byte) 0).bytes());
        seeds.put("bad-wrapped-dek-empty", seed().step(Op.BYTES, 0, 0, (byte) 2, (byte) 0).bytes());
        seeds.put("bad-sse-c-key-missing", seed().step(Op.BYTES, 2, 0, (byte) 3, (byte) 0).step(Op.SEND, 2, 1).bytes());
        seeds.put("bad-sse-c-key-flipped", seed().step(Op.BYTES, 2, 0, (byte) 3, (byte) 1, (byte) 0, (byte) 40, (byte) 0)
                .step(Op.SEND, 2, 1).bytes());
        seeds.put("bad-sse-c-key-low-order-point", seed().step(Op.BYTES, 2, 0, lowOrderSealedKeyArg())
                .step(Op.SEND, 2, 1).bytes());
        seeds.put("bad-sse-c-without-key", seed().step(Op.FLAGS, 0, 0, (byte) 4).bytes());
        seeds.put("bad-length-mismatch", seed().number(0, 0, 1, 5).bytes());
        seeds.put("bad-sequence-negative", seed().number(0, 0, 0, -1).bytes());
        seeds.put("bad-sequence-huge", seed().number(1, 1, 0, Long.MAX_VALUE).bytes());
        seeds.put("bad-early-last", seed().step(Op.FLAGS, 1, 0, (byte) (1 | 32)).step(Op.SEND, 1, 1).bytes());
        seeds.put("abandoned-object", seed().step(Op.SEND, 1, 0).step(Op.FLAGS, 1, 1, (byte) 2).step(Op.SEND, 1, 2)
                .bytes());
        seeds.put("abandoned-before-start", seed().step(Op.FLAGS, 1, 1, (byte) 2).bytes());
        // Finding 2 of docs/RELIABILITY.md (Fuzzing): a valid key whose last segment S3Proxy cannot store.
        seeds.put("finding-store-500-for-a-long-key-segment-minimal",
                seed().text(Op.STRING, 0, 0, 2, "fuzz/" + "x".repeat(230)).bytes());
        for (int kind = 0; kind < 6; kind++) {
            seeds.put("bad-not-a-chunk-" + kind, seed().step(Op.OTHER_VALUE, 0, 0, (byte) kind, (byte) 'x').bytes());
        }
        Files.createDirectories(SEEDS);
        for (Map.Entry<String, byte[]> e : seeds.entrySet()) {
            Files.write(SEEDS.resolve(e.getKey()), e.getValue());
        }
        System.out.println("wrote " + seeds.size() + " seeds to " + SEEDS);
    }

    /**
     * BYTES on the sealed SSE-C key (field 3), replace (0), with a v1 blob whose HPKE encapsulated
     * key is the X25519 point 0, for which no shared secret exists.
     */
    private static byte[] lowOrderSealedKeyArg() {
        byte[] arg = new byte[2 + 1 + 32 + 32 + 16];
        arg[0] = 3;
        arg[2] = 1;
        return arg;
    }
}
