package io.srrrs.cli;

import java.io.Console;
import java.io.PrintStream;
import java.util.Locale;
import picocli.CommandLine;

/**
 * A one-line progress display on stderr, redrawn in place with {@code \r}: a bar when the total is
 * known, a spinner when not. It draws only when asked to ({@code --progress}) or when the CLI runs
 * on a terminal, so logs, pipes and tests get the final summary line only. stdout is never
 * touched: {@code srrrs get} may be writing the plaintext there.
 */
final class Progress {

    /** At most four redraws a second: enough to see it move, little enough to cost nothing. */
    private static final long REDRAW_NANOS = 250_000_000L;
    private static final char[] SPIN = {'|', '/', '-', '\\'};
    private final PrintStream out = System.err;
    private final boolean drawing;
    private final String title;
    private final long total;
    private long done;
    private int tick;
    private int drawnWidth;
    private long lastDraw;

    /** {@code --progress}, for the commands that run long. */
    static final class Flag {
        @CommandLine.Option(names = "--progress",
                description = "Show progress on stderr even when it is not a terminal (on a terminal it is shown anyway).")
        boolean forced;
    }

    /** Draws when on a terminal. */
    Progress(String title, long total) {
        this(title, total, false);
    }

    /** Draws when {@code forced} (the command's {@code --progress}) or on a terminal. */
    Progress(String title, long total, boolean forced) {
        this.title = title;
        this.total = total;
        this.drawing = forced || onTerminal();
        this.lastDraw = System.nanoTime() - REDRAW_NANOS; // the first advance draws
    }

    /**
     * Whether the CLI runs on a terminal. From Java 22 {@link System#console()} is not null when the
     * streams are redirected too; {@code Console.isTerminal()} (22+) then tells.
     */
    static boolean onTerminal() {
        Console console = System.console();
        if (console == null) {
            return false;
        }
        try {
            return (Boolean) Console.class.getMethod("isTerminal").invoke(console);
        } catch (ReflectiveOperationException e) {
            return true; // before Java 22 a console is a terminal
        }
    }

    /** Advances by {@code n} units (bytes, objects); redraws at most four times a second. */
    synchronized void advance(long n, String status) {
        done += n;
        long now = System.nanoTime();
        if (now - lastDraw >= REDRAW_NANOS) {
            lastDraw = now;
            draw(status);
        }
    }

    /** Units done so far. */
    synchronized long done() {
        return done;
    }

    synchronized void status(String status) {
        draw(status);
    }

    /** Replaces the progress line with {@code message}, the summary (printed even when not drawing); empty: none. */
    synchronized void done(String message) {
        clear();
        if (!message.isEmpty()) {
            out.println(message);
        }
        out.flush();
    }

    private void draw(String status) {
        if (!drawing) {
            return;
        }
        String line;
        if (total > 0) {
            int width = 30;
            int filled = (int) Math.min(width, width * done / total);
            line = String.format(Locale.ROOT, "%s [%s%s] %3d%% %s", title, "#".repeat(filled), ".".repeat(width - filled),
                    Math.min(100, 100 * done / total), status);
        } else {
            line = title + " " + SPIN[tick++ % SPIN.length] + " " + status;
        }
        if (line.length() > SrrrsCommand.HELP_WIDTH - 1) {
            line = line.substring(0, SrrrsCommand.HELP_WIDTH - 1); // one line: a wrapped one cannot be redrawn
        }
        // Spaces, not an escape code, clear the rest of the old line: --progress may go to a log.
        out.print("\r" + line + " ".repeat(Math.max(0, drawnWidth - line.length())));
        out.flush();
        drawnWidth = line.length();
    }

    private void clear() {
        if (drawnWidth > 0) {
            out.print("\r" + " ".repeat(drawnWidth) + "\r");
            drawnWidth = 0;
        }
    }
}
