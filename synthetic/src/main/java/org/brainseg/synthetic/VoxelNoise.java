package org.brainseg.synthetic;

import java.util.SplittableRandom;

/**
 * Gaussian noise addressed by (stream, voxel index) rather than drawn in sequence: a hash picks
 * an entry of a fixed table of normal deviates. Reproducible whatever the thread count or the
 * order voxels are visited in, and a few nanoseconds per sample.
 */
final class VoxelNoise {
    private static final int BITS = 18;
    private static final float[] TABLE = table();

    private VoxelNoise() {}

    static float gaussian(long stream, long index) {
        long z = stream + index * 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        z ^= z >>> 31;
        return TABLE[(int) (z & ((1 << BITS) - 1))];
    }

    private static float[] table() {
        SplittableRandom r = new SplittableRandom(0x5EEDL);
        float[] t = new float[1 << BITS];
        for (int i = 0; i < t.length; i++) {
            t[i] = (float) r.nextGaussian();
        }
        return t;
    }
}
