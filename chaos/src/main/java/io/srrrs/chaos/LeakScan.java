package io.srrrs.chaos;

import io.srrrs.embedded.CanaryScan;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
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
 * <p>The byte search is {@link CanaryScan}, the one {@code srrrs demo} uses too.
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

    /** {@link CanaryScan#scanFile}, also passing over files no one may read (a socket, a lock file). */
    private static long scanFile(Path file, byte[] needle, List<String> leaks, String where) throws IOException {
        try {
            return CanaryScan.scanFile(file, needle, leaks, where);
        } catch (AccessDeniedException socketOrLock) {
            return 0;
        }
    }
}
