package io.srrrs.cli;

import io.srrrs.crypto.Digests;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The demo's workload: payloads of every kind and size, random bytes (incompressible, like
 * ciphertext) with the run's plaintext canary every 16 KiB, which the leak scan looks for.
 */
final class DemoPayloads {

    /** One generated payload and what it should become. */
    record Payload(String key, long size, boolean inline, boolean sseC, Path file, byte[] data, byte[] sha256) {
    }

    private final String runId;
    private final int largeMb;

    DemoPayloads(String runId, int largeMb) {
        this.runId = runId;
        this.largeMb = largeMb;
    }

    /** Every payload of this run contains this many times; it must never be found outside the input. */
    String canaryPrefix() {
        return "SRRRS-CANARY-" + runId + "-";
    }

    /** Inline payloads, files in {@code files} (the largest {@code largeMb} MiB), and with {@code sseC} two SSE-C ones. */
    List<Payload> generate(Path files, boolean sseC) throws IOException {
        List<Payload> out = new ArrayList<>();
        String prefix = "demo-" + runId + "/";
        int[] inlineSizes = {0, 1, 100, 4096, 65_535, 65_536, 65_537, 200_000};
        for (int size : inlineSizes) {
            out.add(inline(prefix + "inline-" + size, size, false));
        }
        long[] fileSizes = {10, 1_000, 3 * 65_536 + 5, 1 << 20, 5 * (1 << 20) + 1, 9 * (1 << 20), 33L * (1 << 20),
                (long) largeMb << 20};
        Progress progress = new Progress("generating payloads", Arrays.stream(fileSizes).sum());
        for (long size : fileSizes) {
            out.add(file(files, prefix + "file-" + size, size, false));
            progress.advance(size, "");
        }
        if (sseC) {
            out.add(inline(prefix + "sse-c-inline-" + 70_000, 70_000, true));
            out.add(file(files, prefix + "sse-c-file-" + (12 << 20), 12 << 20, true));
        }
        progress.done("generated " + out.size() + " payloads");
        return out;
    }

    private Payload inline(String key, int size, boolean sseC) {
        byte[] data = new byte[size];
        fill(data, size, new SplittableRandom(key.hashCode()), key);
        return new Payload(key, size, true, sseC, null, data, Digests.sha256(data));
    }

    private Payload file(Path dir, String key, long size, boolean sseC) throws IOException {
        Path f = dir.resolve(key.substring(key.indexOf('/') + 1));
        MessageDigest md = Digests.sha256();
        SplittableRandom random = new SplittableRandom(key.hashCode());
        try (OutputStream out = Files.newOutputStream(f)) {
            byte[] block = new byte[1 << 20];
            for (long written = 0; written < size; ) {
                int n = (int) Math.min(block.length, size - written);
                fill(block, n, random, key + "@" + written);
                out.write(block, 0, n);
                md.update(block, 0, n);
                written += n;
            }
        }
        return new Payload(key, size, false, sseC, f, null, md.digest());
    }

    /** Random bytes (incompressible, like ciphertext would be) with a canary every 16 KiB. */
    private void fill(byte[] buf, int n, SplittableRandom random, String label) {
        for (int i = 0; i < n; i += 8) {
            long v = random.nextLong();
            for (int j = 0; j < 8 && i + j < n; j++) {
                buf[i + j] = (byte) (v >>> (8 * j));
            }
        }
        byte[] canary = (canaryPrefix() + label + "-").getBytes(StandardCharsets.US_ASCII);
        for (int at = 0; at + canary.length <= n; at += 16 * 1024) {
            System.arraycopy(canary, 0, buf, at, canary.length);
        }
    }
}
