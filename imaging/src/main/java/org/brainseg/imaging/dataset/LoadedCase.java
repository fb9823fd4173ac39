package org.brainseg.imaging.dataset;

import org.brainseg.imaging.Volume;
import org.brainseg.imaging.nifti.NiftiHeader;

/**
 * A case in memory: four co-registered modalities in brainseg's channel order (T1, T1ce, T2,
 * FLAIR) and, when given, the ground truth in internal labels.
 *
 * @param id case identifier
 * @param channels T1, T1ce, T2, FLAIR on one grid
 * @param labels internal labels 0..3 on the same grid, or null
 * @param reference header of the first image, whose geometry an output mask copies
 */
public record LoadedCase(String id, Volume[] channels, Volume labels, NiftiHeader reference) {
    public Volume channel(Modality m) {
        return channels[m.ordinal()];
    }

    public boolean hasLabels() {
        return labels != null;
    }
}
