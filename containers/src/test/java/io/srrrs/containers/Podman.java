package io.srrrs.containers;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The podman command line as ContainerImagesIT drives it, with the configuration bin/containers
 * uses (CONTAINERS_CONF, inherited): every call bounded in time, its output returned.
 */
final class Podman {

    private Podman() {
    }

    /** What one podman call printed and how it ended. */
    record Result(int code, String out) {
        Result orFail(String what) {
            if (code != 0) {
                throw new IllegalStateException("podman " + what + " exited with " + code + ": " + out);
            }
            return this;
        }
    }

    static Result call(List<String> args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("podman"));
        command.addAll(args);
        // Into a file, not a pipe: a container's log fills a pipe's buffer long before podman ends.
        Path out = Files.createTempFile("podman-", ".out");
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()).start();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return new Result(-1, "podman " + args + " did not end within 120 s");
            }
            return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8).trim());
        } finally {
            Files.deleteIfExists(out);
        }
    }

    static boolean imageExists(String image) throws IOException, InterruptedException {
        return call(List.of("image", "exists", image)).code() == 0;
    }

    /** Starts a detached container called {@code name} with {@code options}, on the host's network. */
    static void run(String name, List<String> options, String image, List<String> command)
            throws IOException, InterruptedException {
        call(List.of("rm", "-f", name)); // a container left by an aborted run
        List<String> args = new ArrayList<>(List.of("run", "-d", "--name", name, "--network", "host"));
        args.addAll(options);
        args.add(image);
        args.addAll(command);
        call(args).orFail("run " + name);
    }

    static String logs(String name) throws IOException, InterruptedException {
        return call(List.of("logs", name)).out();
    }

    static boolean running(String name) throws IOException, InterruptedException {
        return call(List.of("inspect", "--format", "{{.State.Running}}", name)).out().equals("true");
    }

    static String exec(String name, String... command) throws IOException, InterruptedException {
        List<String> args = new ArrayList<>(List.of("exec", name));
        args.addAll(List.of(command));
        return call(args).orFail("exec " + String.join(" ", command)).out();
    }

    static void remove(String name) throws IOException, InterruptedException {
        call(List.of("rm", "-f", "-t", "10", name));
    }
}
