package org.brainseg.synthetic;

import java.util.List;
import java.util.SplittableRandom;

/**
 * Draws the tumour into a warped anatomy: an irregular core per lesion (a stretched radial
 * distance perturbed by smooth noise, thresholded), an enhancing rim of random thickness with
 * non-enhancing gaps around a necrotic or solid centre, and edema grown from the core by
 * {@link Geodesic} distance along white matter until the whole tumour reaches its target volume.
 */
final class TumourBuilder {
    /** Farthest edema may reach from the core, in mm of white matter. */
    static final double MAX_EDEMA_MM = 40;
    private static final double BIN_MM = 0.25;

    private TumourBuilder() {}

    static TumourMaps build(SplittableRandom rng, float[] tissue, int[] shape, double s, List<Lesion> lesions,
            double targetWtMl) {
        Box box = box(shape, s, lesions);
        int[] bn = box.shape();
        float[] n1 = new SmoothField(rng, bn, s, 14).all(0.20f);
        float[] n2 = new SmoothField(rng, bn, s, 6).all(0.06f);
        float[] n3 = new SmoothField(rng, bn, s, 5).all(1f);
        float[] patch = new SmoothField(rng, bn, s, 8).all(1f);
        float[] irregular = new SmoothField(rng, bn, s, 10).all(1f);
        float[] texture = new SmoothField(rng, bn, s, 4).all(1f);
        double[] rim = new double[lesions.size()];
        double[] solidity = new double[lesions.size()];
        for (int l = 0; l < rim.length; l++) {
            rim[l] = 2.5 + 4.5 * rng.nextDouble();
            solidity[l] = rng.nextDouble();
        }

        byte[] labels = new byte[tissue.length];
        int size = box.size();
        boolean[] core = new boolean[size];
        float[] solid = new float[size];
        float[] ncrHard = new float[size];
        float[] enhHard = new float[size];
        long coreVoxels = 0;
        for (int k = box.k0(); k < box.k0() + box.nz(); k++) {
            for (int j = box.j0(); j < box.j0() + box.ny(); j++) {
                for (int i = box.i0(); i < box.i0() + box.nx(); i++) {
                    int g = i + shape[0] * (j + shape[1] * k);
                    if (Float.isNaN(tissue[g])) {
                        continue;
                    }
                    int b = box.index(i, j, k);
                    int best = -1;
                    double f = Double.POSITIVE_INFINITY;
                    for (int l = 0; l < lesions.size(); l++) {
                        double fl = radial(lesions.get(l), (i - (shape[0] - 1) / 2.0) * s,
                                (j - (shape[1] - 1) / 2.0) * s, (k - (shape[2] - 1) / 2.0) * s);
                        if (fl < f) {
                            f = fl;
                            best = l;
                        }
                    }
                    f += n1[b] + n2[b];
                    if (f >= 1) {
                        continue;
                    }
                    Lesion les = lesions.get(best);
                    core[b] = true;
                    coreVoxels++;
                    double rimStart = 1 - rim[best] / les.radius();
                    double enhancingThreshold = 2.5 * (0.5 - les.enhancingCover());
                    if (f >= rimStart + 0.06 * n3[b] && patch[b] > enhancingThreshold) {
                        labels[g] = 3;
                        enhHard[b] = 1;
                    } else {
                        labels[g] = 1;
                        ncrHard[b] = 1;
                        // Unenhanced gaps in the rim are solid tumour; the centre is necrotic or solid.
                        solid[b] = f >= rimStart ? 1f : (float) clamp(solidity[best] + 0.3 * n3[b], 0, 1);
                    }
                }
            }
        }

        float[] geo = edemaDistance(tissue, shape, s, box, core, irregular);
        double voxelMl = s * s * s / 1000;
        double reach = edemaReach(geo, core, targetWtMl / voxelMl - coreVoxels);
        float[] edema = new float[size];
        for (int k = box.k0(); k < box.k0() + box.nz(); k++) {
            for (int j = box.j0(); j < box.j0() + box.ny(); j++) {
                for (int i = box.i0(); i < box.i0() + box.nx(); i++) {
                    int b = box.index(i, j, k);
                    if (core[b]) {
                        edema[b] = 1;
                        continue;
                    }
                    double r = geo[b] / reach;
                    if (r < 1) {
                        labels[i + shape[0] * (j + shape[1] * k)] = 2;
                    }
                    // Half strength at the label edge, fading out beyond it: a soft edge like real edema.
                    edema[b] = (float) (clamp((1.4 - r) / 0.8, 0, 1) * (0.8 + 0.2 * clamp(texture[b], -1, 1)));
                }
            }
        }
        double sigma = 0.6 / s;
        float[] ncr = sigma < 0.3 ? ncrHard : Filters.gaussian(ncrHard, bn, sigma);
        float[] enh = sigma < 0.3 ? enhHard : Filters.gaussian(enhHard, bn, sigma);
        return new TumourMaps(labels, box, edema, ncr, enh, solid, texture, focus(lesions.get(0), shape, s));
    }

