package org.brainseg.imaging.metrics;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.IntPredicate;
import org.brainseg.imaging.Volume;
import org.brainseg.imaging.labels.Region;
import org.brainseg.imaging.labels.TumourLabel;

/**
 * Dice and HD95 of a predicted label map against the truth, both in internal labels, for each
 * tumour label (edema, ncrNet, enhancing) and BraTS region (WT, TC, ET).
 *
 * <p>HD95 follows MedPy's {@code hd95}, which BraTS evaluations use: surface voxels are
 * foreground voxels with a background 6-neighbour (or on the image edge); the 95th percentile
 * (linear interpolation, as numpy) of the distances from each surface to the other, the larger
 * of the two directions; distances in mm from the affine's voxel sizes.
 */
public final class SegmentationMetrics {
    private SegmentationMetrics() {}

    /** Scores per label and region, keyed by their event names. */
    public record Report(Map<String, Score> labels, Map<String, Score> regions) {
        /** Mean Dice over the three regions. */
        public double meanRegionDice() {
            return regions.values().stream().mapToDouble(Score::dice).average().orElse(Double.NaN);
        }
    }

    public static Report compute(Volume pred, Volume truth) {
        if (!pred.sameShape(truth)) {
            throw new IllegalArgumentException("prediction " + Arrays.toString(pred.shape())
                    + " and truth " + Arrays.toString(truth.shape()) + " differ in shape");
        }
        Map<String, Score> labels = new LinkedHashMap<>();
        for (TumourLabel l : TumourLabel.values()) {
            labels.put(l.key(), score(pred, truth, v -> v == l.internal()));
        }
        Map<String, Score> regions = new LinkedHashMap<>();
        for (Region r : Region.values()) {
            regions.put(r.key(), score(pred, truth, r::contains));
        }
        return new Report(labels, regions);
    }

    /** Dice and HD95 of the voxels whose label satisfies {@code member}. */
    public static Score score(Volume pred, Volume truth, IntPredicate member) {
        boolean[] a = mask(pred, member);
        boolean[] b = mask(truth, member);
        return new Score(dice(a, b), hd95(a, b, pred));
    }

    static boolean[] mask(Volume v, IntPredicate member) {
        float[] d = v.data();
        boolean[] m = new boolean[d.length];
        for (int i = 0; i < d.length; i++) {
            m[i] = member.test((int) d[i]);
        }
        return m;
    }

    static double dice(boolean[] a, boolean[] b) {
        long na = 0, nb = 0, both = 0;
        for (int i = 0; i < a.length; i++) {
            if (a[i]) {
                na++;
                if (b[i]) {
                    both++;
                }
            }
            if (b[i]) {
                nb++;
            }
        }
        return na + nb == 0 ? 1.0 : 2.0 * both / (na + nb);
    }

    static double hd95(boolean[] a, boolean[] b, Volume grid) {
        boolean anyA = any(a);
        boolean anyB = any(b);
        if (!anyA && !anyB) {
            return 0;
        }
        double[] s = grid.spacing();
        if (!anyA || !anyB) {
            double dx = grid.nx() * s[0], dy = grid.ny() * s[1], dz = grid.nz() * s[2];
            return Math.sqrt(dx * dx + dy * dy + dz * dz);
        }
        int nx = grid.nx(), ny = grid.ny(), nz = grid.nz();
        boolean[] sa = surface(a, nx, ny, nz);
        boolean[] sb = surface(b, nx, ny, nz);
        double[] toB = DistanceTransform.squared(sb, nx, ny, nz, s[0], s[1], s[2]);
        double[] toA = DistanceTransform.squared(sa, nx, ny, nz, s[0], s[1], s[2]);
        return Math.max(percentile95(sa, toB), percentile95(sb, toA));
    }

    private static boolean any(boolean[] m) {
        for (boolean x : m) {
            if (x) {
                return true;
            }
        }
        return false;
    }

    /** Foreground voxels with a background 6-neighbour or on the image edge. */
    static boolean[] surface(boolean[] m, int nx, int ny, int nz) {
        boolean[] s = new boolean[m.length];
        for (int k = 0; k < nz; k++) {
            for (int j = 0; j < ny; j++) {
                for (int i = 0; i < nx; i++) {
                    int idx = i + nx * (j + ny * k);
                    if (!m[idx]) {
                        continue;
                    }
                    s[idx] = i == 0 || j == 0 || k == 0 || i == nx - 1 || j == ny - 1 || k == nz - 1
                            || !m[idx - 1] || !m[idx + 1] || !m[idx - nx] || !m[idx + nx]
                            || !m[idx - nx * ny] || !m[idx + nx * ny];
                }
            }
        }
        return s;
    }

    /** numpy.percentile(sqrt(d2[from]), 95) with linear interpolation. */
    private static double percentile95(boolean[] from, double[] d2) {
        int n = 0;
        for (boolean f : from) {
            if (f) {
                n++;
            }
        }
        double[] d = new double[n];
        int c = 0;
        for (int i = 0; i < from.length; i++) {
            if (from[i]) {
                d[c++] = Math.sqrt(d2[i]);
            }
        }
        Arrays.sort(d);
        double pos = 0.95 * (n - 1);
        int lo = (int) Math.floor(pos);
        int hi = Math.min(n - 1, lo + 1);
        return d[lo] + (d[hi] - d[lo]) * (pos - lo);
    }
}
