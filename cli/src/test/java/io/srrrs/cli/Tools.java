package io.srrrs.cli;

import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** External programs the deploy tests run: required on CI, a skip elsewhere when missing. */
final class Tools {

    record Result(int exit, String output) {
    }

    private Tools() {
    }

    /** Skips the test when {@code program} is not on the PATH, except on CI, where it fails. */
    static void require(String program) {
        boolean found = List.of(System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)).stream()
                .anyMatch(dir -> !dir.isEmpty() && Files.isExecutable(Path.of(dir, program)));
        if (!found && "true".equalsIgnoreCase(System.getenv("CI"))) {
            fail(program + " is not installed; bin/install-test-deps installs it");
        }
        assumeTrue(found, program + " is not installed (bin/install-test-deps installs it)");
    }

    /** Runs {@code command} in {@code dir} with {@code env} added; stdout and stderr together. */
    static Result run(Path dir, List<String> command, Map<String, String> env) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p = pb.start();
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail(String.join(" ", command) + " did not finish in 120 s");
        }
        return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }
}
