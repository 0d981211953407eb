package io.srrrs.cli;

import io.srrrs.client.SrrrsClient;
import io.srrrs.crypto.kms.DecoratedKms;
import io.srrrs.embedded.CephRgw;
import io.srrrs.schemas.PayloadReference;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The whole product on this machine in one command: the local stack (the running one, or one
 * started for the demo), references to generated payloads of every kind and size, every object
 * read back and compared, and a scan of what the store and Kafka hold for the payloads' canaries.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Run the pipeline end to end on the local stack and prove it: publish references to generated",
                "payloads (inline, files from a few bytes to over 100 MB, SSE-C ones when the store supports it,",
                "one reference that must be refused), wait until every object has landed, read each back through",
                "the client and compare SHA-256, scan the store's raw data and Kafka's log directory for the",
                "payloads' plaintext canaries, and print a summary. Exit code 1 when anything failed.",
                "Uses the stack `srrrs up` started if one runs; otherwise starts one for the demo and stops it after."})
final class DemoCommand implements Callable<Integer> {

    @Mixin
    SrrrsCommand.Common common;

    @Option(names = "--store", paramLabel = "KIND", defaultValue = "auto",
            description = "When the demo starts the stack: auto, s3proxy or rgw. Default: ${DEFAULT-VALUE}.")
    String store;

    @Option(names = "--large-mb", paramLabel = "MB", defaultValue = "110",
            description = "Size of the largest payload in MiB. Default: ${DEFAULT-VALUE}.")
    int largeMb;

    /** One generated payload and what it should become. */
    record Payload(String key, long size, boolean inline, boolean sseC, Path file, byte[] data, byte[] sha256) {
    }

    private final String runId = HexFormat.of().formatHex(new java.security.SecureRandom().generateSeed(6));

    /** Every payload of this run contains this many times; it must never be found outside the input. */
    private String canaryPrefix() {
        return "SRRRS-CANARY-" + runId + "-";
    }

    @Override
    public Integer call() throws Exception {
        Path dir = common.dir();
        long started = System.nanoTime();
        LocalStack ownStack = null;
        if (StackCommands.runningStack(dir).isEmpty()) {
            StackCommands.Up up = new StackCommands.Up();
            up.store = store;
            Progress progress = new Progress("starting the local stack", 0);
            try {
                ownStack = LocalStack.start(up.options(dir), progress::status);
            } catch (LocalStack.StackException e) {
                progress.done("the local stack did not start");
                throw new CliException(e.getMessage() + " (the parts already started were stopped)", e);
            }
            progress.done(String.format(Locale.ROOT, "local stack started in %.1f s (it stops when the demo ends; "
                    + "`srrrs up` keeps one running)", (System.nanoTime() - started) / 1e9));
        } else {
            System.err.println("using the local stack running under " + dir);
        }
        try {
            return run(dir, common.config != null ? common.config() : CliConfig.load(dir.resolve("srrrs.properties")));
        } finally {
            if (ownStack != null) {
                Progress stopping = new Progress("stopping the local stack", 0);
                stopping.status("");
                ownStack.close();
                stopping.done("local stack stopped");
            }
        }
    }

