package io.srrrs.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code srrrs up} without {@code --foreground}: the same command in a background JVM (the stack's
 * own, {@link StackJvm}), followed through {@code stack.state} until the stack is ready or has
 * failed. The store's secret key goes to that JVM in its environment, never on its command line.
 */
final class StackBackground {

    private StackBackground() {
    }

    /** Starts the stack in a background JVM and waits, showing its steps, until it is ready. */
    static int start(StackCommands.Up up, Path dir) throws Exception {
        Files.createDirectories(dir);
        Files.deleteIfExists(dir.resolve(StackCommands.STATE));
        ProcessBuilder pb = new ProcessBuilder(backgroundCommand(up, dir)).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve(StackCommands.LOG).toFile()))
                .redirectInput(ProcessBuilder.Redirect.PIPE);
        if (up.storeSecretKey != null) {
            // Not on the command line, where `ps` would show it.
            pb.environment().put("SRRRS_STORE_SECRET_KEY", up.storeSecretKey);
        }
        Process process = pb.start();
        // At once, not when the child JVM gets to it: a `down` from now on finds the stack and stops it.
        Files.writeString(dir.resolve(StackCommands.PID), process.pid() + "\n");
        process.getOutputStream().close();
        return awaitReady(dir, process);
    }

    /** This same command with {@code --foreground}, in a JVM like this one. */
    private static List<String> backgroundCommand(StackCommands.Up up, Path dir) {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString()));
        for (String p : List.of("srrrs.connect.plugins", "srrrs.root", "srrrs.ceph.script", ConnectMetricsAgent.AGENT_PROPERTY,
                "org.slf4j.simpleLogger.defaultLogLevel", "org.slf4j.simpleLogger.log.org.apache.kafka")) {
            if (System.getProperty(p) != null) {
                command.add("-D" + p + "=" + System.getProperty(p));
            }
        }
        command.addAll(List.of("--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                SrrrsCommand.class.getName(), "up", "--foreground", "--dir", dir.toString(), "--store", up.store));
        if (up.storeUrl != null) {
            command.addAll(List.of("--store-url", up.storeUrl.toString(), "--store-access-key", up.storeAccessKey));
        }
        if (up.kmsConfig != null) {
            command.addAll(List.of("--kms-config", up.kmsConfig.toAbsolutePath().toString()));
        }
        for (Path root : up.fileRoots) {
            command.addAll(List.of("--file-root", root.toAbsolutePath().toString()));
        }
        return command;
    }

    /** Follows the background JVM's {@code stack.state} until it is ready, failed or gone. */
    private static int awaitReady(Path dir, Process process) throws Exception {
        Path log = dir.resolve(StackCommands.LOG);
        Progress progress = new Progress("starting the local stack", 0);
        long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        while (System.nanoTime() < deadline) {
            Map<String, String> state = StackCommands.readState(dir);
            if ("ready".equals(state.get("state"))) {
                progress.done("local stack ready (pid " + process.pid() + ", log " + log + ")");
                StackCommands.printEndpoints(state);
                System.out.println("\nconfiguration for every srrrs command: " + StackFiles.cliProperties(dir));
                System.out.println("stop it with: bin/srrrs down");
                return 0;
            }
            String now = state.getOrDefault("state", "");
            if (!process.isAlive() && (now.equals("stopping") || now.equals("stopped") || process.exitValue() == 143)) {
                progress.done("local stack stopped before it was ready (srrrs down, or a signal)");
                throw new CliException("the local stack was stopped while starting; log: " + log);
            }
            if ("failed".equals(state.get("state")) || !process.isAlive()) {
                progress.done("local stack failed to start");
                process.waitFor();
                throw new CliException(state.getOrDefault("error", "the stack process exited with " + process.exitValue())
                        + " (the parts already started were stopped)\n" + StackCommands.tail(log, 12) + "\nfull log: " + log);
            }
            progress.status(state.getOrDefault("step", "starting"));
            Thread.sleep(200);
        }
        process.destroy();
        throw new CliException("the local stack did not become ready within 5 minutes; see " + log);
    }
}
