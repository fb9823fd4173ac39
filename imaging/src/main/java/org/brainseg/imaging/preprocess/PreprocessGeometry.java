package org.brainseg.imaging.preprocess;

import org.brainseg.imaging.Affine;

/**
 * Where a preprocessed volume came from, enough to map an output back onto the scan's grid.
 *
 * @param originalShape the scan's grid size
 * @param originalAffine the scan's affine
 * @param crop the brain box on the scan's grid
 * @param shape the preprocessed grid size (the crop, resampled if a target spacing was set)
 */
public record PreprocessGeometry(int[] originalShape, Affine originalAffine, BoundingBox crop, int[] shape) {
    public PreprocessGeometry {
        originalShape = originalShape.clone();
        shape = shape.clone();
    }

    @Override
    public int[] originalShape() {
        return originalShape.clone();
    }

    @Override
    public int[] shape() {
        return shape.clone();
    }

    /** Whether the crop was resampled. */
    public boolean resampled() {
        return shape[0] != crop.nx() || shape[1] != crop.ny() || shape[2] != crop.nz();
    }
}
