package org.brainseg.cli.demo;

import java.io.PrintStream;

/**
 * A status line that redraws in place on a terminal (at most 10 times a second) and, in a log
 * (no console), is printed when it changed and at most every 5 seconds; {@link #println} writes a
 * permanent line above it.
 */
final class LiveLine implements AutoCloseable {
    private final PrintStream out;
    private final boolean tty;
    private final long minGapNanos;
    private long lastDraw;
    private String current = "";
    private String lastPrinted = "";

    LiveLine(PrintStream out) {
        this(out, System.console() != null);
    }

    LiveLine(PrintStream out, boolean tty) {
        this.out = out;
        this.tty = tty;
        this.minGapNanos = tty ? 100_000_000L : 5_000_000_000L;
    }

    synchronized void update(String line) {
        current = line;
        long now = System.nanoTime();
        if (now - lastDraw >= minGapNanos && !line.equals(lastPrinted)) {
            lastDraw = now;
            draw();
        }
    }

    /** A line that stays (an event in the stream), printed above the status line. */
    synchronized void println(String line) {
        if (tty) {
            out.print("\r\033[K");
        }
        out.println("    " + line);
        if (tty && !current.isEmpty()) {
            draw();
        }
        out.flush();
    }

    private void draw() {
        if (tty) {
            out.print("\r\033[K    " + current);
        } else {
            out.println("    " + current);
        }
        lastPrinted = current;
        out.flush();
    }

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
