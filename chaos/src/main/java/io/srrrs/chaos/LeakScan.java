package io.srrrs.chaos;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The plaintext canaries, searched for byte by byte everywhere but where plaintext belongs: every
 * file under the run directory (Kafka's log segments of every topic but the input, the topology's
 * state stores, the registry's database, every component's log, the DLQ topics among the
 * segments) and the store's raw bytes (Ceph's RADOS pool exported, or S3Proxy's files). Excluded
 * by design: the input topic's partitions (inline references carry plaintext there) and the
 * payload files the references point at.
 *
 * <p>The byte search is the one {@code srrrs demo} uses (cli's DemoCommand), copied because the
 * CLI module's classes are package-private and the suite must not depend on the CLI.
 */
final class LeakScan {

    /** Bytes read per place, and each file holding a canary. */
    record Result(long storeBytes, long kafkaBytes, long otherBytes, List<String> leaks) {
    }

    private LeakScan() {
    }

    static Result scan(Path runDir, List<Path> storeFiles, Path kafkaLogs, List<Path> excluded, String canary)
            throws IOException {
        byte[] needle = canary.getBytes(StandardCharsets.US_ASCII);
        List<String> leaks = new ArrayList<>();
        long store = 0;
        long kafka = 0;
        long other = 0;
        for (Path f : storeFiles) {
            store += scanFile(f, needle, leaks, "store");
        }
        String input = ChaosStack.INPUT + "-";
        List<Path> files;
        try (Stream<Path> walk = Files.walk(runDir)) {
            files = walk.filter(Files::isRegularFile).filter(f -> excluded.stream().noneMatch(f::startsWith))
                    .filter(f -> !storeFiles.contains(f)).toList();
        }
        for (Path f : files) {
            if (f.startsWith(kafkaLogs)) {
                String partitionDir = kafkaLogs.relativize(f).getName(0).toString();
                if (partitionDir.startsWith(input) && partitionDir.substring(input.length()).matches("\\d+")) {
                    continue;
                }
                String name = f.getFileName().toString();
                if (name.endsWith(".index") || name.endsWith(".timeindex")) {
                    continue; // offsets and timestamps only, preallocated to 10 MiB of zeros each
                }
                kafka += scanFile(f, needle, leaks, "kafka");
            } else {
                other += scanFile(f, needle, leaks, "file");
            }
        }
        return new Result(store, kafka, other, leaks);
    }

    /** Bytes scanned; a hit records the file. Reads in blocks, keeping an overlap for canaries split between them. */
    static long scanFile(Path file, byte[] needle, List<String> leaks, String where) throws IOException {
        long scanned = 0;
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[(1 << 20) + needle.length];
            int carry = 0;
            for (int n; (n = in.read(buf, carry, buf.length - carry)) > 0; ) {
                int len = carry + n;
                scanned += n;
                if (indexOf(buf, len, needle) >= 0) {
                    leaks.add(where + ": " + file);
                    return scanned;
                }
                carry = Math.min(needle.length - 1, len);
                System.arraycopy(buf, len - carry, buf, 0, carry);
            }
        } catch (java.nio.file.NoSuchFileException | java.nio.file.AccessDeniedException gone) {
            // a segment deleted by the broker while we scanned; a socket or lock file
        }
        return scanned;
    }

    static int indexOf(byte[] hay, int len, byte[] needle) {
        byte first = needle[0];
        outer:
        for (int i = 0; i + needle.length <= len; i++) {
            if (hay[i] != first) {
                continue;
            }
            for (int j = 1; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
