package org.brainseg.model.infer;

import java.util.LinkedHashMap;
import java.util.Map;
import org.brainseg.imaging.Volume;
import org.brainseg.imaging.labels.Region;
import org.brainseg.imaging.labels.TumourLabel;

/** Tumour volumes in millilitres from an internal label map, per label and per region. */
public final class TumourVolumes {
    private TumourVolumes() {}

    /**
     * Volumes keyed as in the events: {@code edema, ncrNet, enhancing, WT, TC, ET}, in that order.
     */
    public static Map<String, Double> of(Volume mask) {
        long[] counts = new long[4];
        for (float v : mask.data()) {
            int l = (int) v;
            if (l >= 0 && l < 4) {
                counts[l]++;
            }
        }
        double ml = mask.voxelMl();
        Map<String, Double> out = new LinkedHashMap<>();
        for (TumourLabel t : TumourLabel.values()) {
            out.put(t.key(), counts[t.internal()] * ml);
        }
        for (Region r : Region.values()) {
            long n = 0;
            for (int l = 1; l < 4; l++) {
                if (r.contains(l)) {
                    n += counts[l];
                }
            }
            out.put(r.key(), n * ml);
        }
        return out;
    }
}
