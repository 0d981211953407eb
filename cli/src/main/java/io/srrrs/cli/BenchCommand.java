package io.srrrs.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** Hands over to {@code bin/bench}, which builds the benchmarks and runs one suite. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Run a benchmark suite.",
                "It hands over to bin/bench, which runs one of the suites below; docs/PERFORMANCE.md explains the results.",
                "topology [--objects N] [--size BYTES] [--rounds R]: the pipeline, envelope vs passthrough cipher.",
                "store [--rounds R] [--small N] [--large N]: the sink and the client vs raw S3 calls.",
                "crypto [--quick]: JMH, format v1 vs raw AES-GCM.",
                "e2e [--quick] [--small N] [--medium N] [--large-bytes B] [--skip-large] [--instances K] [--tasks T] "
                        + "[--heap 256m] [--sink-config k=v] [--topology-config k=v]: the whole pipeline as processes "
                        + "vs raw S3."})
final class BenchCommand implements Callable<Integer> {

    @Parameters(arity = "0..*", paramLabel = "ARGS", description = "The suite and its options. Default: topology.")
    List<String> args = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        String root = System.getProperty("srrrs.root");
        Path script = root == null ? null : Path.of(root, "bin", "bench");
        if (script == null || !Files.isRegularFile(script)) {
            throw new CliException("bin/bench not found (-Dsrrrs.root is set by bin/srrrs); run bin/bench from the repository");
        }
        List<String> command = new ArrayList<>(List.of("bash", script.toString()));
        command.addAll(args.isEmpty() ? List.of("topology") : args);
        return new ProcessBuilder(command).inheritIO().start().waitFor();
    }
}
