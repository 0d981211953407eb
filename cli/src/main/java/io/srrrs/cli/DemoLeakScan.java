package io.srrrs.cli;

import io.srrrs.embedded.CanaryScan;
import io.srrrs.embedded.CephRgw;
import io.srrrs.topology.TopologyConfig;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The demo's proof that no plaintext left the input: the run's canary searched for in the store's
 * raw data (S3Proxy's files, or Ceph's RADOS objects exported), in Kafka's log directory (every
 * topic but the input, which holds inline payloads by design) and in the stack's logs.
 */
final class DemoLeakScan {

    /** Bytes read per place, and each file holding a canary. */
    record Result(long storeBytes, long kafkaBytes, long logBytes, List<String> leaks) {
    }

    private final CliConfig config;
    private final Path dir;
    private final byte[] needle;
    private final List<String> leaks = new ArrayList<>();
    private final Progress progress = new Progress("scanning for plaintext canaries", 0);

    DemoLeakScan(CliConfig config, Path dir, String canary) {
        this.config = config;
        this.dir = dir;
        this.needle = canary.getBytes(StandardCharsets.US_ASCII);
    }

    /** Scans every place; what makes the scan fail (a leak, or a store it could not read) goes to {@code failures}. */
    Result scan(List<String> failures) throws Exception {
        long store = scanStore(failures);
        long kafka = scanKafka();
        long logs = scanLogs();
        progress.done("scanned " + String.format(Locale.ROOT, "%,d", store + kafka + logs) + " bytes for canaries");
        if (!leaks.isEmpty()) {
            failures.add(leaks.size() + " plaintext canary hit(s)");
        }
        return new Result(store, kafka, logs, List.copyOf(leaks));
    }

    private long scanStore(List<String> failures) throws Exception {
        String kind = config.get(CliConfig.STORE_KIND, "external");
        List<Path> storeFiles = new ArrayList<>();
        Path rawDir = null;
        if (kind.equals("s3proxy")) {
            storeFiles.addAll(walk(Path.of(config.get(CliConfig.STORE_DATA_DIR))));
        } else if (kind.equals("rgw")) {
            rawDir = Files.createTempDirectory("srrrs-demo-rados-");
            progress.status("exporting RADOS objects");
            storeFiles.addAll(CephRgw.rawObjects(dir.resolve("rgw"), rawDir));
        } else {
            failures.add("the store is external: its raw bytes cannot be scanned from here");
        }
        long scanned = 0;
        for (Path f : storeFiles) {
            progress.status("store " + f.getFileName());
            scanned += CanaryScan.scanFile(f, needle, leaks, "store");
        }
        if (rawDir != null) {
            StackFiles.deleteQuietly(rawDir);
        }
        if (!storeFiles.isEmpty() && scanned == 0) {
            failures.add("the store's raw data was empty: the scan proved nothing");
        }
        return scanned;
    }

    /** Every topic but the input, which holds the references (inline payloads are in it by design). */
    private long scanKafka() throws IOException {
        String input = config.topology().getString(TopologyConfig.INPUT_TOPIC);
        Path kafkaLogs = kafkaLogs();
        long scanned = 0;
        for (Path f : walk(kafkaLogs)) {
            String partitionDir = kafkaLogs.relativize(f).getName(0).toString();
            if (partitionDir.matches(Pattern.quote(input) + "-\\d+")) {
                continue;
            }
            progress.status("kafka " + partitionDir);
            scanned += CanaryScan.scanFile(f, needle, leaks, "kafka");
        }
        return scanned;
    }

    private long scanLogs() throws IOException {
        long scanned = 0;
        for (Path f : walk(dir)) {
            String name = f.getFileName().toString();
            if (name.endsWith(".log") && !f.startsWith(kafkaLogs()) && !f.startsWith(LocalStack.filesDir(dir))) {
                scanned += CanaryScan.scanFile(f, needle, leaks, "log");
            }
        }
        return scanned;
    }

    private Path kafkaLogs() {
        return Path.of(config.get(CliConfig.KAFKA_LOG_DIR));
    }

    private static List<Path> walk(Path root) throws IOException {
        if (!Files.exists(root)) {
            return List.of();
        }
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(Files::isRegularFile).toList();
        }
    }
}
