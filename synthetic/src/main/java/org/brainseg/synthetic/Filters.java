package org.brainseg.synthetic;

/**
 * Separable filters on float volumes (i fastest). Separable because a 3-D Gaussian is three
 * 1-D passes: a few multiply-adds per voxel instead of a cube of them.
 */
final class Filters {
    private Filters() {}

    /** Gaussian blur with standard deviation {@code sigma} voxels (truncated at 3 sigma, edges clamped). */
    static float[] gaussian(float[] in, int[] n, double sigma) {
        if (sigma <= 0) {
            return in.clone();
        }
        int r = Math.max(1, (int) Math.ceil(3 * sigma));
        float[] kernel = new float[2 * r + 1];
        double sum = 0;
        for (int d = -r; d <= r; d++) {
            kernel[d + r] = (float) Math.exp(-0.5 * d * d / (sigma * sigma));
            sum += kernel[d + r];
        }
        for (int d = 0; d < kernel.length; d++) {
            kernel[d] /= (float) sum;
        }
        float[] a = pass(in, n, kernel, 1, n[0]);
        float[] b = pass(a, n, kernel, n[0], n[1]);
        return pass(b, n, kernel, n[0] * n[1], n[2]);
    }

    /** Convolves along one axis given its stride and length. */
    private static float[] pass(float[] in, int[] n, float[] kernel, int stride, int len) {
        float[] out = new float[in.length];
        int r = kernel.length / 2;
        int total = in.length;
        for (int start = 0; start < total; start++) {
            int pos = (start / stride) % len;
            double acc = 0;
            for (int d = -r; d <= r; d++) {
                int q = Math.min(len - 1, Math.max(0, pos + d));
                acc += kernel[d + r] * in[start + (q - pos) * stride];
            }
            out[start] = (float) acc;
        }
        return out;
    }
}
