package org.brainseg.cli.console;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;

/**
 * A one-line text progress bar on stderr: done/total, percent, elapsed, ETA and a free-text
 * status (loss, Dice...), drawn through a {@link LiveLine} (in place on a terminal, throttled in
 * logs); the finished bar is always drawn.
 */
public final class ProgressBar implements AutoCloseable {
    private static final int WIDTH = 28;

    private final LiveLine line;
    private final String label;
    private final long total;
    private final long startNanos = System.nanoTime();
    private long done;
    private String status = "";

    public ProgressBar(String label, long total) {
        this(System.err, label, total, System.console() != null);
    }

    ProgressBar(PrintStream out, String label, long total, boolean tty) {
        this.line = new LiveLine(out, "", tty);
        this.label = label;
        this.total = Math.max(1, total);
    }

    /** Sets progress and status text and redraws when due. */
    public synchronized void update(long doneNow, String statusNow) {
        this.done = Math.min(doneNow, total);
        this.status = statusNow == null ? "" : statusNow;
        line.update(render(), done == total);
    }

    public void step(String statusNow) {
        update(done + 1, statusNow);
    }

    String render() {
        double frac = (double) done / total;
        int filled = (int) Math.round(frac * WIDTH);
        long elapsed = System.nanoTime() - startNanos;
        String eta = done == 0 ? "?" : format(Duration.ofNanos((long) (elapsed / frac) - elapsed));
        return String.format(Locale.ROOT, "%s [%s%s] %d/%d %3.0f%% %s elapsed, ETA %s %s",
                label, "#".repeat(filled), ".".repeat(WIDTH - filled), done, total, 100 * frac,
                format(Duration.ofNanos(elapsed)), eta, status).trim();
    }

    static String format(Duration d) {
        long s = Math.max(0, d.toSeconds());
        return s >= 3600 ? String.format(Locale.ROOT, "%dh%02dm", s / 3600, (s / 60) % 60)
                : String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
    }

    @Override
    public synchronized void close() {
        line.close();
    }
}
