package org.brainseg.pacs.orthanc;

import java.util.function.BooleanSupplier;

/**
 * How the bridge's threads wait for a PACS that failed: capped exponential backoff (1 s after the
 * first failure, doubling, at most 30 s), and sleeps that end early once the owner is closed so
 * that a shutdown never waits out a backoff. One per thread; not thread-safe.
 */
public final class PacsBackoff {
    /** The longest wait between two attempts, in ms. */
    static final long MAX_WAIT_MS = 30_000;
    /** How often a sleep looks at {@code closed}, in ms. */
    private static final long CHECK_MS = 100;

    private final BooleanSupplier closed;
    private int failures;

    /** @param closed whether the owner was closed: ends a sleep within 100 ms */
    public PacsBackoff(BooleanSupplier closed) {
        this.closed = closed;
    }

    /** Counts a failure; returns how long to wait before the next attempt, in ms. */
    public long failed() {
        failures++;
        return Math.min(MAX_WAIT_MS, 500L << Math.min(6, failures));
    }

    /** Resets the backoff after a request the PACS answered. */
    public void succeeded() {
        failures = 0;
    }

    /** Sleeps {@code ms}, or until the owner is closed or the thread interrupted (re-asserting the interrupt). */
    public void sleep(long ms) {
        long end = System.currentTimeMillis() + ms;
        while (!closed.getAsBoolean() && System.currentTimeMillis() < end) {
            try {
                Thread.sleep(Math.min(CHECK_MS, ms));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
