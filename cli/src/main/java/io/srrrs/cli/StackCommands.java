package io.srrrs.cli;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code up}, {@code down}, {@code status}. {@code up} starts the stack in a background JVM
 * (the same command with {@code --foreground}) and waits until it is ready; its state is a few
 * files in the stack directory: {@code stack.pid}, {@code stack.state} (state, current step,
 * endpoints, or the error), {@code stack.log}, and {@code stack.parts} (every process the stack
 * started outside its JVM, which {@code down} checks are gone before it says "stopped").
 */
final class StackCommands {

    private StackCommands() {
    }

    static final String PID = "stack.pid";
    static final String STATE = "stack.state";
    static final String LOG = "stack.log";

    /** A command on the local stack under DIR: whether one runs there is its first question. */
    abstract static class OnStack implements Callable<Integer> {
        @Mixin
        SrrrsCommand.Common common;

        abstract int call(Path dir, Optional<ProcessHandle> running) throws Exception;

        @Override
        public final Integer call() throws Exception {
            Path dir = common.dir();
            return call(dir, runningStack(dir));
        }
    }

    @Command(name = "up", mixinStandardHelpOptions = true,
            description = {"Start the local stack in the background.",
                    "It runs a KRaft broker, the schema registry, an object store, the local KMS, a Connect worker "
                            + "running the SRRRS sink and the encryption topology, all over TLS 1.3. State lives "
                            + "under DIR; the store's objects and the KMS keys survive `down`, Kafka's data does not."})
    static final class Up extends OnStack {
        @Option(names = "--store", paramLabel = "KIND", defaultValue = "auto",
                description = "The object store: auto (Ceph RGW when installed, else S3Proxy), s3proxy, rgw or external. "
                        + "Default: ${DEFAULT-VALUE}.")
        String store;

        @Option(names = "--store-url", paramLabel = "URL", description = "With --store external: the S3 endpoint (https).")
        URI storeUrl;

        @Option(names = "--store-access-key", paramLabel = "KEY", description = "With --store external: the store's access key.")
        String storeAccessKey;

        @Option(names = "--store-secret-key", paramLabel = "SECRET", description = "With --store external: the store's secret key (asked for when not given).",
                arity = "0..1", interactive = true)
        String storeSecretKey;

        @Option(names = "--file-root", paramLabel = "DIR",
                description = "Directory whose files may be published by reference (repeatable; default: the current directory).")
        List<Path> fileRoots = new ArrayList<>();

        @Option(names = "--kms-config", paramLabel = "FILE",
                description = "A properties file with another KMS's kms.* keys (a kms.type of pkcs11, aws-kms or vault) and "
                        + "optionally srrrs.kek.default. Default: a local keystore under DIR/kms.")
        Path kmsConfig;

        @Option(names = "--foreground", description = "Run the stack in this process until Ctrl-C (what `up` runs in the background).")
        boolean foreground;

        @Override
        int call(Path dir, Optional<ProcessHandle> running) throws Exception {
            if (running.isPresent() && !foreground) {
                System.out.println("the local stack is already running (pid " + running.get().pid() + ") under " + dir);
                printEndpoints(readState(dir));
                return 0;
            }
            LocalStack.Options options = options(dir);
            if (foreground) {
                return StackJvm.run(options);
            }
            return StackBackground.start(this, dir);
        }

        LocalStack.Options options(Path dir) {
            if (storeSecretKey == null) {
                storeSecretKey = System.getenv("SRRRS_STORE_SECRET_KEY");
            }
            LocalStack.StoreKind kind = switch (store) {
                case "auto" -> rgwInstalled() ? LocalStack.StoreKind.RGW : LocalStack.StoreKind.S3PROXY;
                case "s3proxy" -> LocalStack.StoreKind.S3PROXY;
                case "rgw" -> LocalStack.StoreKind.RGW;
                case "external" -> LocalStack.StoreKind.EXTERNAL;
                default -> throw new CliException("--store " + store + " is not one of auto, s3proxy, rgw, external");
            };
            if (kind == LocalStack.StoreKind.EXTERNAL && (storeUrl == null || storeAccessKey == null || storeSecretKey == null)) {
                throw new CliException("--store external needs --store-url, --store-access-key and --store-secret-key");
            }
            if (kind == LocalStack.StoreKind.EXTERNAL && !"https".equals(storeUrl.getScheme())) {
                throw new CliException("--store-url must be https: every hop of the pipeline speaks TLS");
            }
            List<Path> roots = fileRoots.isEmpty() ? List.of(Path.of("").toAbsolutePath())
                    : fileRoots.stream().map(p -> p.toAbsolutePath().normalize()).toList();
            if (kmsConfig != null && !Files.isRegularFile(kmsConfig)) {
                throw new CliException("--kms-config " + kmsConfig + ": no such file");
            }
            String plugins = System.getProperty("srrrs.connect.plugins");
            if (plugins == null || !Files.isDirectory(Path.of(plugins))) {
                throw new CliException("the sink's plugin directory is unknown (-Dsrrrs.connect.plugins); run through bin/srrrs, "
                        + "which builds it");
            }
            return new LocalStack.Options(dir, kind, storeUrl, storeAccessKey, storeSecretKey, roots, Path.of(plugins),
                    kmsConfig == null ? Map.of() : StackCommands.readProperties(kmsConfig.toAbsolutePath()));
        }
    }

