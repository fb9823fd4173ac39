package org.brainseg.worker.model;

import java.util.concurrent.atomic.AtomicReference;

/**
 * The model version currently served. A scan {@link #acquire()}s the current model and releases
 * it when done, so a {@link #swap} between scans lets in-flight scans finish on the old version,
 * whose memory is freed after the last of them.
 *
 * <p>Acquisitions are ordered with swaps: an acquisition that returns the new version happens
 * after the swap, and none that returns the old version does.
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
                if (current.get() == m) {
                    return m;
                }
                // swapped between get and acquire: the reference we took is on a model that is no
                // longer served. Give it back and take the new one, so that once any scan started
                // on the new version no scan starts on the old one.
                m.release();
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

    /** Where the served version runs, e.g. {@code cpu()}, or "" when none. */
    public String device() {
        ServingModel m = current.get();
        return m == null ? "" : m.device();
    }

    /** The served version's validation mean Dice (WT, TC, ET) from its quality profile, or null. */
    public double[] baselineDice() {
        ServingModel m = current.get();
        return m == null ? null : m.baselineDice();
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
