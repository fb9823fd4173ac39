package org.brainseg.model.infer;

import org.brainseg.imaging.Volume;
import org.brainseg.imaging.labels.Region;
import org.brainseg.schemas.RegionValues;

/** Tumour volumes in millilitres from an internal label map, per label and per region. */
public final class TumourVolumes {
    private TumourVolumes() {}

    public static RegionValues of(Volume mask) {
        long[] counts = new long[4];
        for (float v : mask.data()) {
            int l = (int) v;
            if (l >= 0 && l < 4) {
                counts[l]++;
            }
        }
        double ml = mask.voxelMl();
        return RegionValues.of(t -> counts[t.internal()] * ml, r -> regionVoxels(r, counts) * ml);
    }

    private static long regionVoxels(Region r, long[] counts) {
        long n = 0;
        for (int l = 1; l < 4; l++) {
            if (r.contains(l)) {
                n += counts[l];
            }
        }
        return n;
    }
}
