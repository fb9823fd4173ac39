package org.brainseg.synthetic;

import java.util.SplittableRandom;

/**
 * A smooth random field on a voxel grid: Gaussian coefficients on a coarse lattice (one per
 * {@code cellMm}), interpolated with cubic B-splines. Roughly zero mean and unit variance.
 *
 * <p>Why this shape: deformations, bias fields and tumour outlines all need smooth noise with
 * a chosen correlation length, and an interpolated coarse lattice costs a few multiply-adds per
 * voxel (separable passes) instead of a 3-D convolution. The last pass runs per z-slice, so a
 * full-resolution field need never be held in memory.
 */
final class SmoothField {
    /** 1 / sqrt of the mean squared cubic B-spline weight (151/315) per axis, cubed: restores unit variance. */
    private static final double GAIN = Math.pow(315.0 / 151.0, 1.5);

    private final int nx;
    private final int ny;
    private final int cz;
    private final float[] xy; // nx * ny * cz, x and y already interpolated
    private final int[] zBase;
    private final float[] zWeights;

    /**
     * @param n grid size in voxels
     * @param voxelMm voxel size
     * @param cellMm lattice spacing: the correlation length of the field
     */
    SmoothField(SplittableRandom rng, int[] n, double voxelMm, double cellMm) {
        nx = n[0];
        ny = n[1];
        double step = voxelMm / cellMm;
        int cx = lattice(n[0], step);
        int cy = lattice(n[1], step);
        cz = lattice(n[2], step);
        float[] coarse = new float[cx * cy * cz];
        for (int i = 0; i < coarse.length; i++) {
            coarse[i] = (float) (rng.nextGaussian() * GAIN);
        }
        int[] xb = new int[nx];
        float[] xw = new float[4 * nx];
        weights(nx, step, xb, xw);
        int[] yb = new int[ny];
        float[] yw = new float[4 * ny];
        weights(ny, step, yb, yw);
        zBase = new int[n[2]];
        zWeights = new float[4 * n[2]];
        weights(n[2], step, zBase, zWeights);

        float[] xPass = new float[nx * cy * cz];
        for (int row = 0; row < cy * cz; row++) {
            for (int i = 0; i < nx; i++) {
                int b = row * cx + xb[i];
                xPass[row * nx + i] = xw[4 * i] * coarse[b] + xw[4 * i + 1] * coarse[b + 1]
                        + xw[4 * i + 2] * coarse[b + 2] + xw[4 * i + 3] * coarse[b + 3];
            }
        }
        xy = new float[nx * ny * cz];
        for (int z = 0; z < cz; z++) {
            for (int j = 0; j < ny; j++) {
                int b = z * cy + yb[j];
                int out = (z * ny + j) * nx;
                for (int i = 0; i < nx; i++) {
                    xy[out + i] = yw[4 * j] * xPass[b * nx + i] + yw[4 * j + 1] * xPass[(b + 1) * nx + i]
                            + yw[4 * j + 2] * xPass[(b + 2) * nx + i] + yw[4 * j + 3] * xPass[(b + 3) * nx + i];
                }
            }
        }
    }

    /** Fills {@code out} (nx * ny) with z-slice {@code k}, scaled by {@code amplitude}. */
    void slice(int k, float amplitude, float[] out) {
        int b = zBase[k];
        int plane = nx * ny;
        float w0 = amplitude * zWeights[4 * k];
        float w1 = amplitude * zWeights[4 * k + 1];
        float w2 = amplitude * zWeights[4 * k + 2];
        float w3 = amplitude * zWeights[4 * k + 3];
        int o0 = b * plane;
        for (int p = 0; p < plane; p++) {
            out[p] = w0 * xy[o0 + p] + w1 * xy[o0 + plane + p] + w2 * xy[o0 + 2 * plane + p] + w3 * xy[o0 + 3 * plane + p];
        }
    }

    /** The whole field, i fastest (for small boxes). */
    float[] all(float amplitude) {
        int plane = nx * ny;
        float[] out = new float[plane * zBase.length];
        float[] s = new float[plane];
        for (int k = 0; k < zBase.length; k++) {
            slice(k, amplitude, s);
            System.arraycopy(s, 0, out, k * plane, plane);
        }
        return out;
    }

    /** Lattice points needed to cover n voxels, with one extra on the low side and two on the high. */
    private static int lattice(int n, double step) {
        return (int) Math.floor((n - 1) * step) + 4;
    }

    /** Index of the first of four lattice points and the cubic B-spline weights, per voxel. */
    private static void weights(int n, double step, int[] base, float[] w) {
        for (int i = 0; i < n; i++) {
            double u = i * step;
            int b = (int) Math.floor(u);
            double t = u - b;
            double t2 = t * t;
            double t3 = t2 * t;
            base[i] = b; // lattice index b+1 is the point at or left of u
            w[4 * i] = (float) ((1 - t) * (1 - t) * (1 - t) / 6);
            w[4 * i + 1] = (float) ((3 * t3 - 6 * t2 + 4) / 6);
            w[4 * i + 2] = (float) ((-3 * t3 + 3 * t2 + 3 * t + 1) / 6);
            w[4 * i + 3] = (float) (t3 / 6);
        }
    }
}
