package org.brainseg.service.run;

import org.slf4j.Logger;

/**
 * Closing at shutdown: every resource is closed even when one fails, and a failure is a warning
 * (the process is stopping; there is nothing left to recover).
 */
public final class Closeables {
    private Closeables() {}

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