    private int run(Path dir, CliConfig config) throws Exception {
        String bucket = config.bucket();
        String storeKind = config.get(CliConfig.STORE_KIND, "external");
        boolean sseCEnforced = DoctorCommand.sseC(config).level() == DoctorCommand.Level.OK;
        Path files = LocalStack.filesDir(dir).resolve("demo-" + runId);
        Files.createDirectories(files);
        List<Payload> payloads = generate(files, sseCEnforced);
        long totalBytes = payloads.stream().mapToLong(Payload::size).sum();
        System.err.printf(Locale.ROOT, "demo %s: %d payloads, %.1f MB, store %s%s%n", runId, payloads.size(), totalBytes / 1e6,
                storeKind, sseCEnforced ? " (enforces SSE-C: some objects use it)" : " (does not enforce SSE-C: none use it)");
        Map<String, String> before = StackCommands.readProperties(dir.resolve("metrics.properties"));

        Map<String, Pipeline.Outcome> pending = new LinkedHashMap<>();
        Map<String, Payload> byId = new LinkedHashMap<>();
        String refusedId;
        long firstPublish;
        Map<String, Pipeline.Outcome> outcomes;
        try (Pipeline pipeline = new Pipeline(config); S3Client s3 = config.s3()) {
            pipeline.watchDlq();
            Progress publishing = new Progress("publishing", payloads.size() + 1);
            firstPublish = System.nanoTime();
            for (Payload p : payloads) {
                PayloadReference.Builder b = p.inline() ? Pipeline.inlineReference(p.data()) : Pipeline.fileReference(p.file());
                PayloadReference ref = Pipeline.finish(b, bucket, p.key(), null, Map.of("tenant", "demo"), p.sseC(),
                        "application/octet-stream");
                Pipeline.await(pipeline.publish(ref));
                String id = ref.getId().toString();
                pending.put(id, new Pipeline.Outcome(id, bucket, p.key(), System.nanoTime(), null, null));
                byId.put(id, p);
                publishing.advance(1, p.key());
            }
            // One reference the topology must refuse: a file outside every allowed root.
            PayloadReference bad = Pipeline.finish(PayloadReference.newBuilder()
                            .setSource(new io.srrrs.schemas.UriSource("file:///etc/passwd")),
                    bucket, "demo-" + runId + "/must-be-refused", null, Map.of(), false, null);
            Pipeline.await(pipeline.publish(bad));
            refusedId = bad.getId().toString();
            pending.put(refusedId, new Pipeline.Outcome(refusedId, bucket, bad.getKey(), System.nanoTime(), null, null));
            publishing.done("published " + pending.size() + " references");
            Progress landing = new Progress("waiting for the objects", pending.size());
            outcomes = pipeline.awaitOutcomes(pending, s3, Duration.ofMinutes(5), landing);
            landing.done("");
        }
        long lastVisible = outcomes.values().stream().filter(Pipeline.Outcome::landed).mapToLong(Pipeline.Outcome::visibleNanos)
                .max().orElse(System.nanoTime());
        Map<String, String> after = StackCommands.readProperties(dir.resolve("metrics.properties"));

        List<String> failures = new ArrayList<>();
        Pipeline.Outcome refused = outcomes.get(refusedId);
        String refusal = refused.rejected() == null ? null : refused.rejected().getReason().toString();
        if (!"PATH_NOT_ALLOWED".equals(refusal)) {
            failures.add("the reference to /etc/passwd was not refused as PATH_NOT_ALLOWED (" + refusal + ")");
        }
        int verified = verify(config, byId, outcomes, failures);
        LeakScan scan = scan(config, dir, failures);

        List<Double> latencies = outcomes.values().stream().filter(Pipeline.Outcome::landed)
                .map(Pipeline.Outcome::latencyMillis).sorted().toList();
        double seconds = (lastVisible - firstPublish) / 1e9;
        System.out.println();
        System.out.println("SRRRS demo " + runId + " — store " + storeKind);
        row("objects published", Integer.toString(payloads.size()));
        row("objects landed", outcomes.values().stream().filter(Pipeline.Outcome::landed).count() + " of " + payloads.size());
        row("objects verified (SHA-256)", verified + " of " + payloads.size());
        row("  of which SSE-C", Long.toString(payloads.stream().filter(Payload::sseC).count()));
        row("references refused (expected 1)", (refusal == null ? "0" : "1 (" + refusal + ")"));
        row("plaintext bytes", String.format(Locale.ROOT, "%,d", totalBytes));
        row("throughput publish→visible", String.format(Locale.ROOT, "%.1f MB/s over %.1f s", totalBytes / 1e6 / seconds, seconds));
        row("KMS calls", delta(before, after, "kms.calls"));
        row("DEK cache hits", delta(before, after, "dek.cache.hits"));
        row("latency publish→visible p50", String.format(Locale.ROOT, "%.0f ms", percentile(latencies, 50)));
        row("latency publish→visible p99", String.format(Locale.ROOT, "%.0f ms", percentile(latencies, 99)));
        row("bytes scanned for canaries", String.format(Locale.ROOT, "%,d store + %,d Kafka + %,d logs", scan.storeBytes,
                scan.kafkaBytes, scan.logBytes));
        row("leaks found", Integer.toString(scan.leaks.size()));
        scan.leaks.forEach(l -> System.out.println("  LEAK: " + l));
        if (!failures.isEmpty()) {
            System.out.println();
            failures.forEach(f -> System.out.println("FAILED: " + f));
        }
        System.out.println(failures.isEmpty() ? "\nevery object verified, no plaintext outside the input: OK" : "\ndemo FAILED");
        deleteQuietly(files);
        return failures.isEmpty() ? 0 : 1;
    }

    // ---- payloads ------------------------------------------------------------------------------

    private List<Payload> generate(Path files, boolean sseC) throws IOException {
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
        byte[] data = content(key, size);
        return new Payload(key, size, true, sseC, null, data, Pipeline.sha256(data));
    }