    /** Stretched distance from a lesion centre in units of its radius (1 on the mean outline). */
    private static double radial(Lesion l, double x, double y, double z) {
        double dx = (x - l.centre()[0]) / l.axes()[0];
        double dy = (y - l.centre()[1]) / l.axes()[1];
        double dz = (z - l.centre()[2]) / l.axes()[2];
        return Math.sqrt(dx * dx + dy * dy + dz * dz) / l.radius();
    }

    /** Geodesic distance from the core: 1 per mm in white matter, ~3 in grey, ~50 in CSF. */
    private static float[] edemaDistance(float[] tissue, int[] shape, double s, Box box, boolean[] core, float[] irregular) {
        float[] cost = new float[box.size()];
        for (int k = box.k0(); k < box.k0() + box.nz(); k++) {
            for (int j = box.j0(); j < box.j0() + box.ny(); j++) {
                for (int i = box.i0(); i < box.i0() + box.nx(); i++) {
                    int b = box.index(i, j, k);
                    float t = tissue[i + shape[0] * (j + shape[1] * k)];
                    if (Float.isNaN(t)) {
                        cost[b] = Float.POSITIVE_INFINITY;
                        continue;
                    }
                    double wm = clamp(t - 1, 0, 1);
                    double csf = clamp(1 - t, 0, 1);
                    double gm = 1 - wm - csf;
                    cost[b] = (float) (Math.exp(0.35 * irregular[b]) / (wm + 0.3 * gm + 0.02 * csf));
                }
            }
        }
        return Geodesic.distance(box.shape(), s, cost, core);
    }

    /** The geodesic distance whose sub-level set adds {@code needed} voxels to the core (3..40 mm). */
    private static double edemaReach(float[] geo, boolean[] core, double needed) {
        int bins = (int) (MAX_EDEMA_MM / BIN_MM);
        long[] hist = new long[bins];
        for (int b = 0; b < geo.length; b++) {
            if (!core[b] && geo[b] < MAX_EDEMA_MM) {
                hist[(int) (geo[b] / BIN_MM)]++;
            }
        }
        long acc = 0;
        for (int h = 0; h < bins; h++) {
            acc += hist[h];
            if (acc >= needed) {
                return Math.max(3, (h + 1) * BIN_MM);
            }
        }
        return MAX_EDEMA_MM;
    }

    private static Box box(int[] shape, double s, List<Lesion> lesions) {
        int[] lo = {Integer.MAX_VALUE, Integer.MAX_VALUE, Integer.MAX_VALUE};
        int[] hi = {Integer.MIN_VALUE, Integer.MIN_VALUE, Integer.MIN_VALUE};
        for (Lesion l : lesions) {
            double maxAxis = Math.max(l.axes()[0], Math.max(l.axes()[1], l.axes()[2]));
            double reach = 1.6 * l.radius() * maxAxis + MAX_EDEMA_MM + 2;
            for (int a = 0; a < 3; a++) {
                double c = l.centre()[a] / s + (shape[a] - 1) / 2.0;
                lo[a] = Math.min(lo[a], Math.max(0, (int) Math.floor(c - reach / s)));
                hi[a] = Math.max(hi[a], Math.min(shape[a] - 1, (int) Math.ceil(c + reach / s)));
            }
        }
        return new Box(lo[0], lo[1], lo[2], hi[0] - lo[0] + 1, hi[1] - lo[1] + 1, hi[2] - lo[2] + 1);
    }

    /** Voxel of a lesion centre, for previews. */
    private static int[] focus(Lesion l, int[] shape, double s) {
        int[] v = new int[3];
        for (int a = 0; a < 3; a++) {
            v[a] = (int) Math.max(0, Math.min(shape[a] - 1, Math.round(l.centre()[a] / s + (shape[a] - 1) / 2.0)));
        }
        return v;
    }

    static double clamp(double v, double lo, double hi) {
        return Math.max(lo, Math.min(hi, v));
    }
}
