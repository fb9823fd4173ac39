package org.brainseg.model.quality;

import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.Map;
import org.brainseg.imaging.Volume;
import org.brainseg.imaging.dataset.LoadedCase;
import org.brainseg.imaging.labels.Region;
import org.brainseg.model.infer.ScanSegmenter;
import org.brainseg.model.infer.Segmentation;

/**
 * What a model's own outputs say about a mask, without ground truth: the scan is segmented a second
 * time mirrored left-right (array axis 0), the second mask is mirrored back, and the two are
 * compared per region (test-time-augmentation disagreement, Wang et al., Neurocomputing 2019; a
 * model sure of the anatomy it sees gives nearly the same mask both ways). Also the whole tumour's
 * volume ratio between the two passes and its connected components (a sound tumour mask is one or
 * a few blobs; scattered false positives are many). Works for any {@link ScanSegmenter}.
 *
 * <p>Feature names (all in [0, 1] but {@code volume.WT} in mL and {@code components.WT} a count):
 * {@code flipDice.WT|TC|ET} (both empty = 1), {@code volumeRatio.WT} (smaller over larger WT volume of
 * the two passes, 1 when both empty), {@code components.WT}, {@code largestComponent.WT} (share of the
 * WT voxels in its largest 6-connected component, 1 when empty), {@code volume.WT}.
 */
public final class FlipAgreement {
    /** The regions in the order of {@link #dice}: WT, TC, ET. */
    public static final Region[] REGIONS = {Region.WT, Region.TC, Region.ET};

    private FlipAgreement() {}

    /** Segments {@code c} mirrored and returns the features comparing that mask with {@code first}. */
    public static Map<String, Double> measure(ScanSegmenter model, LoadedCase c, Segmentation first) {
        Volume[] flipped = new Volume[c.channels().length];
        for (int m = 0; m < flipped.length; m++) {
            flipped[m] = flipX(c.channels()[m]);
        }
        Segmentation second = model.segment(new LoadedCase(c.id(), flipped, null, c.reference()), false);
        return features(first.mask(), flipX(second.mask()));
    }

    /** The features of two internal-label masks of one scan (same grid). */
    public static Map<String, Double> features(Volume a, Volume b) {
        if (!a.sameShape(b)) {
            throw new IllegalArgumentException("masks differ in shape");
        }
        Map<String, Double> f = new LinkedHashMap<>();
        double[] d = dice(a, b);
        for (int r = 0; r < REGIONS.length; r++) {
            f.put("flipDice." + REGIONS[r].name(), d[r]);
        }
        long va = count(a);
        long vb = count(b);
        f.put("volumeRatio.WT", va == 0 && vb == 0 ? 1.0 : (double) Math.min(va, vb) / Math.max(va, vb));
        long[] comp = components(a);
        f.put("components.WT", (double) comp[0]);
        f.put("largestComponent.WT", va == 0 ? 1.0 : (double) comp[1] / va);
        double[] s = a.spacing();
        f.put("volume.WT", va * s[0] * s[1] * s[2] / 1000.0);
        return f;
    }

    /** Dice per region (WT, TC, ET) of two internal-label masks; both empty = 1. */
    public static double[] dice(Volume a, Volume b) {
        float[] x = a.data();
        float[] y = b.data();
        long[] both = new long[3];
        long[] sum = new long[3];
        for (int i = 0; i < x.length; i++) {
            int la = (int) x[i];
            int lb = (int) y[i];
            for (int r = 0; r < 3; r++) {
                boolean ia = REGIONS[r].contains(la);
                boolean ib = REGIONS[r].contains(lb);
                if (ia && ib) {
                    both[r]++;
                }
                sum[r] += (ia ? 1 : 0) + (ib ? 1 : 0);
            }
        }
        double[] d = new double[3];
        for (int r = 0; r < 3; r++) {
            d[r] = sum[r] == 0 ? 1.0 : 2.0 * both[r] / sum[r];
        }
        return d;
    }

    /** The volume mirrored along array axis 0 (left-right in a RAS-like orientation). */
    public static Volume flipX(Volume v) {
        int nx = v.nx();
        int ny = v.ny();
        int nz = v.nz();
        float[] in = v.data();
        float[] out = new float[in.length];
        for (int z = 0; z < nz; z++) {
            for (int y = 0; y < ny; y++) {
                int row = nx * (y + ny * z);
                for (int x = 0; x < nx; x++) {
                    out[row + x] = in[row + nx - 1 - x];
                }
            }
        }
        return v.withData(out);
    }

    private static long count(Volume m) {
        long n = 0;
        for (float f : m.data()) {
            if (f > 0) {
                n++;
            }
        }
        return n;
    }

    /** {number of 6-connected components of the tumour (label > 0), voxels in the largest}. */
    static long[] components(Volume m) {
        int nx = m.nx();
        int ny = m.ny();
        int nz = m.nz();
        float[] d = m.data();
        boolean[] seen = new boolean[d.length];
        ArrayDeque<Integer> queue = new ArrayDeque<>();
        long count = 0;
        long largest = 0;
        for (int start = 0; start < d.length; start++) {
            if (d[start] <= 0 || seen[start]) {
                continue;
            }
            count++;
            long size = 0;
            seen[start] = true;
            queue.add(start);
            while (!queue.isEmpty()) {
                int i = queue.poll();
                size++;
                int x = i % nx;
                int y = (i / nx) % ny;
                int z = i / (nx * ny);
                int[] next = {x > 0 ? i - 1 : -1, x < nx - 1 ? i + 1 : -1, y > 0 ? i - nx : -1, y < ny - 1 ? i + nx : -1,
                    z > 0 ? i - nx * ny : -1, z < nz - 1 ? i + nx * ny : -1};
                for (int j : next) {
                    if (j >= 0 && !seen[j] && d[j] > 0) {
                        seen[j] = true;
                        queue.add(j);
                    }
                }
            }
            largest = Math.max(largest, size);
        }
        return new long[] {count, largest};
    }
}
