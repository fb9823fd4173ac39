package org.brainseg.synthetic;

import java.util.SplittableRandom;

/**
 * Small white-matter hyperintensities (0-6 soft spheres of 2-6 mm radius, away from the tumour):
 * bright on T2 and FLAIR but not tumour (label 0), as small-vessel disease is in many glioma
 * patients. They are decoys: without them, one FLAIR threshold would segment the whole tumour.
 */
final class Hyperintensities {
    private final double[][] spots; // x, y, z, radius in mm

    private Hyperintensities(double[][] spots) {
        this.spots = spots;
    }

    static Hyperintensities place(SplittableRandom rng, float[] tissue, byte[] labels, int[] shape, double s) {
        int count = rng.nextInt(7);
        double[][] spots = new double[count][];
        int placed = 0;
        for (int attempt = 0; attempt < 200 && placed < count; attempt++) {
            int i = rng.nextInt(shape[0]);
            int j = rng.nextInt(shape[1]);
            int k = rng.nextInt(shape[2]);
            int v = i + shape[0] * (j + shape[1] * k);
            if (tissue[v] > 1.6f && labels[v] == 0) {
                spots[placed++] = new double[] {(i - (shape[0] - 1) / 2.0) * s, (j - (shape[1] - 1) / 2.0) * s,
                        (k - (shape[2] - 1) / 2.0) * s, 2 + 4 * rng.nextDouble()};
            }
        }
        double[][] used = new double[placed][];
        System.arraycopy(spots, 0, used, 0, placed);
        return new Hyperintensities(used);
    }

    /** Strength over z-slice k (nx * ny), or null when no spot reaches it. */
    float[] slice(int k, int[] shape, double s) {
        double z = (k - (shape[2] - 1) / 2.0) * s;
        boolean any = false;
        for (double[] p : spots) {
            any |= Math.abs(z - p[2]) < p[3];
        }
        if (!any) {
            return null;
        }
        float[] out = new float[shape[0] * shape[1]];
        for (int j = 0; j < shape[1]; j++) {
            double y = (j - (shape[1] - 1) / 2.0) * s;
            for (int i = 0; i < shape[0]; i++) {
                out[i + shape[0] * j] = strength((i - (shape[0] - 1) / 2.0) * s, y, z);
            }
        }
        return out;
    }

    /** 0..1: 1 inside a spot, fading over its outer half. */
    float strength(double x, double y, double z) {
        float best = 0;
        for (double[] p : spots) {
            double dx = x - p[0];
            double dy = y - p[1];
            double dz = z - p[2];
            double r = Math.sqrt(dx * dx + dy * dy + dz * dz) / p[3];
            if (r < 1) {
                best = Math.max(best, (float) Math.min(1, 2 * (1 - r)));
            }
        }
        return best;
    }
}
