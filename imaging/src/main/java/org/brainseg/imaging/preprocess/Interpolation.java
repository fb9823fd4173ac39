package org.brainseg.imaging.preprocess;

/** How {@link Resampler} computes a voxel between grid points. */
public enum Interpolation {
    /** Trilinear: images and class probabilities. */
    LINEAR,
    /** Nearest neighbour: label maps. */
    NEAREST
}
