package org.brainseg.imaging.preprocess;

import org.brainseg.imaging.Affine;
import org.brainseg.imaging.Volume;

/**
 * Resamples volumes between grids that cover the same field of view, with voxel centres aligned
 * as PyTorch's {@code align_corners=False} and scikit-image: output voxel v samples input
 * position (v + 0.5)·f − 0.5 with f = n_in / n_out per axis, clamped at the border. The output
 * affine is updated to match, so resampling there and back returns to the original grid.
 *
 * <p>Bulk loops over the float arrays with per-axis index and weight tables; no per-voxel objects.
 */
public final class Resampler {
    private Resampler() {}

    /** The grid size giving {@code target} spacing (mm) for a volume with spacing {@code spacing}. */
    public static int[] shapeForSpacing(int[] shape, double[] spacing, double[] target) {
        int[] out = new int[3];
        for (int a = 0; a < 3; a++) {
            if (!(target[a] > 0) || !Double.isFinite(target[a])) {
                throw new IllegalArgumentException("target spacing must be positive, got " + target[a] + " mm");
            }
            out[a] = Math.max(1, (int) Math.round(shape[a] * spacing[a] / target[a]));
        }
        return out;
    }

    /** The volume on an {@code nx × ny × nz} grid over the same field of view. */
    public static Volume resample(Volume v, int nx, int ny, int nz, Interpolation interpolation) {
        int[] in = v.shape();
        int[] out = {nx, ny, nz};
        double[] f = new double[3];
        for (int a = 0; a < 3; a++) {
            f[a] = (double) in[a] / out[a];
        }
        Affine affine = v.affine().multiply(Affine.of(new double[][] {
            {f[0], 0, 0, (f[0] - 1) / 2}, {0, f[1], 0, (f[1] - 1) / 2}, {0, 0, f[2], (f[2] - 1) / 2}, {0, 0, 0, 1}}));
        if (nx == in[0] && ny == in[1] && nz == in[2]) {
            return new Volume(nx, ny, nz, v.data().clone(), v.affine());
        }
        float[] data = interpolation == Interpolation.NEAREST
                ? nearest(v.data(), in, out)
                : linear(v.data(), in, out);
        return new Volume(nx, ny, nz, data, affine);
    }

    /** Trilinear resampling of a raw i-fastest array. */
    public static float[] linear(float[] src, int[] in, int[] out) {
        int[][] lo = new int[3][];
        int[][] hi = new int[3][];
        float[][] w = new float[3][];
        for (int a = 0; a < 3; a++) {
            lo[a] = new int[out[a]];
            hi[a] = new int[out[a]];
            w[a] = new float[out[a]];
            double f = (double) in[a] / out[a];
            for (int o = 0; o < out[a]; o++) {
                double p = Math.min(Math.max((o + 0.5) * f - 0.5, 0), in[a] - 1);
                int l = (int) Math.floor(p);
                lo[a][o] = l;
                hi[a][o] = Math.min(l + 1, in[a] - 1);
                w[a][o] = (float) (p - l);
            }
        }
        int sx = in[0];
        int sxy = in[0] * in[1];
        float[] dst = new float[out[0] * out[1] * out[2]];
        int idx = 0;
        for (int z = 0; z < out[2]; z++) {
            int z0 = lo[2][z] * sxy;
            int z1 = hi[2][z] * sxy;
            float wz = w[2][z];
            for (int y = 0; y < out[1]; y++) {
                int y0 = lo[1][y] * sx;
                int y1 = hi[1][y] * sx;
                float wy = w[1][y];
                int a00 = z0 + y0;
                int a01 = z0 + y1;
                int a10 = z1 + y0;
                int a11 = z1 + y1;
                for (int x = 0; x < out[0]; x++) {
                    int x0 = lo[0][x];
                    int x1 = hi[0][x];
                    float wx = w[0][x];
                    float c00 = src[a00 + x0] + wx * (src[a00 + x1] - src[a00 + x0]);
                    float c01 = src[a01 + x0] + wx * (src[a01 + x1] - src[a01 + x0]);
                    float c10 = src[a10 + x0] + wx * (src[a10 + x1] - src[a10 + x0]);
                    float c11 = src[a11 + x0] + wx * (src[a11 + x1] - src[a11 + x0]);
                    float c0 = c00 + wy * (c01 - c00);
                    float c1 = c10 + wy * (c11 - c10);
                    dst[idx++] = c0 + wz * (c1 - c0);
                }
            }
        }
        return dst;
    }

    /** Nearest-neighbour resampling of a raw i-fastest array. */
    public static float[] nearest(float[] src, int[] in, int[] out) {
        int[][] near = new int[3][];
        for (int a = 0; a < 3; a++) {
            near[a] = new int[out[a]];
            double f = (double) in[a] / out[a];
            for (int o = 0; o < out[a]; o++) {
                near[a][o] = Math.min((int) Math.floor((o + 0.5) * f), in[a] - 1);
            }
        }
        float[] dst = new float[out[0] * out[1] * out[2]];
        int idx = 0;
        for (int z = 0; z < out[2]; z++) {
            int zo = near[2][z] * in[0] * in[1];
            for (int y = 0; y < out[1]; y++) {
                int yo = zo + near[1][y] * in[0];
                for (int x = 0; x < out[0]; x++) {
                    dst[idx++] = src[yo + near[0][x]];
                }
            }
        }
        return dst;
    }
}
