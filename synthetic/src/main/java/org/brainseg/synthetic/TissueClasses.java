package org.brainseg.synthetic;

/**
 * CSF, grey and white matter T1 intensities of a skull-stripped brain, by k-means (k = 3) on the
 * histogram of brain voxels. Working on a 512-bin histogram keeps it to microseconds per
 * iteration whatever the image size.
 */
final class TissueClasses {
    private static final int BINS = 512;
    private static final int ITERATIONS = 50;

    private TissueClasses() {}

    /** Class means in ascending order (CSF, GM, WM) of the voxels > 0. */
    static double[] kMeans(float[] t1) {
        double max = 0;
        for (float f : t1) {
            max = Math.max(max, f);
        }
        long[] hist = new long[BINS];
        long n = 0;
        for (float f : t1) {
            if (f > 0) {
                hist[Math.min(BINS - 1, (int) (f / max * BINS))]++;
                n++;
            }
        }
        double binWidth = max / BINS;
        double[] c = {percentile(hist, n, 0.05), percentile(hist, n, 0.5), percentile(hist, n, 0.95)};
        for (int a = 0; a < 3; a++) {
            c[a] = (c[a] + 0.5) * binWidth;
        }
        for (int it = 0; it < ITERATIONS; it++) {
            double[] sum = new double[3];
            double[] cnt = new double[3];
            for (int b = 0; b < BINS; b++) {
                if (hist[b] == 0) {
                    continue;
                }
                double x = (b + 0.5) * binWidth;
                int best = 0;
                for (int a = 1; a < 3; a++) {
                    if (Math.abs(x - c[a]) < Math.abs(x - c[best])) {
                        best = a;
                    }
                }
                sum[best] += x * hist[b];
                cnt[best] += hist[b];
            }
            for (int a = 0; a < 3; a++) {
                if (cnt[a] > 0) {
                    c[a] = sum[a] / cnt[a];
                }
            }
        }
        if (!(c[0] < c[1] && c[1] < c[2])) {
            throw new IllegalArgumentException("cannot separate CSF, grey and white matter in the anatomy's T1 histogram");
        }
        return c;
    }

    /** The histogram bin below which a fraction {@code q} of the {@code n} counted values lie. */
    static int percentile(long[] hist, long n, double q) {
        long target = (long) (q * n);
        long acc = 0;
        for (int b = 0; b < hist.length; b++) {
            acc += hist[b];
            if (acc > target) {
                return b;
            }
        }
        return hist.length - 1;
    }
}
