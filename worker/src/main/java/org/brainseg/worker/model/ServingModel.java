package org.brainseg.worker.model;

import java.util.concurrent.atomic.AtomicInteger;
import org.brainseg.imaging.dataset.LoadedCase;
import org.brainseg.model.infer.ScanSegmenter;
import org.brainseg.model.infer.Segmentation;
import org.brainseg.model.quality.QualityProfile;
import org.brainseg.schemas.ModelRef;

/**
 * One loaded model version as the worker serves it, of either kind (brainseg's own U-Net or an
 * imported TorchScript), reference-counted so that a swap never frees native memory under a scan
 * still running on it: the holder owns one reference, each in-flight scan another; the last
 * release closes the segmenter.
 */
public final class ServingModel {
    private final ScanSegmenter segmenter;
    private final int version;
    private final ModelRef ref;
    private final String device;
    private final QualityProfile quality;
    private final AtomicInteger references = new AtomicInteger(1);

    public ServingModel(ScanSegmenter segmenter, int version, ModelRef ref) {
        this(segmenter, version, ref, null);
    }

    /** @param quality the version's quality profile (quality.json), or null when it has none */
    public ServingModel(ScanSegmenter segmenter, int version, ModelRef ref, QualityProfile quality) {
        this.segmenter = segmenter;
        this.version = version;
        this.ref = ref;
        this.device = segmenter.device();
        this.quality = quality;
    }

    /** The version's quality profile, or null. */
    public QualityProfile quality() {
        return quality;
    }

    /** The validation mean Dice (WT, TC, ET) its quality profile was fitted on, or null. */
    public double[] baselineDice() {
        if (quality == null || quality.calibration() == null) {
            return null;
        }
        return new double[] {quality.calibration().wt().baseline(), quality.calibration().tc().baseline(),
            quality.calibration().et().baseline()};
    }

    public int version() {
        return version;
    }

    /** The model as its events and SEGs name it: kind, name and version. */
    public ModelRef ref() {
        return ref;
    }

    /** Where inference runs, e.g. {@code cpu()} or {@code gpu(0)}. */
    public String device() {
        return device;
    }

    public ScanSegmenter segmenter() {
        return segmenter;
    }

    /**
     * Segments a scan; {@code tta} asks for test-time flips, which apply only where the model kind
     * supports them (not yet for imported models, which then segment once).
     */
    public Segmentation segment(LoadedCase c, boolean tta) {
        return segmenter.segment(c, tta && segmenter.supportsTta());
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
