package io.srrrs.chaos;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;

/**
 * {@code bin/chaos}: runs the suite once and prints its table; exit code 1 when anything was lost,
 * duplicated, corrupt or leaked (or a component did not come back), 2 on bad usage.
 */
public final class ChaosMain {

    private ChaosMain() {
    }

    public static void main(String[] args) throws Exception {
        if (List.of(args).contains("--help") || List.of(args).contains("-h")) {
            System.out.println(ChaosPlan.USAGE);
            return;
        }
        ChaosPlan plan;
        try {
            plan = ChaosPlan.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("bin/chaos: " + e.getMessage());
            System.exit(2);
            return;
        }
        Path runs = Path.of(System.getProperty("srrrs.chaos.runs", "target"));
        Path dir = runs.resolve("chaos-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")))
                .toAbsolutePath();
        Files.createDirectories(dir);
        // Before the first logger exists: the harness's own Kafka and AWS clients log into the run
        // directory too (so the canary scan covers them), never onto the table.
        System.setProperty("org.slf4j.simpleLogger.logFile", dir.resolve("harness.log").toString());
        Report report = ChaosRun.run(plan, dir, System.err);
        report.lines().forEach(System.out::println);
        System.out.println("  (run directory: " + dir + ")");
        System.exit(report.failed() ? 1 : 0);
    }
}