    private Payload file(Path dir, String key, long size, boolean sseC) throws IOException {
        Path f = dir.resolve(key.substring(key.indexOf('/') + 1));
        MessageDigest md = Pipeline.digest();
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

    private byte[] content(String key, int size) {
        byte[] data = new byte[size];
        fill(data, size, new SplittableRandom(key.hashCode()), key);
        return data;
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

    // ---- read back -----------------------------------------------------------------------------

    private int verify(CliConfig config, Map<String, Payload> byId, Map<String, Pipeline.Outcome> outcomes,
                       List<String> failures) throws IOException {
        int verified = 0;
        long total = byId.values().stream().mapToLong(Payload::size).sum();
        Progress progress = new Progress("reading back", total);
        try (DecoratedKms kms = config.kms(); SrrrsClient client = config.client(kms)) {
            for (Map.Entry<String, Payload> e : byId.entrySet()) {
                Payload p = e.getValue();
                Pipeline.Outcome o = outcomes.get(e.getKey());
                if (!o.landed()) {
                    failures.add(p.key() + (o.rejected() != null ? " refused: " + o.rejected().getReason() + " "
                            + o.rejected().getMessage() : " never landed"));
                    progress.advance(p.size(), p.key());
                    continue;
                }
                try {
                    MessageDigest md = Pipeline.digest();
                    try (InputStream in = client.open(o.bucket(), p.key())) {
                        byte[] buf = new byte[1 << 16];
                        for (int n; (n = in.read(buf)) > 0; ) {
                            md.update(buf, 0, n);
                            progress.advance(n, p.key());
                        }
                    }
                    boolean same = MessageDigest.isEqual(md.digest(), p.sha256());
                    if (same && p.size() > 200_000) {
                        same = rangeMatches(client, o.bucket(), p);
                    }
                    if (same) {
                        verified++;
                    } else {
                        failures.add(p.key() + ": read back differs from what was published");
                    }
                } catch (Exception ex) {
                    failures.add(p.key() + ": " + ex.getClass().getSimpleName() + ": " + ex.getMessage());
                }
            }
        }
        progress.done("read back and compared " + byId.size() + " objects");
        return verified;
    }

    /** A ranged read across a segment boundary returns exactly the source's bytes there. */
    private boolean rangeMatches(SrrrsClient client, String bucket, Payload p) throws Exception {
        long offset = 65_536 - 100;
        int length = 300;
        byte[] expected = new byte[length];
        try (var ch = java.nio.channels.FileChannel.open(p.file())) {
            ch.read(java.nio.ByteBuffer.wrap(expected), offset);
        }
        try (InputStream in = client.openRange(bucket, p.key(), offset, length)) {
            return Arrays.equals(in.readAllBytes(), expected);
        }
    }

    // ---- leak scan -----------------------------------------------------------------------------

    static final class LeakScan {
        long storeBytes;
        long kafkaBytes;
        long logBytes;
        final List<String> leaks = new ArrayList<>();
    }

    private LeakScan scan(CliConfig config, Path dir, List<String> failures) throws Exception {
        LeakScan scan = new LeakScan();
        byte[] needle = canaryPrefix().getBytes(StandardCharsets.US_ASCII);
        Progress progress = new Progress("scanning for plaintext canaries", 0);
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
        for (Path f : storeFiles) {
            progress.status("store " + f.getFileName());
            scan.storeBytes += scanFile(f, needle, scan.leaks, "store");
        }
        if (rawDir != null) {
            deleteQuietly(rawDir);
        }
        // Kafka: every topic but the input, which holds the references (inline payloads are in it by design).
        String input = config.topology().getString(io.srrrs.topology.TopologyConfig.INPUT_TOPIC);
        Path kafkaLogs = Path.of(config.get(CliConfig.KAFKA_LOG_DIR));
        for (Path f : walk(kafkaLogs)) {
            String partitionDir = kafkaLogs.relativize(f).getName(0).toString();
            if (partitionDir.matches(java.util.regex.Pattern.quote(input) + "-\\d+")) {
                continue;
            }
            progress.status("kafka " + partitionDir);
            scan.kafkaBytes += scanFile(f, needle, scan.leaks, "kafka");
        }
        for (Path f : walk(dir)) {
            String name = f.getFileName().toString();
            if (name.endsWith(".log") && !f.startsWith(kafkaLogs) && !f.startsWith(LocalStack.filesDir(dir))) {
                scan.logBytes += scanFile(f, needle, scan.leaks, "log");
            }
        }
        progress.done("scanned " + String.format(Locale.ROOT, "%,d", scan.storeBytes + scan.kafkaBytes + scan.logBytes)
                + " bytes for canaries");
        if (!storeFiles.isEmpty() && scan.storeBytes == 0) {
            failures.add("the store's raw data was empty: the scan proved nothing");
        }
        if (!scan.leaks.isEmpty()) {
            failures.add(scan.leaks.size() + " plaintext canary hit(s)");
        }
        return scan;
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
        } catch (java.nio.file.NoSuchFileException gone) {
            // a segment deleted by the broker while we scanned
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

    private static List<Path> walk(Path root) throws IOException {
        if (!Files.exists(root)) {
            return List.of();
        }
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(Files::isRegularFile).toList();
        }
    }

    private static void deleteQuietly(Path dir) {
        try {
            LocalStack.deleteRecursively(dir);
        } catch (IOException | RuntimeException ignored) {
            // a temporary directory; nothing depends on it
        }
    }

    private static String delta(Map<String, String> before, Map<String, String> after, String key) {
        if (!after.containsKey(key)) {
            return "n/a";
        }
        return Long.toString(Long.parseLong(after.get(key)) - Long.parseLong(before.getOrDefault(key, "0")));
    }

    private static double percentile(List<Double> sorted, int p) {
        if (sorted.isEmpty()) {
            return Double.NaN;
        }
        int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
    }

    private static void row(String name, String value) {
        System.out.printf("  %-34s %s%n", name, value);
    }
}
