package io.srrrs.cli;

import java.io.PrintStream;
import java.util.Locale;

/**
 * A one-line progress display on stderr: a bar when the total is known, a spinner when not. On a
 * terminal the line is redrawn in place; otherwise (a log, CI) a line is printed only when the
 * status text changes, so logs stay short.
 */
final class Progress {

    private static final char[] SPIN = {'|', '/', '-', '\\'};
    private final PrintStream out = System.err;
    private final boolean terminal = System.console() != null;
    private final String title;
    private final long total;
    private long done;
    private int tick;
    private String lastPrinted = "";
    private long lastDraw;
    private long lastLine;

    Progress(String title, long total) {
        this.title = title;
        this.total = total;
    }

    /** Advances by {@code n} units (bytes, objects) and redraws at most ten times a second. */
    synchronized void advance(long n, String status) {
        done += n;
        long now = System.nanoTime();
        if (now - lastDraw > 100_000_000L || done >= total) {
            lastDraw = now;
            draw(status);
        }
    }

    synchronized void status(String status) {
        draw(status);
    }

    synchronized void done(String message) {
        if (terminal) {
            out.print("\r\033[K");
        }
        out.println(message);
        out.flush();
    }

    private void draw(String status) {
        String line;
        if (total > 0) {
            int width = 30;
            int filled = (int) Math.min(width, width * done / total);
            line = String.format(Locale.ROOT, "%s [%s%s] %3d%% %s", title, "#".repeat(filled), ".".repeat(width - filled),
                    100 * done / total, status);
        } else {
            line = title + " " + SPIN[tick++ % SPIN.length] + " " + status;
        }
        if (terminal) {
            out.print("\r\033[K" + line);
            out.flush();
        } else {
            // Not a terminal: a line per quarter of a bar, a spinner's status at most every 5 s.
            long now = System.nanoTime();
            String key = total > 0 ? title + (100 * done / total / 25) : title;
            if (!key.equals(lastPrinted) || (total == 0 && now - lastLine > 5_000_000_000L)) {
                lastPrinted = key;
                lastLine = now;
                out.println(total > 0 ? line : title + ": " + status);
            }
        }
    }
}
