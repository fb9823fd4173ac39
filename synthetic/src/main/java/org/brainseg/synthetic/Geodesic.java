package org.brainseg.synthetic;

import java.util.Arrays;

/**
 * Weighted distance from a seed region through a cost field, by repeated forward and backward
 * chamfer sweeps over the 26-neighbourhood. Edema uses it: cheap to cross white matter, dear
 * through grey matter, blocked by CSF and background, so it spreads along white-matter tracts
 * the way vasogenic edema does, rather than as a ball.
 */
final class Geodesic {
    private static final int SWEEPS = 3;

    private Geodesic() {}

    /**
     * @param n box size
     * @param spacing voxel size in mm
     * @param cost cost per mm at each voxel (infinite: impassable)
     * @param seed voxels at distance 0
     * @return distance in mm (infinite where unreachable)
     */
    static float[] distance(int[] n, double spacing, float[] cost, boolean[] seed) {
        int nx = n[0];
        int ny = n[1];
        int nz = n[2];
        float[] d = new float[cost.length];
        Arrays.fill(d, Float.POSITIVE_INFINITY);
        for (int v = 0; v < d.length; v++) {
            if (seed[v]) {
                d[v] = 0;
            }
        }
        // The 13 neighbours that precede a voxel in raster order; the backward sweep mirrors them.
        int[][] offs = new int[13][];
        int c = 0;
        for (int dk = -1; dk <= 0; dk++) {
            for (int dj = -1; dj <= 1; dj++) {
                for (int di = -1; di <= 1; di++) {
                    if (dk < 0 || dj < 0 || (dj == 0 && di < 0)) {
                        offs[c++] = new int[] {di, dj, dk};
                    }
                }
            }
        }
        float[] len = new float[13];
        for (int q = 0; q < 13; q++) {
            int s = Math.abs(offs[q][0]) + Math.abs(offs[q][1]) + Math.abs(offs[q][2]);
            len[q] = (float) (spacing * Math.sqrt(s) / 2);
        }
        for (int sweep = 0; sweep < SWEEPS; sweep++) {
            for (int dir = 1; dir >= -1; dir -= 2) {
                int kStart = dir > 0 ? 0 : nz - 1;
                int jStart = dir > 0 ? 0 : ny - 1;
                int iStart = dir > 0 ? 0 : nx - 1;
                for (int k = kStart; k >= 0 && k < nz; k += dir) {
                    for (int j = jStart; j >= 0 && j < ny; j += dir) {
                        for (int i = iStart; i >= 0 && i < nx; i += dir) {
                            int v = i + nx * (j + ny * k);
                            float cv = cost[v];
                            if (cv == Float.POSITIVE_INFINITY) {
                                continue;
                            }
                            float best = d[v];
                            for (int q = 0; q < 13; q++) {
                                int ii = i + dir * offs[q][0];
                                int jj = j + dir * offs[q][1];
                                int kk = k + dir * offs[q][2];
                                if (ii < 0 || jj < 0 || kk < 0 || ii >= nx || jj >= ny || kk >= nz) {
                                    continue;
                                }
                                int u = ii + nx * (jj + ny * kk);
                                float cand = d[u] + len[q] * (cv + cost[u]);
                                if (cand < best) {
                                    best = cand;
                                }
                            }
                            d[v] = best;
                        }
                    }
                }
            }
        }
        return d;
    }
}
