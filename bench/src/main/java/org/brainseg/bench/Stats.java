package org.brainseg.bench;

import java.util.Arrays;

/** Order statistics of a benchmark's samples: the median resists the outliers a shared machine produces. */
public final class Stats {
    private Stats() {}

    public static double median(double[] v) {
        requireSamples(v);
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    public static double min(double[] v) {
        requireSamples(v);
        return Arrays.stream(v).min().orElseThrow();
    }

    public static double max(double[] v) {
        requireSamples(v);
        return Arrays.stream(v).max().orElseThrow();
    }

    private static void requireSamples(double[] v) {
        if (v.length == 0) {
            throw new IllegalArgumentException("no samples");
        }
    }
}
