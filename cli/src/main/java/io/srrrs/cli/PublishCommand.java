package io.srrrs.cli;

import io.srrrs.crypto.format.OutputFormat;
import io.srrrs.schemas.PayloadReference;
import io.srrrs.topology.TopologyConfig;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * {@code srrrs publish}: references to files, a URI or a text to the input topic, then (unless
 * {@code --no-wait}) until each object is stored or refused.
 */
@Command(name = "publish", mixinStandardHelpOptions = true,
        description = {"Publish references to files to the input topic.",
                "Each file (or every file under a directory) becomes an object BUCKET/PREFIX<file name or path "
                        + "under the directory>. Files are sent by file: URI with their SHA-256, which the topology "
                        + "verifies; they must be under a --file-root of the stack. --inline sends small files' "
                        + "bytes in the reference itself.",
                "Instead of PATHs, --uri publishes one reference to a URI the topology fetches, and --text one "
                        + "carrying a text. With the topology's own configuration file (--config FILE, no store "
                        + "keys) add --no-wait."})
final class PublishCommand implements Callable<Integer> {

    /** Files up to this size are sent inline with {@code --inline}; larger ones always by reference. */
    static final long INLINE_LIMIT = 512 * 1024;

    @Mixin
    SrrrsCommand.Common common;

    @Mixin
    Progress.Flag progressFlag;

    @Parameters(arity = "0..*", paramLabel = "PATH", description = "The files or directories to publish.")
    List<Path> paths = new ArrayList<>();

    @Option(names = "--uri", paramLabel = "URI",
            description = "Instead of PATHs: one reference to URI (https:, or file: under the topology's roots); needs --key.")
    String uri;

    @Option(names = "--text", paramLabel = "TEXT",
            description = "Instead of PATHs: one reference carrying TEXT (UTF-8) inline; needs --key.")
    String text;

    @Option(names = "--key", paramLabel = "KEY",
            description = "With one file, --uri or --text: the object's key (after PREFIX) instead of the file name.")
    String key;

    @Option(names = "--id", paramLabel = "ID",
            description = "With one source: the reference's id (default: a random UUID); the topology refuses a repeated id.")
    String id;

    @Option(names = "--bucket", paramLabel = "BUCKET", description = "The destination bucket. Default: the stack's bucket.")
    String bucket;

    @Option(names = "--prefix", paramLabel = "PREFIX", defaultValue = "", description = "A prefix prepended to every object key.")
    String prefix;

    @Option(names = "--kek", paramLabel = "NAME", description = "The KEK alias or id. Default: the topology's policy.")
    String kek;

    @Option(names = "--context", paramLabel = "KEY=VALUE", description = "An encryption context label, e.g. tenant=acme (repeatable).")
    Map<String, String> context = new LinkedHashMap<>();

    @Option(names = "--format", paramLabel = "FORMAT",
            description = {"The object format: srrrs-v1 (this project's format), s3ec-v3 (read by the Amazon S3 "
                    + "Encryption Client 4) or s3ec-v2 (read by S3EC 3; it has no key commitment and is the weaker "
                    + "choice).", "Default: srrrs.output.format.default in the topology's configuration.",
                    "A format the topology does not allow is refused as FORMAT_NOT_ALLOWED. With S3EC formats and "
                            + "any KMS but aws-kms, give no --context: S3EC's AES/GCM key wrapping cannot bind one."})
    String format;

    @Option(names = "--sse-c", description = "Also upload with SSE-C (the store must support it, over TLS).")
    boolean sseC;

    @Option(names = "--inline", description = "Send files up to 512 KiB inline instead of by file: URI.")
    boolean inline;

    @Option(names = "--content-type", paramLabel = "TYPE", description = "The content type of every object.")
    String contentType;

