package io.srrrs.chaos;

import io.srrrs.crypto.Digests;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.UUID;

/**
 * The seeded workload: mostly small inline payloads (as most traffic is), small files, a few big
 * files (multipart above the sink's 5 MiB part size), some SSE-C where the store enforces it, and
 * a few references the topology must refuse. Every payload carries the run's canary every 16 KiB
 * (and at its start), so a leak of any of them is found by a byte search.
 */
final class Workload {

    static final String BUCKET = "srrrs-chaos";
    private static final int INLINE_MAX = 64 * 1024;
    private static final long SMALL_FILE_MAX = 4L * 1024 * 1024;

    private final ChaosPlan plan;
    private final String canary;
    private final Path files;
    private final Path outside;
    private final Random random;

    Workload(ChaosPlan plan, String canary, Path files, Path outside) {
        this.plan = plan;
        this.canary = canary;
        this.files = files;
        this.outside = outside;
        this.random = new Random(plan.seed());
    }

    /** Generates every payload (writing the files) in a seeded random publishing order. */
    List<Payload> generate(boolean sseCAvailable) throws IOException {
        Files.createDirectories(files);
        Files.createDirectories(outside);
        List<Spec> specs = specs(sseCAvailable);
        Collections.shuffle(specs, random);
        List<Payload> out = new ArrayList<>(specs.size());
        for (int i = 0; i < specs.size(); i++) {
            out.add(make(i, specs.get(i)));
        }
        return out;
    }

    private record Spec(Payload.Kind kind, long size, boolean sseC) {
    }

    private List<Spec> specs(boolean sseC) {
        List<Spec> specs = new ArrayList<>();
        plan.largeFiles().forEach(size -> specs.add(new Spec(Payload.Kind.FILE, size, false)));
        if (sseC) {
            specs.add(new Spec(Payload.Kind.FILE, 6 * ChaosPlan.MIB + 7, true)); // a multipart SSE-C object
        }
        specs.add(new Spec(Payload.Kind.FILE, 1, false));
        specs.add(new Spec(Payload.Kind.INLINE, 0, false));
        int refused = Math.max(2, plan.objects() / 200);
        for (int i = 0; i < refused; i++) {
            specs.add(new Spec(Payload.Kind.REFUSED, 100, false));
        }
        while (specs.size() < plan.objects()) {
            boolean file = random.nextInt(100) < 15;
            long size = file ? logUniform(1, SMALL_FILE_MAX) : logUniform(1, INLINE_MAX);
            specs.add(new Spec(file ? Payload.Kind.FILE : Payload.Kind.INLINE, size, sseC && random.nextInt(100) < 5));
        }
        return specs;
    }

    private long logUniform(long min, long max) {
        double v = Math.exp(Math.log(min) + random.nextDouble() * (Math.log(max) - Math.log(min)));
        return Math.max(min, Math.min(max, Math.round(v)));
    }

    private Payload make(int index, Spec s) throws IOException {
        String id = new UUID(random.nextLong(), random.nextLong()).toString();
        String key = "chaos/" + String.format("%05d", index) + "-" + s.kind().name().toLowerCase() + "-" + s.size()
                + (s.sseC() ? "-sse-c" : "");
        String label = id.substring(0, 8);
        MessageDigest md = Digests.sha256();
        switch (s.kind()) {
            case INLINE -> {
                byte[] data = new byte[(int) s.size()];
                fill(data, data.length, new SplittableRandom(random.nextLong()), label);
                return new Payload(index, id, BUCKET, key, s.kind(), s.size(), s.sseC(), data, null,
                        HexFormat.of().formatHex(md.digest(data)));
            }
            case FILE -> {
                Path f = files.resolve(String.format("%05d.bin", index));
                writeFile(f, s.size(), new SplittableRandom(random.nextLong()), label, md);
                return new Payload(index, id, BUCKET, key, s.kind(), s.size(), s.sseC(), null, f,
                        HexFormat.of().formatHex(md.digest()));
            }
            default -> {
                // Outside every allowed source root: the topology must refuse it, whatever the faults.
                Path f = outside.resolve(String.format("%05d.bin", index));
                writeFile(f, s.size(), new SplittableRandom(random.nextLong()), label, md);
                return new Payload(index, id, BUCKET, key, s.kind(), s.size(), false, null, f,
                        HexFormat.of().formatHex(md.digest()));
            }
        }
    }

    private void writeFile(Path f, long size, SplittableRandom r, String label, MessageDigest md) throws IOException {
        byte[] block = new byte[1 << 20];
        try (OutputStream out = Files.newOutputStream(f)) {
            for (long written = 0; written < size; ) {
                int n = (int) Math.min(block.length, size - written);
                fill(block, n, r, label); // 1 MiB blocks keep the 16 KiB spacing
                out.write(block, 0, n);
                md.update(block, 0, n);
                written += n;
            }
        }
    }

    /** Random bytes (incompressible, as ciphertext is) with a canary every 16 KiB of the payload. */
    private void fill(byte[] buf, int n, SplittableRandom r, String label) {
        for (int i = 0; i < n; i += 8) {
            long v = r.nextLong();
            for (int j = 0; j < 8 && i + j < n; j++) {
                buf[i + j] = (byte) (v >>> (8 * j));
            }
        }
        byte[] mark = (canary + label + "-").getBytes(StandardCharsets.US_ASCII);
        for (int at = 0; at + mark.length <= n; at += 16 * 1024) {
            System.arraycopy(mark, 0, buf, at, mark.length);
        }
    }

}
