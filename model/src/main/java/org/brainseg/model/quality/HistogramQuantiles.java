package org.brainseg.model.quality;

import java.util.Arrays;

/**
 * Exact nearest-rank quantiles without sorting: a histogram of the values finds the bin that
 * holds each wanted rank, and a selection among that bin's values finds the value. Two or three
 * linear passes over a brain's voxels (about a million and a half at 1 mm) instead of a sort or
 * repeated partitions, which is what keeps {@link InputGuard#check} well under a second on a
 * 240 x 240 x 155 scan. The answer does not depend on the bins: they only narrow the search (an
 * extreme outlier that crowds every value into one bin makes it slower, not wrong).
 */
final class HistogramQuantiles {
    private static final int BINS = 4096;

    private HistogramQuantiles() {}

    /**
     * The values of rank {@code round(p (n - 1))} among the first {@code n} of {@code values}
     * (finite), for each p of {@code ascending}; leaves {@code values} as they are.
     */
    static double[] select(float[] values, int n, double... ascending) {
        if (n < 1) {
            throw new IllegalArgumentException("no values to take quantiles of");
        }
        int[] ranks = new int[ascending.length];
        for (int i = 0; i < ranks.length; i++) {
            ranks[i] = (int) Math.round(ascending[i] * (n - 1));
            if (i > 0 && ranks[i] < ranks[i - 1]) {
                throw new IllegalArgumentException("quantiles must be ascending");
            }
        }
        float min = Float.POSITIVE_INFINITY;
        float max = Float.NEGATIVE_INFINITY;
        for (int k = 0; k < n; k++) {
            min = Math.min(min, values[k]);
            max = Math.max(max, values[k]);
        }
        double[] out = new double[ranks.length];
        if (!(max > min)) {
            Arrays.fill(out, min);
            return out;
        }
        double scale = BINS / ((double) max - min);
        int[] counts = new int[BINS];
        for (int k = 0; k < n; k++) {
            counts[bin(values[k], min, scale)]++;
        }
        int[] binOf = new int[ranks.length];
        int[] rankInBin = new int[ranks.length];
        int b = 0;
        int below = 0;
        for (int i = 0; i < ranks.length; i++) {
            while (below + counts[b] <= ranks[i]) {
                below += counts[b++];
            }
            binOf[i] = b;
            rankInBin[i] = ranks[i] - below;
        }
        float[][] inBin = gather(values, n, min, scale, counts, binOf);
        for (int i = 0; i < ranks.length; i++) {
            float[] v = inBin[binOf[i]];
            selectRank(v, 0, v.length - 1, rankInBin[i]);
            out[i] = v[rankInBin[i]];
        }
        return out;
    }

    /** The values of each bin in {@code wanted}, indexed by bin (null for the others). */
    private static float[][] gather(float[] values, int n, float min, double scale, int[] counts, int[] wanted) {
        float[][] inBin = new float[BINS][];
        int[] filled = new int[BINS];
        for (int b : wanted) {
            inBin[b] = new float[counts[b]];
        }
        for (int k = 0; k < n; k++) {
            int b = bin(values[k], min, scale);
            if (inBin[b] != null) {
                inBin[b][filled[b]++] = values[k];
            }
        }
        return inBin;
    }

    /** Monotone in v, so that every value of a bin is at most every value of the next. */
    private static int bin(float v, float min, double scale) {
        return Math.min(BINS - 1, (int) (((double) v - min) * scale));
    }

    /**
     * Puts the value of rank k (within lo..hi) at k, smaller ones before it and larger ones after:
     * quickselect with a three-way partition, so that the many equal voxels of integer-valued
     * images cost nothing, and a median-of-three pivot.
     */
    private static void selectRank(float[] a, int lo, int hi, int k) {
        while (hi > lo) {
            float p = medianOf3(a[lo], a[(lo + hi) >>> 1], a[hi]);
            int lt = lo;
            int i = lo;
            int gt = hi;
            while (i <= gt) {
                float v = a[i];
                if (v < p) {
                    swap(a, lt++, i++);
                } else if (v > p) {
                    swap(a, i, gt--);
                } else {
                    i++;
                }
            }
            if (k < lt) {
                hi = lt - 1;
            } else if (k > gt) {
                lo = gt + 1;
            } else {
                return;
            }
        }
    }

    private static float medianOf3(float a, float b, float c) {
        return Math.max(Math.min(a, b), Math.min(Math.max(a, b), c));
    }

    private static void swap(float[] a, int i, int j) {
        float t = a[i];
        a[i] = a[j];
        a[j] = t;
    }
}
