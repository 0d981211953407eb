package io.srrrs.crypto;

import io.srrrs.crypto.FormatFuzzHarness.Mode;
import io.srrrs.crypto.format.FormatV1;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Writes the seed inputs of {@link FormatFuzzTest}: valid headers, metadata maps and objects of
 * every key set (the fuzzer starts from what readers really get), and one of each refusal the
 * format names. Names start with "ok-" (read successfully) or "bad-" (refused); the fuzzer adds
 * its own finds beside them. Run from the crypto module:
 * {@code java -cp target/test-classes:target/classes:<test classpath> io.srrrs.crypto.FormatFuzzSeeds}.
 */
final class FormatFuzzSeeds {

    private static final int S = 64;
    private static final int CT = S + FormatV1.TAG_LENGTH;
    private static final int H = FormatV1.HEADER_LENGTH;

    private final Map<String, byte[]> seeds = new LinkedHashMap<>();

    public static void main(String[] args) throws IOException {
        Path dir = args.length > 0 ? Path.of(args[0]) : FormatFuzzTest.SEEDS;
        Files.createDirectories(dir);
        FormatFuzzSeeds s = new FormatFuzzSeeds();
        s.headers();
        s.metadata();
        s.streams();
        s.ranges();
        s.sealedKeys();
        for (Map.Entry<String, byte[]> e : s.seeds.entrySet()) {
            Files.write(dir.resolve(e.getKey()), e.getValue());
        }
        System.out.println("wrote " + s.seeds.size() + " seeds to " + dir);
    }

    private static FuzzKeySets.KeySet canary() {
        return FuzzKeySets.of(FuzzKeySets.CANARY_SET);
    }

    private void headers() {
        for (FuzzKeySets.KeySet set : FuzzKeySets.ALL) {
            seeds.put("ok-header-" + set.name(), FormatFuzzHarness.input(Mode.HEADER, set.header().toBytes()));
        }
        byte[] h = canary().header().toBytes();
        seeds.put("bad-header-truncated", FormatFuzzHarness.input(Mode.HEADER, Arrays.copyOf(h, 100)));
        seeds.put("bad-header-not-encrypted", FormatFuzzHarness.input(Mode.HEADER,
                "%PDF-1.7\n%plaintext that is not an SRRRS object\n".getBytes(StandardCharsets.US_ASCII)));
        seeds.put("bad-header-version-2", FormatFuzzHarness.input(Mode.HEADER, with(h, 5, 2)));
        seeds.put("bad-header-algorithm-2", FormatFuzzHarness.input(Mode.HEADER, with(h, 6, 2)));
        seeds.put("bad-header-segment-size-0", FormatFuzzHarness.input(Mode.HEADER, withInt(h, 7, 0)));
        seeds.put("bad-header-segment-size-max", FormatFuzzHarness.input(Mode.HEADER, withInt(h, 7, -1)));
        seeds.put("bad-header-followed-by-data", FormatFuzzHarness.input(Mode.HEADER, h, new byte[40]));
        seeds.put("bad-header-as-metadata-text", FormatFuzzHarness.input(Mode.HEADER,
                canary().header().toMetadataValue().getBytes(StandardCharsets.US_ASCII)));
    }

    private void metadata() {
        for (FuzzKeySets.KeySet set : FuzzKeySets.ALL) {
            seeds.put("ok-metadata-" + set.name(), metadataInput(set.metadata().toMap(), Map.of()));
        }
        Map<String, String> canary = canary().metadata().toMap();
        seeds.put("ok-metadata-sse-c-and-labels", metadataInput(canary,
                Map.of("srrrs-sse-c", "AES256", "Owner", "billing", "x-label", "a:b=c%20d")));
        seeds.put("bad-metadata-unencrypted", metadataInput(Map.of("owner", "billing"), Map.of()));
        seeds.put("bad-metadata-context-order", metadataInput(canary, Map.of("srrrs-context", "tenant=fuzz&class=canary")));
        seeds.put("bad-metadata-other-context", metadataInput(canary, Map.of("srrrs-context", "class=canary&tenant=other")));
        seeds.put("bad-metadata-wrapped-dek-not-base64", metadataInput(canary, Map.of("srrrs-wrapped-dek", "!!")));
        seeds.put("bad-metadata-sse-c-other", metadataInput(canary, Map.of("srrrs-sse-c", "aws:kms")));
    }

    private static byte[] metadataInput(Map<String, String> base, Map<String, String> overrides) {
        Map<String, String> m = new LinkedHashMap<>(base);
        m.putAll(overrides);
        StringBuilder text = new StringBuilder();
        m.forEach((k, v) -> text.append(k).append(':').append(v).append('\n'));
        return FormatFuzzHarness.input(Mode.METADATA, text.toString().getBytes(StandardCharsets.UTF_8));
    }

