package org.brainseg.imaging.metrics;

/**
 * Exact Euclidean distance transform on an anisotropic grid (Felzenszwalb and Huttenlocher's
 * separable lower-envelope algorithm, one pass per axis): for every voxel, the distance in mm to
 * the nearest site voxel.
 */
final class DistanceTransform {
    private static final double INF = 1e20;

    private DistanceTransform() {}

    /**
     * Squared distances in mm² to the nearest {@code true} voxel of {@code sites} (x fastest);
     * {@code INF}-like where there is no site at all.
     */
    static double[] squared(boolean[] sites, int nx, int ny, int nz, double sx, double sy, double sz) {
        double[] d = new double[sites.length];
        for (int i = 0; i < d.length; i++) {
            d[i] = sites[i] ? 0 : INF;
        }
        int maxLen = Math.max(nx, Math.max(ny, nz));
        double[] f = new double[maxLen];
        double[] out = new double[maxLen];
        int[] v = new int[maxLen];
        double[] z = new double[maxLen + 1];
        // x lines
        for (int k = 0; k < nz; k++) {
            for (int j = 0; j < ny; j++) {
                int base = nx * (j + ny * k);
                pass(d, base, 1, nx, sx, f, out, v, z);
            }
        }
        for (int k = 0; k < nz; k++) {
            for (int i = 0; i < nx; i++) {
                pass(d, i + nx * ny * k, nx, ny, sy, f, out, v, z);
            }
        }
        for (int j = 0; j < ny; j++) {
            for (int i = 0; i < nx; i++) {
                pass(d, i + nx * j, nx * ny, nz, sz, f, out, v, z);
            }
        }
        return d;
    }

    private static void pass(double[] d, int start, int stride, int n, double spacing,
            double[] f, double[] out, int[] v, double[] z) {
        boolean any = false;
        for (int q = 0; q < n; q++) {
            f[q] = d[start + q * stride];
            any |= f[q] < INF;
        }
        if (!any) {
            return;
        }
        double w2 = spacing * spacing;
        int k = -1;
        for (int q = 0; q < n; q++) {
            if (f[q] >= INF) {
                continue; // not a site: never the nearest
            }
            if (k < 0) {
                k = 0;
                v[0] = q;
                z[0] = Double.NEGATIVE_INFINITY;
                z[1] = Double.POSITIVE_INFINITY;
                continue;
            }
            double s = intersection(f, v[k], q, w2);
            while (s <= z[k]) { // z[0] is -inf, so this stops at k = 0
                k--;
                s = intersection(f, v[k], q, w2);
            }
            k++;
            v[k] = q;
            z[k] = s;
            z[k + 1] = Double.POSITIVE_INFINITY;
        }
        k = 0;
        for (int q = 0; q < n; q++) {
            while (z[k + 1] < q) {
                k++;
            }
            double dq = q - v[k];
            out[q] = w2 * dq * dq + f[v[k]];
        }
        for (int q = 0; q < n; q++) {
            d[start + q * stride] = out[q];
        }
    }

    /** Where the parabolas rooted at p and q intersect. */
    private static double intersection(double[] f, int p, int q, double w2) {
        return ((f[q] + w2 * q * (double) q) - (f[p] + w2 * p * (double) p)) / (2 * w2 * (q - p));
    }
}
