package io.srrrs.chaos;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;

/**
 * The harness's own narration: one line per step and per fault, with the seconds since the run
 * began, to stderr and to {@code chaos.log} in the run directory. Components never write here
 * (their logs are files of their own); stdout is kept for the final table.
 */
final class RunLog {

    private final long start = System.nanoTime();
    private final PrintStream file;
    private final PrintStream console;

    RunLog(Path dir, PrintStream console) {
        try {
            this.file = new PrintStream(Files.newOutputStream(dir.resolve("chaos.log"), StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND), true, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.console = console;
    }

    long startNanos() {
        return start;
    }

    double seconds(long nanos) {
        return (nanos - start) / 1e9;
    }

    synchronized void info(String message) {
        String line = String.format(Locale.ROOT, "[chaos %7.1fs] %s", seconds(System.nanoTime()), message);
        file.println(line);
        console.println(line);
    }

    /** Only to the file: detail nobody needs on the terminal. */
    synchronized void detail(String message) {
        file.println(String.format(Locale.ROOT, "[chaos %7.1fs] %s", seconds(System.nanoTime()), message));
    }
}