    @Command(name = "down", mixinStandardHelpOptions = true, description = "Stop the local stack started by `srrrs up`.")
    static final class Down extends OnStack {
        @Override
        int call(Path dir, Optional<ProcessHandle> running) throws Exception {
            Progress progress = new Progress("stopping the local stack" + running.map(p -> " (pid " + p.pid() + ")").orElse(""), 0);
            String how = "local stack stopped";
            if (running.isPresent()) {
                ProcessHandle p = running.get();
                p.destroy(); // SIGTERM: the stack's shutdown hook stops every part started so far, in reverse order
                long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
                while (p.isAlive() && System.nanoTime() < deadline) {
                    progress.status(readState(dir).getOrDefault("state", "stopping"));
                    Thread.sleep(200);
                }
                if (p.isAlive()) {
                    p.destroyForcibly();
                    p.onExit().get(30, TimeUnit.SECONDS);
                    how = "the stack did not stop within 90 s and was killed; its parts were stopped";
                }
            }
            // Then every process the stack recorded as started must be gone: stop any that is not.
            ChildProcesses.Reaped reaped = ChildProcesses.reap(dir);
            if (!reaped.remaining().isEmpty()) {
                progress.done("the local stack did not stop");
                throw new CliException("still running after down (stack.parts keeps them for another try): "
                        + String.join(", ", reaped.remaining()));
            }
            if (running.isEmpty()) {
                how = "no local stack is running under " + dir;
            }
            if (!reaped.stopped().isEmpty()) {
                how += " (stopped " + reaped.stopped().size() + " leftover process(es) of the stack: "
                        + String.join(", ", reaped.stopped()) + ")";
            }
            Files.deleteIfExists(dir.resolve(PID));
            Files.deleteIfExists(dir.resolve(STATE));
            Files.deleteIfExists(dir.resolve(ChildProcesses.FILE));
            if (running.isPresent() || !reaped.stopped().isEmpty()) {
                progress.done(how);
            } else {
                System.out.println(how);
            }
            return 0;
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true,
            description = {"Show whether the local stack is running.",
                    "It prints the endpoints, whether each answers over TLS 1.3, the connector's state and the "
                            + "topology's counters. The exit code is 0 when the stack runs and 3 when it does not."})
    static final class Status extends OnStack {
        @Override
        int call(Path dir, Optional<ProcessHandle> running) throws Exception {
            if (running.isEmpty()) {
                System.out.println("local stack: not running (start it with bin/srrrs up)");
                return 3;
            }
            Map<String, String> state = readState(dir);
            System.out.println("local stack: " + state.getOrDefault("state", "unknown") + " (pid " + running.get().pid()
                    + ", " + dir + ")");
            if (!"ready".equals(state.get("state"))) {
                System.out.println("  step: " + state.getOrDefault("step", "?"));
                return 0;
            }
            CliConfig config = common.config();
            for (Map.Entry<String, String> e : state.entrySet()) {
                if (e.getKey().startsWith("endpoint.")) {
                    String name = e.getKey().substring("endpoint.".length());
                    String check = TlsProbe.describe(name, e.getValue(), config);
                    System.out.printf("  %-9s %-60s %s%n", name, e.getValue(), check);
                }
            }
            String connect = config.get(CliConfig.CONNECT_URL);
            if (connect != null && !connect.isBlank()) {
                System.out.println("  connector " + LocalStack.CONNECTOR + ": " + TlsProbe.connectorState(connect, config));
            }
            LiveFigures.print(state.get("endpoint.metrics"), state.get("endpoint.connect-metrics"));
            Map<String, String> metrics = readProperties(dir.resolve(StackMetrics.FILE));
            if (!metrics.isEmpty()) {
                System.out.println("  topology: " + metrics.getOrDefault("references-processed-total", "0") + " references processed, "
                        + metrics.getOrDefault("references-rejected-total", "0") + " to the DLQ, "
                        + metrics.getOrDefault("kms.calls", "0") + " KMS calls, "
                        + metrics.getOrDefault("dek.cache.hits", "0") + " DEK cache hits");
            }
            return 0;
        }
    }

    // ---- state files ---------------------------------------------------------------------------

    static Optional<ProcessHandle> runningStack(Path dir) {
        try {
            Path pid = dir.resolve(PID);
            if (!Files.exists(pid)) {
                return Optional.empty();
            }
            return ProcessHandle.of(Long.parseLong(Files.readString(pid).trim())).filter(ProcessHandle::isAlive);
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    static Map<String, String> readState(Path dir) {
        return readProperties(dir.resolve(STATE));
    }

    static Map<String, String> readProperties(Path file) {
        Map<String, String> m = new LinkedHashMap<>();
        if (!Files.exists(file)) {
            return m;
        }
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file)) {
            p.load(r);
        } catch (IOException e) {
            return m;
        }
        p.stringPropertyNames().stream().sorted().forEach(k -> m.put(k, p.getProperty(k)));
        return m;
    }

    static void writeState(Path dir, Map<String, String> state) {
        try {
            StackFiles.writeAtomically(dir.resolve(STATE), state);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void printEndpoints(Map<String, String> state) {
        state.forEach((k, v) -> {
            if (k.startsWith("endpoint.")) {
                System.out.printf("  %-9s %s%n", k.substring("endpoint.".length()), v);
            }
        });
    }

    static boolean rgwInstalled() {
        for (String tool : List.of("radosgw", "ceph-mon", "ceph-osd")) {
            boolean found = false;
            for (String d : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
                if (Files.isExecutable(Path.of(d, tool))) {
                    found = true;
                    break;
                }
            }
            if (!found) {
                return false;
            }
        }
        return true;
    }

    static String tail(Path file, int lines) {
        try {
            List<String> all = Files.readAllLines(file);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "";
        }
    }
}
