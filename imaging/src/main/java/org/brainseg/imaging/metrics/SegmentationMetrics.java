package org.brainseg.imaging.metrics;

import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.function.IntPredicate;
import java.util.stream.IntStream;
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

    /** Scores per label and region. */
    public record Report(Map<TumourLabel, Score> labels, Map<Region, Score> regions) {
        public Report {
            labels = Collections.unmodifiableMap(new EnumMap<>(labels));
            regions = Collections.unmodifiableMap(new EnumMap<>(regions));
        }

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
        // Every structure is made of tumour labels (never background 0): crop both label maps once to
        // the box around any tumour voxel of either, one voxel wider, and score there. Dice and HD95 are
        // the same as on the whole grid (outside the box every structure is empty; the margin keeps the
        // surface test and the distances exact), at a fraction of the work: a 1 mm scan is ~9 M voxels,
        // a tumour's box a few hundred thousand. An empty structure's HD95 still uses the whole grid.
        double diagonal = diagonal(pred);
        float[] pd = pred.data();
        float[] td = truth.data();
        int[] box = box(i -> pd[i] != 0 || td[i] != 0, pred.nx(), pred.ny(), pred.nz());
        Volume p = box == null ? pred : cropVolume(pred, box);
        Volume t = box == null ? truth : cropVolume(truth, box);
        // The six structures are independent: score them on all cores.
        TumourLabel[] ls = TumourLabel.values();
        Region[] rs = Region.values();
        Score[] scores = new Score[ls.length + rs.length];
        IntStream.range(0, scores.length).parallel().forEach(i -> scores[i] = i < ls.length
                ? score(p, t, v -> v == ls[i].internal(), diagonal)
                : score(p, t, rs[i - ls.length]::contains, diagonal));
        Map<TumourLabel, Score> labels = new EnumMap<>(TumourLabel.class);
        for (int i = 0; i < ls.length; i++) {
            labels.put(ls[i], scores[i]);
        }
        Map<Region, Score> regions = new EnumMap<>(Region.class);
        for (int i = 0; i < rs.length; i++) {
            regions.put(rs[i], scores[ls.length + i]);
        }
        return new Report(labels, regions);
    }

    /** Dice and HD95 of the voxels whose label satisfies {@code member}. */
    public static Score score(Volume pred, Volume truth, IntPredicate member) {
        return score(pred, truth, member, diagonal(pred));
    }

    /** As {@link #score(Volume, Volume, IntPredicate)} on a crop; {@code diagonal}: the whole image's, in mm. */
    private static Score score(Volume pred, Volume truth, IntPredicate member, double diagonal) {
        boolean[] a = mask(pred, member);
        boolean[] b = mask(truth, member);
        return new Score(dice(a, b), hd95(a, b, pred, diagonal));
    }

    /** The image's diagonal in mm: the HD95 of a structure present in only one of the two masks (BraTS). */
    private static double diagonal(Volume grid) {
        double[] s = grid.spacing();
        double dx = grid.nx() * s[0], dy = grid.ny() * s[1], dz = grid.nz() * s[2];
        return Math.sqrt(dx * dx + dy * dy + dz * dz);
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
        return hd95(a, b, grid, diagonal(grid));
    }

    /**
     * HD95 on {@code grid}, which may be a crop of the image: its border is then background one voxel
     * deep except where it is the image's edge, so treating it as an edge changes no surface voxel.
     */
    private static double hd95(boolean[] a, boolean[] b, Volume grid, double diagonal) {
        boolean anyA = any(a);
        boolean anyB = any(b);
        if (!anyA && !anyB) {
            return 0;
        }
        double[] s = grid.spacing();
        if (!anyA || !anyB) {
            return diagonal;
        }
        // Only the box around both masks matters: every surface voxel and its nearest counterpart
        // lie inside it. A one-voxel margin keeps the surface test identical to the full grid's
        // (the margin is background, or the image edge where the box touches it).
        int[] box = box(i -> a[i] || b[i], grid.nx(), grid.ny(), grid.nz());
        int nx = box[3] - box[0], ny = box[4] - box[1], nz = box[5] - box[2];
        boolean[] ca = crop(a, grid, box);
        boolean[] cb = crop(b, grid, box);
        boolean[] sa = surface(ca, nx, ny, nz, box, grid);
        boolean[] sb = surface(cb, nx, ny, nz, box, grid);
        double[] toB = DistanceTransform.squared(sb, nx, ny, nz, s[0], s[1], s[2]);
        double[] toA = DistanceTransform.squared(sa, nx, ny, nz, s[0], s[1], s[2]);
        return Math.max(percentile95(sa, toB), percentile95(sb, toA));
    }

    /**
     * {x0, y0, z0, x1, y1, z1} (end exclusive) of the voxels {@code inside} holds for, one voxel wider,
     * inside the image; null when there is none.
     */
    private static int[] box(IntPredicate inside, int nx, int ny, int nz) {
        int x0 = nx, y0 = ny, z0 = nz, x1 = -1, y1 = -1, z1 = -1;
        for (int k = 0, idx = 0; k < nz; k++) {
            for (int j = 0; j < ny; j++) {
                for (int i = 0; i < nx; i++, idx++) {
                    if (inside.test(idx)) {
                        x0 = Math.min(x0, i);
                        x1 = Math.max(x1, i);
                        y0 = Math.min(y0, j);
                        y1 = Math.max(y1, j);
                        z0 = Math.min(z0, k);
                        z1 = Math.max(z1, k);
                    }
                }
            }
        }
        if (x1 < 0) {
            return null;
        }
        return new int[] {Math.max(0, x0 - 1), Math.max(0, y0 - 1), Math.max(0, z0 - 1),
            Math.min(nx, x1 + 2), Math.min(ny, y1 + 2), Math.min(nz, z1 + 2)};
    }

    private static boolean[] crop(boolean[] m, Volume grid, int[] box) {
        return copyBox(m, new boolean[boxSize(box)], grid, box);
    }

    /** The voxels of {@code box} ({@code box}: as {@link #box}) as a volume of their own, same spacing. */
    private static Volume cropVolume(Volume v, int[] box) {
        return new Volume(box[3] - box[0], box[4] - box[1], box[5] - box[2], copyBox(v.data(), new float[boxSize(box)], v, box),
                v.affine());
    }

    private static int boxSize(int[] box) {
        return (box[3] - box[0]) * (box[4] - box[1]) * (box[5] - box[2]);
    }

    /** Copies the rows of {@code box} from {@code src} (an array on {@code grid}) into {@code dst}, x fastest. */
    private static <T> T copyBox(T src, T dst, Volume grid, int[] box) {
        int nx = box[3] - box[0], ny = box[4] - box[1], nz = box[5] - box[2];
        for (int k = 0; k < nz; k++) {
            for (int j = 0; j < ny; j++) {
                System.arraycopy(src, grid.index(box[0], box[1] + j, box[2] + k), dst, nx * (j + ny * k), nx);
            }
        }
        return dst;
    }

    /** Surface voxels of a cropped mask; the crop's border counts as the image edge only where it is one. */
    private static boolean[] surface(boolean[] m, int nx, int ny, int nz, int[] box, Volume grid) {
        boolean[] s = new boolean[m.length];
        for (int k = 0; k < nz; k++) {
            for (int j = 0; j < ny; j++) {
                for (int i = 0; i < nx; i++) {
                    int idx = i + nx * (j + ny * k);
                    if (!m[idx]) {
                        continue;
                    }
                    boolean edge = (i == 0 && box[0] == 0) || (j == 0 && box[1] == 0) || (k == 0 && box[2] == 0)
                            || (i == nx - 1 && box[3] == grid.nx()) || (j == ny - 1 && box[4] == grid.ny())
                            || (k == nz - 1 && box[5] == grid.nz());
                    s[idx] = edge
                            || (i > 0 && !m[idx - 1]) || (i < nx - 1 && !m[idx + 1])
                            || (j > 0 && !m[idx - nx]) || (j < ny - 1 && !m[idx + nx])
                            || (k > 0 && !m[idx - nx * ny]) || (k < nz - 1 && !m[idx + nx * ny]);
                }
            }
        }
        return s;
    }

    private static boolean any(boolean[] m) {
        for (boolean x : m) {
            if (x) {
                return true;
            }
        }
        return false;
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