    private void streams() throws IOException {
        for (int i = 0; i < FuzzKeySets.CANARY_SET; i++) {
            FuzzKeySets.KeySet set = FuzzKeySets.of(i);
            byte[] object = set.object(FormatVectors.CASES.get(i).plaintextLength());
            seeds.put("ok-stream-" + set.name(), stream(i, i % 8, object));
        }
        int c = FuzzKeySets.CANARY_SET;
        int[] lengths = {0, 1, S - 1, S, S + 1, 200, 1000};
        for (int k = 0; k < lengths.length; k++) {
            // Read styles vary: sizes, header from the body (8), segments after the header (16).
            seeds.put("ok-stream-canary-" + lengths[k], stream(c, k | (k % 2) << 3 | (k % 3 == 0 ? 16 : 0),
                    canary().object(lengths[k])));
        }
        byte[] object = canary().object(200); // segments 0-2 full, segment 3 of 8 bytes
        byte[] full = canary().object(3 * S);
        seeds.put("bad-stream-flipped-byte", stream(c, 2, flip(object, H + CT + 10)));
        seeds.put("bad-stream-flipped-tag", stream(c, 5, flip(object, object.length - 1)));
        seeds.put("bad-stream-cut-at-boundary", stream(c, 2, Arrays.copyOf(object, H + 2 * CT)));
        seeds.put("bad-stream-cut-in-tag", stream(c, 2, Arrays.copyOf(object, H + 2 * CT + 9)));
        seeds.put("bad-stream-cut-in-segment", stream(c, 0, Arrays.copyOf(object, H + 2 * CT + 40)));
        seeds.put("bad-stream-header-only", stream(c, 2, Arrays.copyOf(object, H)));
        seeds.put("bad-stream-extended", stream(c, 6, concat(full, Arrays.copyOfRange(full, H, H + CT))));
        seeds.put("bad-stream-extended-bytes", stream(c, 2, concat(full, new byte[5])));
        seeds.put("bad-stream-swapped", stream(c, 3, rebuild(object, 0, 2, 1, 3)));
        seeds.put("bad-stream-repeated", stream(c, 4, rebuild(object, 0, 0, 2, 3)));
        seeds.put("bad-stream-header-mismatch", stream(c, 2, flip(object, 20)));
        seeds.put("bad-stream-body-header-modified", stream(c, 2 | 8, flip(object, 20)));
        seeds.put("bad-stream-other-key-set", stream(0, 2, object));
        seeds.put("bad-stream-not-encrypted", stream(c, 2 | 8, "plain text, not an object".getBytes(StandardCharsets.US_ASCII)));
    }

    private static byte[] stream(int set, int style, byte[] object) {
        return FormatFuzzHarness.input(Mode.STREAM, new byte[] {(byte) set, (byte) style}, object);
    }

    private void ranges() throws IOException {
        int c = FuzzKeySets.CANARY_SET;
        byte[] object = canary().object(1000);
        seeds.put("ok-range-start", range(c, 2 << 5, 0, 10, object));
        seeds.put("ok-range-across-a-boundary", range(c, 1 << 5, S - 1, 2, object));
        seeds.put("ok-range-past-the-end-clamped", range(c, 6 << 5, 500, 600, object));
        seeds.put("ok-range-last-byte", range(c, 0, 999, 1, object));
        seeds.put("ok-range-empty", range(c, 3 << 5, 1000, 0, object));
        seeds.put("edge-range-starting-past-the-end", range(c, 0, 1001, 5, object));
        seeds.put("ok-range-multi-segment-vector", range(3, 3 << 5, 100, 50, FuzzKeySets.of(3).object(200)));
        seeds.put("ok-range-unicode-vector", range(4, 6 << 5, 4000, 200, FuzzKeySets.of(4).object(10_000)));
        seeds.put("bad-range-short-response", range(c, 5, 100, 300, object));
        // A range is verified alone: only one that reaches the cut final segment is refused.
        seeds.put("bad-range-truncated-object", range(c, 2 << 5, 960, 10, Arrays.copyOf(object, object.length - 30)));
        seeds.put("bad-range-flipped-segment", range(c, 2 << 5, S, 10, flip(object, H + CT + 3)));
    }

    private static byte[] range(int set, int flags, long offset, long length, byte[] object) {
        ByteBuffer b = ByteBuffer.allocate(10).put((byte) set).put((byte) flags).putInt((int) offset).putInt((int) length);
        return FormatFuzzHarness.input(Mode.RANGE, b.array(), object);
    }

    private void sealedKeys() {
        int c = FuzzKeySets.CANARY_SET;
        String publicKey = SseCKeySealer.publicKeyOf(FuzzKeySets.SINK_PRIVATE_KEY);
        byte[] sealed = SseCKeySealer.seal(publicKey, FormatVectors.sequence(0x33, 32), canary().identity());
        seeds.put("ok-sse-c-key", FormatFuzzHarness.input(Mode.SSE_C, new byte[] {(byte) c}, sealed));
        seeds.put("bad-sse-c-key-other-object", FormatFuzzHarness.input(Mode.SSE_C, new byte[] {0}, sealed));
        seeds.put("bad-sse-c-key-version-2", FormatFuzzHarness.input(Mode.SSE_C, new byte[] {(byte) c}, with(sealed, 0, 2)));
        // The encapsulated key is the X25519 point 0: no shared secret (once an IllegalStateException).
        byte[] lowOrder = new byte[sealed.length];
        lowOrder[0] = 1;
        seeds.put("bad-sse-c-key-low-order-point", FormatFuzzHarness.input(Mode.SSE_C, new byte[] {(byte) c}, lowOrder));
    }

    // ---- byte surgery ---------------------------------------------------------------------------

    private static byte[] with(byte[] b, int at, int value) {
        byte[] out = b.clone();
        out[at] = (byte) value;
        return out;
    }

    private static byte[] withInt(byte[] b, int at, int value) {
        byte[] out = b.clone();
        ByteBuffer.wrap(out).putInt(at, value);
        return out;
    }

    private static byte[] flip(byte[] b, int at) {
        return with(b, at, b[at] ^ 1);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    /** The object's header followed by its segments in the given order. */
    private static byte[] rebuild(byte[] object, int... order) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(object, 0, H);
        for (int i : order) {
            int start = H + i * CT;
            out.write(object, start, Math.min(object.length, start + CT) - start);
        }
        return out.toByteArray();
    }
}
