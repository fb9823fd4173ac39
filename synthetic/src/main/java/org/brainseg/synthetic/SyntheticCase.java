package org.brainseg.synthetic;

import org.brainseg.imaging.Volume;
import org.brainseg.imaging.dataset.Modality;
import org.brainseg.imaging.labels.TumourLabel;

/**
 * One generated case in memory, exactly as it is written: four co-registered modalities in
 * brainseg's channel order (T1, T1ce, T2, FLAIR; integer-valued, 0 outside the brain) and the
 * ground truth in internal labels (0 background, 1 NCR/NET, 2 edema, 3 enhancing). Trainers can
 * use it without going through files.
 *
 * @param id case identifier in the cohort's layout
 * @param index position in the cohort (0-based); the case depends only on (seed, index)
 * @param channels T1, T1ce, T2, FLAIR
 * @param labels internal labels
 * @param tissue the warped healthy anatomy as a tissue coordinate (0 CSF, 1 grey, 2 white matter,
 *     partial volumes in between, NaN outside the brain), before the tumour was drawn: a
 *     tissue ground truth for tests and tissue-aware sampling (not written to disk)
 * @param focus voxel (i, j, k) at the centre of the main lesion
 */
public record SyntheticCase(String id, int index, Volume[] channels, Volume labels, Volume tissue, int[] focus) {
    public Volume channel(Modality m) {
        return channels[m.ordinal()];
    }

    /** Volume of one internal label in mL. */
    public double labelMl(TumourLabel label) {
        long n = 0;
        float v = label.internal();
        for (float f : labels.data()) {
            if (f == v) {
                n++;
            }
        }
        return n * labels.voxelMl();
    }

    /** Whole-tumour volume (labels 1, 2 and 3) in mL. */
    public double wholeTumourMl() {
        long n = 0;
        for (float f : labels.data()) {
            if (f > 0) {
                n++;
            }
        }
        return n * labels.voxelMl();
    }

    /** The per-case figures a cohort run reports. */
    public CaseReport report(double seconds) {
        return new CaseReport(id, wholeTumourMl(), labelMl(TumourLabel.NCR_NET), labelMl(TumourLabel.EDEMA),
                labelMl(TumourLabel.ENHANCING), seconds);
    }
}
