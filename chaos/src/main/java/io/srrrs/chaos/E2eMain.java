package io.srrrs.chaos;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;

/**
 * {@code bin/bench e2e}: the pipeline against raw S3 on the same store, one table on stdout;
 * progress on stderr, every component's log (and this JVM's Kafka and AWS logging) in files under
 * the run directory. Exit code 2 on bad usage.
 */
public final class E2eMain {

    private E2eMain() {
    }

    public static void main(String[] args) throws Exception {
        if (List.of(args).contains("--help") || List.of(args).contains("-h")) {
            System.out.println(E2eOptions.USAGE);
            return;
        }
        E2eOptions options;
        try {
            options = E2eOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("bin/bench e2e: " + e.getMessage());
            System.exit(2);
            return;
        }
        Path runs = Path.of(System.getProperty("srrrs.chaos.runs", "target")).toAbsolutePath();
        Path dir = runs.resolve("bench-e2e-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        Files.createDirectories(dir);
        // Before the first logger exists: this JVM's Kafka, AWS and S3Proxy logging go to a file.
        System.setProperty("org.slf4j.simpleLogger.logFile", dir.resolve("harness.log").toString());
        System.err.println("bin/bench e2e: run directory " + dir);
        List<String> table = E2eBench.run(options, dir, new RunLog(dir, System.err), runs.resolve("bench-e2e-data"));
        table.forEach(System.out::println);
        System.exit(0);
    }
}
