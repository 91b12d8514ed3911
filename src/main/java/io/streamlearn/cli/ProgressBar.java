package io.streamlearn.cli;

import java.util.Locale;

/** A one-line progress bar on stderr, redrawn at most every 200 ms. */
final class ProgressBar {
    private final boolean on;
    private final long total;
    private final long t0 = System.nanoTime();
    private long lastDraw;
    private long last;

    /** {@code on}: null for "when stderr is a terminal"; {@code total} -1 when unknown (a count instead of a bar). */
    ProgressBar(Boolean on, long total) {
        this.on = on != null ? on : System.console() != null;
        this.total = total;
    }

    void update(long n) {
        last = n;
        if (!on) {
            return;
        }
        long now = System.nanoTime();
        if (now - lastDraw < 200_000_000L) {
            return;
        }
        draw(n, now);
    }

    private void draw(long n, long now) {
        lastDraw = now;
        double rate = n / Math.max(1e-9, (now - t0) / 1e9);
        if (total > 0) {
            int width = 30;
            int filled = (int) (width * Math.min(1.0, (double) n / total));
            System.err.printf(Locale.ROOT, "\r[%s%s] %3d%% %d/%d %.0f/s", "#".repeat(filled), " ".repeat(width - filled),
                    100 * n / total, n, total, rate);
        } else {
            System.err.printf(Locale.ROOT, "\r%d records %.0f/s", n, rate);
        }
    }

    /** Ends a half-drawn bar's line, so that what follows starts on its own line. */
    void endLine() {
        if (on && lastDraw != 0) {
            System.err.println();
        }
    }

    /** Draws the final count (the last update may have fallen between two draws) and ends the line. */
    void done() {
        if (on && lastDraw != 0) {
            draw(last, System.nanoTime());
            System.err.println();
        }
    }
}
