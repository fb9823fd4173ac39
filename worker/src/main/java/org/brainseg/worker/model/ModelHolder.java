package org.brainseg.worker.model;

import java.util.concurrent.atomic.AtomicReference;

/**
 * The model version currently served. A scan {@link #acquire()}s the current model and releases
 * it when done, so a {@link #swap} between scans lets in-flight scans finish on the old version,
 * whose memory is freed after the last of them.
 */
public final class ModelHolder implements AutoCloseable {
    private final AtomicReference<ServingModel> current = new AtomicReference<>();

    /** The serving model with a reference taken for the caller, or null when none is loaded. */
    public ServingModel acquire() {
        while (true) {
            ServingModel m = current.get();
            if (m == null) {
                return null;
            }
            if (m.tryAcquire()) {
                return m;
            }
            // released between get and acquire: a swap happened, read the new one
        }
    }

    /** Serves {@code next} from now on; the previous version is released once its scans end. */
    public void swap(ServingModel next) {
        ServingModel old = current.getAndSet(next);
        if (old != null) {
            old.release();
        }
    }

    /** Version being served, or 0 when none. */
    public int version() {
        ServingModel m = current.get();
        return m == null ? 0 : m.version();
    }

    public boolean loaded() {
        return current.get() != null;
    }

    @Override
    public void close() {
        ServingModel old = current.getAndSet(null);
        if (old != null) {
            old.release();
        }
    }
}