    @Option(names = "--no-wait", description = "Return once Kafka has the references; do not wait for the objects.")
    boolean noWait;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "300",
            description = "How long to wait for the objects. Default: ${DEFAULT-VALUE}.")
    int timeout;

    /** Where one payload comes from, as the reference will name it. */
    @FunctionalInterface
    private interface Source {
        PayloadReference.Builder reference() throws IOException;
    }

    @Override
    public Integer call() throws Exception {
        CliConfig config = common.config();
        String target = bucket != null ? bucket : config.bucket();
        if (target == null) {
            throw new CliException("no bucket: give --bucket");
        }
        if (format != null) {
            try {
                OutputFormat.parse(format); // a typo is the user's to fix now, not a DLQ record later
            } catch (IllegalArgumentException e) {
                throw new CliException("--format: " + e.getMessage());
            }
        }
        Map<String, Source> sources = sources();
        try (PublishAndWatch pipeline = new PublishAndWatch(config); S3Client s3 = noWait ? null : config.s3()) {
            if (!noWait) {
                pipeline.watchDlq();
            }
            Map<String, PublishAndWatch.Outcome> pending = publishAll(pipeline, sources, target,
                    config.topology().getString(TopologyConfig.INPUT_TOPIC));
            if (noWait) {
                pending.values().forEach(o -> System.out.println(o.id() + "  s3://" + o.bucket() + "/" + o.key()));
                return 0;
            }
            Progress landing = new Progress("waiting for the objects", pending.size(), progressFlag.forced);
            Map<String, PublishAndWatch.Outcome> outcomes = pipeline.awaitOutcomes(pending, s3, Duration.ofSeconds(timeout),
                    landing);
            landing.done("");
            return report(outcomes) == 0 ? 0 : 1;
        }
    }

    /** Object key (PREFIX included) to where its payload comes from, in publishing order. */
    private Map<String, Source> sources() throws IOException {
        if ((uri != null || text != null) && (!paths.isEmpty() || (uri != null && text != null))) {
            throw new CliException("give PATHs, --uri or --text, one of them");
        }
        if (uri != null || text != null) {
            if (key == null) {
                throw new CliException("--uri and --text need --key: the object's key");
            }
            byte[] bytes = text == null ? null : text.getBytes(StandardCharsets.UTF_8);
            return Map.of(prefix + key, uri != null ? () -> References.uri(uri) : () -> References.inline(bytes));
        }
        if (paths.isEmpty()) {
            throw new CliException("nothing to publish: give PATHs, --uri or --text");
        }
        Map<String, Source> files = new LinkedHashMap<>();
        for (Path p : paths) {
            if (Files.isDirectory(p)) {
                try (Stream<Path> walk = Files.walk(p)) {
                    walk.filter(Files::isRegularFile).sorted()
                            .forEach(f -> files.put(prefix + p.relativize(f).toString().replace('\\', '/'), fileSource(f)));
                }
            } else if (Files.isRegularFile(p)) {
                files.put(prefix + (key != null ? key : p.getFileName()), fileSource(p));
            } else {
                throw new CliException(p + ": no such file or directory");
            }
        }
        if (files.isEmpty()) {
            throw new CliException("nothing to publish: the directories hold no files");
        }
        if ((key != null || id != null) && (files.size() > 1 || Files.isDirectory(paths.get(0)))) {
            throw new CliException("--key and --id name one object: give one file");
        }
        return files;
    }

    private Source fileSource(Path file) {
        return () -> inline && Files.size(file) <= INLINE_LIMIT
                ? References.inline(Files.readAllBytes(file)) : References.file(file);
    }

    /** Publishes one reference per source, each acknowledged by Kafka before the next. */
    private Map<String, PublishAndWatch.Outcome> publishAll(PublishAndWatch pipeline, Map<String, Source> sources,
                                                            String target, String topic) throws IOException {
        Map<String, PublishAndWatch.Outcome> pending = new LinkedHashMap<>();
        Progress sending = new Progress("publishing", sources.size(), progressFlag.forced);
        for (Map.Entry<String, Source> e : sources.entrySet()) {
            PayloadReference ref = References.finish(e.getValue().reference().setFormat(format), id != null ? id : UUID.randomUUID().toString(),
                    new References.Target(target, e.getKey(), kek, context, sseC, contentType));
            PublishAndWatch.await(pipeline.publish(ref));
            String refId = ref.getId().toString();
            pending.put(refId, new PublishAndWatch.Outcome(refId, target, e.getKey(), System.nanoTime(), null, null));
            sending.advance(1, sending.done() + 1 + " of " + sources.size() + " acknowledged by Kafka");
        }
        sending.done("published " + sources.size() + " reference(s) to " + topic + ", all acknowledged by Kafka");
        return pending;
    }

    /** One line per reference; the number that did not become an object. */
    private int report(Map<String, PublishAndWatch.Outcome> outcomes) {
        int failed = 0;
        for (PublishAndWatch.Outcome o : outcomes.values()) {
            if (o.landed()) {
                System.out.printf(Locale.ROOT, "stored   s3://%s/%s  (%.0f ms)%n", o.bucket(), o.key(), o.latencyMillis());
            } else if (o.rejected() != null) {
                failed++;
                System.out.printf("REFUSED  s3://%s/%s  %s/%s: %s%n", o.bucket(), o.key(), o.rejected().getStage(),
                        o.rejected().getReason(), o.rejected().getMessage());
            } else {
                failed++;
                System.out.printf("PENDING  s3://%s/%s  not stored after %d s (is the stack running? srrrs status)%n",
                        o.bucket(), o.key(), timeout);
            }
        }
        return failed;
    }
}
