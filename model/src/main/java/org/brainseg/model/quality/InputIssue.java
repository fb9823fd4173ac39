package org.brainseg.model.quality;

import java.util.List;
import java.util.StringJoiner;
import org.brainseg.imaging.dataset.Modality;

/**
 * Why {@link InputGuard} finds a scan unusual: the one vocabulary of its reason codes. A code is
 * the issue's {@link #key()}, followed for a per-modality issue by {@code :} and the modality's
 * key ({@code blank-modality:flair}), and for a swap by the modalities that moved, joined by
 * {@code <->} ({@code modalities-swapped:t1<->flair}).
 */
public enum InputIssue {
    /** No signal inside the brain the other modalities show, or none at all. */
    BLANK_MODALITY("blank-modality"),
    /** The same value throughout its nonzero voxels (a filled or binary mask, a constant). */
    CONSTANT_MODALITY("constant-modality"),
    /** Neighbouring voxels are nearly uncorrelated: noise, not an image. */
    NOISE_MODALITY("noise-modality"),
    /** The scan's modalities look like the reference's modalities in another order. */
    MODALITIES_SWAPPED("modalities-swapped"),
    /** The modality's intensity distribution, scale removed, is far from the reference's. */
    INTENSITY_SHIFT("intensity-shift"),
    /** The brain is much smaller or larger than the reference's brains. */
    BRAIN_VOLUME("brain-volume"),
    /** Voxels far coarser than the reference's, or than the model can use. */
    VOXEL_SIZE("voxel-size"),
    /** The brain is cut by the border of the volume. */
    FIELD_OF_VIEW("field-of-view"),
    /** Nothing that could be a brain: too few brain voxels, or no modality with usable signal. */
    NO_BRAIN_SIGNAL("no-brain-signal");

    private final String key;

    InputIssue(String key) {
        this.key = key;
    }

    /** The code of a scan-wide issue, and the prefix of a per-modality one. */
    public String key() {
        return key;
    }

    /** The code of this issue for one modality, e.g. {@code noise-modality:t1}. */
    public String code(Modality modality) {
        return key + ":" + modality.key();
    }

    /** The swap code naming the modalities that moved, in the order given. */
    public String code(List<Modality> moved) {
        StringJoiner j = new StringJoiner("<->", key + ":", "");
        for (Modality m : moved) {
            j.add(m.key());
        }
        return j.toString();
    }
}
