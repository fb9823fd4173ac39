package org.brainseg.worker.model;

import java.util.concurrent.atomic.AtomicInteger;
import org.brainseg.imaging.dataset.LoadedCase;
import org.brainseg.model.infer.Segmentation;
import org.brainseg.model.infer.Segmenter;

/**
 * One loaded model version as the worker serves it, reference-counted so that a swap never
 * frees native memory under a scan still running on it: the holder owns one reference, each
 * in-flight scan another; the last release closes the segmenter.
 */
public final class ServingModel {
    private final Segmenter segmenter;
    private final int version;
    private final String device;
    private final AtomicInteger references = new AtomicInteger(1);

    public ServingModel(Segmenter segmenter, int version) {
        this.segmenter = segmenter;
        this.version = version;
        this.device = segmenter.model().device().toString();
    }

    public int version() {
        return version;
    }

    /** Where inference runs, e.g. {@code cpu()} or {@code gpu(0)}. */
    public String device() {
        return device;
    }

    public Segmenter segmenter() {
        return segmenter;
    }

    public Segmentation segment(LoadedCase c, boolean tta) {
        return segmenter.segment(c, tta);
    }

    /** Takes a reference for one scan; false when the model is already released. */
    boolean tryAcquire() {
        while (true) {
            int n = references.get();
            if (n == 0) {
                return false;
            }
            if (references.compareAndSet(n, n + 1)) {
                return true;
            }
        }
    }

    /** Gives a reference back; the last one frees the model's native memory. */
    public void release() {
        if (references.decrementAndGet() == 0) {
            segmenter.close();
        }
    }
}
