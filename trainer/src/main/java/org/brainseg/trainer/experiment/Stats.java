package org.brainseg.trainer.experiment;

import java.util.ArrayList;
import java.util.List;

/**
 * The statistics of a multi-seed comparison: mean and sample sd over seeds, and paired differences
 * (variant A minus variant B with the same seed, so both saw the same initialization seed, patch
 * order and cases).
 */
public final class Stats {
    private Stats() {}

    /** Mean, sample sd (n − 1; 0 for one value) and count. */
    public record Summary(double mean, double sd, int n) {
        public static Summary of(double[] v) {
            return new Summary(Stats.mean(v), Stats.sd(v), v == null ? 0 : v.length);
        }
    }

    /**
     * Per-seed differences a − b of one metric.
     *
     * @param seeds the seeds both variants ran with, in order
     * @param diff a − b per seed
     * @param lowerIsBetter true for losses, false for Dice
     */
    public record Paired(List<Long> seeds, double[] diff, boolean lowerIsBetter) {
        public Paired {
            seeds = List.copyOf(seeds);
            diff = diff.clone();
            if (seeds.size() != diff.length) {
                throw new IllegalArgumentException("one difference per seed expected");
            }
        }

        public Summary summary() {
            return Summary.of(diff);
        }

        /** Seeds where a was better than b (a strictly lower loss or higher Dice). */
        public int aBetter() {
            int n = 0;
            for (double d : diff) {
                if (lowerIsBetter ? d < 0 : d > 0) {
                    n++;
                }
            }
            return n;
        }

        /** Seeds where b was better than a. */
        public int bBetter() {
            int n = 0;
            for (double d : diff) {
                if (lowerIsBetter ? d > 0 : d < 0) {
                    n++;
                }
            }
            return n;
        }
    }

    /** Pairs {@code a} and {@code b} by seed (seeds present in both, in {@code a}'s order). */
    public static Paired paired(double[] a, List<Long> seedsA, double[] b, List<Long> seedsB, boolean lowerIsBetter) {
        List<Long> seeds = new ArrayList<>();
        List<Double> diff = new ArrayList<>();
        for (int i = 0; i < seedsA.size(); i++) {
            int j = seedsB.indexOf(seedsA.get(i));
            if (j >= 0) {
                seeds.add(seedsA.get(i));
                diff.add(a[i] - b[j]);
            }
        }
        return new Paired(seeds, diff.stream().mapToDouble(Double::doubleValue).toArray(), lowerIsBetter);
    }

    public static double mean(double[] d) {
        if (d == null || d.length == 0) {
            return Double.NaN;
        }
        double s = 0;
        for (double v : d) {
            s += v;
        }
        return s / d.length;
    }

    /** The smallest value, NaN for none. */
    public static double min(double[] d) {
        if (d == null || d.length == 0) {
            return Double.NaN;
        }
        double m = Double.POSITIVE_INFINITY;
        for (double v : d) {
            m = Math.min(m, v);
        }
        return m;
    }

    /** Sample standard deviation (n − 1), 0 for a single value, NaN for none. */
    public static double sd(double[] d) {
        if (d == null || d.length == 0) {
            return Double.NaN;
        }
        if (d.length < 2) {
            return 0;
        }
        double m = mean(d), s = 0;
        for (double v : d) {
            s += (v - m) * (v - m);
        }
        return Math.sqrt(s / (d.length - 1));
    }
}
