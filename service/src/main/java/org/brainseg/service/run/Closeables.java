package org.brainseg.service.run;

import java.time.Duration;
import org.slf4j.Logger;

/**
 * Closing at shutdown: every resource is closed even when one fails, and a failure is a warning
 * (the process is stopping; there is nothing left to recover). A service whose start-up fails
 * half-way closes what it had assembled ({@link #assembleOrClose}).
 */
public final class Closeables {
    private Closeables() {}

    /** A service's start-up steps. */
    @FunctionalInterface
    public interface Assembly<T> {
        void assemble(T service) throws Exception;
    }

    /**
     * Runs {@code assembly} on {@code service} and returns it; if a step fails, closes the service
     * (its {@code close()} copes with what was not assembled) and rethrows.
     */
    public static <T extends AutoCloseable> T assembleOrClose(T service, Assembly<? super T> assembly) throws Exception {
        try {
            assembly.assemble(service);
        } catch (Exception | Error e) {
            service.close();
            throw e;
        }
        return service;
    }

    /**
     * Waits up to {@code timeout} for {@code thread} (null: none) to end, warning when it does not;
     * an interrupt ends the wait and is re-asserted, so that closing goes on.
     */
    public static void join(Thread thread, Duration timeout, Logger log) {
        if (thread == null) {
            return;
        }
        try {
            thread.join(timeout.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        if (thread.isAlive()) {
            log.warn("{} did not stop within {} s", thread.getName(), timeout.toSeconds());
        }
    }

    /** Closes each of {@code resources} in order; a failure is logged as a warning, and the next one is closed. */
    public static void closeAll(Iterable<? extends AutoCloseable> resources, Logger log) {
        for (AutoCloseable c : resources) {
            closeQuietly(String.valueOf(c), c, log);
        }
    }

    /** Closes {@code resource} (named {@code what} in the warning if that fails). */
    public static void closeQuietly(String what, AutoCloseable resource, Logger log) {
        try {
            resource.close();
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            log.warn("closing {}: {}", what, e.toString());
        }
    }
}
