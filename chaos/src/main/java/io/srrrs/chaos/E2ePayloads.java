package io.srrrs.chaos;

import io.srrrs.crypto.Digests;
import io.srrrs.crypto.format.OutputFormat;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import java.util.UUID;

/**
 * The payloads of {@code bin/bench e2e}: small ones inline, the rest {@code file:} references to
 * random (incompressible, as ciphertext is; fully written, never sparse) files under the data
 * directory, which is kept between runs so a 1 GiB file is generated once.
 */
final class E2ePayloads {

    static final int SMALL_BYTES = 4 * 1024;
    static final int MEDIUM_BYTES = 1024 * 1024;

    private final Path data;

    E2ePayloads(Path data) throws IOException {
        this.data = Files.createDirectories(data);
    }

    /** The directory the topology is allowed to read files from. */
    Path root() {
        return data;
    }

    /** {@code n} inline payloads of {@code size} bytes under {@code chaos/e2e/<workload>/}. */
    List<Payload> inline(String workload, int n, int size, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        List<Payload> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            byte[] b = new byte[size];
            fill(b, b.length, r);
            out.add(new Payload(i, UUID.randomUUID().toString(), Workload.BUCKET, key(workload, i), Payload.Kind.INLINE,
                    size, false, b, null, HexFormat.of().formatHex(Digests.sha256().digest(b))));
        }
        return out;
    }

    /** {@code n} file payloads of {@code size} bytes each, the files reused when already there. */
    List<Payload> files(String workload, int n, long size) throws IOException {
        List<Payload> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            Path f = data.resolve(String.format("%s-%d-%05d.bin", workload, size, i));
            out.add(new Payload(i, UUID.randomUUID().toString(), Workload.BUCKET, key(workload, i), Payload.Kind.FILE,
                    size, false, null, f, ensure(f, size, i)));
        }
        return out;
    }

    /**
     * The same payloads (bytes or files) as new references, new ids (the topology refuses an id
     * twice) and keys under {@code dir}: one workload measured again in another format.
     */
    static List<Payload> rekeyed(List<Payload> ps, String dir) {
        return ps.stream().map(p -> new Payload(p.index(), UUID.randomUUID().toString(), p.bucket(), key(dir, p.index()),
                p.kind(), p.size(), p.sseC(), p.data(), p.file(), p.sha256())).toList();
    }

    /** Where a workload's objects in {@code format} go: its own directory for srrrs-v1, a sibling for the others. */
    static String dir(String workload, OutputFormat format) {
        return format.isS3ec() ? workload + "-" + format.id() : workload;
    }

    static String key(String workload, int i) {
        return String.format("chaos/e2e/%s/%06d", workload, i);
    }

    static String prefix(String workload) {
        return "chaos/e2e/" + workload + "/";
    }

    /** The file, written when missing or of another size; returns its SHA-256 (cached beside it). */
    private static String ensure(Path f, long size, long seed) throws IOException {
        Path sum = f.resolveSibling(f.getFileName() + ".sha256");
        if (Files.exists(f) && Files.size(f) == size && Files.exists(sum)) {
            return Files.readString(sum).trim();
        }
        MessageDigest md = Digests.sha256();
        SplittableRandom r = new SplittableRandom(seed * 31 + size);
        byte[] block = new byte[1 << 20];
        Path tmp = f.resolveSibling(f.getFileName() + ".tmp");
        try (OutputStream out = Files.newOutputStream(tmp)) {
            for (long written = 0; written < size; ) {
                int n = (int) Math.min(block.length, size - written);
                fill(block, n, r);
                out.write(block, 0, n);
                md.update(block, 0, n);
                written += n;
            }
        }
        Files.move(tmp, f, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        String hex = HexFormat.of().formatHex(md.digest());
        Files.writeString(sum, hex + "\n");
        return hex;
    }

    private static void fill(byte[] buf, int n, SplittableRandom r) {
        for (int i = 0; i < n; i += 8) {
            long v = r.nextLong();
            for (int j = 0; j < 8 && i + j < n; j++) {
                buf[i + j] = (byte) (v >>> (8 * j));
            }
        }
    }
}
