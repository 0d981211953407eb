package io.srrrs.cli;

import io.srrrs.schemas.PayloadReference;
import io.srrrs.schemas.UriSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The whole product on this machine in one command: the local stack (the running one, or one
 * started for the demo), references to generated payloads of every kind and size, every object
 * read back and compared, and a scan of what the store and Kafka hold for the payloads' canaries.
 * The workload is {@link DemoPayloads}, the checks {@link DemoVerification} and {@link DemoLeakScan},
 * the summary {@link DemoReport}; this class starts the stack when none runs and publishes.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Run the pipeline end to end on the local stack and prove that it works.",
                "The demo publishes references to generated payloads (inline ones, files from a few bytes to over "
                        + "100 MB, SSE-C ones when the store supports it, and one reference that must be refused). "
                        + "It waits until every object has landed, reads each back through the client and compares "
                        + "SHA-256, scans the store's raw data and Kafka's log directory for the payloads' plaintext "
                        + "canaries, and prints a summary. The exit code is 1 when anything failed.",
                "It uses the stack `srrrs up` started if one runs; otherwise it starts one and stops it after."})
final class DemoCommand implements Callable<Integer> {

    @Mixin
    SrrrsCommand.Common common;

    @Option(names = "--store", paramLabel = "KIND", defaultValue = "auto",
            description = "When the demo starts the stack: auto, s3proxy or rgw. Default: ${DEFAULT-VALUE}.")
    String store;

    @Option(names = "--large-mb", paramLabel = "MB", defaultValue = "110",
            description = "Size of the largest payload in MiB. Default: ${DEFAULT-VALUE}.")
    int largeMb;

    private final String runId = HexFormat.of().formatHex(new SecureRandom().generateSeed(6));

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
            return run(dir, common.config != null ? common.config() : CliConfig.load(StackFiles.cliProperties(dir)));
        } finally {
            if (ownStack != null) {
                Progress stopping = new Progress("stopping the local stack", 0);
                stopping.status("");
                ownStack.close();
                stopping.done("local stack stopped");
            }
        }
    }

    /** What publishing the workload gave: each reference's outcome, the payload behind each id, the refused one's id. */
    private record Published(Map<String, PublishAndWatch.Outcome> outcomes, Map<String, DemoPayloads.Payload> byId,
                             String refusedId, long firstPublishNanos) {
    }

    private int run(Path dir, CliConfig config) throws Exception {
        String storeKind = config.get(CliConfig.STORE_KIND, "external");
        boolean sseCEnforced = DoctorCommand.sseC(config).level() == DoctorCommand.Level.OK;
        Path files = LocalStack.filesDir(dir).resolve("demo-" + runId);
        Files.createDirectories(files);
        DemoPayloads workload = new DemoPayloads(runId, largeMb);
        List<DemoPayloads.Payload> payloads = workload.generate(files, sseCEnforced);
        long totalBytes = payloads.stream().mapToLong(DemoPayloads.Payload::size).sum();
        System.err.printf(Locale.ROOT, "demo %s: %d payloads, %.1f MB, store %s%s%n", runId, payloads.size(), totalBytes / 1e6,
                storeKind, sseCEnforced ? " (enforces SSE-C: some objects use it)" : " (does not enforce SSE-C: none use it)");
        Map<String, String> before = StackCommands.readProperties(dir.resolve(StackMetrics.FILE));
        Published published = publish(config, payloads);
        long lastVisible = published.outcomes().values().stream().filter(PublishAndWatch.Outcome::landed)
                .mapToLong(PublishAndWatch.Outcome::visibleNanos).max().orElse(System.nanoTime());
        Map<String, String> after = StackCommands.readProperties(dir.resolve(StackMetrics.FILE));

        List<String> failures = new ArrayList<>();
        PublishAndWatch.Outcome refused = published.outcomes().get(published.refusedId());
        String refusal = refused.rejected() == null ? null : refused.rejected().getReason().toString();
        if (!"PATH_NOT_ALLOWED".equals(refusal)) {
            failures.add("the reference to /etc/passwd was not refused as PATH_NOT_ALLOWED (" + refusal + ")");
        }
        int verified = DemoVerification.verify(config, published.byId(), published.outcomes(), failures);
        DemoLeakScan.Result scan = new DemoLeakScan(config, dir, workload.canaryPrefix()).scan(failures);
        DemoReport.print(new DemoReport.Measured(runId, storeKind, payloads, published.outcomes(), refusal, verified, scan,
                published.firstPublishNanos(), lastVisible, before, after), failures);
        StackFiles.deleteQuietly(files);
        return failures.isEmpty() ? 0 : 1;
    }

    /** Publishes every payload and one reference the topology must refuse, then waits for all outcomes. */
    private Published publish(CliConfig config, List<DemoPayloads.Payload> payloads) throws IOException {
        String bucket = config.bucket();
        Map<String, PublishAndWatch.Outcome> pending = new LinkedHashMap<>();
        Map<String, DemoPayloads.Payload> byId = new LinkedHashMap<>();
        try (PublishAndWatch pipeline = new PublishAndWatch(config); S3Client s3 = config.s3()) {
            pipeline.watchDlq();
            Progress publishing = new Progress("publishing", payloads.size() + 1);
            long firstPublish = System.nanoTime();
            for (DemoPayloads.Payload p : payloads) {
                PayloadReference.Builder b = p.inline() ? References.inline(p.data()) : References.file(p.file());
                PayloadReference ref = References.finish(b, bucket, p.key(), null, Map.of("tenant", "demo"), p.sseC(),
                        "application/octet-stream");
                publish(pipeline, ref, pending);
                byId.put(ref.getId().toString(), p);
                publishing.advance(1, p.key());
            }
            // One reference the topology must refuse: a file outside every allowed root.
            PayloadReference bad = References.finish(PayloadReference.newBuilder().setSource(new UriSource("file:///etc/passwd")),
                    bucket, "demo-" + runId + "/must-be-refused", null, Map.of(), false, null);
            publish(pipeline, bad, pending);
            publishing.done("published " + pending.size() + " references");
            Progress landing = new Progress("waiting for the objects", pending.size());
            Map<String, PublishAndWatch.Outcome> outcomes = pipeline.awaitOutcomes(pending, s3, Duration.ofMinutes(5), landing);
            landing.done("");
            return new Published(outcomes, byId, bad.getId().toString(), firstPublish);
        }
    }

    private static void publish(PublishAndWatch pipeline, PayloadReference ref, Map<String, PublishAndWatch.Outcome> pending) {
        PublishAndWatch.await(pipeline.publish(ref));
        String id = ref.getId().toString();
        pending.put(id, new PublishAndWatch.Outcome(id, ref.getBucket().toString(), ref.getKey().toString(), System.nanoTime(),
                null, null));
    }
}
