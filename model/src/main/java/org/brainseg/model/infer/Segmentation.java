package org.brainseg.model.infer;

import java.util.Objects;
import org.brainseg.imaging.Volume;
import org.brainseg.imaging.labels.LabelConvention;
import org.brainseg.schemas.RegionValues;

/**
 * The result of segmenting one scan.
 *
 * @param mask internal labels (0 background, 1 NCR/NET, 2 edema, 3 enhancing) on the scan's grid
 * @param volumesMl tumour volumes in mL per label and region
 * @param preprocessMs time to crop, normalize and resample
 * @param inferenceMs time in the network (sliding window)
 * @param postprocessMs time to map the result back to the scan's grid
 */
public record Segmentation(Volume mask, RegionValues volumesMl, long preprocessMs, long inferenceMs,
        long postprocessMs) {
    public Segmentation {
        Objects.requireNonNull(volumesMl, "volumesMl");
    }

    /** The mask with labels stored in {@code convention}. */
    public Volume mask(LabelConvention convention) {
        if (convention == LabelConvention.INTERNAL) {
            return mask;
        }
        float[] in = mask.data();
        float[] out = new float[in.length];
        float[] map = new float[4];
        for (int l = 0; l < 4; l++) {
            map[l] = convention.fromInternal(l);
        }
        for (int i = 0; i < in.length; i++) {
            out[i] = map[(int) in[i]];
        }
        return mask.withData(out);
    }
}
