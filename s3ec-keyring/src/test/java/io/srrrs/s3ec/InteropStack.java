package io.srrrs.s3ec;

import static org.assertj.core.api.Assertions.assertThat;

import io.srrrs.cli.CliConfig;
import io.srrrs.cli.LocalStack;
import io.srrrs.cli.SrrrsCommand;
import io.srrrs.store.StoreClients;
import io.srrrs.store.StoreConfig;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The real pipeline for an interop suite: the CLI's local stack (Kafka, registry, store, KMS,
 * topology, Connect sink) in this JVM, and the CLI run in-process as {@code bin/srrrs} runs it.
 * One per test class: starting it is most of a suite's time. Shared (as this module's test jar)
 * with s3ec-interop-v2, whose suites run S3EC 3.x against the same stack.
 */
public final class InteropStack implements AutoCloseable {

    public static final String BUCKET = LocalStack.BUCKET;
    private static final SecureRandom RANDOM = new SecureRandom();

    public final Path dir;
    public final LocalStack stack;
    public final S3Client admin;

    private InteropStack(Path dir, LocalStack stack) {
        this.dir = dir;
        this.stack = stack;
        this.admin = StoreClients.s3(stack.store());
    }

    /** A stack in a fresh directory under target/, on {@code store}, with {@code kms} ({@code kms.*}; empty: the local keystore). */
    public static InteropStack start(String prefix, LocalStack.StoreKind store, Map<String, String> kms) throws Exception {
        Path dir = Files.createTempDirectory(Files.createDirectories(Path.of("target").toAbsolutePath()), prefix);
        Path stackDir = dir.resolve("stack");
        LocalStack stack = LocalStack.start(new LocalStack.Options(stackDir, store, null, null, null,
                List.of(dir.toAbsolutePath()), Path.of(System.getProperty("srrrs.connect.plugins")), kms), step -> { });
        return new InteropStack(stackDir, stack);
    }

    /** Ceph RGW when it is installed (it enforces SSE-C), else S3Proxy. */
    public static LocalStack.StoreKind rgwIfInstalled() {
        for (String tool : List.of("radosgw", "ceph-mon", "ceph-osd")) {
            boolean found = Arrays.stream(System.getenv().getOrDefault("PATH", "/usr/bin").split(":"))
                    .anyMatch(d -> Files.isExecutable(Path.of(d, tool)));
            if (!found) {
                return LocalStack.StoreKind.S3PROXY;
            }
        }
        return LocalStack.StoreKind.RGW;
    }

    public StoreConfig store() {
        return stack.store();
    }

    public CliConfig config() {
        return CliConfig.load(dir.resolve("srrrs.properties"));
    }

    /** A file of {@code size} random bytes under the stack's file root. */
    public Path file(String name, int size) throws Exception {
        byte[] b = new byte[size];
        RANDOM.nextBytes(b);
        Path f = Files.createDirectories(dir.getParent().resolve("files")).resolve(name);
        Files.write(f, b);
        return f;
    }

    /** Publishes {@code file} as BUCKET/{@code key} in {@code format} through the pipeline, waiting for the object. */
    public void publish(Path file, String key, String format, String... more) {
        List<String> args = new ArrayList<>(List.of("publish", file.toString(), "--key", key, "--format", format,
                "--dir", dir.toString()));
        args.addAll(List.of(more));
        Run r = cli(args.toArray(String[]::new));
        assertThat(r.code()).as(r.out() + r.err()).isZero();
    }

    /** Stores BUCKET/{@code key} with exactly {@code body} and {@code metadata} (a tampered copy of an object). */
    public void put(String key, byte[] body, Map<String, String> metadata) {
        admin.putObject(b -> b.bucket(BUCKET).key(key).metadata(metadata), RequestBody.fromBytes(body));
    }

    public byte[] body(String key) {
        return admin.getObjectAsBytes(b -> b.bucket(BUCKET).key(key)).asByteArray();
    }

    public Map<String, String> metadata(String key) {
        return admin.headObject(b -> b.bucket(BUCKET).key(key)).metadata();
    }

    public record Run(int code, String out, String err) {
    }

    /** Runs the CLI in this JVM as bin/srrrs would, capturing what it prints. */
    public static synchronized Run cli(String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            CommandLine cli = SrrrsCommand.commandLine();
            int code = cli.execute(args);
            cli.getOut().flush();
            cli.getErr().flush();
            return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    @Override
    public void close() {
        admin.close();
        stack.close();
    }
}
