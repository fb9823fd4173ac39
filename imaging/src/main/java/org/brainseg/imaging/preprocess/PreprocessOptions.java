package org.brainseg.imaging.preprocess;

import java.util.Arrays;

/**
 * Preprocessing settings.
 *
 * @param margin voxels kept around the brain's bounding box when cropping (0 or more)
 * @param targetSpacing spacing in mm to resample to, or null to keep the scan's own grid
 */
public record PreprocessOptions(int margin, double[] targetSpacing) {
    /** nnU-Net crops to the nonzero box itself; a small margin keeps the skull edge. */
    public static final int DEFAULT_MARGIN = 2;

    public PreprocessOptions {
        if (margin < 0) {
            throw new IllegalArgumentException("margin must be >= 0, got " + margin);
        }
        if (targetSpacing != null) {
            if (targetSpacing.length != 3) {
                throw new IllegalArgumentException("target spacing needs 3 values, got " + targetSpacing.length);
            }
            for (double s : targetSpacing) {
                if (!(s > 0) || !Double.isFinite(s)) {
                    throw new IllegalArgumentException("target spacing must be positive mm, got " + Arrays.toString(targetSpacing));
                }
            }
            targetSpacing = targetSpacing.clone();
        }
    }

    /** Crop and normalize on the scan's own grid. */
    public static PreprocessOptions onScanGrid() {
        return new PreprocessOptions(DEFAULT_MARGIN, null);
    }

    /** Crop, normalize and resample to an isotropic spacing in mm. */
    public static PreprocessOptions isotropic(double mm) {
        return new PreprocessOptions(DEFAULT_MARGIN, new double[] {mm, mm, mm});
    }

    @Override
    public double[] targetSpacing() {
        return targetSpacing == null ? null : targetSpacing.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PreprocessOptions p && p.margin == margin && Arrays.equals(p.targetSpacing, targetSpacing);
    }

    @Override
    public int hashCode() {
        return 31 * margin + Arrays.hashCode(targetSpacing);
    }

    @Override
    public String toString() {
        return "PreprocessOptions[margin=" + margin + ", targetSpacing=" + Arrays.toString(targetSpacing) + "]";
    }
}
