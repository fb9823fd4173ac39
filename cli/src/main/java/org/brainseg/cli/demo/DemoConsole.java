package org.brainseg.cli.demo;

import java.io.PrintStream;
import java.util.Locale;

/** The demo's console: numbered steps with the elapsed time, indented detail lines. */
final class DemoConsole {
    private final PrintStream out;
    private final long started = System.nanoTime();
    private int stepNo;

    DemoConsole(PrintStream out) {
        this.out = out;
    }

    /** {@code [n m:ss] text}: the next numbered step. */
    synchronized void step(String fmt, Object... args) {
        long s = (System.nanoTime() - started) / 1_000_000_000L;
        out.printf(Locale.ROOT, "[%d %d:%02d] %s%n", ++stepNo, s / 60, s % 60, String.format(Locale.ROOT, fmt, args));
        out.flush();
    }

    /** A detail line under the current step. */
    synchronized void line(String fmt, Object... args) {
        out.printf(Locale.ROOT, "    " + fmt + "%n", args);
        out.flush();
    }

    /** A line as it is (warnings from the followers). */
    synchronized void println(String text) {
        out.println(text);
        out.flush();
    }
}
