package org.brainseg.cli.console;

import java.io.PrintStream;

/**
 * The one status line of the command line tools: on a terminal it redraws in place (at most 10
 * times a second); in a log (no console) it is printed when it changed, at most every 5 seconds, so
 * long work is visible without flooding. {@link #println} writes a permanent line above it.
 * {@link ProgressBar} and the demo's live line both draw through it.
 */
public final class LiveLine implements AutoCloseable {
    private final PrintStream out;
    private final String indent;
    private final boolean tty;
    private final long minGapNanos;
    private long lastDraw;
    private String current = "";
    private String lastPrinted = "";

    /** A line on {@code out}, each drawing prefixed by {@code indent}; a terminal when there is a console. */
    public LiveLine(PrintStream out, String indent) {
        this(out, indent, System.console() != null);
    }

    LiveLine(PrintStream out, String indent, boolean tty) {
        this.out = out;
        this.indent = indent;
        this.tty = tty;
        this.minGapNanos = tty ? 100_000_000L : 5_000_000_000L;
    }

    /** New text, drawn when the last drawing is old enough and the text changed. */
    public synchronized void update(String line) {
        update(line, false);
    }

    /** New text; {@code now} draws it at once (a finished bar), the throttle aside. */
    public synchronized void update(String line, boolean now) {
        current = line;
        long t = System.nanoTime();
        if ((now || t - lastDraw >= minGapNanos) && !line.equals(lastPrinted)) {
            lastDraw = t;
            draw();
        }
    }

    /** A line that stays (an event in the stream), printed above the status line. */
    public synchronized void println(String line) {
        if (tty) {
            out.print("\r\033[K");
        }
        out.println(indent + line);
        if (tty && !current.isEmpty()) {
            draw();
        }
        out.flush();
    }

    private void draw() {
        if (tty) {
            out.print("\r\033[K" + indent + current);
        } else {
            out.println(indent + current);
        }
        lastPrinted = current;
        out.flush();
    }

    /** Draws the last text if it was never shown, and ends the line on a terminal. */
    @Override
    public synchronized void close() {
        if (!current.isEmpty() && !current.equals(lastPrinted)) {
            draw();
        }
        if (tty) {
            out.println();
        }
        out.flush();
    }
}
